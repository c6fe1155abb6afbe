"""Writing a judged run back into the notebook nbgrader grades.

Graded cells get the outputs built from their judgement (``graded_outputs``) and keep only their
visible source (nbgrader's ``ClearHiddenTests``), so feedback shows a hidden test's result and
message, never its code. Every other code cell gets the outputs it produced in the sandbox, if the
executed notebook that came back has the same cell with the same source.
"""

from __future__ import annotations

from nbgrader.preprocessors import ClearHiddenTests

from autograder.exercises.base import Judgement
from autograder.grading.graded_outputs import graded_outputs, no_judgement, record_judgement
from autograder.grading.messages import GRADING_MESSAGES
from autograder.inside import RUN_METADATA_KEY


def run_note_of(executed, note: str | None, language: str) -> str | None:
    """Why the run fell short: the kernel died in a cell (from the runner's report), else ``note``."""
    report = (executed.metadata.get(RUN_METADATA_KEY) or {}) if executed is not None else {}
    died_at = report.get("kernel_died_at") if isinstance(report, dict) else None
    if died_at:
        return GRADING_MESSAGES.message("kernel_died", language, cell=str(died_at)[:80])
    return note


def merge_run(nb, executed, graded: list, judgements: dict[str, Judgement], run_note: str | None,
              language: str) -> None:
    produced = {}
    if executed is not None:
        produced = {cell.get("id"): cell for cell in executed.cells if cell.cell_type == "code"}
    graded_ids = {id(cell) for cell in graded}
    hidden_tests = ClearHiddenTests()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if id(cell) in graded_ids:
            hidden_tests.preprocess_cell(cell, {}, index)  # feedback never shows hidden tests
            grade_id = cell.metadata.nbgrader.grade_id
            judgement = judgements.get(grade_id) or no_judgement(grade_id, language)
            cell.outputs = graded_outputs(judgement, cell.metadata.nbgrader.get("points", 0), run_note, language)
            cell.execution_count = None
            record_judgement(cell, judgement)
        else:
            ran = produced.get(cell.get("id"))
            same = ran is not None and ran.get("source") == cell.source
            cell.outputs = list(ran.get("outputs", [])) if same else []
            cell.execution_count = ran.get("execution_count") if same else None
