"""``week12 autograde --scheduler ADDRESS``: the sandboxed runs as tasks on a Dask cluster.

The same division of work as the local pool (``pool``), with the runs spread over machines:
this process prepares each notebook exactly as nbgrader will (so the run's key is the one
nbgrader's ``SandboxedExecute`` looks for), a Dask worker runs it in a sandbox of its own
(``autograder.run.cluster_task``: it gets only the prepared input and returns plain data),
and the run is left in the prefetch folder, where the one ``nbgrader autograde`` process, the
only writer of the gradebook, takes it. Nothing is graded twice, whatever the cluster does:
a task Dask runs again after losing its worker only brings back a second copy of one run, and
nbgrader grades each notebook once.

What the cluster could not run is left to nbgrader, which runs it here as it would without a
cluster (so in this machine's sandbox): a task whose workers were all lost (Dask's
``KilledWorker``), or that every worker refused. A worker that refuses (no sandbox on it, another
package version) is told to the instructor with its reason and gets no more of the run's tasks.

The address comes from ``--scheduler`` or ``c.Cluster.scheduler`` in ``nbgrader_config.py``.
The grading service (``week12 serve``) sends its runs the same way, one hand-in's run at a time
(:class:`ClusterRunner`), with the same refusals and the same fallback to its own sandbox.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections import defaultdict

from traitlets import Float, Unicode
from traitlets.config import Configurable

from autograder.run.cluster_task import EVENT_TOPIC, WorkerRefused, run_on_worker, worker_package_fingerprint
from autograder.run.prefetch import PrefetchedRuns
from autograder.run.refusal import GradingRefused
from autograder.run.run_records import NotebookRun, PreparedRun
from autograder.grading.pool import Submission, WorkerPool


class Cluster(Configurable):
    """Where ``week12 autograde`` sends its sandboxed runs."""

    scheduler = Unicode("", help="Address of a Dask distributed scheduler (e.g. tcp://grader-1:8786) whose workers "
                                 "run the notebooks; empty: the local worker pool.").tag(config=True)
    connect_seconds = Float(30, help="Seconds to wait for the scheduler and for its first worker before "
                                     "refusing to grade.").tag(config=True)


class ClusterUnavailable(GradingRefused):
    """The scheduler cannot be reached, or has no workers: nothing was graded."""


def connect(address: str, timeout: float):
    """A client of the scheduler at ``address`` with at least one worker, or a clear refusal."""
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: {error}); "
                                 "nothing was graded. Check the address (--scheduler or c.Cluster.scheduler) and "
                                 "that `dask scheduler` runs there.") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        client.close()
        raise ClusterUnavailable(f"the Dask scheduler at {address} has no workers (waited {timeout:g} s); nothing was "
                                 "graded. Start some with `dask worker {address}`.") from None
    return client


class ClusterPool(WorkerPool):
    """Prepares the notebooks here and runs them as tasks on the cluster's workers."""

    def __init__(self, config, runs: PrefetchedRuns, client, gradebook_snapshot: str):
        super().__init__(config, runs, workers=max(1, len(client.scheduler_info()["workers"])),
                         gradebook_snapshot=gradebook_snapshot)
        self.client = client
        self.fingerprint = worker_package_fingerprint()
        self.ran_on: dict[Submission, str] = {}  # the worker whose run nbgrader graded
        self.refusals: dict[str, str] = {}  # worker address -> that it refused, and why
        self.left_here: dict[Submission, str] = {}  # the cluster did not run it, and why: nbgrader ran it here
        self._futures: dict[str, object] = {}
        self._outstanding = 0
        self._lock = threading.Lock()

    def start(self, todo: list[Submission]) -> list[threading.Thread]:
        sandboxed = self.executor_class(config=self.config).require_sandbox()
        self.runs.start_preparing()
        self.settings = self.executor_class(config=self.config).run_settings()
        threads = [threading.Thread(target=self._prepare_all, args=(todo, sandboxed), daemon=True),
                   threading.Thread(target=self._submit_queued, daemon=True)]
        for thread in threads:
            thread.start()
        return threads

    def _submit_queued(self) -> None:
        while (item := self._work.get()) is not None:
            _, prepared = item
            self._submit(prepared, attempt=0)

    def _submit(self, prepared: PreparedRun, attempt: int, allowed: list | None = None) -> None:
        with self._lock:
            self._outstanding += 1
        future = self.client.submit(run_on_worker, prepared, self.settings, self.fingerprint, pure=False,
                                    key=f"week12-run-{prepared.key[:32]}-{attempt}", workers=allowed,
                                    allow_other_workers=False, retries=0)
        self._futures[future.key] = future  # a future let go of is cancelled
        future.add_done_callback(functools.partial(self._finished, prepared, attempt))

    def _finished(self, prepared: PreparedRun, attempt: int, future) -> None:
        try:
            self._take(prepared, attempt, future)
        except Exception as error:  # noqa: BLE001 - whatever it was, nbgrader runs the notebook here
            self._leave_here(prepared, f"{type(error).__name__}: {error}"[:300])
        finally:
            self._futures.pop(future.key, None)
            with self._lock:
                self._outstanding -= 1

    def _take(self, prepared: PreparedRun, attempt: int, future) -> None:
        if future.status == "finished":
            run_json, worker = future.result()
            run = NotebookRun.from_json(run_json)
            self.runs.put(prepared.key, run)
            self.ran_on.update(dict.fromkeys(self.sharing[prepared.key], worker))
            return
        error = future.exception() if future.status == "error" else None
        if isinstance(error, WorkerRefused):
            self.refusals[error.address] = f"worker {error.label} refused its runs: {error.reason}"
            others = [address for address in self.client.scheduler_info()["workers"] if address not in self.refusals]
            if others and attempt < 2 * self.workers + 2:
                self._submit(prepared, attempt + 1, allowed=others)
                return
            self._leave_here(prepared, "every worker of the cluster refused it (see the refusals)")
            return
        if type(error).__name__ == "KilledWorker":
            why = "the cluster lost every worker that started it (Dask's KilledWorker)"
        elif error is None:
            why = f"the cluster dropped the task ({future.status})"
        else:
            why = f"the worker failed: {type(error).__name__}: {str(error)[:200]}"
        self._leave_here(prepared, why)

    def _leave_here(self, prepared: PreparedRun, why: str) -> None:
        for submission in self.sharing[prepared.key]:
            self.left_here[submission] = why
        self.runs.abandon(prepared.key)

    def status(self) -> str:
        """The progress bar's postfix: the cluster's size and what is in flight."""
        try:
            workers = len(self.client.scheduler_info()["workers"])
        except Exception:  # noqa: BLE001 - the bar must not stop for a lost scheduler
            return "cluster: scheduler unreachable"
        return f"cluster: {workers} workers, {self._outstanding} runs in flight"

    def lost_runs(self) -> dict[Submission, list[str]]:
        """Runs a worker started and never finished (it died or was cut off), by submission: read
        from the start events workers log on the scheduler."""
        started: dict[str, list[str]] = defaultdict(list)
        try:
            events = self.client.get_events(EVENT_TOPIC)
        except Exception:  # noqa: BLE001 - only an explanation is lost
            return {}
        for _, event in events:
            started[event.get("key")].append(event.get("by"))
        lost = {}
        for key, workers in started.items():
            submissions = self.sharing.get(key)
            if not submissions:
                continue
            if self.ran_on.get(submissions[0]) in workers:
                workers.remove(self.ran_on[submissions[0]])
            if workers:
                lost.update(dict.fromkeys(submissions, workers))
        return lost

    def close(self) -> None:
        self._futures.clear()
        self.client.close()



