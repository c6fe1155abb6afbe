"""The lab's graded cells as exercises: what each reads from the kernel and how it is judged.

Expected values are never taken from the student's kernel: they are recomputed from the
student's inputs (``lab_reference``) or follow Keras' rules, which the test suite checks against
real Keras layers. One policy for steps that build on earlier ones, stated in the lab's
introduction: each step is judged on its own concept; where it uses an earlier result, its answer
counts if it is consistent with the correct earlier result or with the student's own (their
``XXX``, their filters), so one mistake costs one step; and a step never needs a variable it does
not use (``keeps_edge`` is judged against the true response maps, not the student's ``twice``).
Every cell's visible test (``lab_visible``) runs first, so the grade never passes what the
visible test refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.answers.codec import Unreadable
from autograder.contract import LAB
from autograder.exercises import lab_checks as checks
from autograder.exercises import lab_reference as reference
from autograder.exercises import lab_visible as visible
from autograder.exercises.base import MISSING, READ_FAILED, Exercise, judge_by_checks, optional, require
from autograder.exercises.messages import check

OUTPUT_SIZE_PROBES = [(n, k, stride, padding) for n in (5, 6, 7, 50) for k in (2, 3)
                      for stride in (1, 2, 3) for padding in ("valid", "same")]
POOLING_PROBE_SEED = 7
UNIT_CONFIG_KEYS = ("filters", "kernel_size", "strides", "padding", "pool_size", "activation", "max_value",
                    "negative_slope", "threshold")
POOLING_TOY = np.arange(16.0).reshape(4, 4)  # the visible test's input


def pooling_probe_image() -> np.ndarray:
    return np.random.default_rng(POOLING_PROBE_SEED).normal(size=(8, 10))


def _names(namespace: Mapping[str, Any], *names: str) -> dict:
    data = {name: namespace[name] for name in names if name in namespace}
    data[MISSING] = [name for name in names if name not in namespace]
    return data


def _attempt(compute, *args):
    """Call the student's function during extraction; what it raises becomes data (the judge shows
    it as the student's own error, explained), not an exception."""
    try:
        return compute(*args)
    except BaseException as error:  # noqa: BLE001 - includes SystemExit raised by student code
        return Unreadable(f"{type(error).__name__}: {error}")


def _read(describe, value):
    """Read a student's object (a layer, a model) with Keras' own methods; if it is not the kind
    of object asked for, say so (it is not an error in the student's code)."""
    try:
        return describe(value)
    except BaseException as error:  # noqa: BLE001 - whatever the student's object does
        return Unreadable(f"{READ_FAILED} ({type(value).__name__}; {type(error).__name__}: {error})")


def _plain_shape(value):
    """A shape (tuple, list, TensorShape) as a list, ``None`` kept for an unknown dimension;
    anything else as it is, for the check to word."""
    try:
        return [d if d is None else int(d) for d in value]
    except Exception:  # noqa: BLE001 - not a shape: judged (and worded) by the check
        return value


# --- extraction (runs where the student's code runs) ----------------------------------------

def extract_lazy_weights(ns):
    data = _names(ns, "n_weights_before", "n_weights_after", "kernel_shape", "bias_shape", "conv")
    if "conv" in data:
        data["conv"] = _read(lambda conv: [list(w.shape) for w in conv.weights], data["conv"])
    return data


def _weights(conv):
    return list(conv.get_weights())


def extract_set_filters(ns):
    data = _names(ns, "XXX", "XXX0", "XXX1", "conv")
    if "conv" in data:
        data["conv"] = _read(_weights, data["conv"])
    return data


def extract_stacked_filters(ns):
    data = _names(ns, "twice", "XXX", "conv")
    if "conv" in data:
        data["conv"] = _read(_weights, data["conv"])  # the student's own filters, if any
    return data


def extract_stride_padding(ns):
    data = _names(ns, "conv_output_size", "shape_stride2", "shape_same")
    if "conv_output_size" in data:
        rule = data["conv_output_size"]
        data["conv_output_size"] = [[n, k, s, p, _attempt(rule, n, k, s, p)] for n, k, s, p in OUTPUT_SIZE_PROBES]
    for name in ("shape_stride2", "shape_same"):
        if name in data:
            data[name] = _plain_shape(data[name])
    return data


def extract_pooling(ns):
    data = _names(ns, "max_pool_2x2", "avg_pool_2x2", "pooled_max_keras", "pooled_avg_keras", "XXX")
    if "max_pool_2x2" in data:
        data["max_pool_toy"] = _attempt(data["max_pool_2x2"], POOLING_TOY.copy())
    for name in ("max_pool_2x2", "avg_pool_2x2"):
        if name in data:
            data[name] = _attempt(data[name], pooling_probe_image())
    return data


def extract_basic_unit(ns):
    data = _names(ns, "unit", "unit_output_shapes")

    def describe(unit):
        layers = []
        for layer in unit.layers:
            config = layer.get_config()
            layers.append({"class": type(layer).__name__,
                           "config": {k: config[k] for k in UNIT_CONFIG_KEYS if k in config}})
        return layers

    if "unit" in data:
        data["unit"] = _read(describe, data["unit"])
    return data


# --- judgement (pure; runs anywhere on the extracted data) ---------------------------------

