"""The rubric's anchors, invariances and determinism (tests read like the spec)."""

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.scoring import TASKS, score_kernel
from autograder.scoring.images import hidden_battery
from autograder.scoring.rubric import _battery_along_profiles

INTENDED = [[-1, -1], [1, 1]]
SINGLE_COLUMN = [[-1, 0], [1, 0]]
ROBERTS = [[[-1, 0], [0, 1]], [[0, -1], [1, 0]]]
LECTURE_VERTICAL = [[-1, 1], [-1, 1]]
MEAN_FILTER = [[0.25, 0.25], [0.25, 0.25]]
EDGE_TASKS = [name for name, task in TASKS.items() if task.is_edge_task]


def score(kernel, task="horizontal_edge"):
    return score_kernel(kernel, task=task, language="en")


@pytest.mark.parametrize("base", [INTENDED, SINGLE_COLUMN, [[0, -1], [0, 1]]])
@pytest.mark.parametrize("scale", [1, -1, 2, -3, 1e-6, -1e-6, 1e6, -1e6, 0.1])
def test_intended_horizontal_filters_earn_full_marks_at_any_scale_and_sign(base, scale):
    verdict = score(np.array(base, dtype=float) * scale)
    assert verdict.fraction == 1.0
    assert all(c.fraction == 1.0 for c in verdict.criteria)


@pytest.mark.parametrize("kernel", [INTENDED, [[1, 1], [-1, -1]], [[-5, -5], [5, 5]]])
def test_integer_answers_earn_exactly_full_marks(kernel):
    assert score(kernel).fraction == 1.0
    assert score(kernel).points(10) == 10.0


@pytest.mark.parametrize("kernel", ROBERTS)
def test_diagonal_roberts_filters_earn_partial_credit(kernel):
    verdict = score(kernel)
    assert 0.4 <= verdict.fraction <= 0.85
    by_name = {c.name: c for c in verdict.criteria}
    assert by_name["localisation"].fraction == 1.0
    assert by_name["selectivity"].fraction == 0.0


@pytest.mark.parametrize("kernel", [LECTURE_VERTICAL, MEAN_FILTER, [[1, 1], [0, 0]]])
def test_wrong_filters_earn_at_most_thirty_percent(kernel):
    assert score(kernel).fraction <= 0.30


def test_zero_filter_earns_nothing_with_its_own_message():
    verdict = score([[0, 0], [0, 0]])
    assert verdict.fraction == 0.0
    assert verdict.kind == "zero"
    assert "0 everywhere" in verdict.messages[0]


def test_lecture_vertical_filter_is_intended_for_the_lecture_image():
    assert score(LECTURE_VERTICAL, "vertical_edge").fraction == 1.0
    assert score(INTENDED, "vertical_edge").fraction <= 0.30


def test_diagonal_task_prefers_the_matching_roberts_kernel():
    assert score([[0, -1], [1, 0]], "diagonal_edge").fraction == 1.0
    assert score([[-1, 0], [0, 1]], "diagonal_edge").fraction <= 0.30


def test_mean_filter_earns_full_smoothing_marks():
    assert score(MEAN_FILTER, "smoothing").fraction == 1.0


def test_identity_keeps_brightness_but_not_noise_so_earns_half():
    assert score([[1, 0], [0, 0]], "smoothing").fraction == pytest.approx(0.5)


def test_smoothing_scale_matters_a_brightening_mean_filter_earns_half():
    assert score([[0.5, 0.5], [0.5, 0.5]], "smoothing").fraction == pytest.approx(0.5)


@pytest.mark.parametrize("kernel", [[[-0.25, -0.25], [-0.25, -0.25]], [[0.001, 0], [0, 0]]])
def test_smoothing_noise_credit_needs_brightness_kept(kernel):
    verdict = score(kernel, "smoothing")
    assert {c.name: c.fraction for c in verdict.criteria}["noise"] == 0.0
    assert verdict.fraction == 0.0


def test_edge_filter_is_no_smoothing_filter():
    assert score(INTENDED, "smoothing").fraction == 0.0


kernels = st.lists(st.floats(-10, 10, allow_nan=False, allow_infinity=False),
                   min_size=4, max_size=4).filter(lambda v: any(abs(x) > 1e-3 for x in v))


@settings(max_examples=60, deadline=None)
@given(values=kernels, scale=st.floats(1e-3, 1e3), negative=st.booleans(),
       task=st.sampled_from(EDGE_TASKS))
