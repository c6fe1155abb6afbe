"""Gradient descent on a 2x2 filter in numpy, step for step as Keras trains a ``Conv2D(1, (2, 2),
use_bias=False)`` on one image with the mean squared error: a stand-in for many students'
trainings, fast enough to re-check the learn-kernel rubric's thresholds over many seeds.

``python -m tests.scoring.training_simulation`` prints the calibration table quoted in
``autograder/scoring/training_rubric.py`` (200 draws per setting).
"""

from __future__ import annotations

import numpy as np

from autograder.scoring import score_kernel
from autograder.scoring.correlate import cross_correlate_valid, window_stack
from autograder.scoring.images import step_image
from autograder.scoring.training_metrics import TRAINING_CASES, convergence_factor, probe_target

GLOROT_LIMIT = np.sqrt(6 / (4 + 4))  # Keras' default initializer for a (2, 2, 1, 1) kernel
INTENDED = np.array([-1.0, -1.0, 1.0, 1.0])


def train(image, target, start, optimizer: str, learning_rate: float, steps: int):
    """(learned kernel (2, 2), losses): full-batch SGD or Adam (Keras' defaults) on the MSE."""
    windows = np.stack([w.ravel() for w in window_stack(image)], axis=1)
    goal = np.ravel(target)
    kernel, m, v, losses = np.array(start, dtype=np.float64), np.zeros(4), np.zeros(4), []
    for step in range(1, steps + 1):
        residual = windows @ kernel - goal
        losses.append(float(np.mean(residual * residual)))
        gradient = 2 / goal.size * windows.T @ residual
        if optimizer == "sgd":
            kernel = kernel - learning_rate * gradient
        else:
            m, v = 0.9 * m + 0.1 * gradient, 0.999 * v + 0.001 * gradient * gradient
            rate = learning_rate * np.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
            kernel = kernel - rate * m / (np.sqrt(v) + 1e-7)
    return kernel.reshape(2, 2), np.array(losses)


def edge_map(case, image, kind: str = "indicator") -> np.ndarray:
    """A student's target: 1 on the edge row, or the intended filter's own response (d2l's way)."""
    if kind == "indicator":
        target = np.zeros((49, 49))
        target[case.edge_row] = 1.0
        return target
    return cross_correlate_valid(image, INTENDED.reshape(2, 2))


def simulate(draw: int, optimizer: str, learning_rate: float, steps: int, start: str = "zeros",
             target: str = "indicator") -> dict:
    """One student's three hidden trainings on fresh noise (``draw``): edge scores and factors."""
    rng = np.random.default_rng(draw)
    first = rng.uniform(-GLOROT_LIMIT, GLOROT_LIMIT, 4) if start == "glorot" else np.zeros(4)
    edges, factors = [], []
    for case in TRAINING_CASES:
        image = step_image(50, case.edge, 10, case.orientation, case.bright_first, 1.0, rng)
        goal = probe_target(image) if case.target == "mean_filter" else edge_map(case, image, target)
        kernel, losses = train(image, goal, first, optimizer, learning_rate, steps)
        if not (np.all(np.isfinite(kernel)) and losses[-1] <= 10 * losses[0]):
            return {"diverged": True, "edge": 0.0, "factor": 0.0}
        factors.append(convergence_factor(image, goal, kernel))
        if case.target == "student":
            edges.append(score_kernel(kernel).fraction)
    return {"diverged": False, "edge": min(edges), "factor": min(factors)}


VERTICAL = np.array([[-1.0, 1.0], [-1.0, 1.0]])  # the lecture's filter


def run_of(case, kernel, losses, target=None, **extra) -> dict:
    """One training as extraction hands it over (``exercises.learned_kernel.run_training``)."""
    run = {"case": case.name, "status": "ok", "kernel": np.asarray(kernel, dtype=float),
           "losses": np.asarray(losses, dtype=float), "steps": len(losses), "loss_first": float(losses[0]),
           "loss_last": float(losses[-1]), "losses_finite": bool(np.all(np.isfinite(losses))), "seconds": 0.4}
    if case.target == "student":
        run["target"] = np.asarray(target, dtype=float)
    run.update(extra)
    return run


def trained(optimizer="sgd", rate=4e-3, steps=50, start=None, target=edge_map, kernel=None) -> dict:
    """The three hidden trainings of one simulated student, as extraction would hand them over."""
    runs = []
    for case in TRAINING_CASES:
        image = case.image()
        goal = probe_target(image) if case.target == "mean_filter" else target(case, image)
        learned, losses = train(image, goal, np.zeros(4) if start is None else start, optimizer, rate, steps)
        runs.append(run_of(case, learned if kernel is None else kernel, losses, goal))
    return {"runs": runs}


def lecture_filter_target(case, image):
    """A target built from the lecture's vertical filter: the transposition forgotten."""
    return cross_correlate_valid(image, VERTICAL)


SETTINGS = [("sgd", 1e-3, 100, "zeros"), ("sgd", 4e-3, 50, "zeros"), ("sgd", 4.5e-3, 100, "zeros"),
            ("adam", 0.01, 50, "zeros"), ("adam", 0.03, 100, "zeros"), ("sgd", 4e-3, 1500, "glorot"),
            ("sgd", 4e-5, 50, "zeros"), ("sgd", 1e-5, 100, "glorot")]


def main(draws: int = 200) -> None:
    for optimizer, rate, steps, start in SETTINGS:
        results = [simulate(draw, optimizer, rate, steps, start) for draw in range(draws)]
        edge = [r["edge"] for r in results]
        factor = [r["factor"] for r in results]
        print(f"{optimizer:4s} lr={rate:<7g} steps={steps:<5d} start={start:6s} diverged={sum(r['diverged'] for r in results):3d} "
              f"edge min {min(edge):.3f} | factor min {min(factor):9.3g} median {np.median(factor):9.3g}")


if __name__ == "__main__":
    main()
