"""What a 2x2 filter does, measured: pure functions of the kernel and its responses.

Every metric here is a number with a meaning from the lecture, computed with numpy only (no
TensorFlow), so it can be unit-tested in milliseconds:

- :func:`localisation_rate`: on noisy step images, how often the strongest response along a
  line across the edge sits on the edge (Canny's *localisation* / *detection*, in its simplest
  "argmax on the edge" form; cf. Pratt's figure of merit for a graded version).
- :func:`flat_response_ratio`: how much the filter reacts to flat brightness (0 = "zero DC",
  what every derivative-like edge filter has).
- :func:`orientation_selectivity`: response to the asked-for edge orientation versus another
  one (the homework's trap is the lecture's vertical filter on a horizontal edge).
- :func:`edge_snr`: peak edge response over the noise it carries (the matched-filter view).
- :func:`mean_preservation` and :func:`noise_gain`: what a smoothing filter should do.

Kernels are ``(2, 2)`` arrays ``[[a, b], [c, d]]`` applied as valid cross-correlation (Keras).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .correlate import window_stack
from .images import LECTURE_SIZE, profile_indices, step_image, true_edge_mask


def along_profiles(maps: np.ndarray, profiles: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Gather ``(..., H, W)`` maps along profile lines: ``(..., n_profiles, length)``.

    ``profiles`` holds flat indices into an ``(H, W)`` map, -1 meaning padding (see
    :func:`~autograder.scoring.images.profile_indices`); padded slots get ``fill``.
    """
    maps = np.asarray(maps)
    flat = maps.reshape(maps.shape[:-2] + (-1,))
    padded = profiles < 0
    gathered = flat[..., np.where(padded, 0, profiles)]
    if padded.any():
        gathered = np.where(padded, np.asarray(fill, dtype=gathered.dtype), gathered)
    return gathered


def localisation_on_profiles(profile_responses: np.ndarray, profile_edges: np.ndarray) -> float:
    """Fraction of profiles whose strongest absolute response is on the true edge.

    Parameters
    ----------
    profile_responses : numpy.ndarray
        ``(..., n_profiles, length)`` filter responses along lines across the edge.
    profile_edges : numpy.ndarray
        Same shape, boolean: True where the position is on the true edge.

    Only profiles that cross the edge at all are counted. Ties go to the first position.
    """
    strongest = np.abs(profile_responses).argmax(axis=-1)
    hit = np.take_along_axis(profile_edges, strongest[..., None], axis=-1)[..., 0]
    counted = profile_edges.any(axis=-1)
    n_counted = int(counted.sum())
    return float((hit & counted).sum() / n_counted) if n_counted else 0.0


def localisation_rate(responses: np.ndarray, edge_mask: np.ndarray, profiles: np.ndarray) -> float:
    """How often the strongest response across the edge lies exactly on it.

    For each profile (a line of output positions crossing the edge: a column for a horizontal
    edge, a row for a vertical one, an anti-diagonal for a diagonal one), take the position of
    the largest ``|response|`` and check it against the true edge. A filter that finds the edge
    puts its peak there in every profile despite the noise; one that answers to brightness or to
    another orientation peaks somewhere at random (or in the bright region).

    Parameters
    ----------
    responses : numpy.ndarray
        ``(H, W)`` response map or ``(n, H, W)`` stack (output coordinates).
    edge_mask : numpy.ndarray
        Boolean ``(H, W)`` or ``(n, H, W)`` true-edge positions
        (:func:`~autograder.scoring.images.true_edge_mask`).
    profiles : numpy.ndarray
        ``(n_profiles, length)`` flat indices, -1 padded
        (:func:`~autograder.scoring.images.profile_indices`).

    Returns
    -------
    float
        Fraction in ``[0, 1]`` of the profiles that cross the edge.

    Examples
    --------
    >>> from autograder.scoring.images import step_image, true_edge_mask, profile_indices
    >>> from autograder.scoring.correlate import cross_correlate_valid
    >>> x = step_image(orientation='horizontal', noise_sigma=1.0, rng=np.random.default_rng(0))
    >>> r = cross_correlate_valid(x, [[-1, -1], [1, 1]])
    >>> localisation_rate(r, true_edge_mask(orientation='horizontal'),
    ...                   profile_indices(49, 'horizontal'))
    1.0
    """
    responses = np.asarray(responses, dtype=np.float64)
    edge_mask = np.broadcast_to(np.asarray(edge_mask, dtype=bool), responses.shape)
    return localisation_on_profiles(along_profiles(responses, profiles, 0.0),
                                    along_profiles(edge_mask, profiles, False))


