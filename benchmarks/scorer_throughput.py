"""How many kernels per second ``score_kernel`` scores on the full hidden battery.

Prints the median rate of ``score_kernel`` over several repeats of 200 random kernels. If
TensorFlow is importable, also times the naive approach in the same process: for each kernel a
fresh ``tf.keras.layers.Conv2D(1, (2, 2))``, built, ``set_weights``, then called on each
battery image one by one, with the same localisation computed from its outputs. Prints both
rates and their ratio, and exits non-zero if the scorer is less than 100x faster.

Run from the repository root: ``.venv/bin/python benchmarks/scorer_throughput.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.scoring import score_kernel  # noqa: E402
from autograder.scoring.images import hidden_battery  # noqa: E402
from autograder.scoring.metrics import localisation_rate  # noqa: E402

TASK = "horizontal_edge"
N_KERNELS = 200
REPEATS = 5
N_BASELINE_KERNELS = 5
BASELINE_REPEATS = 3
REQUIRED_RATIO = 100.0


def scorer_rate(kernels: np.ndarray) -> float:
    """Median kernels per second of ``score_kernel`` over :data:`REPEATS` runs."""
    score_kernel(kernels[0], task=TASK)  # build and cache the battery outside the timing
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for kernel in kernels:
            score_kernel(kernel, task=TASK)
        rates.append(len(kernels) / (time.perf_counter() - start))
    return statistics.median(rates)


def keras_localisation(tf, kernel: np.ndarray, battery) -> float:
    """The naive way: a Keras layer per kernel, one call per battery image."""
    layer = tf.keras.layers.Conv2D(1, (2, 2))
    layer(np.zeros((1, 50, 50, 1), dtype=np.float32))
    layer.set_weights([kernel.reshape(2, 2, 1, 1).astype(np.float32), np.zeros(1, np.float32)])
    responses = np.stack([layer(image[None, :, :, None].astype(np.float32)).numpy()[0, :, :, 0]
                          for image in battery.images])
    return localisation_rate(responses, battery.edge_masks, battery.profiles)


def baseline_rate(kernels: np.ndarray):
    """Median kernels per second of the Keras baseline, or None without TensorFlow."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import tensorflow as tf
    except Exception:  # noqa: BLE001 - no TensorFlow, no baseline
        return None, None
    battery = hidden_battery(TASK)
    keras_localisation(tf, kernels[0], battery)  # warm-up: tracing, kernels, allocations
    rates, agree = [], []
    for _ in range(BASELINE_REPEATS):
        start = time.perf_counter()
        found = [keras_localisation(tf, kernel, battery) for kernel in kernels]
        rates.append(len(kernels) / (time.perf_counter() - start))
    for kernel, value in zip(kernels, found):
        ours = score_kernel(kernel, task=TASK).measurements["localisation_rate"]
        agree.append(abs(ours - value))
    return statistics.median(rates), max(agree)


def main() -> int:
    rng = np.random.default_rng(12)
    kernels = rng.normal(size=(N_KERNELS, 2, 2))
    ours = scorer_rate(kernels)
    print(f"score_kernel ({TASK}, {len(hidden_battery(TASK).images)} battery images): "
          f"{ours:,.0f} kernels/s (median of {REPEATS} x {N_KERNELS}; "
          f"{1e3 / ours:.3f} ms per kernel)")
    keras, disagreement = baseline_rate(kernels[:N_BASELINE_KERNELS])
    if keras is None:
        print("TensorFlow not importable: Keras baseline skipped.")
        return 0
    ratio = ours / keras
    print(f"Keras Conv2D baseline: {keras:,.2f} kernels/s (median of {BASELINE_REPEATS} x "
          f"{N_BASELINE_KERNELS}; {1e3 / keras:.1f} ms per kernel)")
    print(f"largest localisation difference scorer vs Keras (float32): {disagreement:.4f}")
    print(f"speed-up: {ratio:,.0f}x (required >= {REQUIRED_RATIO:.0f}x)")
    return 0 if ratio >= REQUIRED_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
