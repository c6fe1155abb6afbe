"""``week12 autograde``: grade every submission of an assignment, notebooks executed in parallel.

The grades come from the real ``nbgrader autograde`` with the course's configuration, which is
also the only process that writes the gradebook (SQLite allows one writer; several nbgrader
processes would fail with "database is locked"). What makes it fast is that the slow part,
running each notebook in the sandbox, is done ahead of it by a pool of workers, one sandbox slot
each (``autograder.trusted.prefetch``):

1. every submitted notebook is put through nbgrader's own sanitizing steps
   (``Autograde.sanitize_preprocessors``, against a snapshot of the gradebook so that nothing
   reads the database while nbgrader writes it), which gives exactly the notebook nbgrader will
   hand to ``SandboxedExecute``, and from it the sandbox's input and its key;
2. the workers run those inputs in the sandbox as soon as each is prepared, in the order nbgrader
   grades them, across all the assignments asked for (so no core idles between assignments);
3. at the same time ``nbgrader autograde`` runs, one assignment after the other; its
   ``SandboxedExecute`` takes each finished run by key (waiting while a worker is on it or the
   notebooks are still being prepared), judges it and nbgrader saves the grades.

A notebook that cannot be prepared is left to nbgrader, which fails it the same way and goes on
with the others; the reason is reported in the summary.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, nbgrader_environment
from autograder.preprocessors.finish_grading import PROGRESS_FILE_ENV
from autograder.trusted.prefetch import PREFETCH_DIR_ENV, PrefetchedRuns
from autograder.workflow.course_config import load_course_config


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    notebook: str  # notebook name without .ipynb, as nbgrader names it
    path: Path


@dataclass
class AutogradeResult:
    assignment: str
    graded: list = field(default_factory=list)  # Submission
    failed: dict = field(default_factory=dict)  # Submission -> reason
    skipped: list = field(default_factory=list)  # students already graded (no --force)
    run_notes: dict = field(default_factory=dict)  # Submission -> why the run fell short
    prefetch_misses: int = 0  # notebooks nbgrader had to execute itself
    seconds: float = 0.0
    nbgrader_log: str = ""
    workers: int = 1


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def threads_per_notebook(workers: int) -> int:
    """Cores / workers: more threads than cores only adds switching between parallel notebooks."""
    return max(1, default_workers() // workers)


def submissions(course: Course, assignment: str, force: bool = False) -> tuple[list[Submission], list[str]]:
    """The notebooks nbgrader will grade, in its order (student, then notebook), and the students
    it will skip because they were graded already (unless ``force``)."""
    found, skipped = [], []
    submitted = course.root / "submitted"
    known = set(Path(name).stem for name in course.notebooks(assignment))
    for folder in sorted(submitted.glob(f"*/{assignment}")):
        student = folder.parent.name
        if not force and (course.root / "autograded" / student / assignment).exists():
            skipped.append(student)
            continue
        for path in sorted(folder.glob("*.ipynb")):
            if path.stem in known:
                found.append(Submission(student, assignment, path.stem, path))
    return found, skipped


def _sanitized(config, submission: Submission, db_url: str):
    """The notebook nbgrader's sanitizing pass writes to ``autograded/`` for this submission."""
    import nbformat
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    exporter = NotebookExporter(config=config)
    exporter._preprocessors = []  # as nbgrader's Autograde does: only its own steps
    configured = config.Autograde.get("sanitize_preprocessors")
    steps = configured if configured else Autograde.class_traits()["sanitize_preprocessors"].default()
    for preprocessor in steps:
        if isinstance(preprocessor, str):
            preprocessor = import_item(preprocessor)
        if preprocessor.__name__ in CHECK_ONLY_STEPS:
            continue
        exporter.register_preprocessor(preprocessor, enabled=True)
    resources = {"unique_key": submission.notebook, "output_files_dir": f"{submission.notebook}_files",
                 "nbgrader": {"student": submission.student, "assignment": submission.assignment,
                              "notebook": submission.notebook, "db_url": db_url}}
    output, _ = exporter.from_filename(str(submission.path), resources=resources)
    return nbformat.reads(output, as_version=4)


