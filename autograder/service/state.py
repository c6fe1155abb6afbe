"""The grading service's record: every hand-in it saw, its state and the times of its phases.

One SQLite file in the course (``.week12/service.sqlite``, ``c.GradingService.state_file``),
written by the service alone and read by ``week12 status`` and the hub's pages. It is a record,
not the queue's memory: nbgrader's exchange is the durable record of what was handed in, and a
service started again (after a crash, a SIGKILL, a reboot) rebuilds its queue from the exchange
and this file together (``autograder.service.server``).

A hand-in is one inbound folder. Its phases are ``seen`` (the service found it complete),
``started`` (its grading began), ``graded`` (its grades are in the gradebook) and ``released``
(its feedback is in the exchange for that student). Its state is one of :data:`STATES`.
Times are seconds since the epoch (UTC); the arrival (``arrived``) is the course's, from what a
student cannot set back (``autograder.collect.attribution``), never the folder's name.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

STATE_PATH = Path(".week12") / "service.sqlite"

QUEUED, OVER_LIMIT, GRADING, GRADED, RELEASED = "queued", "over_limit", "grading", "graded", "released"
SUPERSEDED, NOT_GRADED, REFUSED = "superseded", "not_graded", "refused"
STATES = (QUEUED, OVER_LIMIT, GRADING, GRADED, RELEASED, SUPERSEDED, NOT_GRADED, REFUSED)
WAITING = (QUEUED, OVER_LIMIT)  # still to be graded
FINAL = (RELEASED, SUPERSEDED, NOT_GRADED, REFUSED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    folder TEXT NOT NULL UNIQUE,      -- the inbound folder's name
    assignment TEXT NOT NULL,
    student TEXT,                     -- who handed it in (the folder's owner); NULL when refused
    owner TEXT,                       -- the account that owns the folder, as the system names it
    named TEXT,                       -- whom the folder's name claims
    arrived REAL,                     -- when it arrived (the course's time)
    seen REAL NOT NULL,               -- when the service found it complete
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',  -- why not graded / refused / superseded, for a person
    not_before REAL,                  -- over the limit: graded from this time
    started REAL, graded REAL, released REAL,
    score REAL, max_score REAL,
    counted INTEGER NOT NULL DEFAULT 0,  -- 1: a graded attempt, counted by the rate limit
    tries INTEGER NOT NULL DEFAULT 0,    -- grading tries (a grader fault is tried again)
    late_seconds REAL
);
CREATE INDEX IF NOT EXISTS handins_by_student ON handins (student, assignment, arrived);
CREATE TABLE IF NOT EXISTS control (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Handin:
    """One hand-in as the service recorded it (a row of ``handins``)."""

    id: int
    folder: str
    assignment: str
    student: str | None
    owner: str | None
    named: str | None
    arrived: float | None
    seen: float
    state: str
    reason: str
    not_before: float | None
    started: float | None
    graded: float | None
    released: float | None
    score: float | None
    max_score: float | None
    counted: int
    tries: int
    late_seconds: float | None

    def as_dict(self) -> dict:
        return asdict(self)


_COLUMNS = tuple(field.name for field in fields(Handin))


class ServiceState:
    """The record, safe to use from several threads of one process (one connection, one lock).
    Readers in other processes (``week12 status``, the hub's pages) open it read-only."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self._lock = threading.Lock()
        if read_only:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the service
            self._db.execute("PRAGMA synchronous=FULL")  # what is recorded survives a SIGKILL
            self._db.executescript(_SCHEMA)
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def at_rest(self) -> None:
        """Leave the record in SQLite's rollback-journal mode (the service is stopping). A reader
        of a WAL record makes its ``-wal`` and ``-shm`` files, even read-only: ``week12 status``
        would change the course, and, run by another account (a TA), leave files the next service
        cannot write ("attempt to write a readonly database"). The service sets WAL again at start."""
        with self._lock:
            try:
                self._db.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.OperationalError:  # a reader has it open now: the files stay the service's
                pass

    # -- writing (the service) --------------------------------------------------------------

    def add(self, folder: str, assignment: str, *, seen: float, state: str, student: str | None = None,
            owner: str | None = None, named: str | None = None, arrived: float | None = None,
            reason: str = "", late_seconds: float | None = None) -> Handin | None:
        """Record a hand-in the service has just found; None if it was recorded already."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO handins (folder, assignment, student, owner, named, arrived, seen, state, reason,"
                " late_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (folder, assignment, student, owner, named, arrived, seen, state, reason, late_seconds))
            if cursor.rowcount == 0:
                return None
            return self._one("SELECT * FROM handins WHERE id = ?", (cursor.lastrowid,))

    def update(self, handin_id: int, **values) -> None:
        """Set columns of one hand-in (``state``, ``reason``, phase times, score...)."""
        unknown = set(values) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"no such column: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._lock:
            self._db.execute(f"UPDATE handins SET {assignments} WHERE id = ?", (*values.values(), handin_id))

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO control (key, value) VALUES ('paused', ?)",
                             (json.dumps(bool(paused)),))

    # -- reading -----------------------------------------------------------------------------

    def _one(self, query: str, parameters=()) -> Handin | None:
        row = self._db.execute(query, parameters).fetchone()
        return Handin(**dict(row)) if row is not None else None

    def _many(self, query: str, parameters=()) -> list[Handin]:
        with self._lock:
            return [Handin(**dict(row)) for row in self._db.execute(query, parameters).fetchall()]

    def get(self, handin_id: int) -> Handin | None:
        with self._lock:
            return self._one("SELECT * FROM handins WHERE id = ?", (handin_id,))

    def by_folder(self, folder: str) -> Handin | None:
        with self._lock:
            return self._one("SELECT * FROM handins WHERE folder = ?", (folder,))

    def known_folders(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT folder FROM handins")}

    def handins(self, *, student: str | None = None, assignment: str | None = None,
                states: tuple[str, ...] | None = None) -> list[Handin]:
        """Hand-ins in the order they were seen, filtered by student, assignment and states."""
        clauses, parameters = [], []
        for column, value in (("student", student), ("assignment", assignment)):
            if value is not None:
                clauses.append(f"{column} = ?")
                parameters.append(value)
        if states is not None:
            clauses.append(f"state IN ({', '.join('?' for _ in states)})")
            parameters.extend(states)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._many(f"SELECT * FROM handins{where} ORDER BY seen, id", parameters)

    def paused(self) -> bool:
        with self._lock:
            row = self._db.execute("SELECT value FROM control WHERE key = 'paused'").fetchone()
        return bool(json.loads(row[0])) if row else False


def state_path(course_root: Path) -> Path:
    return Path(course_root) / STATE_PATH


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values`` (nearest rank), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass(frozen=True)
class Throughput:
    """The last ``window`` seconds of the service, for the instructor's page and ``week12 status``."""

    window: float
    released: int  # hand-ins whose feedback was released in the window
    per_minute: float
    median_seconds: float | None  # seen -> released
    p95_seconds: float | None
    failures: int  # not graded in the window


def throughput(handins: list[Handin], now: float | None = None, window: float = 3600.0) -> Throughput:
    now = time.time() if now is None else now
    released = [h for h in handins if h.released is not None and h.released >= now - window]
    latencies = [h.released - h.seen for h in released]
    failures = sum(1 for h in handins if h.state == NOT_GRADED and (h.graded or h.seen) >= now - window)
    return Throughput(window, len(released), len(released) / (window / 60), percentile(latencies, 0.5),
                      percentile(latencies, 0.95), failures)
