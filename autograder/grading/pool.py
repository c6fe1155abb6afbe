"""The worker pool of ``week12 autograde``: notebooks prepared and run in sandboxes ahead of nbgrader.

1. every submitted notebook is put through nbgrader's own sanitizing steps
   (``Autograde.sanitize_preprocessors``, against a snapshot of the gradebook so that nothing
   reads the database while nbgrader writes it), which gives exactly the notebook nbgrader will
   hand to ``SandboxedExecute``, and from it the sandbox's input and its key;
2. ``workers`` threads, one sandbox each, run those inputs as soon as each is prepared, in
   the order nbgrader grades them, and leave each run in the prefetch folder
   (``autograder.run.prefetch``), where nbgrader's grading step takes it by key.
   Byte-identical inputs (students who handed in the same work) are run once: the key names
   the input exactly, and nbgrader takes the one run for each of them.

A notebook that cannot be prepared is left to nbgrader, which fails it the same way and goes on
with the others; the reason is kept for the summary.
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from autograder.run.prefetch import PrefetchedRuns

# Sanitizing steps that only check a notebook (they raise, never change it): nbgrader runs them
# anyway, and a notebook they reject is failed there, so the pool does not repeat them.
CHECK_ONLY_STEPS = ("CheckCellMetadata",)


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    notebook: str  # notebook name without .ipynb, as nbgrader names it
    path: Path

    @property
    def key(self) -> tuple[str, str, str]:
        return self.assignment, self.student, self.notebook


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def threads_per_notebook(workers: int) -> int:
    """Cores / workers: more threads than cores only adds switching between parallel notebooks."""
    return max(1, default_workers() // workers)


def sanitized(config, submission: Submission, db_url: str):
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


def failure_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    name = type(error).__name__
    if "JSON" in name or "Expecting" in first or "Unterminated" in first:
        return "the notebook file is not valid JSON (cut off, or edited outside Jupyter)"
    return f"{name}: {first[:200]}"


class WorkerPool:
    """Prepares the notebooks one by one, feeding ``workers`` threads that run one sandbox each."""

    def __init__(self, config, runs: PrefetchedRuns, workers: int, gradebook_snapshot: str):
        from autograder.grading.sandboxed_execute import SandboxedExecute

        self.config, self.runs, self.workers = config, runs, workers
        self.gradebook_snapshot = gradebook_snapshot
        self.executor_class = SandboxedExecute
        self.cpu_threads = threads_per_notebook(workers)
        self.failed: dict[Submission, str] = {}  # could not be prepared, and why
        self.sharing: dict[str, list[Submission]] = {}  # run key -> every submission it is the run of
        self._work: queue.Queue = queue.Queue()

    def start(self, todo: list[Submission]) -> list[threading.Thread]:
        """Prepare ``todo`` in order in one thread while ``workers`` threads run what is ready."""
        sandboxed = self.executor_class(config=self.config).require_sandbox()
        self.runs.start_preparing()
        threads = [threading.Thread(target=self._prepare_all, args=(todo, sandboxed), daemon=True)]
        threads += [threading.Thread(target=self._run_queued, daemon=True) for _ in range(self.workers)]
        for thread in threads:
            thread.start()
        return threads

    def _prepare_all(self, todo: list[Submission], sandboxed: bool) -> None:
        checker = self.executor_class(config=self.config)
        try:
            for submission in todo:
                try:
                    nb = sanitized(self.config, submission, self.gradebook_snapshot)
                    run = checker.prepare(nb, sandboxed)
                except Exception as error:  # noqa: BLE001 - nbgrader fails this one the same way
                    self.failed[submission] = failure_reason(error)
                    continue
                if run.key in self.sharing:
                    self.sharing[run.key].append(submission)
                    continue
                self.sharing[run.key] = [submission]
                self.runs.mark_pending(run.key)
                self._work.put((submission, run))
        finally:
            self.runs.done_preparing()
            for _ in range(self.workers):
                self._work.put(None)

    def _run_queued(self) -> None:
        executor = self.executor_class(config=self.config, cpu_threads=self.cpu_threads)
        while (item := self._work.get()) is not None:
            _, prepared = item
            try:
                result = executor.run_prepared(prepared)
            except Exception:  # noqa: BLE001 - nbgrader's own step runs it instead
                self.runs.abandon(prepared.key)
                continue
            self.runs.put(prepared.key, result)
