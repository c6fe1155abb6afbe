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


def apply_filters(image: np.ndarray, *filter_names: str) -> np.ndarray:
    """Apply the named lecture filters one after another, as stacked Conv2D layers would."""
    response = np.asarray(image, dtype=np.float64)
    for name in filter_names:
        response = cross_correlate_valid(response, FILTERS[name])
    return response


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