# Sanitizing steps that only check a notebook (they raise, never change it): nbgrader runs them
# anyway, and a notebook they reject is failed there, so the prefetch does not repeat them.
CHECK_ONLY_STEPS = ("CheckCellMetadata",)


class _Prefetcher:
    """Prepares the notebooks one by one, feeding a pool of sandbox slots 0..workers-1."""

    def __init__(self, config, runs: PrefetchedRuns, workers: int, gradebook_snapshot: str):
        from autograder.preprocessors import SandboxedExecute

        self.config, self.runs, self.workers = config, runs, workers
        self.gradebook_snapshot = gradebook_snapshot
        self.executor_class = SandboxedExecute
        self.cpu_threads = threads_per_notebook(workers)
        self.failed: dict[Submission, str] = {}
        self.run_notes: dict[Submission, str] = {}
        self._work: queue.Queue = queue.Queue()

    def start(self, todo: list[Submission]) -> list[threading.Thread]:
        """Prepare ``todo`` in order in one thread while ``workers`` threads run what is ready."""
        sandboxed = self.executor_class(config=self.config).require_sandbox()
        self.runs.start_preparing()
        threads = [threading.Thread(target=self._prepare_all, args=(todo, sandboxed), daemon=True)]
        threads += [threading.Thread(target=self._run_queued, args=(slot,), daemon=True)
                    for slot in range(self.workers)]
        for thread in threads:
            thread.start()
        return threads

    def _prepare_all(self, todo: list[Submission], sandboxed: bool) -> None:
        checker = self.executor_class(config=self.config)
        try:
            for submission in todo:
                try:
                    nb = _sanitized(self.config, submission, self.gradebook_snapshot)
                    run = checker.prepare(nb, sandboxed)
                except Exception as error:  # noqa: BLE001 - nbgrader fails this one the same way
                    self.failed[submission] = _reason(error)
                    continue
                self.runs.mark_pending(run.key)
                self._work.put((submission, run))
        finally:
            self.runs.done_preparing()
            for _ in range(self.workers):
                self._work.put(None)

    def _run_queued(self, slot: int) -> None:
        executor = self.executor_class(config=self.config, slot=slot, cpu_threads=self.cpu_threads)
        while (item := self._work.get()) is not None:
            submission, prepared = item
            try:
                result = executor.run_prepared(prepared)
            except Exception:  # noqa: BLE001 - nbgrader's own step runs it instead
                self.runs.abandon(prepared.key)
                continue
            if result.note:
                self.run_notes[submission] = result.note
            self.runs.put(prepared.key, result)


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    name = type(error).__name__
    if "JSON" in name or "Expecting" in first or "Unterminated" in first:
        return "the notebook file is not valid JSON (cut off, or edited outside Jupyter)"
    return f"{name}: {first[:200]}"


def _follow(progress_file: Path, total: int, stop: threading.Event, show: bool, label: str) -> list[dict]:
    """Advance a progress bar by the lines nbgrader's ``FinishGrading`` appends."""
    from tqdm import tqdm

    seen: list[dict] = []
    with tqdm(total=total, desc=label, unit="notebook", disable=not show, dynamic_ncols=True,
              smoothing=0.1) as bar:
        offset = 0
        while True:
            finished = stop.is_set()
            if progress_file.exists():
                with progress_file.open(encoding="utf-8") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
                complete = chunk[: chunk.rfind("\n") + 1]
                offset += len(complete.encode("utf-8"))
                for line in complete.splitlines():
                    if line.strip():
                        seen.append(json.loads(line))
                        bar.update(1)
            if finished:
                if bar.n < total:
                    bar.set_postfix_str(f"{total - bar.n} not graded: see the summary")
                return seen
            time.sleep(0.2)


