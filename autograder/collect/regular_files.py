"""Only regular files cross into the course: symlinks, devices, FIFOs and sockets are dropped.

Checked with ``lstat`` (never following a link) before anything copies a file: nbgrader's copies
(``shutil.copy``, ``copytree``) follow symlinks, so a link in a submission pointing at
``/etc/shadow``, the gradebook or another student's notebook would be copied, as the grader, into
the course and back out to the student.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


def _entries(root: Path):
    """Every entry below ``root`` with its ``lstat``, directories first; links never followed."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            try:
                yield path, os.lstat(path)
            except FileNotFoundError:
                continue


def non_regular(root: Path) -> list[Path]:
    """Entries below ``root`` that are neither regular files nor real directories."""
    if not Path(root).is_dir():
        return []
    return [path for path, info in _entries(root) if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode))]


def drop_non_regular(root: Path) -> list[Path]:
    """Remove what :func:`non_regular` finds (the link itself, never its target); returns them."""
    dropped = []
    for path in non_regular(root):
        try:
            path.unlink()
        except OSError:
            continue
        dropped.append(path)
    return dropped


def copy_regular_tree(source: Path, destination: Path, ignore=None) -> list[Path]:
    """``shutil.copytree`` of the regular files and directories only, with plain modes (0644 and
    0755: no setuid, no executable bit from a student); returns what was left out."""
    source, destination = Path(source), Path(destination)
    skipped = []
    destination.mkdir(parents=True, exist_ok=True)
    for folder, dirs, files in os.walk(source, followlinks=False):
        relative = Path(folder).relative_to(source)
        ignored = set(ignore(folder, dirs + files)) if ignore else set()
        for name in list(dirs):
            info = os.lstat(Path(folder) / name)
            if name in ignored or not stat.S_ISDIR(info.st_mode):
                dirs.remove(name)
                if not stat.S_ISDIR(info.st_mode):
                    skipped.append(Path(folder) / name)
                continue
            (destination / relative / name).mkdir(mode=0o755, exist_ok=True)
        for name in files:
            if name in ignored:
                continue
            path = Path(folder) / name
            if not stat.S_ISREG(os.lstat(path).st_mode):
                skipped.append(path)
                continue
            target = destination / relative / name
            with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NOFOLLOW)) as src, \
                    open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.chmod(target, 0o644)
    return skipped