def flat_response_ratio(kernel: np.ndarray) -> float:
    """Response to flat brightness, relative to the largest response the kernel can give.

    On a flat noise-free image of brightness ``h`` every output is ``h * (a + b + c + d)``; the
    largest possible ``|output|`` on images in ``[0, h]`` is ``h * sum|K|``. The ratio
    ``|sum K| / sum |K|`` is 0 for an ideal edge detector ("zero DC": flat regions, bright or
    dark, give no response, so only changes stand out) and 1 for a filter with all entries of one
    sign (it reports brightness). The all-zero kernel (0/0) gets 1: it detects nothing.

    Examples
    --------
    >>> flat_response_ratio(np.array([[-1., -1.], [1., 1.]]))
    0.0
    >>> flat_response_ratio(np.full((2, 2), 0.25))
    1.0
    """
    k = np.asarray(kernel, dtype=np.float64)
    total = float(np.abs(k).sum())
    return abs(float(k.sum())) / total if total > 0 else 1.0


@lru_cache(maxsize=None)
def _edge_windows(orientation: str):
    """Distinct pixel windows ``(u, 4)`` on the true edge of the noise-free lecture image
    (contrast 1) and the share of edge positions showing each (most edges show one or two)."""
    image = step_image(orientation=orientation)  # contrast 10, edge 25, bright first side
    windows = window_stack(image / image.max())[:, true_edge_mask(orientation=orientation)].T
    distinct, counts = np.unique(windows, axis=0, return_counts=True)
    shares = counts / counts.sum()
    for array in (distinct, shares):
        array.setflags(write=False)
    return distinct, shares


def edge_response(kernel: np.ndarray, orientation: str) -> float:
    """Mean ``|response|`` on the true edge of a noise-free step image, per unit of contrast.

    Measured on the lecture's image (50x50, boundary in the middle, no noise) in the given
    orientation. For ``K = [[a, b], [c, d]]`` this is ``|a + b|`` for a horizontal edge (the top
    row of K on the bright side) and ``|a + c|`` for a vertical one.

    Examples
    --------
    >>> edge_response(np.array([[-1., 1.], [-1., 1.]]), 'vertical')
    2.0
    >>> edge_response(np.array([[-1., 1.], [-1., 1.]]), 'horizontal')
    0.0
    """
    distinct, shares = _edge_windows(orientation)
    return float(shares @ np.abs(distinct @ np.ravel(kernel)))


def orientation_selectivity(kernel: np.ndarray, target: str = "horizontal",
                            distractor: str = "vertical") -> float:
    """Share of the edge response that goes to the ``target`` orientation.

    ``T / (T + D)`` with ``T``, ``D`` the :func:`edge_response` on noise-free step images with a
    ``target`` and a ``distractor`` edge. 1: reacts only to the asked-for edge; 0.5: cannot tell
    the two apart (e.g. the diagonal Roberts kernels); 0: reacts only to the distractor (the
    lecture's vertical filter on the homework's horizontal edge). 0/0 (no edge response at
    all) is 0.

    Examples
    --------
    >>> orientation_selectivity(np.array([[-1., -1.], [1., 1.]]))
    1.0
    >>> orientation_selectivity(np.array([[-1., 0.], [0., 1.]]))
    0.5
    >>> orientation_selectivity(np.array([[-1., 1.], [-1., 1.]]))
    0.0
    """
    t = edge_response(kernel, target)
    d = edge_response(kernel, distractor)
    return t / (t + d) if t + d > 0 else 0.0


