"""A graded cell's outputs, built from its judgement so that nbgrader scores them as intended.

nbgrader reads a test cell's grade from its outputs (``nbgrader.utils.determine_grade``): an
error output means 0, a numeric ``execute_result`` is the partial credit, anything else full
points. Trusted grading (``SandboxedExecute``) and re-grading (``workflow.regrade``) both build
the outputs here, so the same judgement always becomes the same grade and the same outputs: they
pass the rules every notebook output passes (``autograder.safe_html``), here, once, so a re-grade
writes exactly what a full autograde writes. The judgement record
itself is kept in the cell's metadata (:data:`JUDGEMENT_KEY`), where the feedback page reads
the message from, instead of from the rendered outputs.
"""

from __future__ import annotations

import nbformat

from autograder.exercises.base import Judgement
from autograder.judging.messages import GRADING_MESSAGES
from autograder.safe_html import inert_outputs
from autograder.scoring.verdict import points_for

METADATA_KEY = "week12"
JUDGEMENT_KEY = "judgement"


def no_judgement(grade_id: str, language: str) -> Judgement:
    message = GRADING_MESSAGES.message("no_judgement", language)
    return Judgement(grade_id, 0.0, message, message)


def graded_outputs(judgement: Judgement, points: float, run_note: str | None, language: str = "ko") -> list:
    """The outputs of a graded cell judged ``judgement``, inert (its HTML shows a student's values)."""
    fraction = judgement.fraction
    message = judgement.message
    if run_note and fraction < 1:
        message = f"{message}\n[{run_note}]".strip()
    outputs = []
    if judgement.html:
        outputs.append(nbformat.v4.new_output("display_data", data={
            "text/html": judgement.html, "text/plain": judgement.text or message}))
    if judgement.partial_credit:
        if run_note and fraction < 1:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=f"[{run_note}]\n"))
        earned = points_for(fraction, points)
        outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(earned)},
                                              execution_count=None))
    elif fraction >= 1.0:
        outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                              text=GRADING_MESSAGES.message("hidden_tests_passed", language)))
    else:
        outputs.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=message,
                                              traceback=[f"AssertionError: {message}"]))
    return inert_outputs(outputs)


def record_judgement(cell, judgement: Judgement) -> None:
    """Keep the judgement's record with the graded cell, for the feedback page."""
    ours = dict(cell.metadata.get(METADATA_KEY, {}))
    ours[JUDGEMENT_KEY] = judgement.to_record()
    cell.metadata[METADATA_KEY] = ours


def recorded_judgement(cell) -> Judgement | None:
    record = cell.get("metadata", {}).get(METADATA_KEY, {}).get(JUDGEMENT_KEY)
    return Judgement.from_dict(record) if isinstance(record, dict) else None
