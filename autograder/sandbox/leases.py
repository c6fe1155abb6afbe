"""Root's sandboxes: an unprivileged uid leased from a pool for each sandbox, and nothing left of it.

A root grader runs each sandbox's code as a uid of its own (``identity.py``). The uid is leased
for the sandbox's lifetime by a lock file; any other root grader on the machine (another course,
another worker) takes the next free uid instead of waiting, so concurrent graders never share a
uid and never kill each other's processes. A uid that belongs to an account of the machine is
never used. A run ends by killing every process of its uid, before the lease is given back.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIRST_SANDBOX_UID = 60000
POOL_SIZE = 1000
# Root-only, not the world-writable /tmp.
LOCK_DIR = Path("/run/autograder-sandbox")
# How long a finished sandbox's processes may take to disappear before they are killed by pid.
REAP_SECONDS = 5.0


class NoFreeUid(RuntimeError):
    pass


def _is_an_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


@contextmanager
def leased_uid(first: int = FIRST_SANDBOX_UID, count: int = POOL_SIZE) -> Iterator[int]:
    """Hold a free uid of the pool for the block; no process of it is left when the block ends."""
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    for uid in range(first, first + count):
        # O_CLOEXEC keeps the lock out of the sandbox; O_NOFOLLOW refuses a planted symlink.
        fd = os.open(LOCK_DIR / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if _is_an_account(uid):
            os.close(fd)
            continue
        try:
            kill_processes_of(uid, wait=0)  # left by a grader that crashed holding this lease
            yield uid
        finally:
            try:
                kill_processes_of(uid)
            finally:
                os.close(fd)
        return
    raise NoFreeUid(f"all {count} sandbox uids from {first} are in use")


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
