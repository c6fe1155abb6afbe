"""What a training did, measured from the filter it learned: pure numpy, no TensorFlow.

The learn-kernel exercise trains a ``Conv2D(1, (2, 2), use_bias=False)`` so that its response to
an image matches a target map. Whatever the student did inside (optimiser, learning rate, a
rescaled image or target), what comes out is a 2x2 filter, and the questions asked of it here
do not depend on those choices:

- how much of the target the filter's response explains, scaled and shifted as well as it can
  be (:func:`fit_share`), against the best any 2x2 filter can do on that image and target
  (:func:`best_fit_share`): how far the training got (:func:`convergence_factor`);
- which line a student's target marks (:func:`target_line`), to say why a filter went wrong.

These are measured up to the filter's scale and sign and an offset of the response, as the edge
scorer is, so a student who divides the image by 10 or flips the target's sign loses nothing.
The hidden inputs the function is trained on are fixed here (:data:`TRAINING_CASES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .correlate import cross_correlate_valid, window_stack
from .images import LECTURE_CONTRAST, LECTURE_NOISE_SIGMA, LECTURE_SIZE, step_image, true_edge_mask

MEAN_FILTER = np.full((2, 2), 0.25)  # the lecture's other filter: the probe's target is its response
NO_FIT = 1e-12  # below this a response or a target is flat: it explains nothing, nothing explains it


@dataclass(frozen=True)
class TrainingCase:
    """One hidden input the student's training function is run on.

    ``orientation`` and ``edge`` place the step as :func:`~.images.step_image` does (``edge`` is
    the first row or column of the second side); the image has the lecture's contrast and noise,
    drawn from ``noise_seed``. ``target`` is ``'student'`` (the student's own ``edge_target``
    builds it from the image and :attr:`edge_row`) or ``'mean_filter'`` (the probe: the mean
    filter's response, which only a function that learns from its target can reproduce).
    ``training_seed`` seeds TensorFlow, numpy and Python before the call, so a filter's start is
    fixed; the first hidden image and the probe share it, so the two trainings start alike.
    """

    name: str
    orientation: str
    edge: int
    bright_first: bool
    noise_seed: int
    training_seed: int
    target: str = "student"

    @property
    def edge_row(self) -> int:
        """The last row (column) of the first side: the output row whose window straddles the edge."""
        return self.edge - 1

    def image(self) -> np.ndarray:
        """The ``(50, 50)`` noisy step image (float64), the same on every call and machine."""
        return step_image(LECTURE_SIZE, self.edge, LECTURE_CONTRAST, self.orientation, self.bright_first,
                          LECTURE_NOISE_SIGMA, np.random.default_rng(self.noise_seed))

    def edge_mask(self) -> np.ndarray:
        return true_edge_mask(LECTURE_SIZE, self.edge, self.orientation)


# Each hidden image shows less bright area than the notebook's image (half of it), so a learning
# rate that is stable there is stable here too: the curvature of the loss along the brightness
# direction, which sets the largest stable step of gradient descent, grows with the bright area.
TRAINING_CASES = (
    TrainingCase("hidden_top", "horizontal", 20, True, noise_seed=1201, training_seed=12),
    TrainingCase("hidden_bottom", "horizontal", 31, False, noise_seed=1202, training_seed=13),
    TrainingCase("probe_mean", "vertical", 22, True, noise_seed=1203, training_seed=12, target="mean_filter"),
)
EDGE_CASES = tuple(case for case in TRAINING_CASES if case.target == "student")
PROBE_CASE = next(case for case in TRAINING_CASES if case.target == "mean_filter")


def probe_target(image: np.ndarray) -> np.ndarray:
    """The probe's target: the lecture's mean filter applied to ``image`` (``(49, 49)``)."""
    return cross_correlate_valid(image, MEAN_FILTER)


def _centred(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).ravel()
    return values - values.mean()


def fit_share(image: np.ndarray, target: np.ndarray, kernel: np.ndarray) -> float:
    """Share of the target's variance explained by the filter's response, best scaled and shifted.

    ``corr(image * K, target)^2`` with ``*`` Keras' valid cross-correlation: 1 - (the lowest
    mean squared error of ``a * response + b`` against the target) / (the target's variance).
    1: the response is the target up to scale and offset; 0: it is no better than a constant.
    A flat response or a flat target explains nothing (0).

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4) ** 2
    >>> target = cross_correlate_valid(x, [[1, 0], [0, -1]])
    >>> round(fit_share(x, target, [[-3, 0], [0, 3]]), 12)
    1.0
    """
    response = _centred(cross_correlate_valid(image, kernel))
    goal = _centred(target)
    spread = float(response @ response) * float(goal @ goal)
    if not spread > NO_FIT or not np.isfinite(spread):
        return 0.0
    return float(min(1.0, (response @ goal) ** 2 / spread))


def best_fit_share(image: np.ndarray, target: np.ndarray) -> float:
    """The largest :func:`fit_share` any 2x2 filter reaches on ``image`` and ``target``.

    The least-squares filter with an offset (a multiple regression of the target on the four
    pixels of each window): the best a training can end at, whatever its optimiser.
    """
    windows = np.stack([_centred(w) for w in window_stack(image)], axis=1)
    goal = _centred(target)
    if not float(goal @ goal) > NO_FIT:
        return 0.0
    kernel, *_ = np.linalg.lstsq(windows, goal, rcond=None)
    return fit_share(image, target, kernel.reshape(2, 2))


def convergence_factor(image: np.ndarray, target: np.ndarray, kernel: np.ndarray) -> float:
    """How many times smaller the learned filter's gap to the lowest loss is than a flat response's.

    With losses measured up to scale and offset (:func:`fit_share`), a flat response (the zero
    filter, "doing nothing") has loss ``Var(target)`` and the best 2x2 filter
    ``Var(target) (1 - R^2)``; the learned one ``Var(target) (1 - r^2)``. The factor
    ``R^2 / (R^2 - r^2)`` is 1 for a filter no better than doing nothing and grows without bound
    as training reaches the lowest loss: the loss's fall toward its floor, whatever the start,
    the optimiser or the units the student trained in. Capped at 1e12; 0 when nothing can be
    explained (a flat target).

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4) ** 2
    >>> target = cross_correlate_valid(x, [[1, 0], [0, -1]])
    >>> convergence_factor(x, target, [[1, 0], [0, -1]]) >= 1e9
    True
    """
    best = best_fit_share(image, target)
    if not best > NO_FIT:
        return 0.0
    gap = max(best - fit_share(image, target, kernel), best * 1e-12)
    return float(best / gap)


def target_line(target: np.ndarray) -> tuple[str, int, float]:
    """Where a target map is strongest: ``(orientation, index, share)``.

    ``orientation`` is ``'horizontal'`` when the map's energy (squared deviation from its mean)
    lies along a row more than along a column, else ``'vertical'``; ``index`` that row or column;
    ``share`` the fraction of the energy on it. For feedback: "your target marks row 19" or
    "your target marks a column: the edge of the transposed image is a row".
    """
    energy = _centred(target).reshape(np.shape(target)) ** 2
    total = float(energy.sum())
    if not total > NO_FIT:
        return "none", -1, 0.0
    rows, columns = energy.sum(axis=1), energy.sum(axis=0)
    if rows.max() >= columns.max():
        return "horizontal", int(rows.argmax()), float(rows.max() / total)
    return "vertical", int(columns.argmax()), float(columns.max() / total)