class ClusterRunner:
    """Runs one prepared notebook at a time on the cluster, for the grading service's workers
    (each waits for its own run). A run the cluster cannot make (every worker refused it, its
    workers were lost) raises :class:`ClusterRunFailed`; the service then
    leaves it to nbgrader's step, which runs it in this machine's sandbox, as the batch path does."""

    def __init__(self, client, settings):
        self.client = client
        self.settings = settings  # the run's RunSettings, as SandboxedExecute gives them
        self.fingerprint = worker_package_fingerprint()
        self.refusals: dict[str, str] = {}  # worker address -> why it refused (it gets no more runs)
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, config, address: str) -> ClusterRunner:
        """A runner on the scheduler at ``address``, refused as :func:`connect` refuses."""
        from autograder.grading.sandboxed_execute import SandboxedExecute

        return cls(connect(address, Cluster(config=config).connect_seconds),
                   SandboxedExecute(config=config).run_settings())

    def workers(self) -> int:
        """The cluster's worker threads now: how many runs it takes at once."""
        try:
            found = self.client.scheduler_info()["workers"]
        except Exception:  # noqa: BLE001 - a lost scheduler: one, until it is back
            return 1
        return max(1, sum(int(info.get("nthreads", 1)) for address, info in found.items()
                          if address not in self.refusals))

    def run(self, prepared: PreparedRun) -> NotebookRun:
        for attempt in range(8):
            with self._lock:
                allowed = [address for address in self.client.scheduler_info()["workers"]
                           if address not in self.refusals]
            if not allowed:
                raise ClusterRunFailed("every worker of the cluster refused it: "
                                       + "; ".join(sorted(self.refusals.values())))
            future = self.client.submit(run_on_worker, prepared, self.settings, self.fingerprint, pure=False,
                                        key=f"week12-serve-{prepared.key[:32]}-{uuid.uuid4().hex[:8]}",
                                        workers=allowed, allow_other_workers=False, retries=0)
            try:
                run_json, _ = future.result()
                return NotebookRun.from_json(run_json)
            except WorkerRefused as refused:
                with self._lock:
                    self.refusals[refused.address] = f"worker {refused.label} refused its runs: {refused.reason}"
            except Exception as error:  # noqa: BLE001 - KilledWorker, a lost scheduler: run here instead
                raise ClusterRunFailed(f"{type(error).__name__}: {str(error)[:200]}") from None
        raise ClusterRunFailed("the cluster's workers kept refusing it")

    def close(self) -> None:
        self.client.close()


class ClusterRunFailed(RuntimeError):
    """The cluster did not run this notebook; it is run here instead."""
