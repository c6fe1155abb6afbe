"""The lab is judged with numpy rules; these tests hold those rules to real Keras layers."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from autograder.exercises.lab import OUTPUT_SIZE_PROBES  # noqa: E402
from autograder.exercises import lab_reference as reference  # noqa: E402


def test_output_size_rule_matches_keras_on_every_probe():
    for n, k, stride, padding in OUTPUT_SIZE_PROBES:
        layer = tf.keras.layers.Conv2D(1, (k, k), strides=stride, padding=padding)
        measured = layer(np.zeros((1, n, n, 1), dtype="float32")).shape[1]
        assert reference.conv_output_size(n, k, stride, padding) == measured, (n, k, stride, padding)


@pytest.mark.parametrize("layer", [
    tf.keras.layers.Conv2D(2, (2, 2)),
    tf.keras.layers.Conv2D(3, (3, 3), strides=2, padding="same"),
    tf.keras.layers.Activation("relu"),
    tf.keras.layers.ReLU(),
    tf.keras.layers.MaxPooling2D(pool_size=(2, 2)),
    tf.keras.layers.AveragePooling2D(pool_size=(3, 3), strides=2),
    tf.keras.layers.MaxPooling2D(pool_size=(2, 2), padding="same"),
], ids=lambda layer: type(layer).__name__)
def test_layer_shape_rule_matches_keras(layer):
    for side in (49, 50):
        shape = (1, side, side, 2)
        measured = tuple(layer(np.zeros(shape, dtype="float32")).shape)
        assert reference.layer_output_shape(type(layer).__name__, layer.get_config(), shape) == measured


def test_parameter_counts_match_keras():
    dense = tf.keras.layers.Dense(5 * 5 * 2)
    dense.build((1, 36))
    conv = tf.keras.layers.Conv2D(2, (2, 2))
    conv.build((1, 6, 6, 1))
    assert reference.dense_weight_count(36, 50) == int(np.prod(dense.kernel.shape)) == 1800
    assert reference.conv_weight_count(2, 1, 2) == int(np.prod(conv.kernel.shape)) == 8
    assert conv.count_params() == 8 + 2


def test_mean_and_edge_filters_match_keras_conv2d():
    image = reference.lecture_step_image()
    conv = tf.keras.layers.Conv2D(2, (2, 2))
    conv(np.zeros((1, 50, 50, 1), dtype="float32"))
    kernel = np.stack([reference.MEAN_FILTER, reference.EDGE_FILTER], axis=-1).reshape(2, 2, 1, 2)
    conv.set_weights([kernel, np.zeros(2)])
    out = np.asarray(conv(image.reshape(1, 50, 50, 1)))
    np.testing.assert_allclose(out[0, :, :, 0], reference.apply_filters(image, "mean"), atol=1e-4)
    np.testing.assert_allclose(out[0, :, :, 1], reference.apply_filters(image, "edge"), atol=1e-4)
