"""What the collect stage found, per student: one JSON line each, read by the summary.

The file is the course's own ``.week12/collect-report.jsonl`` (``c.CollectReport.report_file``
to move it), appended to by nbgrader's collect steps and by the course's folder checks; the week12
commands read what was added while they ran. Every entry is also logged. ``kind`` says what: ``archive_in_upload`` (a student handed in an archive;
it is not unpacked), ``archive_too_large`` (limits), ``unsafe_member`` (an absolute or ``..``
path, a link), ``unsafe_id``, ``duplicate`` (one student twice: both files named),
``name_collision`` (two participants whose names give one student id: both named, with their LMS
ids; or one participant under two ids), ``renamed``
(a common variant of the expected notebook, graded as it), ``unknown_notebook`` (found A;
expected B), ``dropped`` (not a regular file, or put in an exchange hand-in by another account),
``unrecognised`` (a file not named as the course's LMS preset reads its download); from the exchange
(``exchange``, ``attribution``): ``not_yours`` (a hand-in owned by one account names another: one
entry for each), ``unknown_owner`` (its owner's uid has no account name), ``bad_handin`` (a name
nbgrader submit would not write, past a limit, unreadable, nothing of its owner in it).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from traitlets import Unicode
from traitlets.config import Configurable

KINDS = ("archive_in_upload", "archive_too_large", "unsafe_member", "unsafe_id", "duplicate", "name_collision",
         "renamed", "unknown_notebook", "dropped", "unrecognised", "not_yours", "unknown_owner", "bad_handin")
# Kinds after which the student's work was graded anyway (as the expected notebook).
GRADED_ANYWAY = ("renamed", "dropped")


@dataclass(frozen=True)
class CollectProblem:
    kind: str
    student: str
    assignment: str
    detail: str


REPORT_PATH = Path(".week12") / "collect-report.jsonl"


def report_path(course_root: Path) -> Path:
    return Path(course_root) / REPORT_PATH


class CollectReport(Configurable):
    report_file = Unicode("", help="JSON-lines file for what collecting found, per student; empty: "
                                   ".week12/collect-report.jsonl in the course.").tag(config=True)

    def path(self) -> Path:
        if self.report_file:
            return Path(self.report_file)
        from nbgrader.coursedir import CourseDirectory

        return report_path(CourseDirectory(config=self.config).root)

    def record(self, kind: str, student: str, assignment: str, detail: str, log: logging.Logger | None = None) -> None:
        record_problem(self.path(), kind, student, assignment, detail, log)


def record_problem(path: Path, kind: str, student: str, assignment: str, detail: str,
                   log: logging.Logger | None = None) -> None:
    (log or logging.getLogger("autograder.collect")).warning("%s %s/%s: %s", kind, student, assignment, detail)
    entry = {"kind": kind, "student": student, "assignment": assignment, "detail": detail[:1500]}
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as report:
            report.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        pass  # the log has it; a read-only course must not stop collecting


def report_size(path: Path) -> int:
    try:
        return Path(path).stat().st_size
    except FileNotFoundError:
        return 0


def read_problems(path: Path, since: int = 0) -> list[CollectProblem]:
    """The entries added to the report after byte offset ``since``."""
    try:
        with open(path, "rb") as report:
            report.seek(since)
            lines = report.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    problems = []
    for line in lines:
        try:
            entry = json.loads(line)
            problems.append(CollectProblem(entry["kind"], entry["student"], entry["assignment"], entry["detail"]))
        except (ValueError, KeyError, TypeError):
            continue
    return problems