def autograde_assignments(course: Course, assignments: list[str], *, workers: int | None = None,
                          force: bool = False, show_progress: bool = True) -> list[AutogradeResult]:
    """Autograde every submission of each assignment: ``nbgrader autograde`` per assignment, in
    order, with all their notebooks executed ahead of it by ``workers`` sandboxes (default: one
    per core)."""
    started = time.monotonic()
    workers = workers or default_workers()
    # Loading the configuration first also discards the folders of a killed earlier run
    # (nbgrader_config.py), so those students count as still to grade here, as in nbgrader.
    config = load_course_config(course.root)
    results, todo = [], []
    for assignment in assignments:
        result = AutogradeResult(assignment, workers=workers)
        found, result.skipped = submissions(course, assignment, force)
        results.append(result)
        todo += found
    with tempfile.TemporaryDirectory(prefix="week12-autograde-") as scratch:
        scratch = Path(scratch)
        snapshot = scratch / "gradebook-snapshot.db"
        if (course.root / "gradebook.db").exists():
            shutil.copy2(course.root / "gradebook.db", snapshot)
        runs = PrefetchedRuns(scratch / "runs")
        prefetcher = _Prefetcher(config, runs, workers, f"sqlite:///{snapshot}")
        progress_file = scratch / "progress.jsonl"
        stop = threading.Event()
        seen: list[dict] = []
        label = assignments[0] if len(assignments) == 1 else "autograde"
        follower = threading.Thread(
            target=lambda: seen.extend(_follow(progress_file, len(todo), stop, show_progress, label)), daemon=True)
        follower.start()
        try:
            prefetcher.start(todo)
            for result in results:
                result.nbgrader_log = _run_nbgrader(course, result.assignment, runs, progress_file, workers, force,
                                                    scratch / f"nbgrader-{result.assignment}.log")
                result.prefetch_misses = result.nbgrader_log.count("No prefetched run for this notebook")
                result.seconds = time.monotonic() - started  # all assignments share one pool
        finally:
            stop.set()
            follower.join()

    finished = {(entry["assignment"], entry["student"], entry["notebook"]) for entry in seen}
    for result in results:
        for submission in (s for s in todo if s.assignment == result.assignment):
            if (submission.assignment, submission.student, submission.notebook) in finished:
                result.graded.append(submission)
                if submission in prefetcher.run_notes:
                    result.run_notes[submission] = prefetcher.run_notes[submission]
            else:
                result.failed[submission] = prefetcher.failed.get(submission) or _nbgrader_reason(
                    result.nbgrader_log, submission)
    return results


def _run_nbgrader(course: Course, assignment: str, runs: PrefetchedRuns, progress_file: Path, workers: int,
                  force: bool, log_path: Path) -> str:
    """The real ``nbgrader autograde``: the single writer of the gradebook. Its own sandbox runs,
    for notebooks the workers did not run, use the slot after theirs."""
    env = {**nbgrader_environment(), PREFETCH_DIR_ENV: str(runs.folder), PROGRESS_FILE_ENV: str(progress_file)}
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment, f"--SandboxedExecute.slot={workers}",
               f"--SandboxedExecute.cpu_threads={threads_per_notebook(workers)}"] + (["--force"] if force else [])
    with log_path.open("w", encoding="utf-8") as log:
        subprocess.run(command, cwd=course.root, env=env, stdout=log, stderr=subprocess.STDOUT)
    return log_path.read_text(encoding="utf-8", errors="replace")


def _nbgrader_reason(log: str, submission: Submission) -> str:
    """The error nbgrader logged for this student, if any."""
    lines = log.splitlines()
    for line in lines:
        if "ERROR" in line and submission.student in line:
            return line.split("]", 1)[-1].strip()[:240]
    for line in lines:
        if "ERROR" in line:
            return line.split("]", 1)[-1].strip()[:240]
    return "nbgrader did not grade this notebook (see its log)"
