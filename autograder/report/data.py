"""The class report's data: read from the gradebook, the answer store and ``autograded/``.

Read-only over what grading left behind: nbgrader's gradebook (scores, lateness, submission
times; the configured ``c.CourseDirectory.db_url``), the answer store (each student's extracted
homework filter), the autograded folder (a submission without its autograded notebook failed to
grade) and the submitted notebooks' code (``report_notebooks``). Nothing is executed or
re-scored here. Student ids come from submissions and are untrusted: the page escapes
everything it is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from traitlets import Float, Int
from traitlets.config import Configurable

from autograder.answers import store as answer_store
from autograder.answers.codec import decode
from autograder.contract import GRADED_CELLS, HOMEWORK, HOMEWORK_ANSWER_VARIABLE, HOMEWORK_SCORE_CELL, HOMEWORK_TASK
from autograder.course import Course
from autograder.exercises.base import MISSING
from autograder.scoring import coerce_kernel, describe_kernel
from autograder.report.notebooks import AssignmentCode, read_assignment_code
from autograder.report.similarity import SimilaritySettings


class ClassReport(Configurable):
    """Options of the class report, set in ``nbgrader_config.py`` (``c.ClassReport.pass_fraction``)."""

    pass_fraction = Float(0.6, help="A partial-credit cell counts as passed from this share of its points "
                                    "(all-or-nothing cells need their full points).").tag(config=True)
    similarity_shared_fraction = Float(0.2, min=0.0, max=1.0, help=(
        "Code written alike by at least this share of the class (and never fewer than 3 students) is "
        "common, never evidence of copying.")).tag(config=True)
    similarity_threshold = Float(0.65, min=0.0, max=1.0, help=(
        "Flag a pair of students from this share of their own code in common, cell by cell.")).tag(config=True)
    similarity_notebook_threshold = Float(0.85, min=0.0, max=1.0, help=(
        "... or when this share of one student's own code is anywhere in the other's notebook.")).tag(config=True)
    similarity_min_tokens = Int(40, min=1, help=(
        "... over at least this many tokens of own code in common (a few statements).")).tag(config=True)

    def similarity_settings(self) -> SimilaritySettings:
        return SimilaritySettings(shared_fraction=self.similarity_shared_fraction,
                                  threshold=self.similarity_threshold,
                                  notebook_threshold=self.similarity_notebook_threshold,
                                  min_tokens=self.similarity_min_tokens)


@dataclass(frozen=True)
class ReportCell:
    """One graded cell of an assignment, as the gradebook knows it."""

    grade_id: str
    max_score: float
    partial_credit: bool = False


@dataclass(frozen=True)
class AssignmentInfo:
    name: str
    cells: tuple[ReportCell, ...]
    has_duedate: bool = True  # without one nbgrader counts every submission as on time

    @property
    def max_score(self) -> float:
        return sum(cell.max_score for cell in self.cells)


@dataclass(frozen=True)
class SubmissionRow:
    """One student's graded submission of one assignment."""

    student: str
    assignment: str
    score: float
    max_score: float
    seconds_late: float = 0.0
    cell_scores: dict = field(default_factory=dict)  # grade_id -> points earned
    failed_notebooks: tuple[str, ...] = ()  # in the gradebook, but never autograded
    run_notes: tuple[str, ...] = ()  # why a notebook's run fell short (answer store)
    submitted_at: datetime | None = None  # the gradebook's submission time (UTC), never the student's word


@dataclass(frozen=True)
class HomeworkAnswer:
    """A student's homework filter: the 2x2 numbers when usable, and what kind of filter it is.

    ``kind`` is :func:`describe_kernel`'s name, or ``'missing'`` (no ``kernel`` defined or no
    answer came back), ``'invalid'`` (not a readable 2x2 filter) or ``'failed'`` (the notebook
    did not grade); ``detail`` says why for those.
    """

    student: str
    kind: str
    kernel: list | None = None
    detail: str = ""


@dataclass
class ClassData:
    course_id: str
    generated_at: datetime
    students: list[str]
    assignments: list[AssignmentInfo]
    submissions: list[SubmissionRow]
    homework: list[HomeworkAnswer]
    pass_fraction: float = 0.6
    code: dict[str, AssignmentCode] = field(default_factory=dict)  # by assignment, where released
    similarity: SimilaritySettings = SimilaritySettings()
    learned: list[HomeworkAnswer] = field(default_factory=list)  # learn-kernel filters (report.learned)


