"""``week12 autograde``: grade every submission of some assignments, notebooks executed in parallel.

The grades come from the real ``nbgrader autograde`` with the course's configuration, which is
also the only process that writes the gradebook (SQLite allows one writer; several nbgrader
processes would fail with "database is locked"). What makes it fast is that the slow part,
running each notebook in the sandbox, is done ahead of it by a worker pool (``pool``), across
all the assignments asked for (so no core idles between assignments), while ``nbgrader
autograde`` runs one assignment after the other and its ``SandboxedExecute`` takes each finished
run by key.

The settings this command gives nbgrader's per-notebook steps (the prefetch folder, the threads
per notebook, the progress record) go on nbgrader's command line as
traitlets. What happened to each notebook is read back from the progress record
(``autograder.record.progress``), never from nbgrader's log, except for the words of an error
nbgrader raised itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.collect.report import GRADED_ANYWAY, CollectProblem, read_problems, report_path
from autograder.course import Course, nbgrader_environment
from autograder.run.environment import check_course_package
from autograder.run.prefetch import PrefetchedRuns
from autograder.record.progress import ProgressEvent, read_progress
from autograder.service.writer_lock import refuse_if_serving
from autograder.start_up import begin_run
from autograder.grading.pool import Submission, WorkerPool, default_workers, threads_per_notebook

__all__ = ["AutogradeResult", "Submission", "autograde_assignments", "default_workers", "pending_submissions"]


@dataclass
class AutogradeResult:
    assignment: str
    graded: list = field(default_factory=list)  # Submission
    failed: dict = field(default_factory=dict)  # Submission -> reason
    skipped: list = field(default_factory=list)  # students already graded (no --force)
    run_notes: dict = field(default_factory=dict)  # Submission -> why the run fell short
    prefetch: dict = field(default_factory=dict)  # Submission -> "hit", "miss" or "off"
    unsandboxed: list = field(default_factory=list)  # Submission run without a sandbox (allow_unsandboxed)
    collected: list = field(default_factory=list)  # CollectProblem: what collecting found, per student
    set_aside: dict = field(default_factory=dict)  # Submission -> what sanitizing set aside (graded anyway)
    seconds: float = 0.0
    nbgrader_log: str = ""
    workers: int = 1
    cluster: str = ""  # the Dask scheduler's address when the runs went to a cluster
    ran_on: dict = field(default_factory=dict)  # Submission -> the cluster worker whose run was graded
    cluster_notes: dict = field(default_factory=dict)  # Submission -> what the cluster did with it
    cluster_events: list = field(default_factory=list)  # what happened to the cluster itself (refusals)

    @property
    def not_collected(self) -> list[CollectProblem]:
        """Problems that kept a student's work from being graded (a refused upload, a duplicate...)."""
        graded = {submission.student for submission in self.graded}
        return [problem for problem in self.collected
                if problem.kind not in GRADED_ANYWAY and problem.student not in graded]

    @property
    def ungraded(self) -> bool:
        """Whether any submission of this assignment was not graded (the command then exits 1)."""
        return bool(self.failed or self.not_collected)

    @property
    def prefetch_misses(self) -> int:
        """Notebooks nbgrader had to execute itself (the pool had no run for them)."""
        return sum(1 for how in self.prefetch.values() if how == "miss")


def pending_submissions(course: Course, assignment: str, force: bool = False
                        ) -> tuple[list[Submission], list[str], dict[Submission, str]]:
    """The notebooks nbgrader will grade, in its order (student, then notebook); the students it
    will skip because they were graded already (unless ``force``); and, for each expected notebook
    a student did not hand in, why not ("found A; expected B"): never a silent zero."""
    found, skipped, unrecognised = [], [], {}
    expected = course.notebooks(assignment)
    known = {Path(name).stem for name in expected}
    graded = course.student_folders("autograded", assignment)
    for student, folder in course.student_folders("submitted", assignment).items():
        if not force and student in graded:
            skipped.append(student)
            continue
        handed_in = sorted(folder.glob("*.ipynb"))
        for path in handed_in:
            if path.stem in known:
                found.append(Submission(student, assignment, path.stem, path))
        others = [path.name for path in handed_in if path.stem not in known]
        for name in expected:
            if not (folder / name).exists():
                why = f"found {', '.join(others)}; expected {name}" if others else f"no {name} was handed in"
                unrecognised[Submission(student, assignment, Path(name).stem, folder / name)] = why
    return found, skipped, unrecognised


