"""Grading through a Dask cluster against the local worker pool, on this machine, in one run.

Every run grades the same students of ``autograder.demo.sample_class`` (both notebooks each) in a
fresh copy of the course, one after the other in this session, all with ``week12 autograde``'s
function:

1. the local pool with ``--workers W`` (the baseline);
2. a real cluster on loopback (a ``dask scheduler`` process and W ``dask worker`` processes of
   one thread each, one thread per notebook as the local pool gives W workers on W cores);
3. the same cluster with one worker only, for the throughput with one worker.

Runs 1 and 2 alternate ``--repeat`` times; the medians are compared. Prints the times, the
cluster's overhead (run 2 / run 1 - 1; target <= 10%), notebooks per minute with one and with W
workers, and whether every per-cell grade is identical to the local pool's.

    .venv/bin/python benchmarks/cluster_grading.py [--students N] [--workers W] [--repeat R]

Timings on shared machines are noisy: run it on a quiet one.
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
from autograder.demo.sample_class import ASSIGNMENTS, BROKEN, SAMPLE_STUDENTS, write_sample_class  # noqa: E402
from autograder.workflow.autograde import autograde_assignments, default_workers  # noqa: E402
from tests.conftest import copy_course  # noqa: E402
from tests.dask_cluster import dask_cluster  # noqa: E402
from tests.submissions import class_cell_scores  # noqa: E402


def graded(folder: Path, students, **how) -> tuple[float, dict]:
    course = copy_course(folder)
    release_with_due_date(course)
    write_sample_class(course, students)
    started = time.perf_counter()
    autograde_assignments(course, list(ASSIGNMENTS), force=True, show_progress=False, **how)
    return time.perf_counter() - started, class_cell_scores(course, ASSIGNMENTS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    # Whole notebooks only: a truncated file is never sent to a worker, so it would only dilute.
    students = [s for s in SAMPLE_STUDENTS if all(s.answers(a) is not BROKEN for a in ASSIGNMENTS)][: args.students]
    notebooks = len(students) * len(ASSIGNMENTS)
    print(f"{len(students)} students x {len(ASSIGNMENTS)} notebooks = {notebooks}; {args.workers} workers; "
          f"{args.repeat} repeat(s)")
    local, cluster, single, differing = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="week12-cluster-bench-") as scratch:
        scratch = Path(scratch)
        with dask_cluster(scratch / "dask") as dask:
            names = [f"w{index}" for index in range(args.workers)]
            for name in names:
                dask.start_worker(name, cpu_threads=1)
            for round_ in range(args.repeat):
                seconds, baseline = graded(scratch / f"local-{round_}", students, workers=args.workers)
                local.append(seconds)
                seconds, scores = graded(scratch / f"cluster-{round_}", students, scheduler=dask.address)
                cluster.append(seconds)
                differing += sorted(key for key in baseline.keys() | scores.keys() if baseline.get(key) != scores.get(key))
            for name in names[1:]:
                dask.workers[name].kill()
            with dask.client() as client:
                while len(client.scheduler_info()["workers"]) > 1:
                    time.sleep(0.2)
            seconds, scores = graded(scratch / "single", students, scheduler=dask.address)
            single.append(seconds)
    local_s, cluster_s = statistics.median(local), statistics.median(cluster)
    overhead = cluster_s / local_s - 1
    print(f"local pool ({args.workers} workers):       median {local_s:7.1f} s  {local}")
    print(f"Dask cluster ({args.workers} workers):     median {cluster_s:7.1f} s  {cluster}")
    print(f"cluster / local: {cluster_s / local_s:.3f}  (overhead {overhead:+.1%}; target <= +10%: "
          f"{'OK' if overhead <= 0.10 else 'MISSED'})")
    print(f"throughput, cluster of 1 worker:  {notebooks / single[0] * 60:6.1f} notebooks/min ({single[0]:.1f} s)")
    print(f"throughput, cluster of {args.workers} workers: {notebooks / cluster_s * 60:6.1f} notebooks/min "
          f"(x{single[0] / cluster_s:.2f} of one worker)")
    print(f"grades: {'all identical to the local pool' if not differing else f'{len(differing)} DIFFER: {differing[:10]}'}")
    return 0 if overhead <= 0.10 and not differing else 1


if __name__ == "__main__":
    sys.exit(main())
