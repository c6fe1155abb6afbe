"""Grading time of the learn-kernel exercise per notebook, warm and cold, against the homework's.

The learn-kernel notebook trains a Conv2D four times when graded (once in its check cell on the
visible image, three times in the graded cell's capture on the hidden images), so it costs more
than a notebook that only reads values. This measures how much, one notebook at a time, in one
session: the worked solutions of the homework (the baseline) and of the learn-kernel exercise are
each run in the grading sandbox ``--repeats`` times with the warm start on and off (after one
unmeasured run that warms the parent and the page cache); for each it prints the median and the
95th percentile of the whole run, its start-up and its cells, the ratio to the homework, and the
time of each hidden training as the capture measured it, and whether every run of the solution
extracted exactly the same filters, losses and targets (the determinism the grade relies on). Then the judge: the learn-kernel answers
judged by a fresh judge process, first with an empty figure cache, then with it filled.

    .venv/bin/python benchmarks/learn_kernel_grading.py [--repeats N]

Timings on shared machines are noisy: run it on a quiet one; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder.answers.codec import decode  # noqa: E402
from autograder.contract import HOMEWORK, LEARN_KERNEL, LEARN_SCORE_CELL  # noqa: E402
from autograder.exercises.base import JudgeSettings  # noqa: E402
from autograder.grading.judge_client import JudgeProcess  # noqa: E402
from autograder.grading.sandboxed_execute import SandboxedExecute  # noqa: E402
from autograder.inside import RUN_METADATA_KEY  # noqa: E402

NOTEBOOKS = {"homework (baseline)": HOMEWORK, "learn-kernel": LEARN_KERNEL}


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_notebook(assignment, warm: bool, repeats: int):
    """[(whole, start-up, cells)] seconds per measured run, and every run's answers (JSON text)."""
    config = Config()
    config.SandboxedExecute.warm_start = warm
    config.SandboxedExecute.cpu_threads = 1
    executor = SandboxedExecute(config=config)
    nb = nbformat.read(REPO / "solutions" / assignment.name / assignment.notebook, as_version=4)
    prepared = executor.prepare(nb, True)
    samples, answers = [], []
    for attempt in range(repeats + 1):
        started = time.perf_counter()
        run = executor.run_prepared(prepared)
        whole = time.perf_counter() - started
        seconds = nbformat.reads(run.executed_json, as_version=4).metadata[RUN_METADATA_KEY]["seconds"]
        if attempt:
            samples.append((whole, whole - seconds["cells"], seconds["cells"]))
        answers.append(run.answers)
    return samples, answers


def learned(answer_text: str) -> str:
    """What a run of the learn-kernel notebook extracted, less the times it measured."""
    runs = decode(answer_text)["runs"]
    return repr([{key: value.tolist() if hasattr(value, "tolist") else value for key, value in sorted(run.items())
                  if key != "seconds"} for run in runs])


def judge_seconds(answers: dict, repeats: int) -> tuple[float, float]:
    """(first judgement with an empty figure cache, median of the next ones with it filled)."""
    with tempfile.TemporaryDirectory(prefix="week12-figures-") as figures:
        judge = JudgeProcess(Path(figures))
        try:
            timed = []
            for _ in range(repeats + 1):
                started = time.perf_counter()
                judge.judge(answers, JudgeSettings(), timeout=60)
                timed.append(time.perf_counter() - started)
        finally:
            judge.close()
    return timed[0], statistics.median(timed[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results, learn_answers = {}, []
    for warm in (True, False):
        for label, assignment in NOTEBOOKS.items():
            results[warm, label], answers = run_notebook(assignment, warm, args.repeats)
            if assignment is LEARN_KERNEL:
                learn_answers += answers
    print(f"one notebook at a time in the grading sandbox, {args.repeats} runs each (median / p95, seconds):")
    for warm in (True, False):
        baseline = statistics.median(whole for whole, _, _ in results[warm, "homework (baseline)"])
        for label in NOTEBOOKS:
            samples = results[warm, label]
            columns = [[sample[i] for sample in samples] for i in range(3)]
            whole, startup, cells = (f"{statistics.median(c):5.2f} / {percentile(c, 0.95):5.2f}" for c in columns)
            ratio = statistics.median(columns[0]) / baseline
            print(f"  {'warm' if warm else 'cold'} {label:20s} whole {whole}  start-up {startup}  cells {cells}"
                  f"  ({ratio:4.2f}x the homework)")
    distinct = {learned(answers[LEARN_SCORE_CELL]) for answers in learn_answers}
    print(f"the learn-kernel solution's extracted answers (filters, losses, targets) over its {len(learn_answers)} "
          f"runs, warm and cold: {'all identical' if len(distinct) == 1 else f'{len(distinct)} DIFFERENT'}")
    runs = decode(learn_answers[-1][LEARN_SCORE_CELL])["runs"]
    print("hidden trainings of the learn-kernel solution, as the capture timed them (its last cold run):")
    for run in runs:
        print(f"  {run['case']:14s} {run['status']:8s} {run.get('seconds', float('nan')):5.2f} s "
              f"({run.get('steps', '?')} steps)")
    first, cached = judge_seconds(learn_answers[-1], args.repeats)
    print(f"judging the learn-kernel answers: {first:5.2f} s with an empty figure cache, "
          f"{cached:5.3f} s (median) with it filled")
    return 0 if len(distinct) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
