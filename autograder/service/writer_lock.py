"""The course's one writer: the service takes the writer lock, and a second writer is refused.

The lock file and who holds it are ``autograder.record.service_lock``'s. The batch verbs that
write the gradebook or the folders the service grades from and releases into refuse while it is
held, naming the service (the course's start-up step, below this, leaves the folders alone).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

from autograder.record.service_lock import LOCK_PATH, second_writer_refusal, writer_lock_holder
from autograder.run.refusal import GradingRefused


class ServiceRunning(GradingRefused):
    """A grading service is this course's writer: a second writer is refused."""


def refuse_if_serving(course_root: Path, verb: str, writes: str = "the gradebook") -> None:
    """Raise :class:`ServiceRunning`, naming the service, when one holds the writer lock;
    ``writes`` says what ``verb`` would write beside it."""
    holder = writer_lock_holder(course_root)
    if holder is not None:
        raise ServiceRunning(second_writer_refusal(holder, verb, writes))


def take_writer_lock(course_root: Path):
    """The writer lock, held until the returned file is closed; :class:`ServiceRunning` when another holds it."""
    path = Path(course_root) / LOCK_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read()
        handle.close()
        raise ServiceRunning(f"a grading service already writes this course's gradebook ({holder.strip() or 'unknown'}): "
                             "one service per course")
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}))
    handle.flush()
    return handle
