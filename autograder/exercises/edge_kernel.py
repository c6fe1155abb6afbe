"""The homework's graded cell as an exercise: the submitted 2x2 kernel, scored by the kernel scorer."""

from __future__ import annotations

from autograder.answers.codec import Unreadable
from autograder.contract import HOMEWORK, HOMEWORK_ANSWER_VARIABLE, HOMEWORK_TASK
from autograder.exercises.base import MISSING, Exercise, JudgeSettings, Judgement
from autograder.scoring import coerce_kernel, score_kernel
from autograder.scoring.rubric import rejected_verdict
from autograder.scoring.verdict import KernelVerdict


def extract_kernel(namespace) -> dict:
    """The answer read where it was written: a 2x2 array, or why it could not be read.

    Tensors, variables and Keras layers only make sense inside the student's kernel, so the
    reading (``coerce_kernel``) happens there; the judge re-checks whatever arrives.
    """
    if HOMEWORK_ANSWER_VARIABLE not in namespace:
        return {MISSING: [HOMEWORK_ANSWER_VARIABLE]}
    read = coerce_kernel(namespace[HOMEWORK_ANSWER_VARIABLE])
    if read.ok:
        return {HOMEWORK_ANSWER_VARIABLE: read.kernel}
    detail = {key: value for key, value in read.detail.items() if isinstance(value, (int, float, str, list, tuple))}
    return {"problem": read.problem, "detail": detail}


def verdict_for(data: dict, settings: JudgeSettings = JudgeSettings()) -> KernelVerdict:
    """The scorer's verdict for extracted homework data (never raises)."""
    language = settings.language
    if HOMEWORK_ANSWER_VARIABLE in data.get(MISSING, ()):
        return score_kernel(None, task=HOMEWORK_TASK, language=language)
    if "problem" in data:
        return rejected_verdict(str(data["problem"]), data.get("detail"), HOMEWORK_TASK, language)
    kernel = data.get(HOMEWORK_ANSWER_VARIABLE)
    if isinstance(kernel, Unreadable):
        kernel = None
    return score_kernel(kernel, task=HOMEWORK_TASK, language=language, weights=settings.edge_weights)


def judge_kernel(data: dict, settings: JudgeSettings) -> Judgement:
    verdict = verdict_for(data, settings)
    png = settings.figures(verdict) if settings.figures is not None and verdict.kernel is not None else None
    message = " ".join(verdict.messages)
    return Judgement("", verdict.fraction, message, verdict.messages[0] if verdict.messages else "",
                     html=verdict.to_html(png), text=verdict.to_text())


EXERCISES = [Exercise(cell, extract_kernel, judge_kernel) for cell in HOMEWORK.graded_cells]
