"""A feedback step: one overview row per graded cell, for the top of the feedback page.

Runs in ``GenerateFeedback.preprocessors`` after nbgrader's ``GetGrades``, which copies each
cell's score from the gradebook into ``cell.metadata.nbgrader.score`` / ``points``. The rows go
to ``resources['week12_overview']``, where the ``week12_feedback`` template lists them, so the
template stays a layout.

The message of a row is the judgement's own summary line, which trusted grading keeps with the
graded cell (``grading.graded_outputs.record_judgement``); nothing is parsed back out of the
rendered outputs. A cell graded without a record (graded by hand, or by stock nbgrader) shows the
first line of its error or printed output. Graded cells hold only their visible source, so hidden
tests never reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from autograder.contract import GRADED_CELLS
from autograder.exercises.base import first_line
from autograder.record.graded_outputs import recorded_judgement
from autograder.sanitize.release_cells import set_aside

OVERVIEW_KEY = "week12_overview"
SET_ASIDE_KEY = "week12_set_aside"
MESSAGE_CHARS = 200


@dataclass(frozen=True)
class ExerciseTitle:
    ko: str
    en: str


def exercise_title(grade_id: str, source: str = "") -> ExerciseTitle:
    """The title of graded cell ``grade_id``: from the course contract, else the cell's first
    comment line (a course may add an exercise before adding its title), else the grade id."""
    cell = GRADED_CELLS.get(grade_id)
    if cell is not None:
        return ExerciseTitle(cell.title_ko, cell.title_en)
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and stripped.lstrip("#").strip():
            comment = stripped.lstrip("#").strip()
            return ExerciseTitle(comment, comment)
    return ExerciseTitle(grade_id, grade_id)


@dataclass(frozen=True)
class OverviewRow:
    """One graded cell as the overview shows it.

    ``status`` is ``'pass'`` (all points), ``'partial'`` (some), ``'fail'`` (none) or
    ``'ungraded'`` (no score yet, e.g. waiting for manual grading); ``message`` is the first line
    of what the grader said.
    """

    grade_id: str
    title_ko: str
    title_en: str
    score: float | None
    max_score: float
    status: str
    message: str


def grading_status(score: float | None, max_score: float) -> str:
    if score is None:
        return "ungraded"
    if score >= max_score:
        return "pass"
    return "partial" if score > 0 else "fail"


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def output_message(outputs) -> str:
    """For a cell graded without a judgement record: its error's first line, else the first
    printed line."""
    for output in outputs:
        if output.get("output_type") == "error":
            return first_line(str(output.get("evalue", "")))
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            return first_line(str(output.get("text", "")))
    return ""


def grader_message(cell) -> str:
    judgement = recorded_judgement(cell)
    said = (judgement.summary or first_line(judgement.message)) if judgement is not None else ""
    # A passed check has nothing to explain; its output says that it passed.
    return shorten(said or output_message(cell.get("outputs", [])))


def overview_row(cell) -> OverviewRow:
    """The overview row of a graded cell whose score ``GetGrades`` has filled in."""
    info = cell.metadata.nbgrader
    title = exercise_title(info.grade_id, cell.source if cell.cell_type == "code" else "")
    score = info.get("score")
    max_score = float(info.get("points") or 0)
    score = None if score is None else float(score)
    return OverviewRow(info.grade_id, title.ko, title.en, score, max_score,
                       grading_status(score, max_score), grader_message(cell))


class ExerciseOverview(NbGraderPreprocessor):
    """Collect ``resources['week12_overview']``: one :class:`OverviewRow` per graded cell, in
    notebook order; and ``resources['week12_set_aside']``: what the sanitizing step set aside."""

    # HTMLExporter configures display_data_priority for every preprocessor it runs; nbgrader's
    # base class declares it without config=True, so traitlets would warn on every run (nbgrader's
    # GetGrades declares it the same way for the same reason). Not used here.
    display_data_priority = List(
        list(NbGraderPreprocessor.class_traits()["display_data_priority"].default()),
        help="Unused: accepted so that HTMLExporter's settings load cleanly.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        resources[OVERVIEW_KEY] = [overview_row(cell) for cell in nb.cells
                                   if utils.is_grade(cell) or utils.is_task(cell)]
        resources[SET_ASIDE_KEY] = set_aside(nb)
        return nb, resources
