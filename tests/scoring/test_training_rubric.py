"""The learn-kernel judgement on fixed training data: the rubric, its thresholds and its words.

Trainings are simulated in numpy (``training_simulation``: Keras' SGD and Adam on the MSE, step for
step), so that many seeds take milliseconds; the real TensorFlow trainings of every style go
through real grading once, in ``tests/test_autograde_learn_kernel.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.exercises.messages import explain_error
from autograder.scoring.training_metrics import (EDGE_CASES, PROBE_CASE, TRAINING_CASES, best_fit_share,
                                                 convergence_factor, fit_share, probe_target, target_line)
from autograder.scoring.training_rubric import (CONVERGENCE_FULL, TIME_LIMIT_SECONDS, convergence_credit,
                                                score_training)
from tests.scoring.training_simulation import edge_map, lecture_filter_target, simulate, train, trained

# --- the measures -----------------------------------------------------------------------------

def test_the_fit_ignores_the_filters_scale_sign_and_an_offset_of_the_response():
    case = EDGE_CASES[0]
    image, target = case.image(), edge_map(case, case.image())
    kernel = np.array([[0.03, 0.02], [-0.03, -0.025]])
    share = fit_share(image, target, kernel)
    assert fit_share(image, -7 * target + 3, -40 * kernel) == pytest.approx(share, rel=1e-9)


def test_a_flat_response_is_no_closer_to_the_lowest_loss_than_doing_nothing():
    case = EDGE_CASES[0]
    image = case.image()
    assert convergence_factor(image, edge_map(case, image), np.zeros((2, 2))) == pytest.approx(1.0)


def test_the_least_squares_filter_reaches_the_lowest_loss():
    case = PROBE_CASE
    image = case.image()
    assert best_fit_share(image, probe_target(image)) == pytest.approx(1.0)
    assert convergence_factor(image, probe_target(image), np.full((2, 2), 0.25)) > 1e9


@pytest.mark.parametrize("factor, credit", [(None, 0.0), (0.5, 0.0), (1.0, 0.0), (np.sqrt(CONVERGENCE_FULL), 0.5),
                                            (CONVERGENCE_FULL, 1.0), (1e9, 1.0), (float("nan"), 0.0)])
def test_convergence_credit_is_logarithmic_up_to_the_stated_factor(factor, credit):
    assert convergence_credit(factor) == pytest.approx(credit)


def test_the_target_line_says_which_row_or_column_a_map_marks():
    target = np.zeros((49, 49))
    target[19] = 1
    assert target_line(target)[:2] == ("horizontal", 19)
    assert target_line(target.T)[:2] == ("vertical", 19)
    assert target_line(np.zeros((49, 49)))[0] == "none"


# --- the thresholds, over many draws -----------------------------------------------------------

@pytest.mark.parametrize("optimizer, rate, steps", [("sgd", 1e-3, 100), ("sgd", 4e-3, 50), ("adam", 0.02, 60)])
def test_trainings_that_get_there_reach_the_full_convergence_factor_and_edge_score(optimizer, rate, steps):
    results = [simulate(draw, optimizer, rate, steps) for draw in range(20)]
    assert all(not r["diverged"] and r["factor"] >= CONVERGENCE_FULL and r["edge"] == 1.0 for r in results)


def test_a_learning_rate_a_hundred_times_too_small_stays_far_from_the_full_factor():
    results = [simulate(draw, "sgd", 4e-5, 50) for draw in range(20)]
    assert max(r["factor"] for r in results) < 1.2


def test_a_learning_rate_past_the_brightness_limit_diverges_on_the_hidden_images():
    assert all(simulate(draw, "sgd", 0.006, 100)["diverged"] for draw in range(5))


def test_the_hidden_images_are_no_harder_to_keep_stable_than_the_visible_one():
    from autograder.exercises.lab_reference import lecture_step_image
    from autograder.scoring.correlate import window_stack

    def steepest(image):
        windows = np.stack([w.ravel() for w in window_stack(image)], axis=1)
        return np.linalg.eigvalsh(2 / len(windows) * windows.T @ windows).max()

    visible = steepest(lecture_step_image().T)
    assert all(steepest(case.image()) < visible for case in TRAINING_CASES)


# --- the verdicts a TA would give --------------------------------------------------------------

def test_a_converged_training_earns_full_marks():
    verdict = score_training(trained(), "en")
    assert verdict.fraction == 1.0 and verdict.kind == "intended_horizontal"
    assert "converged" in " ".join(verdict.messages)


def test_a_target_built_another_way_earns_full_marks_too():
    def row_means(case, image):
        target = np.zeros((49, 49))
        target[case.edge_row] = image[case.edge_row + 1].mean() - image[case.edge_row].mean()
        return target

    assert score_training(trained(target=row_means), "en").fraction == 1.0


def test_the_same_filter_whatever_the_data_earns_nothing_and_says_it_does_not_learn():
    verdict = score_training(trained(kernel=[[-1, -1], [1, 1]]), "en")
    assert verdict.fraction == 0.0 and verdict.kind == "not_learning"
    assert "does not learn" in verdict.messages[0]


def test_a_filter_learned_toward_the_lectures_vertical_edge_loses_its_orientation():
    verdict = score_training(trained(target=lecture_filter_target), "en")
    assert verdict.kind == "vertical"
    assert 0 < verdict.fraction <= 0.5
    assert "vertical" in verdict.messages[0]
    assert any("no clear line" in message for message in verdict.messages)


def test_a_learning_rate_too_small_earns_partial_credit_and_says_train_further():
    verdict = score_training(trained(rate=4e-5), "en")
    assert 0 < verdict.fraction < 0.5
    assert verdict.messages[0].startswith("The training on hidden image 1")


def test_a_diverged_training_earns_nothing_for_it_and_says_why():
    verdict = score_training(trained(rate=0.05, steps=50), "en")
    assert verdict.fraction == 0.0
    assert {case.status for case in verdict.cases} == {"diverged"}
    assert "diverged" in verdict.messages[0] and "smaller" in verdict.messages[0]


def test_one_diverged_training_costs_only_its_own_share():
    data = trained()
    data["runs"][1].update(loss_last=1e30, losses_finite=True)
    verdict = score_training(data, "en")
    assert 0.5 < verdict.fraction < 1.0
    assert [case.status for case in verdict.cases] == ["ok", "diverged", "ok"]


def test_a_training_past_the_time_limit_and_the_ones_not_run_say_so():
    data = {"runs": [{"case": "hidden_top", "status": "timeout", "function": "learn_kernel", "seconds": 30.0},
                     {"case": "hidden_bottom", "status": "skipped"}, {"case": "probe_mean", "status": "skipped"}]}
    verdict = score_training(data, "en")
    assert verdict.fraction == 0.0
    assert f"did not finish within {TIME_LIMIT_SECONDS:g} s" in verdict.messages[0]
    assert "not run" in verdict.messages[1]


def test_a_crash_is_shown_with_its_explanation():
    data = {"runs": [{"case": c.name, "status": "error", "function": "learn_kernel",
                      "error": "NameError: name 'los' is not defined"} for c in TRAINING_CASES]}
    verdict = score_training(data, "ko", explain=explain_error)
    assert verdict.fraction == 0.0
    assert "NameError" in verdict.messages[0] and "정의되지 않은 이름" in verdict.messages[0]


def test_undefined_functions_are_named():
    verdict = score_training({"missing": ["learn_kernel"]}, "en")
    assert verdict.fraction == 0.0 and "learn_kernel is not defined" in verdict.messages[0]


def test_a_target_of_the_wrong_shape_costs_the_convergence_credit_only():
    data = trained()
    for run in data["runs"][:2]:
        run["target"] = np.zeros((50, 50))
    verdict = score_training(data, "en")
    assert verdict.fraction == pytest.approx(0.7 + 0.3 / 3)
    assert any("(49, 49)" in message for message in verdict.messages)


@pytest.mark.parametrize("run", [
    {"status": "ok", "result_problem": "got Tensor"},
    {"status": "ok", "kernel_problem": "wrong_shape", "kernel_detail": {"shape": "(3, 3)"}, "loss_first": 1.0,
     "loss_last": 0.5},
    {"status": "forged", "kernel": np.eye(2)},
    {"status": "ok", "kernel": "[[1, 2], [3, 4]]", "losses": [1, 2]},
    {},
])
def test_unreadable_or_odd_run_data_earns_nothing_for_that_training_and_never_raises(run):
    data = trained()
    data["runs"][0] = {"case": "hidden_top", **run}
    verdict = score_training(data, "en")
    assert verdict.cases[0].status == "unreadable" and verdict.cases[0].problems
    assert verdict.fraction < 1.0


@pytest.mark.parametrize("data", [None, [], {"runs": "x"}, {"runs": [1, 2, {"case": 3}]}, {"missing": [1, None]}])
def test_malformed_data_is_judged_not_raised(data):
    assert score_training(data, "en").fraction == 0.0


def test_the_course_rubric_weights_reach_the_edge_part():
    data = trained(target=lecture_filter_target)
    default = score_training(data, "en").fraction
    localisation_only = score_training(data, "en", weights={"localisation": 1, "flatness": 0, "selectivity": 0})
    assert localisation_only.fraction < default


def test_the_verdict_shows_tables_and_a_figure_in_both_languages():
    data = trained()
    for language, word in (("ko", "숨은 이미지 1"), ("en", "hidden image 1")):
        page = score_training(data, language).to_html()
        assert word in page and "data:image/png;base64," in page and page.count("<table") == 2


def test_the_figure_key_follows_the_curves_and_filters_not_the_rubric():
    data = trained()
    first = score_training(data, "en")
    assert first.figure_cache_key() == score_training(data, "en", weights={"localisation": 1, "flatness": 1,
                                                                           "selectivity": 0}).figure_cache_key()
    data["runs"][0]["kernel"] = data["runs"][0]["kernel"] * 2
    assert score_training(data, "en").figure_cache_key() != first.figure_cache_key()
