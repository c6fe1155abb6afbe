"""A real Dask cluster for tests: ``dask scheduler`` and ``dask worker`` processes on loopback.

Each is a separate process started from a ``dask`` command, as on real machines; a worker may be
started from another environment (its own copy of the course package), in another folder, as
another account. Everything started is stopped (SIGKILL at the latest) when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.accounts import Account

THIS_ENVIRONMENT = Path(sys.executable).parent


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL, as a machine that loses power or is pre-empted: nothing is told to anyone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@dataclass
class DaskCluster:
    folder: Path
    scheduler: subprocess.Popen | None = None
    address: str = ""
    workers: dict = field(default_factory=dict)

    def start_scheduler(self) -> str:
        address_file = self.folder / "scheduler.json"
        log = self.folder / "scheduler.log"
        self.scheduler = subprocess.Popen(
            [str(THIS_ENVIRONMENT / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(address_file)],
            stdout=log.open("w"), stderr=subprocess.STDOUT, env=_environment(), start_new_session=True)
        deadline = time.monotonic() + 120
        while not address_file.exists() or not address_file.read_text().strip():
            if self.scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dask scheduler did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        import json

        self.address = json.loads(address_file.read_text())["address"]
        return self.address

    def start_worker(self, name: str, *, environment: Path = THIS_ENVIRONMENT, cwd: Path | None = None,
                     account: Account | None = None, **dask_config: str) -> Worker:
        """A worker of one thread, without a nanny (so that a SIGKILL is the end of it);
        ``dask_config`` become ``DASK_WEEK12__<NAME>`` settings on it."""
        cwd = cwd or self.folder
        log = cwd / f"worker-{name}.log"
        env = account.environment(environment.parent) if account is not None else _environment()
        env.update({f"DASK_WEEK12__{key.upper()}": str(value) for key, value in dask_config.items()})
        switch = {} if account is None or account.is_me else {"user": account.uid, "group": account.gid,
                                                             "extra_groups": []}
        process = subprocess.Popen(
            [str(environment / "dask"), "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(cwd / f"dask-{name}")],
            cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, start_new_session=True, **switch)
        worker = Worker(name, process, log)
        self.workers[name] = worker
        self.wait_for(name)
        return worker

    def wait_for(self, name: str, timeout: float = 180) -> None:
        from distributed import Client

        worker = self.workers[name]
        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=60, set_as_default=False) as client:
            while not any(info.get("name") == name for info in client.scheduler_info()["workers"].values()):
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dask worker {name} did not join:\n{worker.log.read_text()[-3000:]}")
                time.sleep(0.3)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=60, set_as_default=False)

    def stop(self) -> None:
        for process in [worker.process for worker in self.workers.values()] + [self.scheduler]:
            if process is None or process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DASK_")}
    env["PATH"] = f"{THIS_ENVIRONMENT}:{env.get('PATH', '/usr/bin:/bin')}"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


@contextlib.contextmanager
def dask_cluster(folder: Path):
    cluster = DaskCluster(Path(folder))
    cluster.folder.mkdir(parents=True, exist_ok=True)
    try:
        cluster.start_scheduler()
        yield cluster
    finally:
        cluster.stop()
