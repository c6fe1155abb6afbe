"""Step images, the hidden battery, the Keras-equivalent correlation and the metrics."""

import numpy as np
import pytest

from autograder.scoring.correlate import cross_correlate_valid, window_stack
from autograder.scoring.images import (BATTERY_EDGES, hidden_battery, profile_indices,
                                       step_image, true_edge_mask)
from autograder.scoring.metrics import (edge_response, edge_snr, flat_response_ratio,
                                        localisation_rate, mean_preservation, noise_gain,
                                        orientation_selectivity)
from autograder.scoring.rubric import battery_localisation

INTENDED = np.array([[-1.0, -1.0], [1.0, 1.0]])
LECTURE_VERTICAL = np.array([[-1.0, 1.0], [-1.0, 1.0]])
ROBERTS = np.array([[-1.0, 0.0], [0.0, 1.0]])
MEAN_FILTER = np.full((2, 2), 0.25)


def reference_correlation(image, kernel):
    """Straightforward double loop: out[i, j] = sum_{u,v} K[u, v] * x[i+u, j+v]."""
    h, w = image.shape
    out = np.zeros((h - 1, w - 1))
    for i in range(h - 1):
        for j in range(w - 1):
            out[i, j] = sum(kernel[u][v] * image[i + u, j + v] for u in range(2) for v in range(2))
    return out


def test_correlation_matches_the_double_loop_reference():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(2, 2))
    np.testing.assert_allclose(cross_correlate_valid(image, kernel),
                               reference_correlation(image, kernel), rtol=1e-12)


def test_correlation_of_a_stack_is_the_correlation_of_each_image():
    rng = np.random.default_rng(1)
    stack, kernel = rng.normal(size=(3, 5, 6)), rng.normal(size=(2, 2))
    result = cross_correlate_valid(stack, kernel)
    assert result.shape == (3, 4, 5)
    for image, response in zip(stack, result):
        np.testing.assert_allclose(response, reference_correlation(image, kernel), rtol=1e-12)


def test_correlation_accepts_the_keras_kernel_layout():
    image = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(cross_correlate_valid(image, INTENDED.reshape(2, 2, 1, 1)),
                                  cross_correlate_valid(image, INTENDED))


def test_window_stack_turns_correlation_into_a_dot_product():
    image = np.random.default_rng(2).normal(size=(6, 6))
    np.testing.assert_allclose(np.tensordot(ROBERTS.ravel(), window_stack(image), axes=1),
                               cross_correlate_valid(image, ROBERTS))


def test_lecture_step_image_is_bright_left_dark_right():
    image = step_image()
    assert image.shape == (50, 50)
    assert (image[:, :25] == 10).all() and (image[:, 25:] == 0).all()


def test_transposed_step_image_is_the_horizontal_orientation():
    np.testing.assert_array_equal(step_image(orientation="horizontal"), step_image().T)


def test_reversed_polarity_swaps_bright_and_dark():
    image = step_image(orientation="horizontal", bright_first=False)
    assert (image[:25] == 0).all() and (image[25:] == 10).all()


@pytest.mark.parametrize("edge", [12, 25, 38])
def test_horizontal_edge_is_output_row_edge_minus_one(edge):
    mask = true_edge_mask(edge=edge, orientation="horizontal")
    assert mask.shape == (49, 49)
    assert np.flatnonzero(mask.any(axis=1)).tolist() == [edge - 1]
    assert mask[edge - 1].all()


def test_vertical_edge_is_output_column_edge_minus_one():
    mask = true_edge_mask(edge=25, orientation="vertical")
    assert np.flatnonzero(mask.any(axis=0)).tolist() == [24]


def test_diagonal_edge_covers_two_adjacent_output_diagonals():
    rows, cols = np.nonzero(true_edge_mask(orientation="diagonal"))
    assert sorted(set((cols - rows).tolist())) == [-1, 0]


def test_battery_has_forty_images_with_both_polarities_and_all_edge_positions():
    battery = hidden_battery("horizontal_edge")
    assert battery.images.shape == (40, 50, 50) and battery.images.dtype == np.float64
    assert battery.edge_masks.shape == (40, 49, 49)
    assert set(battery.edges.tolist()) == set(BATTERY_EDGES)
    assert battery.bright_first.sum() == 20


def test_battery_is_the_noisy_lecture_image():
    battery = hidden_battery("horizontal_edge")
    noise = battery.images[0] - step_image(edge=int(battery.edges[0]), orientation="horizontal",
                                           bright_first=bool(battery.bright_first[0]))
    assert abs(noise.mean()) < 0.1 and 0.9 < noise.std() < 1.1


