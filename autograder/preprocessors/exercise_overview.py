"""A feedback step: one overview row per graded cell, for the top of the feedback page.

Runs in ``GenerateFeedback.preprocessors`` after nbgrader's ``GetGrades``, which copies each
cell's score from the gradebook into ``cell.metadata.nbgrader.score`` / ``points``. The rows go
to ``resources['week12_overview']``, where the ``week12_feedback`` template
(``autograder/feedback_templates``) lists them, so the template stays a layout.

Everything here is read from the autograded notebook, whose graded cells hold only their visible
source and the outputs ``SandboxedExecute`` built from the judgement: hidden tests never reach
the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from autograder.feedback import exercise_title

OVERVIEW_KEY = "week12_overview"
MESSAGE_CHARS = 200


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


def verdict_message(text: str) -> str:
    """The first message of a kernel verdict's text (``KernelVerdict.to_text()``).

    That text opens with three heading lines (task, filter, score) that are the same for every
    student or repeat the score; the messages that say what the filter does follow, indented by
    two spaces. Without an indented line, the first line after the task title.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("  "):
            return line.strip()
    return lines[1].strip() if len(lines) > 1 else (lines[0].strip() if lines else "")


# numpy.testing's failures open with one of these lines and put the check's own message (its
# err_msg) on the next line: a student learns nothing from "Not equal to tolerance rtol=1e-07".
NUMPY_ASSERTION_HEADERS = ("Not equal to tolerance", "Arrays are not equal", "Arrays are not almost equal",
                           "Items are not equal", "Arrays are not less-ordered")


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, past a numpy.testing header when one follows."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith(NUMPY_ASSERTION_HEADERS):
        return lines[1]
    return lines[0] if lines else ""


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def grader_message(outputs) -> str:
    """What the grader said in a graded cell's outputs: a failed check's message first, then the
    verdict's message (homework), then the first printed line."""
    for output in outputs:
        if output.get("output_type") == "error":
            return shorten(first_line(str(output.get("evalue", ""))))
    for output in outputs:
        if output.get("output_type") != "display_data":
            continue
        text = output.get("data", {}).get("text/plain")
        if text:
            return shorten(verdict_message(str(text)))
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            return shorten(first_line(str(output.get("text", ""))))
    return ""


def overview_row(cell) -> OverviewRow:
    """The overview row of a graded cell whose score ``GetGrades`` has filled in."""
    info = cell.metadata.nbgrader
    title = exercise_title(info.grade_id, cell.source if cell.cell_type == "code" else "")
    score = info.get("score")
    max_score = float(info.get("points") or 0)
    score = None if score is None else float(score)
    return OverviewRow(info.grade_id, title.ko, title.en, score, max_score,
                       grading_status(score, max_score), grader_message(cell.get("outputs", [])))


class ExerciseOverview(NbGraderPreprocessor):
    """Collect ``resources['week12_overview']``: one :class:`OverviewRow` per graded cell, in
    notebook order."""

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
        return nb, resources
