"""The judge cannot be stalled: answers are checked for rank and size before any arithmetic, and
a judge that takes too long is replaced, failing that notebook only."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from autograder.answers.codec import MAX_ARRAY_ELEMENTS, Unreadable, decode, encode
from autograder.contract import HOMEWORK_SCORE_CELL
from autograder.exercises import JudgeSettings
from autograder.judging.judge_client import JudgeFailed, JudgeProcess

CORRECT = encode({"kernel": np.array([[-1.0, -1.0], [1.0, 1.0]])})


def _array(shape, data=()):
    return json.dumps({"kernel": {"__ndarray__": {"shape": shape, "dtype": "float64", "data": list(data)}}})


@pytest.mark.parametrize("shape", [[10**12 + i for i in range(100_000)], [2] * 40, [MAX_ARRAY_ELEMENTS + 1],
                                   [-1, 4], [2.0, 2.0], [True, True], "22", None])
def test_an_array_with_an_impossible_shape_is_unreadable_at_once(shape):
    started = time.monotonic()
    decoded = decode(_array(shape))
    assert isinstance(decoded["kernel"], Unreadable)
    assert time.monotonic() - started < 0.5


def test_an_array_whose_data_does_not_fit_its_shape_is_unreadable():
    assert isinstance(decode(_array([2, 2], [1.0, 2.0, 3.0]))["kernel"], Unreadable)
    assert decode(_array([2, 2], [1.0, 2.0, 3.0, 4.0]))["kernel"].shape == (2, 2)


def test_an_array_of_too_many_dimensions_is_not_encoded():
    assert "__unreadable__" in encode(np.zeros([1] * 9))


def test_a_slow_judge_is_replaced_and_only_that_notebook_fails():
    judge = JudgeProcess()
    try:
        with pytest.raises(JudgeFailed, match="within 0.001 s"):
            judge.judge({HOMEWORK_SCORE_CELL: CORRECT}, JudgeSettings(), timeout=0.001)
        assert judge.process.poll() is not None  # killed
        fresh = JudgeProcess.shared()
        judged = fresh.judge({HOMEWORK_SCORE_CELL: CORRECT}, JudgeSettings(), timeout=60)
        assert judged[HOMEWORK_SCORE_CELL].fraction == 1.0
    finally:
        judge.close()
        JudgeProcess.shared().close()


def test_a_judge_that_died_is_a_clear_failure():
    judge = JudgeProcess()
    judge.process.kill()
    judge.process.wait()
    with pytest.raises(JudgeFailed, match="ended while judging"):
        judge.judge({HOMEWORK_SCORE_CELL: CORRECT}, JudgeSettings())
