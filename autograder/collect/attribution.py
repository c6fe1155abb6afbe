"""Who handed in an exchange folder, and when it arrived: decided from what a student cannot set.

A hand-in in nbgrader's exchange is a folder ``inbound/<student>+<assignment>+<time>[+<random>]``
written by the student's own process (``nbgrader submit``): on a shared hub its name (whose, when),
its ``timestamp.txt`` and its files are all the student's word. Two things are not. The folder's
owner: the kernel gives a new folder its maker's uid, and only root can change it. And change
times (``st_ctime``): the kernel sets one to *now* on every write, chmod, rename or link of an
entry, and no call sets it back (``utime`` sets the access and modification times only). So:

- **The student is the account that owns the folder** (``lstat``, never following a link; uid to
  account name with ``pwd``). A folder that names anyone else is refused (``not_yours``); only a
  folder owned by the account that collects (the instructor's own: no student can make one) may
  name any student. This needs one account per student, as JupyterHub's LocalProcessSpawner and
  SystemdSpawner give: where every student runs as the same uid (containers running everyone as
  uid 1000), the exchange cannot tell students apart, and their folders are refused, each with the
  account that owns it; a uid without an account name is refused too (``unknown_owner``).
- **Only the owner's entries count.** ``nbgrader submit`` leaves the folder 0777, so other
  accounts can add to it: what another account owns is dropped and reported, and not walked into.
- **It arrived when it last changed**: the latest change time of the folder and of the owner's
  regular files in it. ``nbgrader submit`` sets their modes after writing them, so that is the moment
  the copy into the exchange finished; a folder prepared elsewhere and moved into ``inbound/`` later
  (its files keep their old change times) arrived when it was moved, since a move changes the
  folder's change time. Never from the folder's name or ``timestamp.txt``. The cost: an account
  that adds an entry to someone's 0777 hand-in folder makes it look later; to do so it must know the
  folder's name, which ``inbound/`` (not listable) does not show and ``nbgrader submit`` makes
  unguessable (a random suffix).
- **The walk is bounded** (entries and bytes): a hand-in past a limit is refused, for its student.

Nothing here raises for what a student made: a hand-in that cannot be attributed comes back refused,
with the reason (a message id of ``collect.messages``). The same rules serve ``nbgrader collect``
(``exchange.SafeExchangeCollect``) and anything that collects one hand-in at a time.
"""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from autograder.collect.names import safe_student_id

EPOCH = datetime(1970, 1, 1)
MAX_ENTRIES = 1000  # files and folders in one hand-in: an assignment is a few notebooks
MAX_BYTES = 100_000_000  # nbgrader's CourseDirectory.max_dir_size default (100 MB)


@dataclass(frozen=True)
class Dropped:
    path: Path  # relative to the hand-in folder
    why: str  # a message id: "dropped_foreign" (another account's) or "dropped_special" (a link, a FIFO...)
    account: str = ""  # for "dropped_foreign": who put it there


@dataclass(frozen=True)
class Handin:
    """One exchange folder, attributed. ``student`` and ``arrived`` are set when it is accepted;
    ``refusal`` (a message id) says why not otherwise."""

    folder: Path
    assignment: str
    owner_uid: int = -1
    owner: str | None = None  # the owner's account name (None: its uid has none)
    named: str | None = None  # whom the folder's name claims (None: the name has no student part)
    student: str | None = None
    arrived: datetime | None = None  # naive UTC, as nbgrader keeps times
    files: tuple[Path, ...] = ()  # the owner's regular files, relative to the folder
    dropped: tuple[Dropped, ...] = ()
    refusal: str | None = None
    limit: int = 0  # the limit passed, for "too_many_entries" and "too_large"
    error: str = ""  # for "unreadable"

    @property
    def accepted(self) -> bool:
        return self.refusal is None


class TooManyEntries(Exception):
    """A hand-in holds more entries than the walk allows."""


