"""How a student's training function is scored from what its hidden trainings returned.

The student writes ``edge_target(image, edge_row)`` (a target edge map) and
``learn_kernel(image, target)`` (trains a ``Conv2D(1, (2, 2), use_bias=False)``, returns the
learned filter and the loss history). The grader runs them on the hidden inputs of
:data:`~.training_metrics.TRAINING_CASES` (extraction, where the student's code runs) and hands
over plain data: per training, the filter, the loss history, the target and how it ended. Here
that data alone is judged:

==============  ======  ===============================================================
criterion       weight  fraction earned
==============  ======  ===============================================================
learned_edge    0.7     mean over the two hidden transposed images of the homework's edge
                        score (``rubric.score_kernel``: localisation, flatness, orientation
                        selectivity; scale and sign free) of the filter learned there
convergence     0.3     mean over the three trainings of ``log F / log 20`` (clipped to
                        [0, 1]), ``F`` the :func:`~.training_metrics.convergence_factor`
==============  ======  ===============================================================

and one gate: the first hidden image and the probe (the mean filter's output on an image in the
lecture's orientation) are trained from the same seed, so a function whose filter does not depend
on what it is given returns the same filter for both; then the score is 0 (:data:`SAME_FILTER`).

Why these numbers (``python -m tests.scoring.training_simulation``: 200 noise draws and starts
per setting, numpy gradient descent step for step as Keras' SGD and Adam train the filter on the
three hidden cases; ``tests/scoring/test_training_rubric.py`` re-checks them on 20 draws):
- ``F >= 20`` ("the gap to the lowest loss at most 1/20 of a flat response's") is reached by every
  training that got there in the ordinary sense, and the edge score is then full too: from a
  zero start, SGD at learning rate 1e-3 to 4.5e-3 for 50 to 100 steps ends at ``F`` 33 to 970
  (lowest over the draws: 33), Adam at 0.01 to 0.03 for 50 to 100 steps at 77 or more; from
  Keras' random start SGD at 4e-3 needs about 1500 steps (``F`` 1190 or more; after 1000 steps
  one draw in ten still loses a little edge score to what is left of its start). A learning rate
  100 times too small stays at ``F <= 1.07`` with an edge score from 0.13. The loss history
  itself cannot carry this rule: its own fall depends on the start (a zero start falls at most
  3-fold on the lecture's target, a random one 100-fold from fixing the brightness alone while
  the filter is still noise).
- A training whose loss ends more than :data:`DIVERGENCE_GROWTH` times above where it began, or
  becomes NaN or infinite, diverged: that training earns nothing and says so.
- Each training gets :data:`TIME_LIMIT_SECONDS` (measured where it runs, as a courtesy: the
  graded cell's own time limit is the bound that holds); the notebook's recipe takes well under 1 s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from .kernel_input import coerce_kernel
from .kernel_kinds import describe_kernel
from .messages import LANGUAGES, format_percent
from .rubric import rejected_verdict, score_kernel
from .training_messages import case_label, training_message
from .training_metrics import EDGE_CASES, PROBE_CASE, TRAINING_CASES, convergence_factor, probe_target, target_line
from .training_verdict import CaseOutcome, TrainingVerdict, criterion
from .verdict import format_kernel

EDGE_WEIGHT = 0.7
CONVERGENCE_WEIGHT = 0.3
CONVERGENCE_FULL = 20.0  # convergence factor from which a training earns the whole criterion
DIVERGENCE_GROWTH = 10.0  # a last loss this many times the first one means the training diverged
TIME_LIMIT_SECONDS = 30.0  # per hidden training (edge_target and learn_kernel together)
SAME_FILTER = 1e-6  # filters equal to this share of their size are the same filter
TARGET_LINE_SHARE = 0.2  # a target whose strongest row holds less of its energy marks no line
STATUSES = ("ok", "error", "timeout", "skipped", "interrupted")
FUNCTIONS = ("edge_target", "learn_kernel")


def convergence_credit(factor: float | None) -> float:
    """Share of the convergence criterion: ``log F / log CONVERGENCE_FULL`` in ``[0, 1]``.

    >>> convergence_credit(20.0), convergence_credit(1.0), round(convergence_credit(math.sqrt(20)), 3)
    (1.0, 0.0, 0.5)
    """
    if factor is None or not math.isfinite(factor) or factor <= 1.0:
        return 0.0
    return float(min(1.0, math.log(factor) / math.log(CONVERGENCE_FULL)))


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _array(value) -> np.ndarray | None:
    return value if isinstance(value, np.ndarray) else None


def _text(value, limit: int = 300) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _diverged(run: Mapping, language: str) -> str | None:
    """Why a training diverged ("the loss grew from 0.02 to 3e+30"), or None if it did not."""
    first, last = _number(run.get("loss_first")), _number(run.get("loss_last"))
    if run.get("losses_finite") is False or run.get("kernel_problem") == "not_finite" or \
            (first is not None and not math.isfinite(first)) or (last is not None and not math.isfinite(last)):
        return training_message("diverged_nan", language)
    if first is not None and last is not None and first >= 0 and last > DIVERGENCE_GROWTH * max(first, 1e-300):
        return training_message("diverged_grew", language, first=first, last=last)
    return None


def _curve(run: Mapping) -> np.ndarray | None:
    losses = _array(run.get("losses"))
    if losses is None or losses.ndim != 1 or not losses.size:
        return None
    return losses if np.all(np.isfinite(losses)) else None


def _target(run: Mapping) -> tuple[np.ndarray | None, str]:
    target = _array(run.get("target"))
    if target is None:
        return None, _text(run.get("target_problem")) or "no target"
    if target.size != 49 * 49:
        return None, f"shape {tuple(target.shape)}"
    if not np.all(np.isfinite(target)):
        return None, "NaN or infinity"
    return target.reshape(49, 49), ""


def _judge_case(case, run: Mapping, language: str, weights, explain) -> CaseOutcome:
    """One hidden training's outcome from its (untrusted) run data."""
    label = case_label(case.name, case.edge_row, language)
    status = run.get("status") if run.get("status") in STATUSES else "unreadable"
    common = dict(steps=int(run["steps"]) if isinstance(run.get("steps"), int) else None,
                  seconds=_number(run.get("seconds")), loss_first=_number(run.get("loss_first")),
                  loss_last=_number(run.get("loss_last")), losses=_curve(run))
    function = run.get("function") if run.get("function") in FUNCTIONS else "learn_kernel"
    if status == "error":
        error = _text(run.get("error")) or "?"
        problem = training_message("case_error", language, case=label, function=function, error=error,
                                   explanation=explain(error, language) if explain else "")
        return CaseOutcome(case.name, label, "error", problems=(problem,), **common)
    if status in ("timeout", "skipped", "interrupted"):
        problem = training_message(f"case_{status}", language, case=label, function=function,
                                   limit=TIME_LIMIT_SECONDS)
        return CaseOutcome(case.name, label, status, problems=(problem,), **common)
    if status != "ok":
        return CaseOutcome(case.name, label, "unreadable", problems=(
            training_message("case_bad_result", language, case=label, detail="?"),), **common)
    how = _diverged(run, language)
    if how is not None:
        return CaseOutcome(case.name, label, "diverged", problems=(
            training_message("case_diverged", language, case=label, how=how),), **common)
    if run.get("result_problem"):
        return CaseOutcome(case.name, label, "unreadable", problems=(training_message(
            "case_bad_result", language, case=label, detail=_text(run.get("result_problem"), 120)),), **common)
    read = coerce_kernel(_array(run.get("kernel")))
    if read.kernel is None:
        code = _text(run.get("kernel_problem"), 40) or read.problem or "unreadable"
        detail = run.get("kernel_detail") if isinstance(run.get("kernel_detail"), Mapping) else {}
        problem = rejected_verdict(code, dict(detail), "horizontal_edge", language).messages[0]
        return CaseOutcome(case.name, label, "unreadable", problems=(
            training_message("case_bad_kernel", language, case=label, problem=problem),), **common)
    kernel, problems = read.kernel, []
    image = case.image()
    if case.target == "student":
        target, why = _target(run)
        edge = score_kernel(kernel, "horizontal_edge", language, weights)
    else:
        target, why, edge = probe_target(image), "", None
    if common["losses"] is None:
        problems.append(training_message("case_bad_losses", language, case=label,
                                         detail=_text(run.get("losses_problem"), 120) or "no losses"))
    if target is None:
        problems.append(training_message("case_bad_target", language, case=label, detail=why))
        factor = None
    else:
        factor = convergence_factor(image, target, kernel)
        if case.target == "student":
            problems += _target_notes(case, target, label, language)
    credit = convergence_credit(factor) if common["losses"] is not None else 0.0
    return CaseOutcome(case.name, label, "ok", kernel=kernel, edge=edge, convergence=factor, credit=credit,
                       problems=tuple(problems), **common)


