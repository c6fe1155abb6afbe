"""``week12 report``: one self-contained HTML page on how the class did, for the instructor.

Read-only over what grading left behind: the nbgrader gradebook (scores, lateness), the answer
store (each student's extracted homework filter, ``answer_store``) and the ``autograded/``
folder (a submission without its autograded notebook failed to grade). Nothing is executed or
re-scored here; the page shows

1. the course, when the page was made and how many students there are;
2. the distribution of total scores per assignment;
3. the pass rate of every graded cell (``ClassReport.pass_fraction`` for partial-credit cells);
4. the homework filters grouped by what they do (``scoring.describe_kernel``), with an example
   filter and its response to a hidden test image per group;
5. identical unusual filters, worth a look (:func:`identical_unusual_groups`);
6. late submissions, students without a grade and notebooks that failed to grade.

Figures are drawn with ``matplotlib.figure.Figure`` on the Agg canvas (no ``pyplot`` state) and
embedded as base64 PNG, so the page is one file that can be mailed or archived. Student ids come
from submissions and are untrusted: the Jinja2 template escapes everything it is given.
"""

from __future__ import annotations

import base64
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from traitlets import Float
from traitlets.config import Configurable

from autograder.answers.codec import decode
from autograder.authoring import week12_homework
from autograder.exercises import EXERCISES
from autograder.exercises import homework as homework_exercise
from autograder.exercises.base import MISSING
from autograder.scoring import coerce_kernel, describe_kernel
from autograder.settings import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, feedback_language
from autograder.workflow import answer_store
from autograder.workflow.course_config import load_course_config

HOMEWORK = week12_homework.ASSIGNMENT
HOMEWORK_CELL = week12_homework.SCORE_GRADE_ID
HOMEWORK_TASK = homework_exercise.HOMEWORK_TASK
DEFAULT_REPORT_PATH = Path("reports") / "class-report.html"


class ClassReport(Configurable):
    """Options of the class report, set in ``nbgrader_config.py`` (``c.ClassReport.pass_fraction``)."""

    pass_fraction = Float(0.6, help="A partial-credit cell counts as passed from this share of its points "
                                    "(all-or-nothing cells need their full points).").tag(config=True)


# --- the data the page is made from ---------------------------------------------------------

@dataclass(frozen=True)
class GradedCell:
    """One graded cell of an assignment, as the gradebook knows it."""

    grade_id: str
    max_score: float
    partial_credit: bool = False


@dataclass(frozen=True)
class AssignmentInfo:
    name: str
    cells: tuple[GradedCell, ...]
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


# --- reading the gradebook and the answer store --------------------------------------------

def read_homework_answer(student: str, answer_text: str | None, detail: str = "") -> HomeworkAnswer:
    """What the extracted answer of the homework cell says (codec JSON, untrusted; never raises)."""
    if answer_text is None:
        return HomeworkAnswer(student, "missing", detail=detail or "no answer came back from the run")
    data = decode(answer_text)
    if not isinstance(data, dict):
        return HomeworkAnswer(student, "invalid", detail="unreadable answer")
    if "kernel" in (data.get(MISSING) or ()):
        return HomeworkAnswer(student, "missing", detail="`kernel` is not defined")
    if "problem" in data:
        return HomeworkAnswer(student, "invalid", detail=str(data["problem"])[:200])
    kernel = coerce_kernel(data.get("kernel")).kernel
    if kernel is None:
        return HomeworkAnswer(student, "invalid", detail="not a 2x2 filter")
    return HomeworkAnswer(student, describe_kernel(kernel, task=HOMEWORK_TASK), kernel.tolist())


def _assignment_info(assignment) -> AssignmentInfo:
    cells = [GradedCell(cell.name, float(cell.max_score or 0),
                        getattr(EXERCISES.get(cell.name), "partial_credit", False))
             for notebook in assignment.notebooks for cell in notebook.grade_cells]
    return AssignmentInfo(assignment.name, tuple(cells), assignment.duedate is not None)