def account_name(uid: int) -> str | None:
    """The account name of ``uid`` (``pwd``), or None when the system has none for it."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def named_student(folder_name: str, assignment: str, owner: str | None = None) -> str | None:
    """The student ``<student>+<assignment>+<time>[+<random>]`` claims; None when it has no
    non-empty student and time part. Ids may hold ``+`` (nbgrader allows it), so the owner's own
    name is recognised first; otherwise the claim is whatever comes before the first
    ``+<assignment>+``. The time part is never read."""
    marker = f"+{assignment}+"
    if owner and folder_name.startswith(owner + marker) and len(folder_name) > len(owner + marker):
        return owner
    student, found, rest = folder_name.partition(marker)
    return student if found and student and rest else None


def change_time(info: os.stat_result) -> datetime:
    """``st_ctime`` as a naive UTC datetime (nbgrader's convention), to the microsecond."""
    return EPOCH + timedelta(microseconds=info.st_ctime_ns // 1000)


def owned_entries(folder: Path, uid: int, max_entries: int = MAX_ENTRIES
                  ) -> tuple[list[tuple[Path, os.stat_result]], list[Dropped]]:
    """Walk ``folder`` (never following a link) for ``uid``'s regular files, through ``uid``'s folders.

    Returns the files (relative path, ``lstat``) and what was left out: entries another account
    owns (not walked into) and the owner's entries that are neither regular files nor folders.
    Raises ``TooManyEntries`` past ``max_entries`` entries, and ``OSError`` when a folder cannot be read."""
    folder = Path(folder)
    files, dropped = [], []
    pending, seen = [Path()], 0
    while pending:
        relative = pending.pop()
        with os.scandir(folder / relative) as entries:
            for entry in entries:
                seen += 1
                if seen > max_entries:
                    raise TooManyEntries()
                info = entry.stat(follow_symlinks=False)
                path = relative / entry.name
                if info.st_uid != uid:
                    dropped.append(Dropped(path, "dropped_foreign", account_name(info.st_uid) or f"uid {info.st_uid}"))
                elif stat.S_ISDIR(info.st_mode):
                    pending.append(path)
                elif stat.S_ISREG(info.st_mode):
                    files.append((path, info))
                else:
                    dropped.append(Dropped(path, "dropped_special"))
    return sorted(files), sorted(dropped, key=lambda item: item.path)


def attribute_handin(folder: Path, assignment: str, collector_uid: int | None = None,
                     max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> Handin:
    """Who handed in ``folder`` (an exchange hand-in of ``assignment``) and when it arrived.

    ``collector_uid`` is the account that collects (default: this process's): a folder it owns
    is the instructor's own and may name any student. Never raises for anything a student made."""
    folder = Path(folder)
    collector_uid = os.geteuid() if collector_uid is None else collector_uid
    refused = dict(folder=folder, assignment=assignment)
    try:
        info = os.lstat(folder)
    except OSError as error:
        return Handin(**refused, refusal="unreadable", error=error.strerror or str(error))
    owner = account_name(info.st_uid)
    refused.update(owner_uid=info.st_uid, owner=owner, named=named_student(folder.name, assignment, owner))
    if not stat.S_ISDIR(info.st_mode):
        return Handin(**refused, refusal="not_a_folder")
    if refused["named"] is None:
        return Handin(**refused, refusal="bad_name")
    if info.st_uid == collector_uid:
        student = refused["named"]
    elif owner is None:
        return Handin(**refused, refusal="unknown_owner")
    elif refused["named"] != owner:
        return Handin(**refused, refusal="not_yours")
    else:
        student = owner
    if not safe_student_id(student):
        return Handin(**refused, refusal="unsafe_id")
    try:
        files, dropped = owned_entries(folder, info.st_uid, max_entries)
    except TooManyEntries:
        return Handin(**refused, refusal="too_many_entries", limit=max_entries)
    except OSError as error:
        return Handin(**refused, refusal="unreadable", error=error.strerror or str(error))
    if not files:
        return Handin(**refused, dropped=tuple(dropped), refusal="no_files")
    if sum(entry.st_size for _, entry in files) > max_bytes:
        return Handin(**refused, refusal="too_large", limit=max_bytes)
    # The folder's own change time too: a folder made elsewhere and moved into inbound/ keeps its
    # files' old change times, but the move (and every entry added) changes the folder's.
    arrived = max([change_time(info), *(change_time(entry) for _, entry in files)])
    return Handin(**refused, student=student, arrived=arrived, files=tuple(path for path, _ in files),
                  dropped=tuple(dropped))


def newest_handins(handins: Iterable[Handin], duedate: datetime | None = None) -> list[Handin]:
    """Each student's newest accepted hand-in by arrival; with ``duedate`` (naive UTC), the newest
    that arrived by then, else the newest (nbgrader's ``before_duedate``). In student order."""
    by_student: dict[str, list[Handin]] = {}
    for handin in handins:
        if handin.accepted:
            by_student.setdefault(handin.student, []).append(handin)
    chosen = []
    for student in sorted(by_student):
        newest_first = sorted(by_student[student], key=lambda handin: (handin.arrived, handin.folder.name),
                              reverse=True)
        in_time = [handin for handin in newest_first if duedate is not None and handin.arrived <= duedate]
        chosen.append((in_time or newest_first)[0])
    return chosen


def nbgrader_timestamp(arrived: datetime) -> str:
    """``arrived`` (naive UTC) as ``timestamp.txt`` holds it, in nbgrader's default format, which
    ``nbgrader autograde`` reads for lateness (``nbgrader.utils.parse_utc``)."""
    return arrived.replace(tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


class HandinChanged(Exception):
    """The hand-in changed under the copy past a limit: it is refused this time."""


def copy_handin(handin: Handin, destination: Path, ignore: Callable | None = None,
                max_bytes: int = MAX_BYTES) -> tuple[datetime, list[Path]]:
    """Copy an accepted hand-in's files into ``destination`` (made; 0755 folders, 0644 files).

    Each file is opened without following a link and checked again on the open file (a regular
    file of the owner), so a file swapped after :func:`attribute_handin` for a link, a FIFO or
    another account's file is left out. ``ignore`` is a ``shutil.copytree``-style filter (nbgrader's
    ``ignore_patterns``), applied to every part of a path. Returns the arrival, moved later if a
    file changed since it was read (never earlier), and what was left out. Raises
    ``HandinChanged`` past ``max_bytes``, ``OSError`` when the destination cannot be written."""
    source, destination = Path(handin.folder), Path(destination)
    arrived, left_out, budget = handin.arrived, [], max_bytes
    destination.mkdir(mode=0o755, parents=True, exist_ok=True)
    for relative in handin.files:
        if _ignored(source, relative, ignore):
            continue
        try:
            descriptor = os.open(source / relative, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            left_out.append(relative)
            continue
        with open(descriptor, "rb") as src:
            info = os.fstat(src.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != handin.owner_uid:
                left_out.append(relative)
                continue
            target = destination / relative
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            with open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    budget -= len(chunk)
                    if budget < 0:
                        raise HandinChanged(f"more than {max_bytes} bytes")
                    dst.write(chunk)
            arrived = max(arrived, change_time(os.fstat(src.fileno())))
        os.chmod(target, 0o644)
    return arrived, left_out


def _ignored(root: Path, relative: Path, ignore: Callable | None) -> bool:
    folder = root
    for part in relative.parts:
        if ignore is not None and part in ignore(str(folder), [part]):
            return True
        folder = folder / part
    return False