def read_homework_answer(student: str, answer_text: str | None, detail: str = "") -> HomeworkAnswer:
    """What the extracted answer of the homework cell says (codec JSON, untrusted; never raises)."""
    if answer_text is None:
        return HomeworkAnswer(student, "missing", detail=detail or "no answer came back from the run")
    data = decode(answer_text)
    if not isinstance(data, dict):
        return HomeworkAnswer(student, "invalid", detail="unreadable answer")
    if HOMEWORK_ANSWER_VARIABLE in (data.get(MISSING) or ()):
        return HomeworkAnswer(student, "missing", detail="`kernel` is not defined")
    if "problem" in data:
        return HomeworkAnswer(student, "invalid", detail=str(data["problem"])[:200])
    kernel = coerce_kernel(data.get(HOMEWORK_ANSWER_VARIABLE)).kernel
    if kernel is None:
        return HomeworkAnswer(student, "invalid", detail="not a 2x2 filter")
    return HomeworkAnswer(student, describe_kernel(kernel, task=HOMEWORK_TASK), kernel.tolist())


def _assignment_info(assignment) -> AssignmentInfo:
    cells = [ReportCell(cell.name, float(cell.max_score or 0),
                        getattr(GRADED_CELLS.get(cell.name), "partial_credit", False))
             for notebook in assignment.notebooks for cell in notebook.grade_cells]
    return AssignmentInfo(assignment.name, tuple(cells), assignment.duedate is not None)


def _submission_row(course: Course, submission, run_notes: dict) -> SubmissionRow:
    """A gradebook submission, with its notebooks that have no autograded file (nbgrader removes
    the folder of a notebook it could not grade, but keeps the zero-score submission)."""
    student, assignment = submission.student.id, submission.assignment.name
    folder = course.folder("autograded", student, assignment)
    failed = tuple(nb.name for nb in submission.notebooks if not (folder / f"{nb.name}.ipynb").is_file())
    cells = {grade.name: float(grade.score or 0) for nb in submission.notebooks for grade in nb.grades}
    at = submission.timestamp
    if at is not None:  # nbgrader keeps naive UTC times; a database may hand back aware ones
        at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    return SubmissionRow(student, assignment, float(submission.score or 0), float(submission.max_score or 0),
                         float(submission.total_seconds_late or 0), cells, failed,
                         tuple(run_notes.get((assignment, student), ())), at)


def _stored_answers(root: Path, assignments) -> tuple[dict, dict]:
    """Homework answer text per student, and run notes per (assignment, student)."""
    homework, notes = {}, defaultdict(list)
    for name in assignments:
        for stored in answer_store.load(root, name):
            if stored.run_note:
                notes[(name, stored.student)].append(stored.run_note)
            if name == HOMEWORK.name and HOMEWORK_SCORE_CELL in stored.answers:
                homework[stored.student] = stored
    return homework, notes


def _homework_answer(row: SubmissionRow, stored) -> HomeworkAnswer:
    if row.failed_notebooks:
        return HomeworkAnswer(row.student, "failed", detail="the notebook could not be graded")
    if stored is None:
        return HomeworkAnswer(row.student, "missing", detail="no extracted answer stored")
    return read_homework_answer(row.student, stored.answers.get(HOMEWORK_SCORE_CELL), stored.run_note or "")


def load_class_data(course_root: Path) -> ClassData:
    """Everything the report shows, read from the course at ``course_root`` (nothing is written)."""
    from nbgrader.api import MissingEntry

    course = Course(Path(course_root).resolve())
    root = course.root
    url = course.db_url()
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        raise FileNotFoundError(f"{url[len('sqlite:///'):]} is missing: autograde the class first.")
    config = course.config
    course_id = course.course_id
    with course.gradebook() as gb:
        students = sorted(student.id for student in gb.students)
        assignments = [_assignment_info(a) for a in sorted(gb.assignments, key=lambda a: a.name)]
        stored, run_notes = _stored_answers(root, [a.name for a in assignments])
        rows = []
        for assignment in assignments:
            for student in students:
                try:
                    rows.append(_submission_row(course, gb.find_submission(assignment.name, student), run_notes))
                except MissingEntry:
                    continue
    homework = [_homework_answer(row, stored.get(row.student)) for row in rows if row.assignment == HOMEWORK.name]
    code = {}
    for assignment in assignments:
        read = read_assignment_code(course, assignment.name)
        if read is not None:
            code[assignment.name] = read.with_times({row.student: row.submitted_at for row in rows
                                                     if row.assignment == assignment.name and row.submitted_at})
    settings = ClassReport(config=config)
    return ClassData(course_id, datetime.now(timezone.utc), students, assignments, rows, homework,
                     settings.pass_fraction, code, settings.similarity_settings())
