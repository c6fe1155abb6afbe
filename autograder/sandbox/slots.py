"""Slots: one sandbox at a time per uid, and no process of that uid left behind.

Each slot runs its code as its own uid, so that RLIMIT_NPROC (counted per uid across the system)
is the limit of one sandbox. A run ends by killing every process of its uid; a second run of the
same slot, from this process or another one, therefore waits for the first on a lock file.
"""

from __future__ import annotations

import fcntl
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Root-only and not in the world-writable /tmp when /run exists (Linux).
LOCK_DIR = Path("/run/autograder-sandbox") if Path("/run").is_dir() else \
    Path(tempfile.gettempdir()) / "autograder-sandbox"
# How long a finished sandbox's processes may take to disappear before they are killed by pid.
REAP_SECONDS = 5.0


@contextmanager
def slot_lock(slot: int) -> Iterator[None]:
    """Hold slot ``slot`` for the duration of the block, waiting while another run holds it."""
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_CLOEXEC keeps the lock out of the sandbox; O_NOFOLLOW refuses a planted symlink.
    fd = os.open(LOCK_DIR / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _uid_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return int(line.split()[1])  # the real uid, which setpriv set too
    except (OSError, ValueError):  # gone meanwhile
        pass
    return None


def processes_of(uid: int) -> list[int]:
    """Pids of the live (or not yet reaped) processes whose real uid is ``uid``."""
    return [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _uid_of(pid) == uid]


def _wait_until_gone(uid: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (pids := processes_of(uid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pids


def kill_processes_of(uid: int, wait: float = REAP_SECONDS) -> list[int]:
    """Wait up to ``wait`` s for ``uid`` to have no process left, then SIGKILL the stragglers.

    Returns the pids that had to be killed. A finished sandbox's processes normally vanish with
    its PID namespace; this also clears what a crashed parent left, which would otherwise count
    toward the next run's RLIMIT_NPROC.
    """
    pids = _wait_until_gone(uid, wait)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if pids:
        _wait_until_gone(uid, REAP_SECONDS)
    return pids
