"""Value checks for the week-12 lab, called from the notebook's test cells and by the judge.

Every check takes plain data (numbers, shape tuples, arrays or anything ``np.asarray`` reads, such
as TensorFlow tensors) and raises :class:`~.messages.CheckFailed` with a message a student can
act on (see ``messages.py``). Checks are explicit ``if``s, never ``assert``: a verdict must not
change under ``python -O``. Expected values are never typed in: they are recomputed with numpy
from the student's own input (see ``lab_reference``), or follow Keras' rules, which the test suite
checks against real Keras layers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from autograder.exercises import lab_reference as reference
from autograder.exercises.messages import CheckFailed, check, phrase
from autograder.scoring import score_kernel

# Keras computes in float32; values of the lab reach ~40, so compare at float32 precision.
FLOAT32_ATOL = 1e-3
COMPOSITIONS = ("mean->mean", "mean->edge", "edge->mean", "edge->edge")
# After two stacked 2x2 filters, output columns 23 and 24 (counted from 0) straddle the edge
# between input columns 24 and 25.
EDGE_COLUMNS_AFTER_TWO_FILTERS = (23, 24)
EDGE_KEPT_THRESHOLD = 0.9


def _array(value, name) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception as error:  # a student's value may be anything
        raise CheckFailed("not_an_array", name=name, error=str(error)) from None


def _image_2d(value, name, side: int) -> np.ndarray:
    array = _array(value, name)
    squeezed = array.squeeze()
    check(squeezed.shape == (side, side), "image_shape", name=name, shape=array.shape, side=side)
    return squeezed


def _check_close(actual: np.ndarray, expected: np.ndarray, name, how) -> None:
    if not np.allclose(actual, expected, rtol=0, atol=FLOAT32_ATOL):
        worst = float(np.max(np.abs(actual - expected)))
        raise CheckFailed("values_differ", name=name, how=how, worst=worst)


def _check_values(actual, expected, expected_message: str) -> None:
    """Like ``np.testing.assert_allclose`` with ``atol=1e-6``, but the student reads our sentence
    first instead of numpy's "Not equal to tolerance" report."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape or not np.allclose(actual, expected, rtol=1e-7, atol=1e-6):
        shown = np.array2string(actual, precision=4, suppress_small=True).replace("\n", "")
        raise CheckFailed("values_now", expected=phrase(expected_message), shown=shown)


def _shape(value) -> tuple[int, ...]:
    return tuple(int(d) for d in value)


# 1. the step image -------------------------------------------------------------------------

def check_step_image_shape(xxx) -> None:
    shape = tuple(np.shape(xxx))
    check(shape == (1, 50, 50, 1), "step_image_shape", shape=shape)


def check_step_image(xxx, seed: int = reference.STEP_IMAGE_SEED) -> None:
    """XXX is the lecture's step image with the lab's seeded noise draw, pixel for pixel."""
    check_step_image_shape(xxx)
    image = _image_2d(xxx, "XXX", 50)
    check(np.all(np.isfinite(image)), "step_image_not_finite")
    left, right = image[:, :25].mean(), image[:, 25:].mean()
    check(abs(left - 10) < 0.5 and abs(right) < 0.5, "step_image_halves", left=left, right=right)
    _check_close(image, reference.lecture_step_image(seed), "XXX", phrase("how_seeded_image", seed=seed))


# 2. Conv2D creates its weights lazily ------------------------------------------------------

def check_lazy_weights(n_weights_before: int, n_weights_after: int,
                       kernel_shape: Sequence[int], bias_shape: Sequence[int],
                       layer_weight_shapes: Sequence[Sequence[int]]) -> None:
    """Before the first call a Conv2D has no weights; after it, a (2,2,1,2) kernel and a (2,) bias."""
    check(n_weights_before == 0, "weights_before", count=n_weights_before)
    check(n_weights_after == 2, "weights_after", count=n_weights_after)
    actual = [_shape(shape) for shape in layer_weight_shapes]
    check(actual == [(2, 2, 1, 2), (2,)], "weights_layer", shapes=actual)
    check(_shape(kernel_shape) == actual[0], "shape_must_be", name="kernel_shape", shape=actual[0])
    check(_shape(bias_shape) == actual[1], "shape_must_be", name="bias_shape", shape=actual[1])


# 3. the mean and the edge filter -----------------------------------------------------------