def _follow(progress_file: Path, total: int, stop: threading.Event, show: bool, label: str,
            status=None) -> None:
    """Show progress by the ``graded`` events nbgrader's ``FinishGrading`` records (a bar on a
    terminal, a line now and then in a log: ``console.progress_display``); ``status()``, if
    given, is shown after it (the cluster's size and what it is running)."""
    from autograder.console import progress_display

    last_status = 0.0
    display = progress_display(total, label, "notebook", "graded", show=show)
    while True:
        finished = stop.is_set()
        graded = sum(1 for event in read_progress(progress_file) if event.event == "graded")
        said = None
        if status is not None and show and not finished and time.monotonic() - last_status > 1:
            said, last_status = status(), time.monotonic()
        display.update(graded, said)
        if finished:
            display.close(f"{total - graded} not graded: see the summary" if graded < total else "")
            return
        time.sleep(0.2)


def autograde_assignments(course: Course, assignments: list[str], *, workers: int | None = None,
                          force: bool = False, show_progress: bool = True,
                          run_id: str | None = None, scheduler: str | None = None
                          ) -> list[AutogradeResult]:
    """Autograde every submission of each assignment: ``nbgrader autograde`` per assignment, in
    order, with all their notebooks executed ahead of it by ``workers`` sandboxes (default: one
    per core), or by the workers of the Dask cluster at ``scheduler`` (default:
    ``c.Cluster.scheduler``; empty: the local pool). It is part of the run ``run_id`` (default: a
    run of its own, whose start-up step runs here first, ``autograder.start_up``); what that run
    recorded (collecting, the start-up step) is told with each assignment's results."""
    from autograder.grading.cluster import Cluster, connect

    started = time.monotonic()
    workers = workers or default_workers()
    report = report_path(course.root)
    refuse_if_serving(course.root, "week12 autograde")  # one gradebook writer
    check_course_package(course.root)  # refused before anything is graded, naming both paths
    settings = Cluster(config=course.config)
    scheduler = settings.scheduler if scheduler is None else scheduler
    client = connect(scheduler, settings.connect_seconds) if scheduler else None  # refused before grading too
    # A killed earlier run left half-written folders: the start-up step discards them first, so
    # that those students count as still to grade here too (and drops links, renames variants).
    run_id = run_id or begin_run(course)
    config = course.config
    results, todo = [], []
    for assignment in assignments:
        result = AutogradeResult(assignment, workers=workers)
        found, result.skipped, unrecognised = pending_submissions(course, assignment, force)
        result.failed.update(unrecognised)
        results.append(result)
        todo += found
    with tempfile.TemporaryDirectory(prefix="week12-autograde-") as scratch:
        scratch = Path(scratch)
        pool = _pool(config, PrefetchedRuns(scratch / "runs"), workers, _gradebook_snapshot(course, scratch), client)
        for result in results:
            result.workers, result.cluster = pool.workers, scheduler or ""
        progress_file = scratch / "progress.jsonl"
        stop = threading.Event()
        label = assignments[0] if len(assignments) == 1 else "autograde"
        follower = threading.Thread(target=_follow, args=(progress_file, len(todo), stop, show_progress, label,
                                                          getattr(pool, "status", None)), daemon=True)
        follower.start()
        try:
            pool.start(todo)
            for result in results:
                result.nbgrader_log = _run_nbgrader(course, result.assignment, pool.runs.folder, progress_file,
                                                    workers, force, scratch / f"nbgrader-{result.assignment}.log",
                                                    run_id)
                result.seconds = time.monotonic() - started  # all assignments share one pool
        finally:
            stop.set()
            follower.join()
            if client is not None:
                _account_cluster(results, pool)
                pool.close()
        events = read_progress(progress_file)
    _account(results, todo, events, pool)
    problems = read_problems(report, run_id)
    for result in results:
        result.collected = [problem for problem in problems if problem.assignment == result.assignment]
        _forget_ungraded(course, result)
    return results


def _pool(config, runs: PrefetchedRuns, workers: int, snapshot: str, client):
    if client is None:
        return WorkerPool(config, runs, workers, snapshot)
    from autograder.grading.cluster import ClusterPool

    return ClusterPool(config, runs, client, snapshot)


