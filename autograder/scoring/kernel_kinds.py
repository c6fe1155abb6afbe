"""What kind of filter a student submitted, named in the lecture's terms.

:func:`describe_kernel` puts a 2x2 kernel in one group from the measured metrics (not from
pattern-matching its entries), so the feedback can say what the filter actually does and a
class's answers can be grouped ("12 students used the lecture's vertical filter").

Kinds that do not depend on the task (:data:`BASE_KINDS`):

- ``'zero'``: all entries 0.
- ``'smoothing'``: mostly responds to brightness (flat-response ratio >= 0.5, e.g. the mean
  filter, ``[[1, 1], [0, 0]]``, the identity).
- ``'horizontal'`` / ``'single_column_horizontal'``: edge filter selective for horizontal edges
  (>= 90 % of its edge response), using both columns or essentially one.
- ``'vertical'`` / ``'single_row_vertical'``: the same for vertical edges (the lecture's filter).
- ``'diagonal'`` / ``'antidiagonal'``: selective for ``\\`` or ``/`` edges (the Roberts kernels).
- ``'other'``: anything else.

:func:`describe_kernel` then names the kind relative to the task: the task's target becomes
``'intended_<orientation>'`` (``'intended_horizontal'`` for the homework) and, for the
horizontal and vertical tasks, both Roberts kernels are ``'diagonal'``.
"""

from __future__ import annotations

import numpy as np

from .kernel_input import coerce_kernel
from .metrics import edge_response, flat_response_ratio

BASE_KINDS = ("zero", "smoothing", "horizontal", "single_column_horizontal", "vertical",
              "single_row_vertical", "diagonal", "antidiagonal", "other")
SMOOTHING_FLAT_RATIO = 0.5  # at least half of the full strength on flat brightness
SELECTIVE_SHARE = 0.9  # share of the edge response going to one orientation
SINGLE_LINE_RATIO = 0.25  # weaker column (row) norm / stronger one


def _selectivity_share(kernel: np.ndarray, first: str, second: str) -> float:
    """``R_first / (R_first + R_second)`` with noise-free edge responses; 0.5 if both are 0."""
    r1, r2 = edge_response(kernel, first), edge_response(kernel, second)
    return r1 / (r1 + r2) if r1 + r2 > 0 else 0.5


def _single_line(lines: np.ndarray) -> bool:
    norms = np.sqrt((lines * lines).sum(axis=1))
    return norms.min() <= SINGLE_LINE_RATIO * norms.max()


def base_kind(kernel: np.ndarray) -> str:
    """Task-independent kind of a ``(2, 2)`` float kernel (one of :data:`BASE_KINDS`).

    Examples
    --------
    >>> base_kind(np.array([[-1., 1.], [-1., 1.]]))
    'vertical'
    >>> base_kind(np.array([[-1., 0.], [0., 1.]]))
    'antidiagonal'
    """
    k = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
    scale = np.abs(k).max()
    if not scale > 0:
        return "zero"
    k = k / scale
    if flat_response_ratio(k) >= SMOOTHING_FLAT_RATIO:
        return "smoothing"
    horizontal_share = _selectivity_share(k, "horizontal", "vertical")
    if horizontal_share >= SELECTIVE_SHARE:
        return "single_column_horizontal" if _single_line(k.T) else "horizontal"
    if horizontal_share <= 1 - SELECTIVE_SHARE:
        return "single_row_vertical" if _single_line(k) else "vertical"
    diagonal_share = _selectivity_share(k, "diagonal", "antidiagonal")
    if diagonal_share >= SELECTIVE_SHARE:
        return "diagonal"
    if diagonal_share <= 1 - SELECTIVE_SHARE:
        return "antidiagonal"
    return "other"


# Per task: base kind -> the name used for that task (kinds not listed keep their base name).
_TASK_NAMES = {
    "horizontal_edge": {"horizontal": "intended_horizontal", "antidiagonal": "diagonal"},
    "vertical_edge": {"vertical": "intended_vertical", "antidiagonal": "diagonal"},
    "diagonal_edge": {"diagonal": "intended_diagonal"},
    "smoothing": {},
}


def describe_kernel(kernel, task: str = "horizontal_edge") -> str:
    """Name what a submitted filter does, for feedback and for grouping a class's answers.

    Parameters
    ----------
    kernel : object
        Anything :func:`~autograder.scoring.kernel_input.coerce_kernel` accepts.
    task : str
        Task name (see ``rubric.TASKS``); decides which kind is "intended".

    Returns
    -------
    str
        For the homework (``'horizontal_edge'``): ``'intended_horizontal'``,
        ``'single_column_horizontal'``, ``'diagonal'`` (either Roberts kernel), ``'vertical'``,
        ``'single_row_vertical'``, ``'smoothing'``, ``'zero'``, ``'other'``; ``'invalid'`` when
        the input is not a readable 2x2 filter. Never raises.

    Examples
    --------
    >>> describe_kernel([[-1, -1], [1, 1]])
    'intended_horizontal'
    >>> describe_kernel([[-1, 0], [1, 0]])
    'single_column_horizontal'
    >>> describe_kernel([[-1, 1], [-1, 1]])
    'vertical'
    >>> describe_kernel([[0.25, 0.25], [0.25, 0.25]])
    'smoothing'
    >>> describe_kernel([[-1, 1], [-1, 1]], task='vertical_edge')
    'intended_vertical'
    """
    try:
        coerced = coerce_kernel(kernel)
        if coerced.kernel is None:
            return "invalid"
        kind = base_kind(coerced.kernel)
        return _TASK_NAMES.get(task, {}).get(kind, kind)
    except Exception:  # noqa: BLE001 - grouping must never stop on one odd answer
        return "other"