def _images(d) -> list[np.ndarray]:
    """The images a step may have built on: the student's own ``XXX`` (if readable), then the
    correct one."""
    own = optional(d, "XXX")
    return ([own] if own is not None else []) + [reference.lecture_step_image().reshape(1, 50, 50, 1)]


def _check_step_image(d):
    (xxx,) = require(d, "XXX")
    visible.step_image(xxx)
    checks.check_step_image(xxx)


def _check_lazy_weights(d):
    before, after, kernel_shape, bias_shape, weight_shapes = require(
        d, "n_weights_before", "n_weights_after", "kernel_shape", "bias_shape", "conv")
    visible.lazy_weights(before, kernel_shape)
    checks.check_lazy_weights(before, after, kernel_shape, bias_shape, weight_shapes)


def _check_set_filters(d):
    xxx0, xxx1, weights = require(d, "XXX0", "XXX1", "conv")
    visible.set_filters(xxx0, xxx1)
    check(isinstance(weights, list) and len(weights) == 2, "two_weights")
    checks.check_filter_weights(*weights)
    checks.check_filtered_channels(_images(d), xxx0, xxx1)


def _check_stacked_filters(d):
    (twice,) = require(d, "twice")
    visible.stacked_filters(twice)
    weights = optional(d, "conv")
    own = checks.own_filters(weights)
    checks.check_stacked_filters(_images(d), [reference.FILTERS] + ([own] if own else []), twice)


def _check_keeps_edge(d):
    (keeps_edge,) = require(d, "keeps_edge")
    visible.keeps_edge(keeps_edge)
    checks.check_keeps_edge(keeps_edge)


def _check_stride_padding(d):
    answers, stride2, same = require(d, "conv_output_size", "shape_stride2", "shape_same")
    sizes = {(n, k, s, p): answer for n, k, s, p, answer in answers} if isinstance(answers, list) else {}
    visible.stride_padding(sizes.get((50, 2, 1, "valid")))
    checks.check_output_size_rule(answers)
    side_stride2 = reference.conv_output_size(50, 2, 2, "valid")
    checks.check_shape_equals("shape_stride2", stride2, (1, side_stride2, side_stride2, 1))
    checks.check_shape_equals("shape_same", same, (1, 50, 50, 1))


def _check_pooling(d):
    by_hand_max, by_hand_avg, keras_max, keras_avg, toy = require(
        d, "max_pool_2x2", "avg_pool_2x2", "pooled_max_keras", "pooled_avg_keras", "max_pool_toy")
    visible.pooling(toy)
    probe = pooling_probe_image()
    checks.check_pooling_function(by_hand_max, np.max, "max_pool_2x2", probe)
    checks.check_pooling_function(by_hand_avg, np.mean, "avg_pool_2x2", probe)
    checks.check_pooled_image(_images(d), keras_max, np.max, "pooled_max_keras")
    checks.check_pooled_image(_images(d), keras_avg, np.mean, "pooled_avg_keras")


def _check_parameter_sharing(d):
    dense, conv, keras = require(d, "n_dense_weights", "n_conv_weights", "n_conv_params_keras")
    visible.parameter_sharing(dense, conv)
    n_in, n_out, filters = 6 * 6 * 1, 5 * 5 * 2, 2
    conv_weights = reference.conv_weight_count(2, 1, filters)
    checks.check_parameter_counts(
        {"n_dense_weights": dense, "n_conv_weights": conv, "n_conv_params_keras": keras},
        {"n_dense_weights": reference.dense_weight_count(n_in, n_out),
         "n_conv_weights": conv_weights,
         "n_conv_params_keras": conv_weights + filters},
    )


def _check_basic_unit(d):
    layers, answer_shapes = require(d, "unit", "unit_output_shapes")
    check(isinstance(layers, list), "unit_not_model")
    visible.basic_unit(layers)
    kinds = [layer.get("class") if isinstance(layer, dict) else None for layer in layers]
    measured, shape = [], (1, 50, 50, 1)
    try:
        for layer in layers:
            shape = reference.layer_output_shape(layer["class"], layer["config"], shape)
            measured.append(shape)
    except (KeyError, ValueError, TypeError):
        raise checks.CheckFailed("unit_unreadable", kinds=kinds) from None
    checks.check_basic_unit(layers, answer_shapes, measured)


_EXTRACT = {
    "test_lazy_weights": extract_lazy_weights,
    "test_set_filters": extract_set_filters,
    "test_stacked_filters": extract_stacked_filters,
    "test_stride_padding": extract_stride_padding,
    "test_pooling": extract_pooling,
    "test_basic_unit": extract_basic_unit,
}
_CHECK = {
    "test_step_image": _check_step_image,
    "test_lazy_weights": _check_lazy_weights,
    "test_set_filters": _check_set_filters,
    "test_stacked_filters": _check_stacked_filters,
    "test_keeps_edge": _check_keeps_edge,
    "test_stride_padding": _check_stride_padding,
    "test_pooling": _check_pooling,
    "test_parameter_sharing": _check_parameter_sharing,
    "test_basic_unit": _check_basic_unit,
}


def _extract_names(cell):
    return lambda namespace: _names(namespace, *cell.answer_names)


# Cells whose answers are plain values are read by name; the others call the student's code or
# describe a Keras object while it is still in the kernel.
EXERCISES = [Exercise(cell, _EXTRACT.get(cell.grade_id) or _extract_names(cell), judge_by_checks(_CHECK[cell.grade_id]))
             for cell in LAB.graded_cells]
