"""Every graded cell of the course as an :class:`~.base.Exercise`, by its nbgrader grade id.

``run_hidden_check(grade_id, globals())`` is what a hidden test cell calls in a student's
kernel: the same extraction and the same judgement as trusted grading, so there is one
judgement wherever it runs. In the kernel the extracted values are judged as they are, as any
in-kernel test would; trusted grading moves them through the plain-data codec first.
"""

from __future__ import annotations

from autograder.answers.codec import decode, encode
from autograder.exercises import homework, lab
from autograder.exercises.base import Exercise, Outcome

EXERCISES: dict[str, Exercise] = {exercise.grade_id: exercise for exercise in (*lab.EXERCISES, *homework.EXERCISES)}


def extract_answer(grade_id: str, namespace) -> str:
    """The answer of graded cell ``grade_id`` as plain-data JSON (see ``answers.codec``)."""
    return encode(EXERCISES[grade_id].extract(namespace))


def judge_answer(grade_id: str, answer_json: str) -> Outcome:
    """Judge extracted answer JSON (untrusted) for graded cell ``grade_id``."""
    return EXERCISES[grade_id].judge(decode(answer_json))


class HiddenTestFailed(AssertionError):
    pass


def run_hidden_check(grade_id: str, namespace):
    """Judge a graded cell inside a kernel: raise on failure, return points for partial credit."""
    exercise = EXERCISES[grade_id]
    outcome = exercise.judge(exercise.extract(namespace))
    if EXERCISES[grade_id].partial_credit:
        return outcome
    if not outcome.passed:
        raise HiddenTestFailed(outcome.message)
    return None


__all__ = ["EXERCISES", "Exercise", "Outcome", "extract_answer", "judge_answer", "run_hidden_check"]
