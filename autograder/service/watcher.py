"""Finding hand-ins in the exchange's inbound folder, once each is complete.

``nbgrader submit`` writes a hand-in folder ``inbound/<student>+<assignment>+<time>[+<random>]``
in steps: the notebooks first, then ``timestamp.txt``, then ``submission_secret.txt``, then it
sets the modes. A folder is taken only once both of those files are there, so a half-copied one is
never graded; the files themselves are then copied (and checked again) by the collect step. The
folder's name is read only to learn which assignment it is for: who handed it in and when is
decided from what the student cannot set (``autograder.collect.attribution``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

COMPLETE_MARKERS = ("timestamp.txt", "submission_secret.txt")


def assignment_of(folder_name: str, assignments: list[str]) -> str | None:
    """The course assignment a hand-in folder's name is for (``<student>+<assignment>+<time>...``)."""
    for assignment in sorted(assignments, key=len, reverse=True):
        if f"+{assignment}+" in folder_name:
            return assignment
    return None


def recorded_name(folder_name: str) -> str:
    """The name the service's record keeps for a folder: its own, or, for a name that is not
    valid UTF-8 (any student can make one in inbound/; nbgrader submit never does), a printable
    stand-in (the record is SQLite text, which takes UTF-8 only)."""
    try:
        folder_name.encode("utf-8")
        return folder_name
    except UnicodeEncodeError:
        return os.fsencode(folder_name).decode("utf-8", "backslashreplace")


def is_complete(folder: Path) -> bool:
    """Both markers are there as ``nbgrader submit`` writes them: regular files of the folder's
    owner (a folder, a link or someone else's file in their place does not complete a hand-in)."""
    try:
        owner = os.lstat(folder).st_uid
        infos = [os.lstat(folder / marker) for marker in COMPLETE_MARKERS]
    except OSError:
        return False
    return all(stat.S_ISREG(info.st_mode) and info.st_uid == owner for info in infos)


def new_complete_handins(inbound: Path, known: set[str], assignments: list[str]) -> list[tuple[Path, str | None]]:
    """Complete hand-in folders in ``inbound`` not in ``known``, with their assignment (None when
    the name names none of the course's), oldest change first. Never raises for what a student
    made: an entry that cannot be looked at is left for the next look."""
    found = []
    try:
        entries = list(os.scandir(inbound))
    except OSError:
        return []
    for entry in entries:
        if recorded_name(entry.name) in known or entry.name.startswith("."):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                found.append((Path(entry.path), assignment_of(entry.name, assignments), entry.stat(follow_symlinks=False).st_ctime))
                continue
            if not is_complete(Path(entry.path)):
                continue
            found.append((Path(entry.path), assignment_of(entry.name, assignments), entry.stat(follow_symlinks=False).st_ctime))
        except OSError:
            continue
    return [(path, assignment) for path, assignment, _ in sorted(found, key=lambda item: item[2])]
