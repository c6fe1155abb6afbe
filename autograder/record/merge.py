"""Writing a judged run back into the notebook nbgrader grades, with every cap applied again here.

Graded cells get the outputs built from their judgement (``graded_outputs``) and keep only their
visible source (nbgrader's ``ClearHiddenTests``), so feedback shows a hidden test's result and
message, never its code. Every other code cell gets the outputs it produced in the sandbox, if the
executed notebook that came back is a valid notebook with the same cell and the same source, cut
to ``cell_output_chars`` per cell: the runner caps them too, but student code can forge what the
runner sends, so the cap that counts is this one. Last, the whole notebook is made inert
(``autograder.safe_html``): no output, raw cell or widget state in it can run in a viewer.
"""

from __future__ import annotations

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

from autograder.exercises.base import Judgement
from autograder.exercises.messages import explain_error
from autograder.record.graded_outputs import graded_outputs, no_judgement, record_judgement
from autograder.judging.messages import GRADING_MESSAGES
from autograder.answers.protocol import OUTPUT_MESSAGES, RUN_METADATA_KEY, message_size
from autograder.safe_html import inert_notebook

NOT_A_NOTEBOOK = "the executed notebook that came back is not a valid notebook"


def read_executed(text: str | None) -> tuple[object | None, str | None]:
    """The executed notebook from its (untrusted) text, validated; or None and why not."""
    if text is None:
        return None, None
    try:
        executed = nbformat.reads(text, as_version=4)
        nbformat.validate(executed)
    except Exception:  # noqa: BLE001 - whatever came back from the sandbox is untrusted
        return None, NOT_A_NOTEBOOK
    return executed, None


def run_note_of(executed, note: str | None, language: str) -> str | None:
    """Why the run fell short: the kernel died in a cell (from the runner's report), else ``note``."""
    report = (executed.metadata.get(RUN_METADATA_KEY) or {}) if executed is not None else {}
    died_at = report.get("kernel_died_at") if isinstance(report, dict) else None
    if died_at:
        return GRADING_MESSAGES.message("kernel_died", language, cell=str(died_at)[:80])
    return note


def capped_outputs(outputs, limit: int, language: str) -> list:
    """``outputs`` up to ``limit`` characters (as the runner counts them), then a notice."""
    kept, used = [], 0
    for output in outputs:
        used += message_size(output)
        if used > limit:
            kept.append(nbformat.v4.new_output("stream", name="stdout",
                                               text=OUTPUT_MESSAGES.message("output_truncated", language)))
            break
        kept.append(output)
    return kept


def explained(outputs: list, language: str) -> list:
    """``outputs`` with a short explanation of the error, in the course's language, just before
    each error output: the student reads what went wrong before the Python traceback."""
    shown = []
    for output in outputs:
        if output.get("output_type") == "error":
            error = f"{str(output.get('ename', ''))[:80]}: {str(output.get('evalue', ''))[:300]}"
            explanation = explain_error(error, language)
            if explanation is not None:
                shown.append(nbformat.v4.new_output("stream", name="stdout", text=GRADING_MESSAGES.message(
                    "cell_error_explained", language, explanation=explanation, error=error)))
        shown.append(output)
    return shown


def merge_run(nb, executed, graded: list, judgements: dict[str, Judgement], run_note: str | None,
              language: str, cell_output_chars: int) -> None:
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
            cell.outputs = explained(capped_outputs(ran.get("outputs", []), cell_output_chars, language)
                                     if same else [], language)
            count = ran.get("execution_count") if same else None
            cell.execution_count = count if isinstance(count, int) else None
    # What a student's code displayed is kept so that any viewer shows it as text, images or
    # sanitized HTML, never as script (the graded cells' own outputs pass the same rules).
    inert_notebook(nb)
