"""Sandbox runs done ahead of nbgrader, so that a class's notebooks execute in parallel.

``nbgrader autograde`` grades one notebook after another, and it is also the one process that
writes the gradebook. The class-grading command (``autograder.workflow.autograde``) keeps it that
way but runs the slow part, executing each notebook in the sandbox, in a pool of workers ahead
of it. Each finished run is left here, under its ``PreparedRun.key`` (a hash of exactly what the
sandbox was given). When ``SandboxedExecute`` inside nbgrader reaches that notebook, it builds
the same input, finds the run under the same key and uses it instead of running again; a run
that is still in progress is waited for. A notebook whose input differs in any way finds no run
and is executed as usual, so the result never depends on the prefetch.

The folder is named on nbgrader's command line (``--SandboxedExecute.prefetch_dir``) by the
class-grading command only; it is outside the sandbox's view and written only by the grader.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from autograder.record.recovery import process_alive
from autograder.run.run_records import NotebookRun

POLL_SECONDS = 0.05


class PrefetchedRuns:
    """The folder of runs: ``<key>.run`` when done, ``<key>.pending`` (holding the owner's pid)
    while a worker is on it."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _preparing(self) -> Path:
        return self.folder / "PREPARING"

    def start_preparing(self, owner_pid: int | None = None) -> None:
        """Notebooks are still being prepared: a key not seen yet may still come."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._preparing().write_text(str(owner_pid or os.getpid()))

    def done_preparing(self) -> None:
        self._preparing().unlink(missing_ok=True)

    def _owner_alive(self, marker: Path) -> bool:
        try:
            return process_alive(int(marker.read_text() or 0))
        except (OSError, ValueError):
            return False

    def _done(self, key: str) -> Path:
        return self.folder / f"{key}.run"

    def _pending(self, key: str) -> Path:
        return self.folder / f"{key}.pending"

    def mark_pending(self, key: str, owner_pid: int | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._pending(key).write_text(str(owner_pid or os.getpid()))

    def abandon(self, key: str) -> None:
        """A worker could not run it: nbgrader's own step will."""
        self._pending(key).unlink(missing_ok=True)

    def has(self, key: str) -> bool:
        """Whether the run for ``key`` is done and kept."""
        return self._done(key).exists()

    def put(self, key: str, run: NotebookRun) -> None:
        temporary = self.folder / f".{key}.tmp"
        temporary.write_text(run.to_json(), encoding="utf-8")
        os.replace(temporary, self._done(key))
        self._pending(key).unlink(missing_ok=True)

    def take(self, key: str, timeout: float) -> NotebookRun | None:
        """The run for ``key``, waiting while a live worker is on it or while notebooks are still
        being prepared; None if there is none (the caller then runs the notebook itself)."""
        deadline = time.monotonic() + timeout
        while True:
            done = self._done(key)
            if done.exists():
                return NotebookRun.from_json(done.read_text(encoding="utf-8"))
            waiting_for = self._pending(key)
            if not waiting_for.exists():
                waiting_for = self._preparing()
            if not self._owner_alive(waiting_for):
                # Gone meanwhile: finished (then the run is there) or abandoned.
                return NotebookRun.from_json(done.read_text(encoding="utf-8")) if done.exists() else None
            if time.monotonic() > deadline:
                return None
            time.sleep(POLL_SECONDS)
