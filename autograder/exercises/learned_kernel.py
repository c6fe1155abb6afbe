"""The learn-kernel exercise: run the student's training on hidden images, judge what it learned.

``extract`` runs where the student's code runs (their kernel, or the grading sandbox's): it calls
the student's ``edge_target`` and ``learn_kernel`` on each hidden input of
:data:`~autograder.scoring.training_metrics.TRAINING_CASES`, each call seeded (TensorFlow, numpy and
Python through ``keras.utils.set_random_seed``) with TensorFlow's op determinism on, so that a
solution learns the same filter on every run, and each bounded in time (:func:`time_limit`). Only
plain data comes out: per training the learned filter, the loss history (at most
:data:`MAX_CURVE_POINTS` of it, with its length, ends and whether it stayed finite), the target
the student built and how the call ended. ``judge`` scores that data alone
(``scoring.training_rubric``), anywhere.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import numpy as np

from autograder.contract import LEARN_KERNEL
from autograder.exercises.base import MISSING, Exercise, JudgeSettings, Judgement
from autograder.exercises.messages import explain_error
from autograder.scoring import coerce_kernel
from autograder.scoring.training_metrics import TRAINING_CASES, probe_target
from autograder.scoring.training_rubric import FUNCTIONS, TIME_LIMIT_SECONDS, score_training

MAX_CURVE_POINTS = 500  # of a loss history, kept for the curve; its length and ends are kept exactly
MAX_HISTORY = 1_000_000  # a longer loss history is not read at all
TARGET_SIZE = 49 * 49


class TrainingTimedOut(BaseException):
    """Raised into a training that ran past its time; a BaseException so ``except Exception`` in
    the student's loop does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block with :class:`TrainingTimedOut` after ``seconds`` (then every half second,
    should the student's code catch it). Signals reach only the main thread; elsewhere the block
    runs unbounded and the cell's own time limit is what stops it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise TrainingTimedOut()

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def seed_training(seed: int) -> None:
    """The same start for every run of one training: seeds, and deterministic TensorFlow ops."""
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    tf.keras.utils.set_random_seed(seed)


def _as_array(value) -> np.ndarray:
    """A copy as float64 numbers (a copy: the student's code may change its own array later)."""
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([float(item) for item in value], dtype=np.float64)


def read_losses(value, run: dict) -> None:
    """The loss history into ``run``: a list, an array, a tensor, or what ``model.fit`` returned."""
    history = getattr(value, "history", None)
    if isinstance(history, dict):  # a keras.callbacks.History
        value = history.get("loss")
    elif isinstance(value, dict):
        value = value.get("loss")
    try:
        if hasattr(value, "__len__") and len(value) > MAX_HISTORY:
            raise ValueError(f"{len(value)} values")
        losses = _as_array(value).ravel()
    except Exception as error:  # noqa: BLE001 - whatever the student returned
        run["losses_problem"] = f"{type(value).__name__}: {type(error).__name__}"[:120]
        return
    if not losses.size:
        run["losses_problem"] = "empty"
        return
    run.update(steps=int(losses.size), loss_first=float(losses[0]), loss_last=float(losses[-1]),
               losses_finite=bool(np.all(np.isfinite(losses))))
    picked = np.unique(np.linspace(0, losses.size - 1, min(losses.size, MAX_CURVE_POINTS)).round().astype(int))
    run["losses"] = losses[picked]


def read_target(value, run: dict) -> None:
    """The student's target, as numbers, for the judge (the call itself gets their own object)."""
    try:
        target = _as_array(value)
    except Exception:  # noqa: BLE001 - whatever the student returned
        run["target_problem"] = f"{type(value).__name__}"[:80]
        return
    if target.size != TARGET_SIZE:
        run["target_problem"] = f"shape {tuple(target.shape)}"[:80]
        return
    run["target"] = target.reshape(49, 49)


def read_result(result, run: dict) -> None:
    """``learn_kernel``'s ``(kernel, losses)`` into ``run``."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        run["result_problem"] = f"got {type(result).__name__}"[:80]
        return
    kernel, losses = result
    read = coerce_kernel(kernel)
    if read.kernel is not None:
        run["kernel"] = np.array(read.kernel)
    else:
        run["kernel_problem"] = read.problem
        run["kernel_detail"] = {key: value for key, value in read.detail.items()
                                if isinstance(value, (int, float, str))}
    read_losses(losses, run)


def run_training(image: np.ndarray, edge_row: int, seed: int, edge_target, learn_kernel, *, probe: bool = False,
                 seconds: float = TIME_LIMIT_SECONDS) -> dict:
    """One training, as plain data: the student's target for ``image`` (or, for the probe, the
    mean filter's response), then their training on it, seeded and within ``seconds``."""
    run = {"status": "ok"}
    function = "edge_target"
    started = time.perf_counter()
    try:
        seed_training(seed)  # outside the limit: the first call may import TensorFlow
        started = time.perf_counter()
        with time_limit(seconds):
            if probe:
                given = probe_target(image)
            else:
                given = edge_target(image.copy(), edge_row)
                read_target(given, run)
            function = "learn_kernel"
            result = learn_kernel(image.copy(), given)
        run["seconds"] = round(time.perf_counter() - started, 3)
        read_result(result, run)  # after the limit: a timeout must not land in our own reading
    except TrainingTimedOut:
        run.update(status="timeout", function=function)
    except KeyboardInterrupt:  # the graded cell's own time limit (nbclient interrupts the kernel)
        run.update(status="interrupted", function=function)
    except BaseException as error:  # noqa: BLE001 - includes SystemExit raised by student code
        run.update(status="error", function=function, error=f"{type(error).__name__}: {error}"[:300])
    run.setdefault("seconds", round(time.perf_counter() - started, 3))
    return run


def extract_training(namespace, seconds: float = TIME_LIMIT_SECONDS) -> dict:
    """Every hidden training's outcome as plain data, each within ``seconds``; after one that ran
    out of time, the rest are not run (they would only wait as long again)."""
    missing = [name for name in FUNCTIONS if not callable(namespace.get(name))]
    if missing:
        return {MISSING: missing}
    runs, stopped = [], None
    for case in TRAINING_CASES:
        if stopped is not None:
            runs.append({"case": case.name, "status": stopped})
            continue
        run = {"case": case.name, **run_training(case.image(), case.edge_row, case.training_seed,
                                                   namespace["edge_target"], namespace["learn_kernel"],
                                                   probe=case.target == "mean_filter", seconds=seconds)}
        runs.append(run)
        if run["status"] in ("timeout", "interrupted"):
            stopped = "skipped" if run["status"] == "timeout" else "interrupted"
    return {"runs": runs}


def verdict_for(data, settings: JudgeSettings = JudgeSettings()):
    """The training verdict for extracted data (never raises)."""
    if not isinstance(data, dict):
        data = {}
    if MISSING in data:
        data = {"missing": [name for name in data[MISSING] if isinstance(name, str)]}
    return score_training(data, settings.language, settings.edge_weights, explain=explain_error)


def judge_training(data: dict, settings: JudgeSettings) -> Judgement:
    verdict = verdict_for(data, settings)
    try:
        png = settings.figures(verdict) if settings.figures is not None else None
    except Exception:  # noqa: BLE001 - a figure that cannot be kept is drawn with the page instead
        png = None
    message = " ".join(verdict.messages)
    return Judgement("", verdict.fraction, message, verdict.messages[0] if verdict.messages else "",
                     html=verdict.to_html(png), text=verdict.to_text())


EXERCISES = [Exercise(cell, extract_training, judge_training) for cell in LEARN_KERNEL.graded_cells]