def test_edge_scores_ignore_scale_and_sign(values, scale, negative, task):
    kernel = np.array(values).reshape(2, 2)
    factor = -scale if negative else scale
    assert score(kernel * factor, task).fraction == pytest.approx(
        score(kernel, task).fraction, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(values=kernels, task=st.sampled_from(list(TASKS)))
def test_fraction_always_lies_in_zero_one(values, task):
    assert 0.0 <= score(np.reshape(values, (2, 2)), task).fraction <= 1.0


def test_same_kernel_always_gets_identical_verdict_even_after_rebuilding_the_battery():
    first = score([[-1, 0.3], [0.8, -0.2]]).to_dict()
    hidden_battery.cache_clear()
    _battery_along_profiles.cache_clear()
    second = score([[-1, 0.3], [0.8, -0.2]]).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_points_is_a_plain_python_float():
    points = score(ROBERTS[0]).points(10)
    assert type(points) is float
    assert points == 7.0


def test_points_are_clamped_and_rounded():
    verdict = score(LECTURE_VERTICAL)
    assert verdict.points(3) == round(verdict.fraction * 3, 2)
    assert verdict.points(-1) == 0.0
    assert verdict.points(float("nan")) == 0.0


def test_unknown_task_earns_zero_without_raising():
    verdict = score(INTENDED, "no_such_task")
    assert verdict.fraction == 0.0
    assert verdict.problem == "unknown_task"


def test_language_is_a_parameter_that_defaults_to_korean(tmp_path, monkeypatch):
    # Scoring reads no file: a course configuration in the working directory changes nothing;
    # the grader reads c.KernelFeedback.language and passes it in.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.KernelFeedback.language = "en"\n')
    assert score_kernel(INTENDED).language == "ko"
    assert score_kernel(INTENDED, language="en").language == "en"
    assert score_kernel(INTENDED, language="fr").language == "ko"


# --- where full marks end (issue: a filter no one can tell apart from the intended one) ----------

def _perturbed(base, size, seed):
    """``base`` with every weight moved by up to ``size`` of the filter's largest weight."""
    base = np.asarray(base, dtype=float)
    noise = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(2, 2))
    return base + size * np.abs(base).max() * noise


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("base", [INTENDED, SINGLE_COLUMN])
def test_a_filter_within_two_percent_of_an_intended_one_earns_full_marks(base, seed):
    kernel = _perturbed(base, 0.02, seed)
    verdict = score(kernel)
    assert verdict.fraction == 1.0, (kernel.tolist(), [(c.name, c.measured) for c in verdict.criteria])


def test_the_issues_example_earns_full_marks():
    assert score([[-1.0, -0.98], [1.02, 1.0]]).points(10) == 10.0


@pytest.mark.parametrize("criterion, kernel", [
    # a brightness response: weights summing to 30% of the filter's strength
    ("flatness", [[-1.0, -1.0], [1.3, 1.3]]),
    # a clear vertical component: 30% of the edge response on the lecture's orientation
    ("selectivity", [[-1.0, -0.2], [0.2, 1.0]]),
])
def test_deductions_start_where_the_behaviour_visibly_differs(criterion, kernel):
    by_name = {c.name: c for c in score(kernel).criteria}
    assert by_name[criterion].fraction < 1.0, (criterion, by_name[criterion].measured)


@pytest.mark.parametrize("name", ["flatness", "selectivity"])
def test_past_its_threshold_a_criterion_falls_steadily_with_the_difference(name):
    # Adding a growing brightness response (flatness) or a growing vertical part (selectivity).
    steps = np.linspace(0.0, 3.0, 31)
    extra = {"flatness": np.array([[0.0, 0.0], [1.0, 1.0]]), "selectivity": np.array([[-1.0, 1.0], [-1.0, 1.0]])}[name]
    fractions = [{c.name: c.fraction for c in score(np.array(INTENDED, float) + t * extra).criteria}[name]
                 for t in steps]
    assert fractions[0] == 1.0 and fractions[-1] < 0.6
    assert all(later <= earlier + 1e-12 for earlier, later in zip(fractions, fractions[1:]))


def test_the_homework_notebook_states_each_threshold():
    from autograder.scoring.rubric import FLATNESS_FULL, LOCALISATION_FULL, SELECTIVITY_FULL
    from tests.conftest import REPO_ROOT

    notebook = json.loads((REPO_ROOT / "assignments" / "week12-homework" / "edge_filter.ipynb").read_text())
    rubric = next("".join(cell["source"]) for cell in notebook["cells"] if cell.get("id") == "rubric")
    for threshold in (LOCALISATION_FULL, FLATNESS_FULL, SELECTIVITY_FULL):
        assert f"{threshold:.0%}" in rubric
