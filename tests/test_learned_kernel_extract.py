"""Reading a student's training out of their kernel: what ``extract`` hands over as plain data.

The student's functions here are small stand-ins (numpy, or a few TensorFlow calls) so that each
behaviour is checked alone and fast; real trainings in every style go through real grading in
``tests/test_autograde_learn_kernel.py``.
"""

from __future__ import annotations

import signal
import time

import numpy as np
import pytest

from autograder.answers.codec import decode, encode
from autograder.exercises.base import MISSING
from autograder.exercises.learned_kernel import (MAX_CURVE_POINTS, extract_training, run_training, time_limit,
                                                 verdict_for)
from autograder.scoring.training_metrics import TRAINING_CASES

CASE = TRAINING_CASES[0]


def edge_target(image, edge_row):
    target = np.zeros((49, 49))
    target[edge_row] = 1.0
    return target


def least_squares(image, target):
    """Learns from its data (no TensorFlow needed to depend on the input)."""
    windows = np.stack([image[:-1, :-1].ravel(), image[:-1, 1:].ravel(), image[1:, :-1].ravel(),
                        image[1:, 1:].ravel()], axis=1)
    kernel = np.linalg.lstsq(windows, np.ravel(target), rcond=None)[0]
    return kernel.reshape(2, 2), [1.0, 0.5, 0.3]


def run(learn_kernel, target=edge_target, seconds=5.0, probe=False):
    return run_training(CASE.image(), CASE.edge_row, CASE.training_seed, target, learn_kernel, probe=probe,
                        seconds=seconds)


def test_undefined_or_uncallable_functions_are_reported_missing():
    assert extract_training({"edge_target": edge_target, "learn_kernel": 3}) == {MISSING: ["learn_kernel"]}


def test_a_training_past_its_time_is_stopped_and_the_rest_are_not_run():
    def forever(image, target):
        while True:
            try:
                time.sleep(0.05)
            except Exception:  # noqa: BLE001 - a student's loop that swallows errors is stopped too
                pass

    data = extract_training({"edge_target": edge_target, "learn_kernel": forever}, seconds=0.5)
    assert [r["status"] for r in data["runs"]] == ["timeout", "skipped", "skipped"]
    assert data["runs"][0]["seconds"] < 10  # cut near the limit, not left to the cell's own
    assert data["runs"][0]["function"] == "learn_kernel"


def test_the_time_limit_leaves_the_previous_alarm_handler_in_place():
    def mine(signum, frame):
        pass

    before = signal.signal(signal.SIGALRM, mine)
    try:
        with time_limit(1.0):
            pass
        assert signal.getsignal(signal.SIGALRM) is mine and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, before)


@pytest.mark.parametrize("raised, shown", [(ZeroDivisionError("division by zero"), "ZeroDivisionError: division by zero"),
                                           (SystemExit(3), "SystemExit: 3")])
def test_what_the_students_code_raises_becomes_data(raised, shown):
    def fails(image, target):
        raise raised

    found = run(fails)
    assert (found["status"], found["function"], found["error"]) == ("error", "learn_kernel", shown)


def test_an_error_in_the_target_is_attributed_to_edge_target():
    found = run(least_squares, target=lambda image, edge_row: 1 / 0)
    assert found["status"] == "error" and found["function"] == "edge_target"


def test_a_keras_kernel_and_a_fit_history_are_read():
    import tensorflow as tf

    class History:  # what model.fit returns: .history["loss"]
        history = {"loss": [4.0, 2.0, 1.0]}

    found = run(lambda image, target: (tf.constant(np.arange(4.0).reshape(2, 2, 1, 1)), History()))
    assert found["kernel"].tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert (found["steps"], found["loss_first"], found["loss_last"]) == (3, 4.0, 1.0)


def test_a_result_that_is_not_a_pair_is_said_to_be_so():
    assert run(lambda image, target: np.eye(2))["result_problem"] == "got ndarray"


def test_a_target_of_the_wrong_shape_is_kept_as_a_problem_not_as_numbers():
    found = run(least_squares, target=lambda image, edge_row: np.zeros((50, 50)))
    assert found["target_problem"] == "shape (50, 50)" and "target" not in found


def test_a_long_history_keeps_its_length_and_ends_and_a_bounded_curve():
    history = np.linspace(10.0, 1.0, 20_000)
    found = run(lambda image, target: (np.eye(2), history))
    assert found["steps"] == 20_000 and len(found["losses"]) == MAX_CURVE_POINTS
    assert (found["loss_first"], found["loss_last"]) == (10.0, 1.0)


def test_a_nan_filter_is_judged_diverged():
    found = run(lambda image, target: (np.full((2, 2), np.nan), [1.0, float("nan")]))
    data = {"runs": [{"case": case.name, **found} for case in TRAINING_CASES]}
    assert {case.status for case in verdict_for(data).cases} == {"diverged"}


def test_the_same_seed_gives_the_same_random_start_on_every_run():
    import tensorflow as tf

    def random_start(image, target):
        conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False)
        conv(np.zeros((1, 50, 50, 1), np.float32))
        return conv.kernel, [1.0]

    assert np.array_equal(run(random_start)["kernel"], run(random_start)["kernel"])


def test_the_plain_data_judges_as_the_kernels_objects_do():
    data = extract_training({"edge_target": edge_target, "learn_kernel": least_squares})
    direct, through_codec = verdict_for(data), verdict_for(decode(encode(data)))
    assert direct.fraction == through_codec.fraction == 1.0
    assert direct.messages == through_codec.messages