def _submission_row(root: Path, submission, run_notes: dict) -> SubmissionRow:
    """A gradebook submission, with its notebooks that have no autograded file (nbgrader removes
    the folder of a notebook it could not grade, but keeps the zero-score submission)."""
    student, assignment = submission.student.id, submission.assignment.name
    folder = root / "autograded" / student / assignment
    failed = tuple(nb.name for nb in submission.notebooks if not (folder / f"{nb.name}.ipynb").is_file())
    cells = {grade.name: float(grade.score or 0) for nb in submission.notebooks for grade in nb.grades}
    return SubmissionRow(student, assignment, float(submission.score or 0), float(submission.max_score or 0),
                         float(submission.total_seconds_late or 0), cells, failed,
                         tuple(run_notes.get((assignment, student), ())))


def _stored_answers(root: Path, assignments) -> tuple[dict, dict]:
    """Homework answer text per student, and run notes per (assignment, student)."""
    homework, notes = {}, defaultdict(list)
    for name in assignments:
        for stored in answer_store.load(root, name):
            if stored.run_note:
                notes[(name, stored.student)].append(stored.run_note)
            if name == HOMEWORK and HOMEWORK_CELL in stored.answers:
                homework[stored.student] = stored
    return homework, notes


def _homework_answer(row: SubmissionRow, stored) -> HomeworkAnswer:
    if row.failed_notebooks:
        return HomeworkAnswer(row.student, "failed", detail="the notebook could not be graded")
    if stored is None:
        return HomeworkAnswer(row.student, "missing", detail="no extracted answer stored")
    return read_homework_answer(row.student, stored.answers.get(HOMEWORK_CELL), stored.run_note or "")


def load_class_data(course_root: Path) -> ClassData:
    """Everything the report shows, read from the course at ``course_root`` (nothing is written)."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(course_root).resolve()
    database = root / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(f"{database} is missing: autograde the class first.")
    config = load_course_config(root)
    course_id = str(config.CourseDirectory.get("course_id", ""))
    # The course id nbgrader graded with, so that opening the gradebook adds no course row.
    with Gradebook(f"sqlite:///{database}", course_id) as gb:
        students = sorted(student.id for student in gb.students)
        assignments = [_assignment_info(a) for a in sorted(gb.assignments, key=lambda a: a.name)]
        stored, run_notes = _stored_answers(root, [a.name for a in assignments])
        rows = []
        for assignment in assignments:
            for student in students:
                try:
                    rows.append(_submission_row(root, gb.find_submission(assignment.name, student), run_notes))
                except MissingEntry:
                    continue
    homework = [_homework_answer(row, stored.get(row.student)) for row in rows if row.assignment == HOMEWORK]
    return ClassData(course_id, datetime.now(timezone.utc), students, assignments, rows, homework,
                     ClassReport(config=config).pass_fraction)


# --- what the page says (pure) -----------------------------------------------------------------

KERNEL_GROUPS = ("intended", "single_column", "diagonal", "vertical", "smoothing", "other", "no_filter")
# describe_kernel's kinds (and the reasons there is no filter) -> the report's groups.
_GROUP_OF_KIND = {"intended_horizontal": "intended", "single_column_horizontal": "single_column",
                  "diagonal": "diagonal", "vertical": "vertical", "single_row_vertical": "vertical",
                  "smoothing": "smoothing", "other": "other"}


def kernel_group(kind: str) -> str:
    """The report group of a filter kind; zero, invalid, missing and failed have no usable filter."""
    return _GROUP_OF_KIND.get(kind, "no_filter")


# The answers every student meets: the homework's intended filter and its single-column forms,
# the lecture's vertical filter and the mean filter. Any non-zero multiple of one is common.
COMMON_KERNELS = (((-1, -1), (1, 1)), ((-1, 0), (1, 0)), ((0, -1), (0, 1)), ((-1, 1), (-1, 1)), ((1, 1), (1, 1)))
MAX_SHARED_UNUSUAL = 3  # a filter shared by more students is class-wide knowledge, not copying


def is_common_kernel(kernel) -> bool:
    """True for the zero filter and for any scalar multiple (sign included) of :data:`COMMON_KERNELS`."""
    k = np.asarray(kernel, dtype=np.float64).ravel()
    if not np.any(k):
        return True
    for common in COMMON_KERNELS:
        c = np.asarray(common, dtype=np.float64).ravel()
        scale = k @ c / (c @ c)
        if scale != 0 and np.allclose(k, scale * c, rtol=1e-9, atol=1e-12 * np.abs(k).max()):
            return True
    return False


def identical_unusual_groups(kernels: dict[str, list]) -> list[tuple[list, list[str]]]:
    """Groups of 2 to :data:`MAX_SHARED_UNUSUAL` students who handed in exactly the same
    unusual filter, as ``(kernel, students)``, largest group first.

    Why: the same odd numbers (``[[-3, -1], [2, 2]]``) from two students are worth a look, while
    the same *common* answer is not: the canonical filters of the lecture and the homework, any
    multiple of them (students scale and flip signs freely) and the zero filter are everyone's
    answers, and so is a filter more than ``MAX_SHARED_UNUSUAL`` students chose. Equality is on
    the exact numbers; ``kernels`` maps student -> 2x2 filter (``None`` or other shapes are skipped).
    """
    by_numbers = defaultdict(list)
    for student, kernel in kernels.items():
        try:
            values = np.asarray(kernel, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if values.size == 4 and np.all(np.isfinite(values)):
            by_numbers[tuple(values.ravel().tolist())].append(student)
    groups = [(np.reshape(numbers, (2, 2)).tolist(), sorted(students)) for numbers, students in by_numbers.items()
              if 2 <= len(students) <= MAX_SHARED_UNUSUAL and not is_common_kernel(numbers)]
    return sorted(groups, key=lambda group: (-len(group[1]), group[1]))


def cell_passed(score: float, max_score: float, partial_credit: bool, pass_fraction: float) -> bool:
    """Full points pass a cell; a partial-credit cell passes from ``pass_fraction`` of them."""
    needed = max_score * (pass_fraction if partial_credit else 1.0)
    return score >= needed - 1e-9


def pass_rates(data: ClassData, assignment: AssignmentInfo) -> list[dict]:
    """Per graded cell: how many of the assignment's submissions passed it, and the share."""
    rows = [row for row in data.submissions if row.assignment == assignment.name]
    rates = []
    for cell in assignment.cells:
        passed = sum(cell_passed(row.cell_scores.get(cell.grade_id, 0.0), cell.max_score, cell.partial_credit,
                                 data.pass_fraction) for row in rows)
        rates.append({"grade_id": cell.grade_id, "points": cell.max_score, "partial_credit": cell.partial_credit,
                      "passed": passed, "n": len(rows), "rate": passed / len(rows) if rows else 0.0})
    return rates