def _target_notes(case, target: np.ndarray, label: str, language: str) -> list[str]:
    """What a student's target marks, when it is not the image's edge row."""
    orientation, index, share = target_line(target)
    if share < TARGET_LINE_SHARE:
        return [training_message("target_no_line", language, case=label, share=format_percent(share),
                                 edge_row=case.edge_row)]
    if orientation != "horizontal" or index != case.edge_row:
        return [training_message("target_other_line", language, case=label, line=orientation, index=index,
                                 edge_row=case.edge_row)]
    return []


def _same_filter(first: np.ndarray, second: np.ndarray) -> bool:
    size = max(float(np.abs(first).max()), float(np.abs(second).max()))
    return float(np.abs(first - second).max()) <= SAME_FILTER * size


def score_training(data: Mapping, language: str = "ko", weights=None,
                   explain: Callable[[str, str], str | None] | None = None) -> TrainingVerdict:
    """Judge the extracted runs of a student's training function. Never raises on bad data.

    ``data`` is ``{'runs': [run, ...]}`` (one run per :data:`TRAINING_CASES`, by ``'case'`` name) or
    ``{'missing': [names]}`` when the functions were not defined; ``weights`` the edge scorer's
    criterion weights (the course's rubric); ``explain`` words an error raised by student code
    (``'ZeroDivisionError: ...'`` -> a short explanation) in a language.
    """
    language = language if language in LANGUAGES else "ko"
    missing = [name for name in data.get("missing") or () if name in FUNCTIONS] if isinstance(data, Mapping) else []
    if missing or not isinstance(data, Mapping):
        names = ", ".join(missing) or ", ".join(FUNCTIONS)
        return TrainingVerdict(0.0, messages=[training_message("missing_functions", language, names=names)],
                               language=language, kind="missing")
    runs = {run.get("case"): run for run in data.get("runs") or () if isinstance(run, Mapping)}
    cases = [_judge_case(case, runs.get(case.name, {}), language, weights, explain) for case in TRAINING_CASES]
    by_name = {case.name: case for case in cases}
    edge_cases = [by_name[case.name] for case in EDGE_CASES]
    first, probe = edge_cases[0], by_name[PROBE_CASE.name]
    problems = [problem for case in cases for problem in case.problems if case.status != "ok"]
    if first.kernel is not None and probe.kernel is not None and _same_filter(first.kernel, probe.kernel):
        message = training_message("not_learning", language, kernel=format_kernel(np.round(first.kernel, 4)))
        return TrainingVerdict(0.0, messages=[message], cases=cases, language=language, kind="not_learning")
    if all(case.status != "ok" for case in cases):
        return TrainingVerdict(0.0, messages=problems or [training_message("nothing_trained", language)],
                               cases=cases, language=language, kind="failed")
    edge_fraction = sum(case.edge.fraction if case.edge is not None else 0.0 for case in edge_cases) / len(edge_cases)
    convergence = sum(case.credit for case in cases) / len(cases)
    factors = [case.convergence for case in cases if case.convergence is not None]
    least = min(factors) if len(factors) == len(cases) else None
    criteria = [
        criterion("learned_edge", edge_fraction, edge_fraction, EDGE_WEIGHT, language, n=len(edge_cases)),
        criterion("convergence", least if least is not None else 0.0, convergence, CONVERGENCE_WEIGHT, language,
                  full=CONVERGENCE_FULL, factor="-" if least is None else f"{least:.3g}"),
    ]
    fraction = EDGE_WEIGHT * edge_fraction + CONVERGENCE_WEIGHT * convergence
    fraction = 1.0 if fraction > 1.0 - 1e-9 else max(0.0, fraction)
    messages = problems + _progress_messages(cases, least, language)
    messages += [problem for case in cases for problem in case.problems if case.status == "ok"]
    if probe.kernel is not None:
        messages.append(training_message("probe_learned", language, kernel=format_kernel(np.round(probe.kernel, 3))))
    kind = describe_kernel(first.kernel) if first.kernel is not None else "failed"
    return TrainingVerdict(fraction, criteria, messages, cases, language, kind)


def _progress_messages(cases: list[CaseOutcome], least: float | None, language: str) -> list[str]:
    """How far the trainings got, then what the first learned filter does (the scorer's words)."""
    messages = []
    trained = [case for case in cases if case.convergence is not None]
    slowest = min(trained, key=lambda case: case.convergence, default=None)
    if slowest is not None and slowest.credit < 1.0:
        messages.append(training_message("not_converged", language, case=slowest.label,
                                         factor=f"{slowest.convergence:.3g}", full=CONVERGENCE_FULL))
    edge = next((case.edge for case in cases if case.edge is not None), None)
    if edge is not None and edge.messages:
        messages.append(edge.messages[0])
    if least is not None and all(case.credit >= 1.0 for case in cases):
        messages.append(training_message("converged", language, factor=f"{least:.3g}"))
    return messages


__all__ = ["score_training", "convergence_credit", "EDGE_WEIGHT", "CONVERGENCE_WEIGHT", "CONVERGENCE_FULL",
           "DIVERGENCE_GROWTH", "TIME_LIMIT_SECONDS", "SAME_FILTER", "TRAINING_CASES"]
