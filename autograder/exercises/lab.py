"""The lab's graded cells as exercises: what each reads from the kernel and how it is judged.

Expected values are never taken from the student's kernel: they are recomputed from the
student's own inputs (``lab_reference``) or follow Keras' rules, which the test suite checks
against real Keras layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.answers.codec import Unreadable
from autograder.contract import LAB
from autograder.exercises import lab_checks as checks
from autograder.exercises import lab_reference as reference
from autograder.exercises.base import MISSING, Exercise, judge_by_checks, require
from autograder.exercises.messages import check

OUTPUT_SIZE_PROBES = [(n, k, stride, padding) for n in (5, 6, 7, 50) for k in (2, 3)
                      for stride in (1, 2, 3) for padding in ("valid", "same")]
POOLING_PROBE_SEED = 7
UNIT_CONFIG_KEYS = ("filters", "kernel_size", "strides", "padding", "pool_size", "activation")


def pooling_probe_image() -> np.ndarray:
    return np.random.default_rng(POOLING_PROBE_SEED).normal(size=(8, 10))


def _names(namespace: Mapping[str, Any], *names: str) -> dict:
    data = {name: namespace[name] for name in names if name in namespace}
    data[MISSING] = [name for name in names if name not in namespace]
    return data


def _attempt(compute, *args):
    """Run student code during extraction; a failure becomes data, not an exception."""
    try:
        return compute(*args)
    except BaseException as error:  # noqa: BLE001 - includes SystemExit raised by student code
        return Unreadable(f"{type(error).__name__}: {error}")


# --- extraction (runs where the student's code runs) ----------------------------------------

def extract_lazy_weights(ns):
    data = _names(ns, "n_weights_before", "n_weights_after", "kernel_shape", "bias_shape", "conv")
    if "conv" in data:
        data["conv"] = _attempt(lambda conv: [list(w.shape) for w in conv.weights], data["conv"])
    return data


def extract_set_filters(ns):
    data = _names(ns, "XXX", "XXX0", "XXX1", "conv")
    if "conv" in data:
        data["conv"] = _attempt(lambda conv: list(conv.get_weights()), data["conv"])
    return data


def extract_stride_padding(ns):
    data = _names(ns, "conv_output_size", "shape_stride2", "shape_same")
    if "conv_output_size" in data:
        rule = data["conv_output_size"]
        data["conv_output_size"] = [[n, k, s, p, _attempt(rule, n, k, s, p)] for n, k, s, p in OUTPUT_SIZE_PROBES]
    for name in ("shape_stride2", "shape_same"):
        if name in data:
            data[name] = _attempt(lambda v: [int(d) for d in v], data[name])
    return data


def extract_pooling(ns):
    data = _names(ns, "max_pool_2x2", "avg_pool_2x2", "pooled_max_keras", "pooled_avg_keras", "XXX")
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
        data["unit"] = _attempt(describe, data["unit"])
    return data


# --- judgement (pure; runs anywhere on the extracted data) ---------------------------------

def _check_step_image(d):
    (xxx,) = require(d, "XXX")
    checks.check_step_image(xxx)


def _check_lazy_weights(d):
    before, after, kernel_shape, bias_shape, weight_shapes = require(
        d, "n_weights_before", "n_weights_after", "kernel_shape", "bias_shape", "conv")
    checks.check_lazy_weights(before, after, kernel_shape, bias_shape, weight_shapes)


def _check_set_filters(d):
    xxx, xxx0, xxx1, weights = require(d, "XXX", "XXX0", "XXX1", "conv")
    check(isinstance(weights, list) and len(weights) == 2, "two_weights")
    checks.check_filter_weights(*weights)
    checks.check_filtered_channels(xxx, xxx0, xxx1)


def _check_stacked_filters(d):
    xxx, twice = require(d, "XXX", "twice")
    check(isinstance(twice, dict), "not_a_dict", name="twice")
    checks.check_stacked_filters(xxx, twice)


def _check_keeps_edge(d):
    twice, keeps_edge = require(d, "twice", "keeps_edge")
    check(isinstance(twice, dict) and isinstance(keeps_edge, dict), "not_dicts", first="twice", second="keeps_edge")
    checks.check_keeps_edge(twice, keeps_edge)


def _check_stride_padding(d):
    answers, stride2, same = require(d, "conv_output_size", "shape_stride2", "shape_same")
    checks.check_output_size_rule(answers)
    side_stride2 = reference.conv_output_size(50, 2, 2, "valid")
    checks.check_shape_equals("shape_stride2", stride2, (1, side_stride2, side_stride2, 1))
    checks.check_shape_equals("shape_same", same, (1, 50, 50, 1))


def _check_pooling(d):
    by_hand_max, by_hand_avg, keras_max, keras_avg, xxx = require(
        d, "max_pool_2x2", "avg_pool_2x2", "pooled_max_keras", "pooled_avg_keras", "XXX")
    probe = pooling_probe_image()
    checks.check_pooling_function(by_hand_max, np.max, "max_pool_2x2", probe)
    checks.check_pooling_function(by_hand_avg, np.mean, "avg_pool_2x2", probe)
    checks.check_pooled_image(xxx, keras_max, np.max, "pooled_max_keras")
    checks.check_pooled_image(xxx, keras_avg, np.mean, "pooled_avg_keras")


def _check_parameter_sharing(d):
    dense, conv, keras = require(d, "n_dense_weights", "n_conv_weights", "n_conv_params_keras")
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
    kinds = [layer.get("class") for layer in layers]
    measured, shape = [], (1, 50, 50, 1)
    try:
        for layer in layers:
            shape = reference.layer_output_shape(layer["class"], layer["config"], shape)
            measured.append(shape)
    except (KeyError, ValueError, TypeError):
        raise checks.CheckFailed("unit_unreadable", kinds=kinds) from None
    checks.check_basic_unit(kinds, answer_shapes, measured)


_EXTRACT = {
    "test_lazy_weights": extract_lazy_weights,
    "test_set_filters": extract_set_filters,
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
