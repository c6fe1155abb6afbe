"""Grade on submit: from a hand-in in the exchange to its feedback released, with ``week12 serve``.

1. **One at a time.** 10 homework and 10 lab hand-ins of the sample class are put into the
   exchange's inbound folder one after the other, each as ``nbgrader submit`` writes one (the
   notebook, then ``timestamp.txt``, then ``submission_secret.txt``: the hand-in is complete when
   the secret is written, and its clock starts there), and each is waited for until its feedback is
   released (the service's record, and the page in the exchange). The grading service runs in this
   process (``autograder.service.server``), started and warmed before the first hand-in, as a
   running service is. The same hand-ins go through the batch path too, one at a time: ``week12``'s
   collect, autograde, feedback and release-feedback steps, in this process, per hand-in.
2. **A burst.** The whole sample class (32 students, their lab and homework: 64 hand-ins) is put
   into the exchange at once; the service's makespan (first hand-in written to last feedback
   released) is compared with ``week12 autograde``'s on the same notebooks (2 workers both), every
   per-cell grade must be identical, and every hand-in must have been graded exactly once.

Prints, for scripts to read::

    homework: median 1.23 s, p95 2.34 s
    lab: median ..., p95 ...

then the batch path's figures, the burst's throughput, its ratio to ``week12 autograde`` (the
target is at most 1.2) and to ``week12 autograde`` followed by ``feedback`` and ``release-feedback``
(the same work as the service's, which releases each hand-in's feedback), and whether the grades
are identical. Exit status 1 when a grade differs or
a hand-in was not graded exactly once.

    .venv/bin/python benchmarks/submit_latency.py [--each 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from autograder.demo.main_job import release_with_due_date  # noqa: E402
from autograder.demo.sample_class import ASSIGNMENTS, BROKEN, SAMPLE_STUDENTS, write_sample_class  # noqa: E402
from autograder.service.server import GradingServer  # noqa: E402
from autograder.service.state import FINAL, RELEASED, percentile  # noqa: E402
from autograder.workflow.autograde import autograde_assignments  # noqa: E402
from autograder.workflow.collect import collect  # noqa: E402
from autograder.workflow.generate_feedback import generate_feedback  # noqa: E402
from autograder.workflow.release_feedback import release_feedback  # noqa: E402
from tests.conftest import copy_course  # noqa: E402
from tests.submissions import class_cell_scores  # noqa: E402

LAB, HOMEWORK = "week12-lab", "week12-homework"
WORKERS = 2


def nbgrader_time() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + ".000000 UTC"


def released_course(folder: Path):
    course = copy_course(folder)
    release_with_due_date(course)
    for assignment in (LAB, HOMEWORK):
        course.nbgrader("release_assignment", assignment, "--force")
    return course


def sample_notebooks(scratch: Path) -> dict[tuple[str, str], Path]:
    """(student, assignment) -> the sample class's notebook for it, written once."""
    course = released_course(scratch / "writer")
    write_sample_class(course)
    return {(student.student_id, assignment): course.folder("submitted", student.student_id, assignment) /
            ASSIGNMENTS[assignment] for student in SAMPLE_STUDENTS for assignment in (LAB, HOMEWORK)}


def hand_in(course, student: str, assignment: str, notebook: Path, tag: str) -> tuple[str, float]:
    """Write a hand-in as ``nbgrader submit`` does; returns its folder name and when it completed."""
    inbound = course.exchange_root / course.course_id / "inbound"
    folder = inbound / f"{student}+{assignment}+{nbgrader_time()}+{tag}"
    folder.mkdir()
    (folder / ASSIGNMENTS[assignment]).write_bytes(notebook.read_bytes())
    (folder / "timestamp.txt").write_text(nbgrader_time())
    (folder / "submission_secret.txt").write_text(os.urandom(8).hex())
    return folder.name, time.time()


