"""Step images from the lecture and the seeded hidden battery a submitted filter is scored on.

The lecture's image is 50x50: the left half has brightness 10, the right half 0, plus standard
normal noise. A ``Conv2D`` with a 2x2 kernel (valid cross-correlation) turns it into a 49x49
response map whose output position ``(i, j)`` looks at pixels ``(i..i+1, j..j+1)``. The edge is
"found" where that window straddles the boundary, so the ground truth lives in OUTPUT
coordinates: :func:`true_edge_mask`.

Orientations (``edge`` is the first column/row on the second side, measured on the middle row):

- ``'vertical'``: the lecture's image, first side = columns ``< edge`` (a vertical edge line).
- ``'horizontal'``: the homework's transposed image, first side = rows ``< edge``.
- ``'diagonal'``: first side where ``col - row < edge - size // 2`` (for ``edge = size // 2``:
  bright where ``row > col``, the boundary runs along the main diagonal, like ``\\``).
- ``'antidiagonal'``: first side where ``row + col < edge + size // 2`` (boundary like ``/``).

``bright_first=True`` makes the first side bright (``contrast``) and the second dark (0).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.random  # noqa: F401 - numpy loads it lazily; loaded here, scoring itself opens no file

LECTURE_SIZE = 50
LECTURE_CONTRAST = 10.0
LECTURE_NOISE_SIGMA = 1.0
ORIENTATIONS = ("vertical", "horizontal", "diagonal", "antidiagonal")
BATTERY_SEED = 20251212
BATTERY_EDGES = (12, 18, 25, 31, 38)
BATTERY_DRAWS = 4  # fresh noise draws per (edge position, polarity): 5 * 2 * 4 = 40 images
# Which edge a task's battery shows; smoothing is shown on the lecture's own (vertical) image.
TASK_ORIENTATION = {
    "horizontal_edge": "horizontal",
    "vertical_edge": "vertical",
    "diagonal_edge": "diagonal",
    "smoothing": "vertical",
}


def _first_side(size: int, edge: int, orientation: str) -> np.ndarray:
    """Boolean (size, size) map of the pixels on the first side of the boundary."""
    rows, cols = np.indices((size, size))
    half = size // 2
    if orientation == "vertical":
        return cols < edge
    if orientation == "horizontal":
        return rows < edge
    if orientation == "diagonal":
        return cols - rows < edge - half
    if orientation == "antidiagonal":
        return rows + cols < edge + half
    raise ValueError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")


def step_image(
    size: int = LECTURE_SIZE,
    edge: int = LECTURE_SIZE // 2,
    contrast: float = LECTURE_CONTRAST,
    orientation: str = "vertical",
    bright_first: bool = True,
    noise_sigma: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """A two-level step image, optionally with Gaussian noise, as in the week-12 lecture.

    Parameters
    ----------
    size : int
        Height and width in pixels (the lecture uses 50).
    edge : int
        Where the boundary lies (see the module docstring for each orientation).
    contrast : float
        Brightness of the bright side; the dark side is 0.
    orientation : {'vertical', 'horizontal', 'diagonal', 'antidiagonal'}
        Direction of the boundary line.
    bright_first : bool
        True: the first side (left/top) is bright; False: the polarity is reversed.
    noise_sigma : float
        Standard deviation of additive normal noise (the lecture uses 1).
    rng : numpy.random.Generator, optional
        Source of the noise; a fresh unseeded generator if None and ``noise_sigma > 0``.

    Returns
    -------
    numpy.ndarray
        ``(size, size)`` float64 image.

    Examples
    --------
    >>> step_image(size=4, edge=2, orientation='horizontal')
    array([[10., 10., 10., 10.],
           [10., 10., 10., 10.],
           [ 0.,  0.,  0.,  0.],
           [ 0.,  0.,  0.,  0.]])
    """
    first = _first_side(size, edge, orientation)
    image = np.where(first == bright_first, float(contrast), 0.0)
    if noise_sigma:
        rng = rng if rng is not None else np.random.default_rng()
        image = image + noise_sigma * rng.standard_normal((size, size))
    return image


def true_edge_mask(size: int = LECTURE_SIZE, edge: int = LECTURE_SIZE // 2,
                   orientation: str = "vertical") -> np.ndarray:
    """Output positions of a 2x2 valid cross-correlation whose window straddles the boundary.

    The window at output ``(i, j)`` covers pixels ``(i..i+1, j..j+1)``; it is "on the edge" when
    it holds pixels from both sides. Horizontal edge between rows ``edge-1`` and ``edge``: output
    row ``edge-1``. Vertical: output column ``edge-1``. Diagonal: a 2x2 window spans three
    consecutive values of ``col - row``, so two adjacent output diagonals straddle the boundary
    and both count (likewise for the anti-diagonal).

    Returns
    -------
    numpy.ndarray
        ``(size-1, size-1)`` boolean mask.

    Examples
    --------
    >>> np.argwhere(true_edge_mask(size=5, edge=2, orientation='horizontal')[:, 0]).ravel()
    array([1])
    >>> true_edge_mask(size=4, edge=2, orientation='diagonal').astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [0, 1, 1]])
    """
    first = _first_side(size, edge, orientation)
    windows = (first[:-1, :-1], first[:-1, 1:], first[1:, :-1], first[1:, 1:])
    stacked = np.stack(windows)
    return stacked.any(axis=0) & ~stacked.all(axis=0)


@lru_cache(maxsize=None)
def profile_indices(out_size: int, orientation: str) -> np.ndarray:
    """Lines across the edge in a ``(out_size, out_size)`` response map, as flat indices.

    A profile is a line of output positions crossing the boundary once: each column for a
    horizontal edge, each row for a vertical one, and the anti-diagonals (``i + j`` constant)
    for a diagonal edge (the diagonals for an anti-diagonal edge). Only the longer (central)
    half of the (anti-)diagonals is used, so each profile runs well past the edge on both sides.
    Shorter profiles are padded with -1.

    Returns
    -------
    numpy.ndarray
        ``(n_profiles, length)`` int array of indices into the flattened map, -1 = padding.
        Read-only (cached).

    Examples
    --------
    >>> profile_indices(3, 'horizontal')
    array([[0, 3, 6],
           [1, 4, 7],
           [2, 5, 8]])
    """
    n = out_size
    grid = np.arange(n * n).reshape(n, n)
    if orientation == "horizontal":
        lines = list(grid.T)
    elif orientation == "vertical":
        lines = list(grid)
    elif orientation in ("diagonal", "antidiagonal"):
        source = grid[:, ::-1] if orientation == "diagonal" else grid
        # np.diagonal of the mirrored grid walks i + j = const of the original.
        lines = [np.diagonal(source, offset) for offset in range(-(n // 2), n // 2 + 1)]
    else:
        raise ValueError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")
    length = max(len(line) for line in lines)
    out = np.full((len(lines), length), -1, dtype=np.intp)
    for k, line in enumerate(lines):
        out[k, : len(line)] = line
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Battery:
    """A stack of noisy step images with their ground truth (all arrays read-only).

    ``images`` ``(n, 50, 50)`` float64; ``edge_masks`` ``(n, 49, 49)`` bool (output coordinates);
    ``edges`` ``(n,)`` boundary positions; ``bright_first`` ``(n,)`` polarities; ``profiles`` the
    :func:`profile_indices` lines across the edge.
    """

    orientation: str
    images: np.ndarray
    edge_masks: np.ndarray
    edges: np.ndarray
    bright_first: np.ndarray
    profiles: np.ndarray

    def representative_index(self) -> int:
        """The image closest to the lecture's: middle edge, bright first side."""
        middle = BATTERY_EDGES[len(BATTERY_EDGES) // 2]
        return int(np.flatnonzero((self.edges == middle) & self.bright_first)[0])


@lru_cache(maxsize=None)
def hidden_battery(task: str = "horizontal_edge", seed: int = BATTERY_SEED) -> Battery:
    """The deterministic hidden test images a submitted filter is scored on.

    The lecture's step image (contrast 10, noise sigma 1, 50x50) in the task's orientation, with
    the boundary at each of :data:`BATTERY_EDGES`, both polarities (bright side first or
    second) and :data:`BATTERY_DRAWS` fresh noise draws each: 40 images. The noise comes from
    ``numpy.random.default_rng(seed)`` in a fixed order, so the battery (and every score) is the
    same on every call and machine. Cached: the returned arrays are read-only.

    Parameters
    ----------
    task : str
        A task name (``'horizontal_edge'``...) or directly an orientation (``'horizontal'``...).
    seed : int
        Seed of the noise generator.

    Examples
    --------
    >>> battery = hidden_battery('horizontal_edge')
    >>> battery.images.shape, battery.edge_masks.shape
    ((40, 50, 50), (40, 49, 49))
    """
    orientation = TASK_ORIENTATION.get(task, task)
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown task or orientation {task!r}")
    rng = np.random.default_rng(seed)
    images, masks, edges, polarities = [], [], [], []
    for edge in BATTERY_EDGES:
        for bright_first in (True, False):
            mask = true_edge_mask(LECTURE_SIZE, edge, orientation)
            for _ in range(BATTERY_DRAWS):
                images.append(step_image(LECTURE_SIZE, edge, LECTURE_CONTRAST, orientation,
                                         bright_first, LECTURE_NOISE_SIGMA, rng))
                masks.append(mask)
                edges.append(edge)
                polarities.append(bright_first)
    arrays = [np.stack(images), np.stack(masks), np.array(edges), np.array(polarities)]
    for array in arrays:
        array.setflags(write=False)
    return Battery(orientation, *arrays, profile_indices(LECTURE_SIZE - 1, orientation))
