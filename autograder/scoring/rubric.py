"""The week-12 filter tasks and how a submitted 2x2 filter is scored on them.

Edge tasks (``'horizontal_edge'`` = the homework, ``'vertical_edge'`` = the lecture's image,
``'diagonal_edge'``) score three things, each in ``[0, 1]``, weighted:

============  ======  =====================================================================
criterion     weight  fraction earned
============  ======  =====================================================================
localisation  0.5     :func:`~.metrics.localisation_rate` on the 40-image hidden battery,
                      full from 98% of the lines across the edge (``rate / 0.98``)
flatness      0.2     full up to a flat response of 5% of the filter's strength, then
                      falling linearly to nothing at 100%: ``(1 - ratio) / 0.95``
selectivity   0.3     full from 95% of the edge response on the asked-for orientation, then
                      falling linearly to nothing at a 50/50 split: ``(2 s - 1) / 0.9``
============  ======  =====================================================================

The thresholds are where a filter's behaviour starts to differ visibly from the intended one's:
a filter within a few percent of ``[[-1, -1], [1, 1]]`` finds the same edge, with a flat response
and an orientation preference no one could tell apart on the hidden images, and earns full marks;
deductions start past them, in proportion. The homework notebook states them.

Localisation alone cannot tell the diagonal Roberts kernels from the intended answer (both put
their peak on the edge every time); selectivity is what separates them. Edge scores are
invariant to the kernel's scale and sign (an edge is an edge whatever its polarity).

Smoothing (``'smoothing'``) scores ``mean`` 0.5, ``clip(1 - |sum K - 1| / 0.5, 0, 1)`` (keeps the
brightness), and ``noise`` 0.5, ``clip((1 - g) / (1 - 0.5), 0, 1)`` with ``g`` the
:func:`~.metrics.relative_noise_gain` ``||K||_F / sum K`` (reduces the noise relative to the
brightness kept; for filters keeping the brightness this is ``||K||_F``, and the mean filter's
0.5 is the best possible). Measuring the noise relative to the brightness stops a near-zero or
negated filter from earning noise credit. Here scale matters: a smoothing filter must keep the
brightness. The mean filter earns full marks, the identity ``[[1, 0], [0, 0]]`` half.

The all-zero kernel earns 0 on every task; an unreadable submission earns 0 with the
:func:`~.kernel_input.coerce_kernel` problem as message. Fractions within 1e-9 of 0 or 1 are
snapped to it (float rounding must not cost the intended answer its exact full marks); other
values are left unrounded, so scores change continuously and scale invariance holds to ~1e-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from .correlate import window_stack
from .images import TASK_ORIENTATION, hidden_battery
from .kernel_input import coerce_kernel
from .kernel_kinds import _TASK_NAMES, base_kind
from .messages import LINE_WORDS, format_percent, message, resolve_language
from .metrics import (along_profiles, edge_snr, flat_response_ratio, localisation_on_profiles,
                      mean_preservation, noise_gain, orientation_selectivity,
                      relative_noise_gain)
from .verdict import CriterionOutcome, KernelVerdict

EDGE_WEIGHTS = MappingProxyType({"localisation": 0.5, "flatness": 0.2, "selectivity": 0.3})
SMOOTHING_WEIGHTS = MappingProxyType({"mean": 0.5, "noise": 0.5})
MEAN_TOLERANCE = 0.5  # |sum K - 1| at which "keeps the brightness" earns nothing
# Where full marks end for each edge criterion (see the module docstring).
LOCALISATION_FULL = 0.98  # share of the lines across the edge whose strongest response is on it
FLATNESS_FULL = 0.05  # flat response, relative to the filter's strength
SELECTIVITY_FULL = 0.95  # share of the edge response on the asked-for orientation
BEST_NOISE_GAIN = 0.5  # the mean filter's ||K||_F: the least noise a mean-keeping 2x2 can leave
SNAP = 1e-9  # fractions this close to 0 or 1 are reported as exactly 0 or 1


@dataclass(frozen=True)
class Task:
    """A scoring task: the edge its images show, the orientation it must ignore, the weights."""

    name: str
    orientation: str
    distractor: str | None
    weights: MappingProxyType

    @property
    def is_edge_task(self) -> bool:
        return self.distractor is not None


TASKS = MappingProxyType({
    "horizontal_edge": Task("horizontal_edge", "horizontal", "vertical", EDGE_WEIGHTS),
    "vertical_edge": Task("vertical_edge", "vertical", "horizontal", EDGE_WEIGHTS),
    "diagonal_edge": Task("diagonal_edge", "diagonal", "antidiagonal", EDGE_WEIGHTS),
    "smoothing": Task("smoothing", TASK_ORIENTATION["smoothing"], None, SMOOTHING_WEIGHTS),
})
DEFAULT_TASK = "horizontal_edge"
# An example of the intended answer per edge orientation, quoted in the single-line note.
INTENDED_EXAMPLE = {"horizontal": "[[-1, -1], [1, 1]]", "vertical": "[[-1, 1], [-1, 1]]"}


@lru_cache(maxsize=None)
def _battery_along_profiles(orientation: str):
    """The hidden battery's 2x2 windows and true edge, gathered along its profiles, once.

    Returns ``(windows, edges, edge_at)``: ``windows`` ``(4, n * P * L)`` so that
    ``kernel.ravel() @ windows`` is every response along every profile in one product;
    ``edges`` ``(n, P, L)`` boolean; ``edge_at`` ``(n, P)`` the edge's position along each
    profile (-1 if it does not cross), or None if some profile crosses the edge more than once.
    Padding gives response 0, which never wins the argmax.
    """
    battery = hidden_battery(orientation)
    windows = along_profiles(window_stack(battery.images), battery.profiles)
    edges = along_profiles(battery.edge_masks, battery.profiles, False)
    windows = np.ascontiguousarray(windows.reshape(4, -1))
    crossings = edges.sum(axis=-1)
    edge_at = np.where(crossings == 1, edges.argmax(axis=-1), -1)
    edge_at = edge_at if crossings.max() <= 1 else None
    for array in (windows, edges) + (() if edge_at is None else (edge_at,)):
        array.setflags(write=False)
    return windows, edges, edge_at


def battery_localisation(kernel: np.ndarray, orientation: str) -> float:
    """:func:`~.metrics.localisation_rate` of ``kernel`` on the hidden battery (vectorised).

    Same number as ``localisation_rate(cross_correlate_valid(battery.images, kernel),
    battery.edge_masks, battery.profiles)``, in one matrix-vector product and one argmax.
    """
    windows, edges, edge_at = _battery_along_profiles(orientation)
    responses = (np.ravel(kernel) @ windows).reshape(edges.shape)
    if edge_at is None:
        return localisation_on_profiles(responses, edges)
    strongest = np.abs(responses).argmax(axis=-1)
    return float(np.count_nonzero(strongest == edge_at) / np.count_nonzero(edge_at >= 0))


def _clip01(value: float) -> float:
    """``value`` clipped to ``[0, 1]`` (non-finite -> 0), snapped to 0 or 1 within :data:`SNAP`."""
    if not np.isfinite(value) or value < SNAP:
        return 0.0
    return 1.0 if value > 1.0 - SNAP else float(value)


def _criterion(name, measured, fraction, weights, language, message_id=None,
               **fields) -> CriterionOutcome:
    return CriterionOutcome(name, message(f"label_{name}", language), float(measured),
                            _clip01(fraction), weights[name],
                            message(message_id or f"crit_{name}", language, **fields))


def _edge_criteria(unit: np.ndarray, task: Task, language: str):
    loc = battery_localisation(unit, task.orientation)
    flat = flat_response_ratio(unit)
    sel = orientation_selectivity(unit, task.orientation, task.distractor)
    w = task.weights
    criteria = [
        _criterion("localisation", loc, loc / LOCALISATION_FULL, w, language, percent=format_percent(loc),
                   profiles=task.orientation),
        _criterion("flatness", flat, (1.0 - flat) / (1.0 - FLATNESS_FULL), w, language, percent=format_percent(flat)),
        _criterion("selectivity", sel, (2.0 * sel - 1.0) / (2.0 * SELECTIVITY_FULL - 1.0), w, language,
                   percent=format_percent(sel), rest=format_percent(1.0 - sel),
                   target=task.orientation, distractor=task.distractor),
    ]
    measurements = {"localisation_rate": loc, "flat_response_ratio": flat,
                    "orientation_selectivity": sel,
                    "edge_snr": edge_snr(unit, task.orientation)}
    return criteria, measurements


def _smoothing_criteria(kernel: np.ndarray, task: Task, language: str):
    mean, gain = mean_preservation(kernel), relative_noise_gain(kernel)
    w = task.weights
    criteria = [
        _criterion("mean", mean, 1.0 - abs(mean - 1.0) / MEAN_TOLERANCE, w, language,
                   out=10.0 * mean, total=mean),
        _criterion("noise", gain, (1.0 - gain) / (1.0 - BEST_NOISE_GAIN), w, language,
                   message_id=None if mean > 0 else "crit_noise_no_brightness",
                   gain=gain, total=mean),
    ]
    return criteria, {"mean_preservation": mean, "noise_gain": noise_gain(kernel),
                      "relative_noise_gain": gain}


def _edge_messages(kind: str, task: Task, full_marks: bool, language: str) -> list[str]:
    target = task.orientation
    fields = {"target": target, "distractor": task.distractor}
    if kind == f"intended_{target}":
        return [message("kind_intended" if full_marks else "kind_almost", language, **fields)]
    if kind in ("single_column_horizontal", "single_row_vertical") and target in kind:
        words = LINE_WORDS[target]
        return [message("kind_single_line" if full_marks else "kind_almost", language,
                        line_ko=words["ko"], line_en=words["en"], both_ko=words["both_ko"],
                        both_en=words["both_en"], example=INTENDED_EXAMPLE[target], **fields)]
    if kind == "smoothing":
        return [message("kind_smoothing", language)]
    if kind == "diagonal" and target in ("horizontal", "vertical"):
        return [message("kind_roberts", language, **fields)]
    for found in ("horizontal", "vertical", "antidiagonal", "diagonal"):
        if kind.endswith(found):
            return [message("wrong_orientation", language, found=found, **fields)]
    return [message("kind_other", language, **fields)]


def _smoothing_messages(criteria, language: str, mean: float) -> list[str]:
    fractions = {c.name: c.fraction for c in criteria}
    if fractions["mean"] < 1.0:
        return [message("smooth_brightness", language, total=mean)]
    if fractions["noise"] < 1.0:
        return [message("smooth_noise", language)]
    return [message("smooth_good", language)]


def _total(criteria) -> float:
    return _clip01(sum(c.weight * c.fraction for c in criteria))


def _rejected(task: str, problem: str, detail: dict, language: str) -> KernelVerdict:
    return KernelVerdict(task=task, kernel=None, fraction=0.0,
                         messages=[message(f"problem_{problem}", language, **detail)],
                         problem=problem, language=language, kind="invalid")


def task_with_weights(task: Task, weights) -> Task:
    """``task`` with its criterion weights replaced (an instructor's rubric change).

    ``weights`` maps every criterion of the task to a non-negative number; they are scaled to
    sum to 1 so that a full-marks filter still earns exactly full marks.
    """
    if weights is None:
        return task
    values = {name: float(weights[name]) for name in task.weights}
    total = sum(values.values())
    if not all(np.isfinite(v) and v >= 0 for v in values.values()) or not total > 0:
        raise ValueError(f"rubric weights must be non-negative with a positive sum: {values}")
    return Task(task.name, task.orientation, task.distractor,
                MappingProxyType({name: v / total for name, v in values.items()}))


def _score(kernel_like, task_name: str, language: str, weights=None) -> KernelVerdict:
    task = TASKS.get(task_name) if isinstance(task_name, str) else None
    if task is None:
        return _rejected(str(task_name)[:40], "unknown_task",
                         {"task": repr(task_name)[:40], "tasks": ", ".join(TASKS)}, language)
    task = task_with_weights(task, weights)
    coerced = coerce_kernel(kernel_like)
    if coerced.kernel is None:
        return _rejected(task.name, coerced.problem, coerced.detail, language)
    kernel = coerced.kernel
    scale = float(np.abs(kernel).max())
    kind = base_kind(kernel)
    kind = _TASK_NAMES[task.name].get(kind, kind)
    if task.is_edge_task:
        # Edge scores ignore scale and sign: score the kernel scaled to max |entry| = 1, which
        # also keeps extreme scales (1e-300, 1e300) away from underflow and overflow.
        unit = kernel / scale if scale > 0 else kernel
        criteria, measurements = _edge_criteria(unit, task, language)
    else:
        criteria, measurements = _smoothing_criteria(kernel, task, language)
    if scale == 0:
        criteria = [CriterionOutcome(c.name, c.label, c.measured, 0.0, c.weight, c.message)
                    for c in criteria]
        messages = [message("kind_zero", language)]
    else:
        fraction = _total(criteria)
        if task.is_edge_task:
            messages = _edge_messages(kind, task, fraction >= 1.0, language)
        else:
            messages = _smoothing_messages(criteria, language, measurements["mean_preservation"])
    return KernelVerdict(task=task.name, kernel=kernel, fraction=_total(criteria),
                         criteria=criteria, messages=messages, language=language, kind=kind,
                         measurements=measurements)


def score_kernel(kernel_like, task: str = DEFAULT_TASK,
                 language: str = "ko", weights=None) -> KernelVerdict:
    """Score a student's 2x2 filter on a week-12 task. Never raises.

    Parameters
    ----------
    kernel_like : object
        The filter as the student wrote it: nested list, numpy array, ``(2, 2, 1, 1)`` Keras
        kernel, tensor, variable or ``Conv2D`` layer (see
        :func:`~.kernel_input.coerce_kernel`).
    task : str
        One of :data:`TASKS`; default the homework, ``'horizontal_edge'``.
    language : {'ko', 'en'}
        Feedback language (anything else means Korean, the course's language). The course's
        setting (``c.KernelFeedback.language``) is read by the grader, which passes it here.
    weights : mapping, optional
        Criterion weights replacing the task's defaults (e.g. ``{'localisation': 0.6,
        'flatness': 0.2, 'selectivity': 0.2}``), scaled to sum to 1; see
        :func:`task_with_weights`.

    Returns
    -------
    KernelVerdict
        ``fraction`` in ``[0, 1]``, per-criterion outcomes and feedback messages. The hidden
        battery is seeded, so the same filter always gets the same verdict.

    Examples
    --------
    >>> score_kernel([[-1, -1], [1, 1]], language='en').fraction
    1.0
    >>> score_kernel([[-1, 1], [-1, 1]], language='en').messages[0]
    'This filter responds to vertical edges; the edge in this image is horizontal.'
    >>> score_kernel(np.ones((3, 3)), language='en').problem
    'wrong_shape'
    """
    language = resolve_language(language)
    try:
        return _score(kernel_like, task, language, weights)
    except Exception as error:  # noqa: BLE001 - a bug here must not cost a student the cell
        return _rejected(str(task)[:40] if isinstance(task, str) else "unknown", "internal_error",
                         {"error": type(error).__name__}, language)


def rejected_verdict(problem: str, detail: dict | None = None, task: str = DEFAULT_TASK,
                     language: str = "ko") -> KernelVerdict:
    """The zero verdict for an answer that could not be read, rebuilt from its problem code.

    Used when the reading happened elsewhere (in the student's kernel) and only the code and
    its details arrived as data: unknown codes become ``'unreadable'`` and details are limited
    to short plain values, so extracted data cannot inject arbitrary feedback.
    """
    from .kernel_input import PROBLEM_CODES

    language = resolve_language(language)
    problem = problem if problem in PROBLEM_CODES else "unreadable"
    safe = {str(k)[:40]: (v if isinstance(v, (int, float)) else str(v)[:80])
            for k, v in (detail or {}).items()} if isinstance(detail, dict) else {}
    return _rejected(task, problem, safe, language)


__all__ = ["TASKS", "Task", "score_kernel", "task_with_weights", "battery_localisation", "rejected_verdict"]