@lru_cache(maxsize=None)
def _central_profile_windows(orientation: str) -> np.ndarray:
    """Windows ``(3, 4)``: before, on and after the edge, along the central profile."""
    image = step_image(orientation=orientation)
    windows = window_stack(image / image.max())
    profiles = profile_indices(LECTURE_SIZE - 1, orientation)
    line = profiles[len(profiles) // 2]
    line = line[line >= 0]
    on_edge = true_edge_mask(orientation=orientation).ravel()[line]
    at = int(np.flatnonzero(on_edge)[0])
    picked = windows.reshape(4, -1)[:, line[at - 1: at + 2]].T
    picked.setflags(write=False)
    return picked


def edge_snr(kernel: np.ndarray, orientation: str = "horizontal", contrast: float = 10.0,
             noise_sigma: float = 1.0) -> float:
    """Detection signal-to-noise ratio: how far the edge response stands out of the noise.

    Along a line across the noise-free edge, the response on the edge ``E`` is compared with its
    two neighbours ``A`` and ``B`` (flat regions). If ``E`` is a peak (above or below both), the
    signal is ``min(|E - A|, |E - B|)``, else 0 (a step, not a peak: Canny's single-response
    idea); the noise on any output is ``noise_sigma * ||K||_F``. For a horizontal edge this is
    ``contrast * min(|a+b|, |c+d|) / (sigma ||K||_F)`` when ``a+b`` and ``c+d`` have opposite
    signs. With zero DC its maximum ``contrast / sigma`` (10 in the lecture) is reached only by
    ``K`` proportional to ``[[-1, -1], [1, 1]]``: the intended answer is the matched filter.

    Examples
    --------
    >>> round(edge_snr(np.array([[-1., -1.], [1., 1.]])), 6)
    10.0
    >>> round(edge_snr(np.array([[-1., 0.], [1., 0.]])), 3)
    7.071
    """
    k = np.ravel(np.asarray(kernel, dtype=np.float64))
    norm = float(np.sqrt(np.sum(k * k)))
    if norm == 0 or noise_sigma <= 0:
        return 0.0
    before, on, after = _central_profile_windows(orientation) @ (k / norm)
    rise, fall = on - before, on - after
    signal = min(abs(rise), abs(fall)) if rise * fall > 0 else 0.0
    return float(contrast * signal / noise_sigma)


def mean_preservation(kernel: np.ndarray) -> float:
    """Response to a flat noise-free image of brightness ``h``, divided by ``h``: ``sum K``.

    A smoothing filter must keep the image's brightness: ideal value 1 (the mean filter
    ``[[.25, .25], [.25, .25]]`` and the identity ``[[1, 0], [0, 0]]`` both give 1).

    Examples
    --------
    >>> mean_preservation(np.full((2, 2), 0.25))
    1.0
    """
    return float(np.sum(np.asarray(kernel, dtype=np.float64)))


def noise_gain(kernel: np.ndarray) -> float:
    """Standard deviation of the response to pure noise, divided by the noise's: ``||K||_F``.

    Each output is a weighted sum of four independent ``N(0, sigma^2)`` pixels, so its standard
    deviation is ``sigma * sqrt(a^2 + b^2 + c^2 + d^2)`` exactly (no sampling needed). Smaller is
    smoother; among filters keeping the mean (``sum K = 1``) the mean filter's 0.5 is the
    minimum, and the identity's 1 means no noise reduction at all.

    Examples
    --------
    >>> noise_gain(np.full((2, 2), 0.25))
    0.5
    """
    k = np.asarray(kernel, dtype=np.float64)
    return float(np.sqrt(np.sum(k * k)))


def relative_noise_gain(kernel: np.ndarray) -> float:
    """Noise left per unit of brightness kept: ``noise_gain / mean_preservation``.

    ``||K||_F / sum K``: how much the noise's standard deviation is multiplied, relative to the
    image's brightness. This is what smoothing is about: a darkening filter such as
    ``[[.01, 0], [0, 0]]`` has a tiny :func:`noise_gain` but removes no noise relative to the
    image. Equal to :func:`noise_gain` for filters keeping the brightness; infinite when the
    filter keeps no (positive) brightness at all.

    Examples
    --------
    >>> relative_noise_gain(np.full((2, 2), 0.25)), relative_noise_gain(np.full((2, 2), 0.01))
    (0.5, 0.5)
    >>> relative_noise_gain(np.full((2, 2), -0.25))
    inf
    """
    mean = mean_preservation(kernel)
    return noise_gain(kernel) / mean if mean > 0 else float("inf")

