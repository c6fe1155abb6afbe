"""Latency of one submission: from a notebook handed to the grader to its grade in the gradebook.

A grader that grades each submission as it arrives runs ``week12 autograde`` for it (in one
long-lived process, as a service would). For 10 homework submissions of the sample class, one
after the other, this times from writing the student's submission into ``submitted/`` to the
return of ``autograde_assignments`` (its scores then in the gradebook), once with the warm start
on and once with it off, each in a fresh copy of the course in this session; one submission
before each series warms the page cache (and, warm, starts the warm parents), as a running
service would have. Prints the medians and their ratio, and checks that every grade is the same.

    .venv/bin/python benchmarks/submission_latency.py [--submissions N]
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

from autograder.demo.main_job import release_with_due_date  # noqa: E402
from autograder.demo.sample_class import SAMPLE_STUDENTS, write_sample_class  # noqa: E402
from autograder.workflow.autograde import autograde_assignments  # noqa: E402
from tests.conftest import copy_course  # noqa: E402
from tests.submissions import class_cell_scores  # noqa: E402

HOMEWORK = "week12-homework"


def latencies(folder: Path, students, warm: bool) -> tuple[list[float], dict]:
    course = copy_course(folder)
    if not warm:
        with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write("\nc.SandboxedExecute.warm_start = False\n")
    release_with_due_date(course)
    seconds = []
    for index, student in enumerate(students):
        started = time.perf_counter()
        write_sample_class(course, [student])
        results = autograde_assignments(course, [HOMEWORK], show_progress=False)
        elapsed = time.perf_counter() - started
        if results[0].failed or results[0].ungraded:
            raise SystemExit(f"{student.student_id} was not graded: {results[0].failed}")
        if index:  # the first one warms up
            seconds.append(elapsed)
    return seconds, class_cell_scores(course, [HOMEWORK])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10)
    args = parser.parse_args()
    graded = [student for student in SAMPLE_STUDENTS if student.edge_kernel_kind != "broken"]
    students = graded[: args.submissions + 1]
    with tempfile.TemporaryDirectory(prefix="week12-latency-") as scratch:
        warm, warm_scores = latencies(Path(scratch) / "warm", students, warm=True)
        from autograder.run.warm_start import close_all
        close_all()
        cold, cold_scores = latencies(Path(scratch) / "cold", students, warm=False)
    warm_median, cold_median = statistics.median(warm), statistics.median(cold)
    print(f"one homework submission, handed in to its grade in the gradebook ({len(warm)} submissions each):")
    print(f"  warm start on:  median {warm_median:5.2f} s  (min {min(warm):.2f}, max {max(warm):.2f})")
    print(f"  warm start off: median {cold_median:5.2f} s  (min {min(cold):.2f}, max {max(cold):.2f})")
    print(f"  warm / off: {warm_median / cold_median:.2f}  ({cold_median - warm_median:.2f} s saved per submission)")
    same = warm_scores == cold_scores
    print(f"  grades: {len(warm_scores)} cells, " + ("identical warm and cold" if same else "DIFFER warm vs cold"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