def check_filter_weights(kernel, bias) -> None:
    """Channel 0 holds the mean filter, channel 1 the lecture's edge filter, biases are zero."""
    kernel = _array(kernel, "kernel")
    check(kernel.shape == (2, 2, 1, 2), "kernel_shape", shape=kernel.shape)
    _check_values(kernel[:, :, 0, 0], reference.MEAN_FILTER, "channel0_mean")
    _check_values(kernel[:, :, 0, 1], reference.EDGE_FILTER, "channel1_edge")
    _check_values(_array(bias, "bias"), [0.0, 0.0], "bias_zero")
    # The same scorer that grades the homework confirms what each channel does.
    check(score_kernel(kernel[:, :, 0, 0], task="smoothing").fraction == 1.0, "channel0_not_smoothing")
    check(score_kernel(kernel[:, :, 0, 1], task="vertical_edge").fraction == 1.0, "channel1_not_vertical")


def _usable_images(images) -> list[np.ndarray]:
    """The candidate input images (the student's ``XXX``, the correct one) that are 50x50."""
    usable = []
    for image in images:
        try:
            usable.append(_image_2d(image, "XXX", 50))
        except CheckFailed:
            continue
    return usable


def _closest(actual: np.ndarray, candidates: list[np.ndarray]) -> np.ndarray:
    """The expected array ``actual`` is consistent with, else the first (for the message)."""
    for expected in candidates:
        if np.allclose(actual, expected, rtol=0, atol=FLOAT32_ATOL):
            return expected
    return candidates[0]


def check_filtered_channels(images, xxx0, xxx1) -> None:
    """XXX0 and XXX1 are the mean and edge filters applied to the student's own XXX, or to the
    correct one (a wrong step 1 does not cost step 3)."""
    channel0 = _image_2d(xxx0, "XXX0", 49)
    channel1 = _image_2d(xxx1, "XXX1", 49)
    images = _usable_images(images)
    _check_close(channel0, _closest(channel0, [reference.apply_filters(i, "mean") for i in images]), "XXX0",
                 phrase("how_mean_applied"))
    _check_close(channel1, _closest(channel1, [reference.apply_filters(i, "edge") for i in images]), "XXX1",
                 phrase("how_edge_applied"))


# 4. filters applied twice ------------------------------------------------------------------

def own_filters(weights) -> dict | None:
    """The student's own two filters (``conv.get_weights()``), if they have the lab's shape."""
    try:
        kernel = np.asarray(weights[0], dtype=np.float64)
    except Exception:  # noqa: BLE001 - no usable weights: only the lecture's filters count
        return None
    if kernel.shape != (2, 2, 1, 2) or not np.all(np.isfinite(kernel)):
        return None
    return {"mean": kernel[:, :, 0, 0], "edge": kernel[:, :, 0, 1]}


def check_stacked_filters(images, filter_sets, twice: Mapping[str, object]) -> None:
    """Each of the four compositions is the two filters applied in order, to the student's XXX or
    the correct one, with the lecture's filters or the student's own (consistent with step 3)."""
    missing = [name for name in COMPOSITIONS if name not in twice]
    check(not missing, "twice_keys", missing=missing, keys=list(COMPOSITIONS))
    images = _usable_images(images)
    for name in COMPOSITIONS:
        first, second = name.split("->")
        answer = _image_2d(twice[name], f"twice['{name}']", 48)
        candidates = [reference.apply_filters(image, first, second, filters=filters)
                      for filters in filter_sets for image in images]
        _check_close(answer, _closest(answer, candidates), f"twice['{name}']",
                     phrase("how_twice", first=first, second=second))


def check_keeps_edge(keeps_edge: Mapping[str, object]) -> None:
    """The student's yes/no per composition agrees with what the true response maps show (the
    lecture's filters on the lecture's image), whatever the student's own ``twice`` holds."""
    truth = reference.true_edge_kept_rates(EDGE_COLUMNS_AFTER_TWO_FILTERS)
    for name in COMPOSITIONS:
        answer = keeps_edge.get(name)
        check(answer is not None, "keeps_edge_missing", name=name)
        check(answer == (truth[name] >= EDGE_KEPT_THRESHOLD), "keeps_edge_wrong", name=name, measured=truth[name])


# 5. stride and padding ---------------------------------------------------------------------

def check_output_size_rule(answers: Sequence[Sequence]) -> None:
    """The student's size rule gives Keras' output size for every probed (n, k, stride, padding).

    ``answers`` holds ``[n, k, stride, padding, answer]`` rows. The expected sizes come from
    ``lab_reference.conv_output_size``, which the test suite checks against real Keras layers.
    """
    check(answers, "size_rule_unknown")
    for n, k, stride, padding, answer in answers:
        expected = reference.conv_output_size(int(n), int(k), int(stride), str(padding))
        check(isinstance(answer, (int, float)) and answer == expected, "size_rule_wrong",
              n=n, k=k, stride=stride, padding=padding, answer=answer, expected=expected)


