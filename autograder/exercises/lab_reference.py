"""What the lab's answers should be, computed from first principles with numpy.

Each function reproduces one lecture step without TensorFlow, so that a test can compare a
student's Keras result against an independent computation on *the student's own* input.
"""

from __future__ import annotations

import numpy as np

from autograder.scoring.correlate import cross_correlate_valid

STEP_IMAGE_SEED = 518  # the lecture was given on May 18
STEP_IMAGE_SIZE = 50
STEP_CONTRAST = 10.0

MEAN_FILTER = np.full((2, 2), 0.25)
EDGE_FILTER = np.array([[-1.0, 1.0], [-1.0, 1.0]])  # the lecture's (vertical) edge filter
FILTERS = {"mean": MEAN_FILTER, "edge": EDGE_FILTER}


def step_image_noise(seed: int = STEP_IMAGE_SEED) -> np.ndarray:
    """The lab's noise draw: standard normal, (50, 50), from ``np.random.default_rng(seed)``."""
    return np.random.default_rng(seed).standard_normal((STEP_IMAGE_SIZE, STEP_IMAGE_SIZE))


def lecture_step_image(seed: int = STEP_IMAGE_SEED) -> np.ndarray:
    """The lecture's image as a (50, 50) array: columns 0-24 at 10, columns 25-49 at 0, plus noise."""
    clean = np.zeros((STEP_IMAGE_SIZE, STEP_IMAGE_SIZE))
    clean[:, : STEP_IMAGE_SIZE // 2] = STEP_CONTRAST
    return clean + step_image_noise(seed)


def apply_filters(image: np.ndarray, *filter_names: str, filters=None) -> np.ndarray:
    """Apply the named filters (the lecture's, or ``filters``: name -> 2x2) one after another, as
    stacked Conv2D layers would."""
    filters = FILTERS if filters is None else filters
    response = np.asarray(image, dtype=np.float64)
    for name in filter_names:
        response = cross_correlate_valid(response, filters[name])
    return response


def true_edge_kept_rates(edge_columns: tuple[int, ...]) -> dict[str, float]:
    """For each composition of two lecture filters on the lecture's image, how often the edge is
    kept (:func:`edge_kept_rate`): the facts a student's yes/no answers are judged against."""
    image = lecture_step_image()
    return {name: edge_kept_rate(apply_filters(image, *name.split("->")), edge_columns)
            for name in ("mean->mean", "mean->edge", "edge->mean", "edge->edge")}


def edge_kept_rate(response: np.ndarray, edge_columns: tuple[int, ...]) -> float:
    """Fraction of rows whose strongest absolute response lies in ``edge_columns``.

    After the image passed through one or more 2x2 filters, the original edge (between input
    columns 24 and 25) is straddled by a few output columns; a response map "keeps the edge" when
    its strongest response in (almost) every row sits on one of them.
    """
    strongest = np.argmax(np.abs(np.asarray(response, dtype=np.float64)), axis=-1)
    return float(np.isin(strongest, edge_columns).mean())


def conv_output_size(n: int, k: int, stride: int = 1, padding: str = "valid") -> int:
    """Side length of a Conv2D output (Keras' rule): valid floor((n-k)/s)+1, same ceil(n/s)."""
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1


def pool_2x2(image: np.ndarray, reduce) -> np.ndarray:
    """Non-overlapping 2x2 pooling of an (H, W) array with ``reduce`` (np.max or np.mean)."""
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    blocks = image[:h, :w].reshape(h // 2, 2, w // 2, 2)
    return reduce(blocks, axis=(1, 3))


def pool_output_size(n: int, pool: int, stride: int | None = None, padding: str = "valid") -> int:
    """Side length after Keras pooling: like a convolution whose stride defaults to the pool size."""
    return conv_output_size(n, pool, stride or pool, padding)


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (list, tuple)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def layer_output_shape(kind: str, config: dict, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Output shape of one layer of the basic unit, from its class name and Keras config.

    Computed with the size rules above (which the test suite checks against Keras), so that a
    submitted model can be judged from its configuration without running it.
    """
    batch, height, width, channels = shape
    if kind == "Conv2D":
        kh, kw = _pair(config["kernel_size"])
        sh, sw = _pair(config.get("strides", 1))
        padding = config.get("padding", "valid")
        return (batch, conv_output_size(height, kh, sh, padding), conv_output_size(width, kw, sw, padding),
                int(config["filters"]))
    if kind in {"Activation", "ReLU"}:
        return shape
    if kind in {"MaxPooling2D", "AveragePooling2D"}:
        ph, pw = _pair(config.get("pool_size", 2))
        strides = config.get("strides") or (ph, pw)
        sh, sw = _pair(strides)
        padding = config.get("padding", "valid")
        return (batch, pool_output_size(height, ph, sh, padding), pool_output_size(width, pw, sw, padding), channels)
    raise ValueError(f"no shape rule for a {kind} layer")


def dense_weight_count(n_inputs: int, n_outputs: int) -> int:
    """Weights of a fully connected layer, biases left out (as in the lecture)."""
    return n_inputs * n_outputs


def conv_weight_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Weights of a Conv2D kernel, biases left out: one k x k x c_in filter per output channel."""
    return kernel_size * kernel_size * in_channels * filters
