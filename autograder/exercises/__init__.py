"""Every graded cell of the course as an :class:`~.base.Exercise`, by its nbgrader grade id.

``run_hidden_check(grade_id, globals())`` is what a hidden test cell calls in a student's
kernel: the same extraction and the same judgement as trusted grading, so there is one
judgement wherever it runs. In the kernel the extracted values are judged as they are, as any
in-kernel test would; trusted grading moves them through the plain-data codec first.
"""

from __future__ import annotations

from autograder.answers.codec import decode, encode
from autograder.exercises import edge_kernel, lab, learned_kernel
from autograder.exercises.base import Exercise, JudgeSettings, Judgement
from autograder.exercises.messages import CheckFailed

EXERCISES: dict[str, Exercise] = {exercise.grade_id: exercise for exercise in (
    *lab.EXERCISES, *edge_kernel.EXERCISES, *learned_kernel.EXERCISES)}


def extract_answer(grade_id: str, namespace) -> str:
    """The answer of graded cell ``grade_id`` as plain-data JSON (see ``answers.codec``)."""
    return encode(EXERCISES[grade_id].extract(namespace))


def judge_answer(grade_id: str, answer_json: str, settings: JudgeSettings = JudgeSettings()) -> Judgement:
    """Judge extracted answer JSON (untrusted) for graded cell ``grade_id``."""
    return EXERCISES[grade_id].judge(decode(answer_json), settings)


class HiddenTestFailed(CheckFailed):
    """A hidden test failed in the student's own kernel; the message is the judgement's."""

    def __init__(self, message: str):
        super().__init__("hidden_test_failed")
        self.judgement_message = message

    def text(self, language: str = "ko") -> str:
        return self.judgement_message


def run_hidden_check(grade_id: str, namespace):
    """Judge a graded cell inside a kernel: raise on failure; a partial-credit cell returns its
    :class:`Judgement` (the caller turns it into points)."""
    exercise = EXERCISES[grade_id]
    judgement = exercise.judge(exercise.extract(namespace))
    if exercise.partial_credit:
        return judgement
    if not judgement.passed:
        raise HiddenTestFailed(judgement.message)
    return None


__all__ = ["EXERCISES", "Exercise", "Judgement", "JudgeSettings", "extract_answer", "judge_answer",
           "run_hidden_check"]