def check_shape_equals(name: str, answer, measured) -> None:
    """``answer`` is the shape ``measured`` (a tuple or list of whole numbers)."""
    try:
        answer_shape = _shape(answer)
    except (TypeError, ValueError):  # None, a number, (None, 25, 25, 1)...: shown as written
        answer_shape = None
    measured_shape = _shape(measured)
    check(answer_shape == measured_shape, "must_equal", name=name, expected=measured_shape,
          answer=answer if answer_shape is None else answer_shape)


# 6. pooling --------------------------------------------------------------------------------

def check_pooling_function(pooled, reduce, name: str, image) -> None:
    """What a by-hand 2x2 pooling function returned for ``image`` equals numpy's block max/mean."""
    pooled = _array(pooled, phrase("result_of", name=name))
    expected = reference.pool_2x2(image, reduce)
    check(pooled.shape == expected.shape, "pooled_shape", name=name, expected=expected.shape, shape=pooled.shape)
    _check_close(pooled, expected, phrase("result_of_function", name=name), phrase("how_blocks"))


def check_pooled_image(images, pooled, reduce, name: str) -> None:
    """The Keras layer's result is the pooling of the student's XXX or of the correct one."""
    answer = _image_2d(pooled, name, 25)
    candidates = [reference.pool_2x2(image, reduce) for image in _usable_images(images)]
    _check_close(answer, _closest(answer, candidates), name, phrase("how_pooled"))


# 7. parameter sharing ----------------------------------------------------------------------

def check_parameter_counts(answers: Mapping[str, object], measured: Mapping[str, int]) -> None:
    """Counts of weights agree with those measured on real Keras layers."""
    for name, expected in measured.items():
        answer = answers.get(name)
        check(answer is not None and int(answer) == int(expected), "must_equal", name=name, expected=expected,
              answer=answer)


# 8. the basic unit conv - activation - pooling ---------------------------------------------

UNIT_CONV = {"filters": 2, "kernel_size": (2, 2), "strides": (1, 1), "padding": "valid"}
UNIT_POOL = {"pool_size": (2, 2), "padding": "valid"}
LINEAR = (None, "linear")


def _pair(value):
    try:
        pair = tuple(int(v) for v in value) if isinstance(value, (list, tuple)) else (int(value), int(value))
    except (TypeError, ValueError):
        return None
    return pair


def _is_relu(layer: Mapping) -> bool:
    config = layer.get("config", {}) if isinstance(layer.get("config"), dict) else {}
    if layer.get("class") == "Activation":
        return config.get("activation") == "relu"
    if layer.get("class") == "ReLU":  # a plain ReLU: no cap, no leak, no threshold
        return config.get("max_value") is None and not config.get("negative_slope") and not config.get("threshold")
    return False


def check_basic_unit(layers: Sequence[Mapping], answer_shapes, measured_shapes) -> None:
    """The unit is exactly what step 8 asks: Conv2D(2, (2, 2)) with no activation of its own, then
    a ReLU activation, then 2x2 max pooling; and the output shapes are those Keras gives."""
    kinds = [layer.get("class") for layer in layers]
    check(len(kinds) == 3, "unit_three_layers", kinds=list(kinds))
    conv, activation, pooling = layers
    check(conv.get("class") == "Conv2D", "unit_first", kind=conv.get("class"))
    config = conv.get("config", {})
    found = {"filters": config.get("filters"), "kernel_size": _pair(config.get("kernel_size")),
             "strides": _pair(config.get("strides", 1)), "padding": config.get("padding", "valid")}
    check(found == UNIT_CONV and config.get("activation") in LINEAR, "unit_conv_config",
          found={**found, "activation": config.get("activation")})
    check(activation.get("class") in {"Activation", "ReLU"}, "unit_second", kind=activation.get("class"))
    check(_is_relu(activation), "unit_relu", found=activation.get("config"))
    check(pooling.get("class") == "MaxPooling2D", "unit_third", kind=pooling.get("class"))
    config = pooling.get("config", {})
    found = {"pool_size": _pair(config.get("pool_size", 2)), "padding": config.get("padding", "valid")}
    strides = _pair(config.get("strides")) if config.get("strides") is not None else found["pool_size"]
    check(found == UNIT_POOL and strides == (2, 2), "unit_pool_config", found={**found, "strides": strides})
    answer = [_shape(shape) for shape in answer_shapes]
    measured = [_shape(shape) for shape in measured_shapes]
    side = reference.conv_output_size(50, 2) // 2
    check(measured[-1:] == [(1, side, side, 2)], "unit_output", side=side, measured=measured[-1:])
    check(answer == measured, "unit_shapes", measured=measured, answer=answer)
