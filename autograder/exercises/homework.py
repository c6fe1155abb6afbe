"""The homework's graded cell as an exercise: the submitted kernel, scored by edge localisation."""

from __future__ import annotations

from autograder.answers.codec import Unreadable
from autograder.exercises.base import MISSING, Exercise, Outcome
from autograder.scoring import coerce_kernel, score_kernel
from autograder.scoring.rubric import rejected_verdict
from autograder.settings import kernel_rubric_weights

HOMEWORK_TASK = "horizontal_edge"
SCORE_GRADE_ID = "edge_kernel_score"
ANSWER_VARIABLE = "kernel"


def extract_kernel(namespace) -> dict:
    """The answer read where it was written: a 2x2 array, or why it could not be read.

    Tensors, variables and Keras layers only make sense inside the student's kernel, so the
    reading (``coerce_kernel``) happens there; the judge re-checks whatever arrives.
    """
    if ANSWER_VARIABLE not in namespace:
        return {MISSING: [ANSWER_VARIABLE]}
    read = coerce_kernel(namespace[ANSWER_VARIABLE])
    if read.ok:
        return {ANSWER_VARIABLE: read.kernel}
    detail = {key: value for key, value in read.detail.items() if isinstance(value, (int, float, str, list, tuple))}
    return {"problem": read.problem, "detail": detail}


def verdict_for(data: dict, language: str | None = None, weights: dict | None = None):
    """The scorer's verdict for extracted homework data (never raises); ``weights`` default to
    the course's ``KernelRubric``."""
    if ANSWER_VARIABLE in data.get(MISSING, ()):
        return score_kernel(None, task=HOMEWORK_TASK, language=language)
    if "problem" in data:
        return rejected_verdict(str(data["problem"]), data.get("detail"), HOMEWORK_TASK, language)
    kernel = data.get(ANSWER_VARIABLE)
    if isinstance(kernel, Unreadable):
        kernel = None
    if weights is None:
        weights = kernel_rubric_weights()
    return score_kernel(kernel, task=HOMEWORK_TASK, language=language, weights=weights)


def judge_kernel(data: dict) -> Outcome:
    verdict = verdict_for(data)
    return Outcome(verdict.fraction, " ".join(verdict.messages), html=verdict._repr_html_(), text=verdict.to_text())


EXERCISES = [
    Exercise(SCORE_GRADE_ID, (ANSWER_VARIABLE,), extract_kernel, judge_kernel, partial_credit=True),
]