def _account_cluster(results: list[AutogradeResult], pool) -> None:
    """Which worker ran what, whose runs were lost, what was left to run here, who refused."""
    lost = pool.lost_runs()
    by_assignment = {result.assignment: result for result in results}
    for submission, worker in pool.ran_on.items():
        by_assignment[submission.assignment].ran_on[submission] = worker
    for submission, gone in lost.items():
        then = (f"run again on {pool.ran_on[submission]}" if submission in pool.ran_on
                else "run here instead")
        by_assignment[submission.assignment].cluster_notes.setdefault(submission, []).append(
            f"worker {', '.join(gone)} was lost while running it; {then}")
    for submission, why in pool.left_here.items():
        by_assignment[submission.assignment].cluster_notes.setdefault(submission, []).append(
            f"not run on the cluster ({why}); nbgrader ran it here")
    refusals = [said for _, said in sorted(pool.refusals.items())]
    for result in results:
        result.cluster_events = list(refusals)


def _forget_ungraded(course: Course, result: AutogradeResult) -> None:
    """nbgrader opens a submission for a student it then could not grade: no empty grades stay."""
    from autograder.record.not_graded import forget_ungraded_submission

    coursedir = course.coursedir
    for student in {submission.student for submission in result.failed} - {s.student for s in result.graded}:
        forget_ungraded_submission(coursedir.db_url, coursedir.course_id, result.assignment, student)


def _gradebook_snapshot(course: Course, scratch: Path) -> str:
    """A copy of an SQLite gradebook for the pool's sanitizing pass, which reads it while nbgrader
    writes the real one; any other database is read where it is."""
    url = course.db_url()
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    snapshot = scratch / "gradebook-snapshot.db"
    database = Path(url[len(prefix):])
    if database.exists():
        shutil.copy2(database, snapshot)
    return f"{prefix}{snapshot}"


def _account(results: list[AutogradeResult], todo: list[Submission], events: list[ProgressEvent],
             pool: WorkerPool) -> None:
    """Sort every submission into graded or failed (with why) from the progress record."""
    by_key: dict[tuple, dict[str, ProgressEvent]] = {}
    for event in events:
        by_key.setdefault(event.key, {})[event.event] = event
    for result in results:
        for submission in (s for s in todo if s.assignment == result.assignment):
            seen = by_key.get(submission.key, {})
            executed = seen.get("executed")
            if executed is not None:
                result.prefetch[submission] = executed.fields.get("prefetch")
                if executed.fields.get("sandboxed") is False:
                    result.unsandboxed.append(submission)
                if executed.fields.get("set_aside"):
                    result.set_aside[submission] = list(executed.fields["set_aside"])
                if executed.fields.get("run_note"):
                    result.run_notes[submission] = executed.fields["run_note"]
            if "graded" in seen:
                result.graded.append(submission)
            elif submission in pool.failed:
                result.failed[submission] = pool.failed[submission]
            elif "failed" in seen:
                result.failed[submission] = seen["failed"].fields.get("reason", "")
            else:
                result.failed[submission] = _nbgrader_reason(result.nbgrader_log, submission)
                result.run_notes.pop(submission, None)


def _run_nbgrader(course: Course, assignment: str, prefetch_dir: Path, progress_file: Path, workers: int,
                  force: bool, log_path: Path, run_id: str) -> str:
    """The real ``nbgrader autograde``: the single writer of the gradebook."""
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment,
               f"--SandboxedExecute.prefetch_dir={prefetch_dir}", f"--CollectReport.run_id={run_id}",
               f"--SandboxedExecute.cpu_threads={threads_per_notebook(workers)}",
               f"--GradingProgress.progress_file={progress_file}"] + (["--force"] if force else [])
    with log_path.open("w", encoding="utf-8") as log:
        subprocess.run(command, cwd=course.root, env=nbgrader_environment(), stdout=log, stderr=subprocess.STDOUT)
    return log_path.read_text(encoding="utf-8", errors="replace")


def _nbgrader_reason(log: str, submission: Submission) -> str:
    """The error nbgrader logged naming this student's submission, if any (nbgrader's own words,
    for a person); never another student's."""
    folder = f"/{submission.student}/{submission.assignment}"
    for line in log.splitlines():
        if "ERROR" in line and folder in line:
            return line.split("]", 1)[-1].strip()[:240]
    return "nbgrader did not grade this notebook (see its log)"
