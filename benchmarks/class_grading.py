"""Grading the sample class: stock ``nbgrader autograde`` against ``week12 autograde``, and
re-grading after a rubric change against a full autograde.

Every run grades the same 32 students x 2 notebooks of ``autograder.demo.sample_class``, each in its own
fresh copy of the course, one after the other in this session:

1. stock: ``nbgrader autograde`` as nbgrader ships it (its ``Execute`` step: student code and
   tests in one kernel, one notebook after another);
2. ``nbgrader autograde`` with this course's configuration (trusted grading), one notebook after
   another: the same work as the one command, without its worker pool;
3. ``week12 autograde``: trusted grading with a pool of workers (default: one per core).

Prints the times, the ratios, whether every per-cell grade is identical across the three, and then
the time to re-score the whole class from its stored answers after a rubric change (in this
process and as the ``week12 regrade`` command) and its ratio to a full autograde.

    .venv/bin/python benchmarks/class_grading.py [--students N] [--workers W]

Targets (issue #5): the one command at least 1.8x faster than stock on 2 cores with identical
grades; re-grading under 2 seconds. Timings on shared machines are noisy: run it on a quiet one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.course import IN_KERNEL_GRADING_CONFIG, Course  # noqa: E402
from autograder.demo.sample_class import ASSIGNMENTS, SAMPLE_STUDENTS, write_sample_class  # noqa: E402
from autograder.workflow.autograde import autograde_assignments, default_workers  # noqa: E402
from autograder.workflow.regrade import regrade  # noqa: E402
from autograder.demo.main_job import release_with_due_date  # noqa: E402
from tests.conftest import copy_course  # noqa: E402
from tests.submissions import class_cell_scores, set_rubric  # noqa: E402

CHANGED_RUBRIC = {"localisation_weight": 0.7, "flatness_weight": 0.1, "selectivity_weight": 0.2}


def all_cell_scores(course: Course) -> dict:
    return class_cell_scores(course, ASSIGNMENTS)


def prepared_course(folder: Path, students, in_kernel: bool = False) -> Course:
    course = copy_course(folder)
    if in_kernel:
        with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write(IN_KERNEL_GRADING_CONFIG)
    release_with_due_date(course)
    write_sample_class(course, students)
    return course


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=len(SAMPLE_STUDENTS))
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    students = SAMPLE_STUDENTS[: args.students]
    workers = args.workers or default_workers()
    notebooks = len(students) * len(ASSIGNMENTS)
    print(f"sample class: {len(students)} students x {len(ASSIGNMENTS)} notebooks; {workers} workers")

    with tempfile.TemporaryDirectory(prefix="week12-bench-") as scratch:
        stock_course = prepared_course(Path(scratch) / "stock", students, in_kernel=True)
        serial_course = prepared_course(Path(scratch) / "serial", students)
        ours_course = prepared_course(Path(scratch) / "ours", students)

        def serial_autograde(course):
            started = time.perf_counter()
            for assignment in ASSIGNMENTS:
                course.nbgrader("autograde", assignment, check=False)  # exits 1: two notebooks are truncated
            return time.perf_counter() - started

        stock_seconds = serial_autograde(stock_course)
        serial_seconds = serial_autograde(serial_course)
        started = time.perf_counter()
        results = autograde_assignments(ours_course, list(ASSIGNMENTS), workers=workers, show_progress=False)
        ours_seconds = time.perf_counter() - started

        ours_scores = all_cell_scores(ours_course)
        differing = {}
        for name, course in (("stock", stock_course), ("serial trusted", serial_course)):
            scores = all_cell_scores(course)
            differing[name] = sorted(key for key in scores.keys() | ours_scores.keys()
                                     if scores.get(key) != ours_scores.get(key))
        misses = sum(result.prefetch_misses for result in results)

        set_rubric(ours_course, **CHANGED_RUBRIC)
        started = time.perf_counter()
        regraded = [regrade(ours_course, assignment) for assignment in ASSIGNMENTS]
        regrade_seconds = time.perf_counter() - started
        changed = sum(len(result.changed) for result in regraded)
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "week12"), "regrade", *ASSIGNMENTS], cwd=ours_course.root,
                       check=True, stdout=subprocess.DEVNULL)
        regrade_command_seconds = time.perf_counter() - started

    ratio = stock_seconds / ours_seconds
    print(f"stock nbgrader autograde (as shipped, in-kernel):  {stock_seconds:7.1f} s  "
          f"({stock_seconds / notebooks:.2f} s per notebook)")
    print(f"nbgrader autograde, this course's trusted config:  {serial_seconds:7.1f} s  "
          f"({serial_seconds / notebooks:.2f} s per notebook)")
    print(f"week12 autograde ({workers} workers):                   {ours_seconds:7.1f} s  "
          f"({ours_seconds / notebooks:.2f} s per notebook; {misses} notebooks not prefetched)")
    print(f"speed-up over stock:          {ratio:5.2f}x   target >= 1.8x: {'OK' if ratio >= 1.8 else 'MISSED'}")
    print(f"speed-up over serial trusted: {serial_seconds / ours_seconds:5.2f}x   (the worker pool alone)")
    for name, keys in differing.items():
        print(f"grades vs {name}: {len(ours_scores)} cells compared, "
              + ("all identical" if not keys else f"{len(keys)} DIFFER: {keys[:10]}"))
    print(f"re-grade after a rubric change {CHANGED_RUBRIC}: {changed} cell scores changed")
    print(f"  regrade() in process:     {regrade_seconds:6.2f} s  = {regrade_seconds / ours_seconds:.4f} of the "
          f"one-command autograde, {regrade_seconds / stock_seconds:.4f} of stock   target < 2 s: "
          f"{'OK' if regrade_seconds < 2 else 'MISSED'}")
    print(f"  `week12 regrade` command: {regrade_command_seconds:6.2f} s (with Python, nbgrader and numpy start-up)")
    differing = [key for keys in differing.values() for key in keys]
    return 0 if ratio >= 1.8 and not differing and regrade_seconds < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
