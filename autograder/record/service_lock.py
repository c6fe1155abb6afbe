"""Who holds the course's writer lock: read by anything that must leave a running service alone.

While ``week12 serve`` runs it holds ``.week12/service.lock`` (an ``flock``, released by the
kernel when the service dies, even by SIGKILL, so a stale file never blocks anyone); it writes its
pid, host and start time into it. Taking the lock and refusing a second writer are the service's
(``autograder.service.writer_lock``); this module only reads it (and words the refusal), so that
the course's start-up step and the read-only verbs can ask cheaply.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

LOCK_PATH = Path(".week12") / "service.lock"


def writer_lock_holder(course_root: Path) -> dict | None:
    """Who holds the course's writer lock (pid, host, since), or None when nobody does."""
    path = Path(course_root) / LOCK_PATH
    try:
        handle = open(path, "r+")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(handle.read() or "{}")
            except ValueError:
                return {}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def served_by_another_process(course_root: Path) -> dict | None:
    """The writer lock's holder when it is a process other than this one, else None."""
    holder = writer_lock_holder(course_root)
    if holder is None or (holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname()):
        return None
    return holder


def second_writer_refusal(holder: dict, verb: str, writes: str) -> str:
    """What a command refused beside the running service (``holder``) says, in one line."""
    since = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(holder.get("since", 0)))
    return (f"{verb} would be a second writer of {writes}: the grading service (week12 serve, pid "
            f"{holder.get('pid', '?')} on {holder.get('host', '?')}, since {since}) is this course's writer and "
            "grades each hand-in as it arrives (`week12 status` shows them). Stop the service (Ctrl-C, or kill -TERM "
            "its pid) to grade in a batch.")
