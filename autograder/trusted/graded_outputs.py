"""A graded cell's outputs, built from its judgement so that nbgrader scores them as intended.

nbgrader reads a test cell's grade from its outputs (``nbgrader.utils.determine_grade``): an
error output means 0, a numeric ``execute_result`` is the partial credit, anything else full
points. Trusted grading (``SandboxedExecute``) and re-grading (``workflow.regrade``) both build
the outputs here, so the same judgement always becomes the same grade.
"""

from __future__ import annotations

import nbformat

from autograder.scoring.verdict import points_for


def graded_outputs(judgement: dict | None, points: float, run_note: str | None) -> list:
    """The outputs of a graded cell judged ``judgement`` (None: no judgement came back)."""
    if not isinstance(judgement, dict):
        judgement = {"fraction": 0.0, "message": "채점 결과가 없습니다 (no judgement).", "partial_credit": False}
    fraction = float(judgement.get("fraction", 0.0))
    message = judgement.get("message") or ""
    if run_note and fraction < 1:
        message = f"{message}\n[{run_note}]".strip()
    outputs = []
    if judgement.get("html"):
        outputs.append(nbformat.v4.new_output("display_data", data={
            "text/html": judgement["html"], "text/plain": judgement.get("text") or message}))
    if judgement.get("partial_credit"):
        if run_note and fraction < 1:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=f"[{run_note}]\n"))
        earned = points_for(fraction, points)
        outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(earned)},
                                              execution_count=None))
    elif fraction >= 1.0:
        outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                              text="✓ 숨은 테스트 통과 (hidden tests passed)\n"))
    else:
        outputs.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=message,
                                              traceback=[f"AssertionError: {message}"]))
    return outputs