def score_summary(data: ClassData, assignment: AssignmentInfo) -> dict:
    """Total scores of an assignment's submissions as shares of its maximum, with their statistics."""
    shares = [row.score / row.max_score if row.max_score else 0.0
              for row in data.submissions if row.assignment == assignment.name]
    if not shares:
        return {"n": 0, "shares": []}
    return {"n": len(shares), "shares": shares, "mean": statistics.fmean(shares),
            "median": statistics.median(shares), "min": min(shares), "max": max(shares)}


def kernel_groups(answers: list[HomeworkAnswer]) -> list[dict]:
    """The homework filters by report group: count, students, and the group's most common filter."""
    members = defaultdict(list)
    for answer in answers:
        members[kernel_group(answer.kind)].append(answer)
    groups = []
    for name in KERNEL_GROUPS:
        found = members.get(name, [])
        usable = [tuple(map(tuple, answer.kernel)) for answer in found if answer.kernel is not None]
        example = [list(row) for row in Counter(usable).most_common(1)[0][0]] if usable else None
        groups.append({"name": name, "count": len(found), "answers": sorted(found, key=lambda a: a.student),
                       "example": None if name == "no_filter" else example})
    return groups


def format_delay(seconds: float, language: str = "ko") -> str:
    """``95 min`` -> ``1시간 35분`` / ``1 h 35 min``: lateness in the largest two units."""
    units = {"ko": ("일", "시간", "분", "초"), "en": (" d", " h", " min", " s")}[language]
    parts, rest = [], int(round(seconds))
    for unit, size in zip(units, (86400, 3600, 60, 1)):
        if rest >= size or (size == 1 and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts[:2])


# --- figures (embedded as PNG data URIs) ----------------------------------------------------

