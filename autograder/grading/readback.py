"""Reading back what a sandboxed run left behind, which student code may have replaced.

The job folder belongs to the sandbox user while it runs, so any file in it may have been
swapped for a symlink to a host file (the gradebook, a solution) or grown without bound. Files
are opened relative to a directory descriptor, never following a link, and only regular files
up to a size cap are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UntrustedFileRejected(OSError):
    pass


def read_untrusted(folder: Path, name: str, max_bytes: int) -> bytes:
    """The bytes of ``folder/name`` if it is a regular file of at most ``max_bytes``."""
    if "/" in name or name in {"", ".", ".."}:
        raise UntrustedFileRejected(f"bad file name {name!r}")
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    finally:
        os.close(directory)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedFileRejected(f"{name} is not a regular file")
        if info.st_size > max_bytes:
            raise UntrustedFileRejected(f"{name} is {info.st_size} bytes (limit {max_bytes})")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)[:max_bytes]
    finally:
        os.close(descriptor)
