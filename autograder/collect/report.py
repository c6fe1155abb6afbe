"""What the collect stage found, per student: one JSON line each, read by the summary.

The file is the course's own ``.week12/collect-report.jsonl`` (``c.CollectReport.report_file``
to move it), appended to by nbgrader's collect steps and by the course's start-up step, each entry
under the run id of the command it belongs to (``c.CollectReport.run_id``); a week12 command reads
what its own run recorded. Every entry is also logged. ``kind`` says what: ``archive_in_upload`` (a student handed in an archive;
it is not unpacked), ``archive_too_large`` (limits), ``unsafe_member`` (an absolute or ``..``
path, a link), ``unsafe_id``, ``duplicate`` (one student twice: both files named),
``name_collision`` (two participants whose names give one student id: both named, with their LMS
ids; or one participant under two ids), ``renamed``
(a common variant of the expected notebook, graded as it), ``unknown_notebook`` (found A;
expected B), ``dropped`` (not a regular file, or put in an exchange hand-in by another account),
``unrecognised`` (a file not named as the course's LMS preset reads its download); from the exchange
(``exchange``, ``attribution``): ``not_yours`` (a hand-in owned by one account names another: one
entry for each), ``unknown_owner`` (its owner's uid has no account name), ``bad_handin`` (a name
nbgrader submit would not write, past a limit, unreadable, nothing of its owner in it); from the
start-up step: ``regraded`` (a killed grading's half-written folder, discarded to be graded again).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from traitlets import Unicode
from traitlets.config import Configurable

KINDS = ("archive_in_upload", "archive_too_large", "unsafe_member", "unsafe_id", "duplicate", "name_collision",
         "renamed", "unknown_notebook", "dropped", "unrecognised", "not_yours", "unknown_owner", "bad_handin",
         "regraded")
# Kinds after which the student's work was graded anyway (as the expected notebook, or again).
GRADED_ANYWAY = ("renamed", "dropped", "regraded")


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
    run_id = Unicode("", help="The run these findings belong to (a week12 command gives its nbgrader commands "
                              "its own run id, and tells what that run found).").tag(config=True)

    def path(self) -> Path:
        if self.report_file:
            return Path(self.report_file)
        from nbgrader.coursedir import CourseDirectory

        return report_path(CourseDirectory(config=self.config).root)

    def record(self, kind: str, student: str, assignment: str, detail: str, log: logging.Logger | None = None) -> None:
        record_problem(self.path(), kind, student, assignment, detail, log, run_id=self.run_id)


def record_problem(path: Path, kind: str, student: str, assignment: str, detail: str,
                   log: logging.Logger | None = None, run_id: str = "") -> None:
    (log or logging.getLogger("autograder.collect")).warning("%s %s/%s: %s", kind, student, assignment, detail)
    entry = {"kind": kind, "student": student, "assignment": assignment, "detail": detail[:1500], "run": run_id}
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as report:
            report.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        pass  # the log has it; a read-only course must not stop collecting


def read_problems(path: Path, run_id: str | None = None) -> list[CollectProblem]:
    """The entries recorded under ``run_id`` (one command's run, its nbgrader commands included);
    every entry, in order, when ``run_id`` is None."""
    try:
        with open(path, "rb") as report:
            lines = report.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    problems = []
    for line in lines:
        try:
            entry = json.loads(line)
            if run_id is not None and entry.get("run", "") != run_id:
                continue
            problems.append(CollectProblem(entry["kind"], entry["student"], entry["assignment"], entry["detail"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return problems
