"""``nbgrader collect`` from the exchange: the owner is who handed in, and it arrived when it did.

nbgrader's own collect (``ExchangeCollect``) believes a hand-in folder's name
(``<student>+<assignment>+<time>[+<random>]``, written by the student) for whose it is and when it
came: a folder owned by one student that names another is only a warning, and the time in the name
picks the newest and decides lateness. It also stops the whole collect on one name it cannot parse,
and its ``shutil.copytree`` follows symlinks, so a link in a hand-in to ``/etc/shadow`` or the
gradebook would be copied, by the grader, into ``submitted/``.

``SafeExchangeCollect`` is nbgrader's collect (``c.ExchangeFactory.collect``) with the source and
the copy replaced by the rules of ``collect.attribution``: the student is the account that owns
the folder (a folder naming someone else is refused and reported for both; only the collecting
account's own folders may name anyone), the submission time is when it arrived (change times,
which no student can set back), only the owner's regular files are copied, with plain modes, and
``timestamp.txt`` in ``submitted/`` holds that arrival, which ``nbgrader autograde`` reads for
lateness. This needs one account per student (see ``attribution``). nbgrader's ``--update``,
``--before-duedate`` and ``--student`` keep their meaning, applied to the attributed student and the
arrival. Whatever a hand-in holds, the collect goes on for everyone else; each problem is reported
for its student (``collect.report``), worded for the student (``collect.messages``).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode, ignore_patterns, parse_utc
from traitlets import Integer

from autograder.collect.attribution import (MAX_BYTES, MAX_ENTRIES, Handin, HandinChanged, attribute_handin,
                                            copy_handin, nbgrader_timestamp, newest_handins)
from autograder.collect.messages import handin_detail, shown
from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.report import CollectReport

# How each refusal of collect.attribution is reported; any other is "bad_handin".
REPORT_KINDS = {"not_yours": "not_yours", "unknown_owner": "unknown_owner", "unsafe_id": "unsafe_id"}


def rename_variants(folder: Path, expected: list[str], report) -> None:
    """Rename notebooks in ``folder`` named as a variant of an expected one that is not there."""
    for path in sorted(Path(folder).glob("*.ipynb")):
        notebook = expected_notebook(path.name, expected)
        if notebook is None:
            if path.name not in expected:
                report("unknown_notebook", f"found {path.name}; expected {', '.join(expected)}")
            continue
        if notebook != path.name and not (Path(folder) / notebook).exists():
            path.rename(Path(folder) / notebook)
            report("renamed", f"handed in as {path.name}; graded as {notebook}")


class SafeExchangeCollect(ExchangeCollect):
    max_entries = Integer(MAX_ENTRIES, help="Most files and folders one exchange hand-in may hold; a hand-in "
                                            "with more is refused for its student.").tag(config=True)

    def _report(self, kind: str, student: str, detail: str) -> None:
        CollectReport(parent=self).record(kind, student, self.coursedir.assignment_id, detail, self.log)

    def _expected(self) -> list[str]:
        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", self.coursedir.assignment_id))
        return sorted(path.name for path in release.glob("*.ipynb"))

    def _wanted(self, *students) -> bool:
        """Whether ``--student`` (a glob, as in nbgrader; ``*`` by default) takes any of ``students``."""
        pattern = self.coursedir.student_id or "*"
        return any(student and fnmatch.fnmatchcase(student, pattern) for student in students)

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        assignment = self.coursedir.assignment_id
        accepted = []
        for name in sorted(os.listdir(self.inbound_path)):
            if f"+{assignment}+" not in name:
                continue
            handin = attribute_handin(Path(self.inbound_path) / name, assignment, os.geteuid(), self.max_entries,
                                      1000 * self.coursedir.max_dir_size)
            if handin.accepted and self._wanted(handin.student):
                accepted.append(handin)
            elif not handin.accepted and self._wanted(handin.owner, handin.named, f"(uid {handin.owner_uid})"):
                self._report_refusal(handin)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(assignment).duedate
            except MissingEntry:
                self.duedate = None
        chosen = newest_handins(accepted, self.duedate if self.before_duedate else None)
        self.src_records = [{"username": handin.student, "filename": handin.folder.name, "timestamp": handin.arrived,
                             "handin": handin} for handin in chosen]

    def _report_refusal(self, handin: Handin) -> None:
        folder = shown(handin.folder.name)
        owner = handin.owner or f"(uid {handin.owner_uid})"
        fields = dict(folder=folder, owner=owner, named=shown(handin.named or ""), uid=handin.owner_uid,
                      limit=handin.limit, error=handin.error)
        if handin.refusal == "not_yours":
            self._report("not_yours", owner, handin_detail("not_yours_owner", **fields))
            if safe_student_id(handin.named):
                self._report("not_yours", handin.named, handin_detail("not_yours_named", **fields))
            return
        # The collecting account's own folder is the instructor's hand-in for the student it names.
        trusted = handin.owner_uid == os.geteuid() and handin.named and safe_student_id(handin.named)
        self._report(REPORT_KINDS.get(handin.refusal, "bad_handin"), handin.named if trusted else owner,
                     handin_detail(handin.refusal, **fields))

    def copy_files(self):
        assignment = self.coursedir.assignment_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", assignment, self.coursedir.course_id)
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        for record in self.src_records:
            handin, student = record["handin"], record["username"]
            dest = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment))
            if dest.is_dir() and not replaces(submitted_arrival(dest), handin.arrived, self.update,
                                              self.before_duedate):
                self.log.info("No newer submission to collect: %s %s" if self.update else
                              "Submission already exists, use --update to update: %s %s", student, assignment)
                continue
            self.log.info("Collecting submission: %s %s (arrived %s)", student, assignment, handin.arrived)
            self._collect_one(handin, dest, ignore)

    def _collect_one(self, handin: Handin, dest: Path, ignore) -> None:
        report = lambda kind, detail: self._report(kind, handin.student, detail)  # noqa: E731
        place_handin(handin, dest, ignore, 1000 * self.coursedir.max_dir_size, self._expected(), report)


def place_handin(handin: Handin, dest: Path, ignore=None, max_bytes: int = MAX_BYTES, expected=(),
                 report=lambda kind, detail: None) -> datetime | None:
    """Put an accepted hand-in into ``dest`` (``submitted/<student>/<assignment>``): the owner's
    files, a notebook under a common variant of its name renamed (``expected``), and
    ``timestamp.txt`` holding its arrival. It is copied beside ``dest`` first and then put in
    place by renaming, so a hand-in that cannot be copied leaves the earlier submission as it was,
    and nobody ever sees a half-copied or half-removed one. What was
    left out or refused is ``report(kind, detail)``-ed; returns the arrival, None when refused."""
    for dropped in handin.dropped:
        report("dropped", handin_detail(dropped.why, path=shown(str(dropped.path)), account=dropped.account))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{dest.name}.collecting-", dir=dest.parent))
    try:
        arrived, left_out = copy_handin(handin, staged, ignore, max_bytes)
        for relative in left_out:
            report("dropped", handin_detail("dropped_special", path=shown(str(relative))))
        (staged / "timestamp.txt").write_text(nbgrader_timestamp(arrived), encoding="utf-8")
        rename_variants(staged, list(expected), report)
        staged.chmod(0o755)
        # The earlier submission is moved aside whole, then the new one put in its place: a reader
        # (a grading running meanwhile, the formgrader) sees the old one, none for an instant, or
        # the new one, never half of one.
        replaced = None
        if os.path.lexists(dest):
            replaced = Path(tempfile.mkdtemp(prefix=f".{dest.name}.replaced-", dir=dest.parent)) / dest.name
            dest.rename(replaced)
        try:
            staged.rename(dest)
        except OSError:
            if replaced is not None:
                replaced.rename(dest)  # the earlier submission back as it was
                replaced.parent.rmdir()
            raise
        if replaced is not None:
            shutil.rmtree(replaced.parent, ignore_errors=True)
        return arrived
    except HandinChanged as error:
        report("bad_handin", handin_detail("changed_while_copied", folder=shown(handin.folder.name), error=error))
        return None
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def submitted_arrival(dest: Path) -> datetime | None:
    """The arrival ``timestamp.txt`` in ``submitted/`` records (the course wrote it); None when
    missing or unreadable, which lets a new hand-in replace it, as nbgrader does for a missing one."""
    try:
        return parse_utc((Path(dest) / "timestamp.txt").read_text(encoding="utf-8").strip()) or None
    except (OSError, ValueError, OverflowError, UnicodeDecodeError):
        return None


def replaces(existing: datetime | None, arrived: datetime, update: bool, before_duedate: bool) -> bool:
    """Whether a hand-in that arrived at ``arrived`` replaces a submission already collected
    (nbgrader's rule: with ``--update`` a newer one does; with ``--before-duedate`` any other one,
    since the choice was made among all of them)."""
    if update and (existing is None or arrived > existing):
        return True
    return before_duedate and existing != arrived
