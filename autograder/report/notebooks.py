"""The class report's code: what each student wrote in their notebooks, for the similarity section.

Read-only, and nothing is executed. The released notebook (``release/``) says which cells are
answer cells (nbgrader's ``solution: true`` cells, by grade id) and which code every student
was given; the worked solution (``solutions/``) gives the reference answers. The students'
notebooks are read from the ``submitted/`` folder as they handed them in, as untrusted data:
a file that is not a regular file, is too large, is not UTF-8 JSON or is not a notebook is
listed with the reason and left out, and everyone else is compared; an over-long cell is cut
(and the student listed as compared in part), and so is a notebook of too many cells. A
student's cell is matched to an answer cell by its nbgrader grade id, the first one only; every
other code cell that is not one of the release's is the student's own "other code".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from autograder.course import Course
from autograder.report.similarity import SharedCode, SubmittedCode

MAX_NOTEBOOK_BYTES = 20_000_000  # a lab with its figures is well under 1 MB
MAX_CELL_CHARS = 50_000
MAX_CODE_CELLS = 400


@dataclass(frozen=True)
class AssignmentCode:
    """One assignment's code: what was shared, and what each student handed in."""

    assignment: str
    answer_cells: tuple[str, ...]  # grade ids, in notebook order
    shared: SharedCode
    submissions: tuple[SubmittedCode, ...]
    unreadable: tuple[tuple[str, str], ...] = ()  # (student, why): not compared
    shortened: tuple[tuple[str, str], ...] = ()  # (student, why): compared in part

    def with_times(self, times: dict[str, datetime]) -> AssignmentCode:
        """The same code with submission times (from the gradebook) where known."""
        return replace(self, submissions=tuple(replace(s, submitted_at=times.get(s.student)) for s in self.submissions))


class UnreadableNotebook(Exception):
    """A submitted notebook the similarity check cannot read; its text says why."""


def _grade_id(cell) -> str | None:
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _is_answer(cell) -> bool:
    """An nbgrader answer cell (``solution: true``), in a notebook of the course's own."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def read_notebook_cells(path: Path) -> list:
    """The cells of the notebook at ``path`` (an untrusted file); :class:`UnreadableNotebook` if
    it cannot be read as a notebook."""
    import nbformat

    if path.is_symlink() or not path.is_file():
        raise UnreadableNotebook(f"{path.name} is missing")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"{path.name} is too large to compare ({size / 1e6:.0f} MB)")
    try:
        notebook = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4, capture_validation_error={})
        cells = notebook.get("cells")
    except Exception as error:  # noqa: BLE001 - whatever a student's file holds, it is listed, never raised
        raise UnreadableNotebook(f"{path.name} is not a readable notebook ({type(error).__name__})") from None
    if not isinstance(cells, list):
        raise UnreadableNotebook(f"{path.name} has no list of cells")
    return [cell for cell in cells if isinstance(cell, dict)]


def _code_cells(cells: list) -> list:
    return [cell for cell in cells if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str)]


def _released(course: Course, assignment: str) -> tuple[list[tuple[str, list]], dict[str, list]]:
    """The released notebooks' code cells by notebook, and the solution's answer sources by grade id."""
    notebooks = []
    for path in sorted(course.folder("release", assignment=assignment).glob("*.ipynb")):
        notebooks.append((path.name, _code_cells(read_notebook_cells(path))))
    reference = {}
    for name, _ in notebooks:
        try:
            cells = _code_cells(read_notebook_cells(course.folder("solution", assignment=assignment) / name))
        except UnreadableNotebook:
            continue  # without a worked solution, only the release is shared
        reference.update({_grade_id(cell): cell["source"] for cell in cells if _is_answer(cell) and _grade_id(cell)})
    return notebooks, reference


def _student_code(student: str, folder: Path, notebooks, answer_key) -> tuple[SubmittedCode, list[str]]:
    """What the student wrote, and what had to be cut; UnreadableNotebook if no notebook reads."""
    answers, other, cut, problems = {}, [], [], []
    for name, released in notebooks:
        try:
            cells = _code_cells(read_notebook_cells(folder / name))
        except UnreadableNotebook as problem:
            problems.append(str(problem))
            continue
        if len(cells) > MAX_CODE_CELLS:
            cut.append(f"{name}: only the first {MAX_CODE_CELLS} of {len(cells)} code cells")
            cells = cells[:MAX_CODE_CELLS]
        given = {cell["source"].strip() for cell in released}
        for cell in cells:
            source = cell["source"]
            if len(source) > MAX_CELL_CHARS:
                cut.append(f"{name}: a cell of {len(source)} characters, cut to {MAX_CELL_CHARS}")
                source = source[:MAX_CELL_CHARS]
            key = answer_key.get((name, _grade_id(cell)))
            if key is not None and key not in answers:
                answers[key] = source
            elif source.strip() and source.strip() not in given:
                other.append(source)
    if len(problems) == len(notebooks):
        raise UnreadableNotebook("; ".join(problems))
    return SubmittedCode(student, answers, tuple(other)), cut + problems


def read_assignment_code(course: Course, assignment: str) -> AssignmentCode | None:
    """Every submitted notebook of ``assignment``, with the code all students were given; None
    when the assignment has no released notebook to compare against."""
    notebooks, reference = _released(course, assignment)
    if not notebooks:
        return None
    several = len(notebooks) > 1
    answer_key, answer_cells, released_answers, given = {}, [], [], []
    for name, cells in notebooks:
        for cell in cells:
            grade_id = _grade_id(cell)
            if _is_answer(cell) and grade_id:
                key = f"{Path(name).stem}/{grade_id}" if several else grade_id
                answer_key[(name, grade_id)] = key
                answer_cells.append(key)
                released_answers.append(cell["source"])
            else:
                given.append(cell["source"])
    shared = SharedCode(tuple(given), tuple(released_answers), tuple(reference.values()))
    submissions, unreadable, shortened = [], [], []
    for student, folder in course.student_folders("submitted", assignment).items():
        try:
            code, cut = _student_code(student, folder, notebooks, answer_key)
        except UnreadableNotebook as problem:
            unreadable.append((student, str(problem)))
            continue
        submissions.append(code)
        shortened += [(student, why) for why in cut]
    return AssignmentCode(assignment, tuple(answer_cells), shared, tuple(submissions), tuple(unreadable),
                          tuple(shortened))