def test_battery_is_deterministic_for_a_seed_and_changes_with_it():
    first = hidden_battery.__wrapped__("horizontal_edge")
    second = hidden_battery.__wrapped__("horizontal_edge")
    other = hidden_battery.__wrapped__("horizontal_edge", seed=1)
    np.testing.assert_array_equal(first.images, second.images)
    assert not np.array_equal(first.images, other.images)


def test_battery_is_read_only():
    with pytest.raises(ValueError):
        hidden_battery("horizontal_edge").images[0, 0, 0] = 1.0


def test_profiles_of_a_horizontal_edge_are_the_output_columns():
    profiles = profile_indices(49, "horizontal")
    assert profiles.shape == (49, 49)
    np.testing.assert_array_equal(profiles[3], np.arange(49) * 49 + 3)


def test_intended_filter_localises_every_profile_of_the_battery():
    battery = hidden_battery("horizontal_edge")
    responses = cross_correlate_valid(battery.images, INTENDED)
    assert localisation_rate(responses, battery.edge_masks, battery.profiles) == 1.0


def test_lecture_vertical_filter_localises_almost_no_profile_of_the_battery():
    battery = hidden_battery("horizontal_edge")
    responses = cross_correlate_valid(battery.images, LECTURE_VERTICAL)
    assert localisation_rate(responses, battery.edge_masks, battery.profiles) < 0.1


@pytest.mark.parametrize("task", ["horizontal_edge", "vertical_edge", "diagonal_edge"])
def test_fast_battery_localisation_equals_the_plain_metric(task):
    battery = hidden_battery(task)
    for kernel in (INTENDED, LECTURE_VERTICAL, ROBERTS, np.array([[0.3, -1.0], [0.7, 0.1]])):
        plain = localisation_rate(cross_correlate_valid(battery.images, kernel),
                                  battery.edge_masks, battery.profiles)
        assert battery_localisation(kernel, battery.orientation) == pytest.approx(plain, abs=1e-12)


def test_flat_response_ratio_is_measured_on_a_flat_image():
    kernel = np.array([[0.5, -1.0], [2.0, 0.25]])
    flat = cross_correlate_valid(np.full((4, 4), 10.0), kernel)
    expected = abs(flat[0, 0]) / (10 * np.abs(kernel).sum())
    assert flat_response_ratio(kernel) == pytest.approx(expected)


@pytest.mark.parametrize("kernel, expected", [(INTENDED, 0.0), (MEAN_FILTER, 1.0),
                                              (np.zeros((2, 2)), 1.0)])
def test_flat_response_ratio_anchor_values(kernel, expected):
    assert flat_response_ratio(kernel) == expected


@pytest.mark.parametrize("kernel, expected", [(INTENDED, 1.0), (ROBERTS, 0.5),
                                              (LECTURE_VERTICAL, 0.0),
                                              (np.array([[1.0, 1.0], [0.0, 0.0]]), 2 / 3),
                                              (np.zeros((2, 2)), 0.0)])
def test_orientation_selectivity_for_the_horizontal_task(kernel, expected):
    assert orientation_selectivity(kernel, "horizontal", "vertical") == pytest.approx(expected)


def test_edge_response_is_measured_on_the_noise_free_edge():
    kernel = np.array([[0.5, -1.0], [2.0, 0.25]])
    image = step_image(orientation="horizontal", contrast=1.0)
    response = cross_correlate_valid(image, kernel)[true_edge_mask(orientation="horizontal")]
    assert edge_response(kernel, "horizontal") == pytest.approx(np.abs(response).mean())


def test_smoothing_metrics_of_the_mean_filter_and_the_identity():
    assert mean_preservation(MEAN_FILTER) == 1.0 and noise_gain(MEAN_FILTER) == 0.5
    identity = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert mean_preservation(identity) == 1.0 and noise_gain(identity) == 1.0


def test_noise_gain_is_the_standard_deviation_of_the_response_to_pure_noise():
    kernel = np.array([[0.5, -1.0], [2.0, 0.25]])
    noise = np.random.default_rng(3).standard_normal((400, 400))
    measured = cross_correlate_valid(noise, kernel).std()
    assert measured == pytest.approx(noise_gain(kernel), rel=0.02)


@pytest.mark.parametrize("kernel, expected", [(INTENDED, 10.0), (LECTURE_VERTICAL, 0.0),
                                              (MEAN_FILTER, 0.0),
                                              (np.array([[-1.0, 0.0], [1.0, 0.0]]), 50 ** 0.5)])
def test_edge_snr_matches_the_notes(kernel, expected):
    assert edge_snr(kernel, "horizontal") == pytest.approx(expected)