def _data_uri(figure) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(summary: dict, title: str) -> str:
    """Histogram of total score / maximum in tenths, mean and median marked (labels in English)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(5.2, 2.8), dpi=90, layout="tight")
    axis = figure.subplots()
    axis.hist(summary["shares"], bins=np.linspace(0, 1, 11), color="#7a9cc6", edgecolor="white")
    axis.axvline(summary["mean"], color="#c0392b", lw=1.5, label=f"mean {summary['mean']:.0%}")
    axis.axvline(summary["median"], color="#2c3e50", lw=1.5, ls="--", label=f"median {summary['median']:.0%}")
    axis.set(xlim=(0, 1), xlabel="score / max score", ylabel="students", title=title)
    axis.xaxis.set_major_formatter("{x:.0%}")
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of students
    axis.legend(fontsize=8)
    return _data_uri(figure)


def pass_rate_chart(rates: list[dict], title: str) -> str:
    """Horizontal bars: share of submissions that passed each graded cell (labels in English)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2, max(1.8, 0.8 + 0.32 * len(rates))), dpi=90, layout="tight")
    axis = figure.subplots()
    labels = [rate["grade_id"] for rate in rates]
    axis.barh(labels, [rate["rate"] for rate in rates], color="#6aa57a")
    axis.invert_yaxis()
    axis.set(xlim=(0, 1), xlabel="pass rate", title=title)
    axis.xaxis.set_major_formatter("{x:.0%}")
    axis.tick_params(axis="y", labelsize=8)
    return _data_uri(figure)


def response_figure(kernel: list, language: str) -> str:
    from autograder.scoring.figure import response_figure_png

    png = response_figure_png(np.array(kernel, dtype=float), task=HOMEWORK_TASK, language=language)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --- the page ------------------------------------------------------------------------------

def _problem_rows(data: ClassData) -> list[dict]:
    """Students without a submission, notebooks that failed to grade, and runs that fell short;
    ``reason`` is a label id of the template, ``detail`` the notebook or the note."""
    submitted = {(row.assignment, row.student) for row in data.submissions}
    rows = [{"student": student, "assignment": assignment.name, "reason": "not_submitted", "detail": ""}
            for assignment in data.assignments for student in data.students
            if (assignment.name, student) not in submitted]
    for row in data.submissions:
        rows += [{"student": row.student, "assignment": row.assignment, "reason": "failed", "detail": name}
                 for name in row.failed_notebooks]
        rows += [{"student": row.student, "assignment": row.assignment, "reason": "run_note", "detail": note}
                 for note in row.run_notes]
    return rows


def _page_context(data: ClassData, language: str) -> dict:
    """Numbers, figures and rows for the template (its words are in the template itself)."""
    assignments = []
    for assignment in data.assignments:
        summary = score_summary(data, assignment)
        rates = pass_rates(data, assignment)
        assignments.append({
            "name": assignment.name, "max_score": assignment.max_score, "summary": summary, "rates": rates,
            "histogram": score_histogram(summary, assignment.name) if summary["n"] else None,
            "pass_chart": pass_rate_chart(rates, assignment.name) if rates else None})
    groups = kernel_groups(data.homework)
    for group in groups:
        group["figure"] = response_figure(group["example"], language) if group["example"] else None
    kinds = {answer.student: answer.kind for answer in data.homework}
    identical = identical_unusual_groups({a.student: a.kernel for a in data.homework if a.kernel is not None})
    late = [{"student": row.student, "assignment": row.assignment, "how_late": format_delay(row.seconds_late, language)}
            for row in sorted(data.submissions, key=lambda r: (r.assignment, -r.seconds_late)) if row.seconds_late > 0]
    return {"language": language, "data": data, "assignments": assignments, "groups": groups,
            "identical": [{"kernel": k, "students": s, "group": kernel_group(kinds[s[0]])} for k, s in identical],
            "late": late, "problems": _problem_rows(data),
            "no_duedate": [assignment.name for assignment in data.assignments if not assignment.has_duedate],
            "generated": data.generated_at.strftime("%Y-%m-%d %H:%M %Z")}


def render_class_report(data: ClassData, language: str = "ko") -> str:
    """The whole report as one self-contained HTML page (UTF-8, figures inline, data escaped)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    language = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    environment = Environment(loader=PackageLoader("autograder.workflow", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["number"] = lambda value: f"{float(value):g}"
    return environment.get_template("class_report.html.j2").render(_page_context(data, language))


def write_class_report(course_root: Path, out_path: Path | None = None) -> Path:
    """Write the report of the course at ``course_root`` (default ``reports/class-report.html``
    there), in the course's feedback language; returns the file written."""
    root = Path(course_root)
    out_path = Path(out_path) if out_path is not None else root / DEFAULT_REPORT_PATH
    html = render_class_report(load_class_data(root), feedback_language(root))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    return out_path