class RunningService:
    def __init__(self, course):
        self.server = GradingServer(course, workers=WORKERS)
        ready = threading.Event()
        self.thread = threading.Thread(target=self.server.serve, kwargs={"ready": ready.set}, daemon=True)
        self.thread.start()
        if not ready.wait(600):
            raise SystemExit("the grading service did not start")

    def wait(self, folders: set[str], timeout: float = 900, every: float = 0.02):
        """The hand-ins' records once all are final. Latencies come from the service's own record
        (when each was seen, graded, released), so ``every`` only sets how much of the service's
        process this look takes: it runs in the same process, and a burst's look reads every record."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            handins = {h.folder: h for h in self.server.state.handins() if h.folder in folders}
            if len(handins) == len(folders) and all(h.state in FINAL for h in handins.values()):
                return handins
            time.sleep(every)
        raise SystemExit(f"not all hand-ins were done after {timeout} s")

    def stop(self):
        self.server.stop()
        self.thread.join(600)


def one_at_a_time(scratch: Path, notebooks, students) -> dict[str, list[float]]:
    course = released_course(scratch / "service")
    service = RunningService(course)
    seconds = {HOMEWORK: [], LAB: []}
    phases = []
    try:
        name, _ = hand_in(course, "warm-up", HOMEWORK, notebooks[(students[0], HOMEWORK)], "w")  # a running service
        service.wait({name})
        for assignment in (HOMEWORK, LAB):
            for index, student in enumerate(students):
                name, completed = hand_in(course, student, assignment, notebooks[(student, assignment)], f"a{index}")
                handin = service.wait({name})[name]
                if handin.state != RELEASED:
                    raise SystemExit(f"{name} was not graded: {handin.reason}")
                seconds[assignment].append(handin.released - completed)
                phases.append((handin.seen - completed, handin.started - handin.seen, handin.graded - handin.started,
                               handin.released - handin.graded))
    finally:
        service.stop()
    seen, start, grade, release = (statistics.median(values) for values in zip(*phases))
    print(f"  phases (medians): found {seen:.2f} s, started {start:.2f} s, graded {grade:.2f} s, "
          f"feedback released {release:.2f} s after")
    return seconds


def batch_path(scratch: Path, notebooks, students) -> dict[str, list[float]]:
    course = released_course(scratch / "batch")
    seconds = {HOMEWORK: [], LAB: []}
    for assignment in (HOMEWORK, LAB):
        for index, student in enumerate(students):
            _, completed = hand_in(course, student, assignment, notebooks[(student, assignment)], f"b{index}")
            collect(course, assignment)
            results = autograde_assignments(course, [assignment], workers=WORKERS, show_progress=False)
            generate_feedback(course, assignment)
            release_feedback(course, assignment)
            if results[0].ungraded:
                raise SystemExit(f"batch: {student} was not graded: {results[0].failed}")
            seconds[assignment].append(time.time() - completed)
    return seconds


def burst(scratch: Path, notebooks) -> tuple[float, float, bool, int, int]:
    course = released_course(scratch / "burst")
    service = RunningService(course)
    try:
        started = time.time()
        folders = {hand_in(course, student, assignment, path, "burst")[0]
                   for (student, assignment), path in sorted(notebooks.items())}
        handins = service.wait(folders, timeout=1800, every=0.5)
        makespan = max(h.released or h.graded or h.seen for h in handins.values()) - started
        ours = class_cell_scores(course, [LAB, HOMEWORK])
        once = sum(1 for h in handins.values() if h.tries == 1 and h.state in (RELEASED, "not_graded"))
    finally:
        service.stop()
    batch = released_course(scratch / "burst-batch")
    write_sample_class(batch)
    for student in SAMPLE_STUDENTS:  # the same notebooks: only lab and homework
        shutil.rmtree(batch.folder("submitted", student.student_id, "week12-learn-kernel"), ignore_errors=True)
    began = time.perf_counter()
    autograde_assignments(batch, [LAB, HOMEWORK], workers=WORKERS, show_progress=False, force=True)
    batch_seconds = time.perf_counter() - began
    for assignment in (LAB, HOMEWORK):  # the rest of what the service does for each hand-in
        generate_feedback(batch, assignment)
        release_feedback(batch, assignment)
    with_feedback = time.perf_counter() - began
    same = ours == class_cell_scores(batch, [LAB, HOMEWORK])
    return makespan, batch_seconds, with_feedback, same, once, len(folders)


def summary(label: str, values: list[float]) -> str:
    return f"{label}: median {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--each", type=int, default=10, help="hand-ins of each assignment, one at a time")
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--burst-only", action="store_true", help="only the burst (its ratio and grades)")
    args = parser.parse_args()
    graded = [s.student_id for s in SAMPLE_STUDENTS if s.answers(LAB) is not BROKEN and s.answers(HOMEWORK) is not BROKEN]
    students = graded[: args.each]
    with tempfile.TemporaryDirectory(prefix="week12-submit-latency-") as scratch:
        scratch = Path(scratch)
        notebooks = sample_notebooks(scratch)
        if args.burst_only:
            return report_burst(*burst(scratch, notebooks))
        print(f"one at a time, {len(students)} of each, hand-in complete in inbound -> feedback released:")
        served = one_at_a_time(scratch, notebooks, students)
        print(summary("homework", served[HOMEWORK]))
        print(summary("lab", served[LAB]))
        batch = batch_path(scratch, notebooks, students)
        print("batch path (week12 collect, autograde, feedback, release-feedback per hand-in):")
        print("  " + summary("homework", batch[HOMEWORK]))
        print("  " + summary("lab", batch[LAB]))
        ratio = statistics.median(served[HOMEWORK]) / statistics.median(batch[HOMEWORK])
        print(f"  service / batch (homework medians): {ratio:.2f}")
        if args.no_burst:
            return 0
        return report_burst(*burst(scratch, notebooks))


def report_burst(makespan: float, batch_seconds: float, with_feedback: float, same: bool, once: int, total: int) -> int:
    print(f"burst: {total} hand-ins from {len(SAMPLE_STUDENTS)} students: makespan {makespan:.1f} s "
          f"({total / makespan * 60:.1f} hand-ins a minute); week12 autograde on the same notebooks "
          f"{batch_seconds:.1f} s; ratio {makespan / batch_seconds:.2f} (target <= 1.2)")
    print(f"burst: week12 autograde, feedback and release-feedback (the same work as the service's) "
          f"{with_feedback:.1f} s; ratio {makespan / with_feedback:.2f}")
    print(f"burst: {once} of {total} hand-ins graded exactly once; grades "
          + ("identical to week12 autograde's" if same else "DIFFER from week12 autograde's"))
    return 0 if same and once == total else 1


if __name__ == "__main__":
    sys.exit(main())
