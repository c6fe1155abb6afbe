"""``nbgrader zip_collect``'s collector: student, notebook and time from each file of the download.

Reads each name the way the course's LMS names it (``c.Lms.preset``, :mod:`autograder.lms.presets`:
Canvas's and Moodle's own layouts, or ``c.FileNameCollectorPlugin.named_regexp`` as nbgrader's
collector does), keeps what the LMS said about each student (its ids, names and lateness) in the
LMS roster, and then trusts nothing in the name: a student id outside the safe set is refused (it becomes a folder name);
a notebook name that is a common variant of the expected one (``Copy of X``, ``X (1)``, ``X-1``,
other case) is collected as that notebook, and anything else is reported "found A; expected B";
a student who would appear twice for one notebook is refused, with both files named, instead of
one silently replacing the other. The time comes from the download's own file name (the LMS's
upload time): names inside a student's upload are never read, since those are not unpacked.

Who handed a file in is read from the download's top level alone, as the LMS wrote it (the
extractor keeps each unpacked file's path inside the download, also when it had to shorten a
name to write it): a folder inside a student's upload named like another participant's is still
the uploader's. One student id for two participants, or two files of one student that become one,
are refused with everyone named (:mod:`autograder.collect.participants`).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.collect.participants import DownloadFile, describe_participant, refusals
from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.report import CollectReport
from autograder.lms import moodle
from autograder.lms.names import NAME_MAX_BYTES, shown_name, utf8_length
from autograder.lms.presets import Lms, read_download_file
from autograder.lms.roster import LmsFile, save_assignment


class SafeFileNameCollector(FileNameCollectorPlugin):
    _refused: set | None = None
    _roster: dict | None = None
    _lateness: dict | None = None

    def _app(self):
        return self.parent

    def _assignment(self) -> str:
        return self._app().coursedir.assignment_id

    def _expected(self) -> list[str]:
        coursedir = self._app().coursedir
        release = Path(coursedir.format_path(coursedir.release_directory, ".", self._assignment()))
        return sorted(path.name for path in release.glob("*.ipynb"))

    def _report(self, kind: str, student: str, detail: str) -> None:
        CollectReport(parent=self._app()).record(kind, student, self._assignment(), detail, self.log)

    def _preset(self) -> str:
        return Lms(parent=self._app()).preset

    def _extracted(self) -> Path:
        app = self._app()
        return Path(app._format_collect_path(app.extracted_directory))

    def lms_path(self, path: str) -> str:
        """The file's path inside the download as the LMS wrote it: what the extractor kept for it
        (it may have shortened the name on disk), else its path below the extracted folder."""
        kept = getattr(getattr(self._app(), "extractor_plugin_inst", None), "lms_paths", None) or {}
        if path in kept:
            return kept[path]
        try:
            return Path(os.path.relpath(path, self._extracted())).as_posix()
        except ValueError:
            return os.path.basename(path)

    def _read(self, path: str, lms_path: str | None = None) -> LmsFile | None:
        """The file's student and notebook as its LMS names them, or None; no report."""
        relative = self.lms_path(path) if lms_path is None else lms_path
        return read_download_file(self._preset(), os.path.join(self._extracted(), relative), relative,
                                  self.named_regexp)

    def student_of(self, path: str, lms_path: str | None = None) -> str | None:
        """The student a file of the download belongs to, if its name says (for reports)."""
        found = self._read(path, lms_path)
        return found.student_id if found is not None else None

    def _with_lateness(self, found: LmsFile) -> LmsFile:
        """Moodle's download says nothing about lateness; its grading worksheet, put next to the
        download, does."""
        if found.lms != moodle.NAME:
            return found
        if self._lateness is None:
            app = self._app()
            archive = Path(app._format_collect_path(app.archive_directory))
            self._lateness = moodle.find_worksheets([archive.parent, archive])
        if found.lms_id not in self._lateness:
            return found
        status, late_by = self._lateness[found.lms_id]
        return dataclasses.replace(found, late=late_by is not None, seconds_late=late_by,
                                   lateness_source=f"Moodle grading worksheet: {status}")

    def _remember(self, found: LmsFile) -> None:
        if found.lms == "generic":
            return
        if self._roster is None:
            self._roster = {}
        self._roster[found.student_id] = found
        save_assignment(self._app().coursedir.root, self._assignment(), self._roster)

    def _collected_as(self, found: LmsFile, expected: list[str]) -> str:
        name = os.path.basename(found.file_id)
        return expected_notebook(name, expected) or name

    def _refuse_conflicts(self) -> set[str]:
        """Read every file of the download once; report and return those that must not be collected."""
        expected = self._expected()
        files = []
        for folder, _, names in os.walk(self._extracted()):
            for name in names:
                path = os.path.join(folder, name)
                lms_path = self.lms_path(path)
                found = self._read(path, lms_path)
                if found is not None and found.student_id:
                    files.append(DownloadFile(path, lms_path, found, self._collected_as(found, expected)))
        refused, said = refusals(files)
        for refusal in said:
            self._report(refusal.kind, refusal.student, refusal.detail)
        return refused

    def collect(self, submitted_file: str) -> dict | None:
        if self._refused is None:
            self._refused = self._refuse_conflicts()
        lms_path = self.lms_path(submitted_file)
        found = self._read(submitted_file, lms_path)
        if found is None:
            return self._not_read(lms_path)
        found = self._with_lateness(found)
        info = {"student_id": found.student_id, "file_id": found.file_id}
        if found.timestamp:
            info["timestamp"] = found.timestamp
        student = info["student_id"]
        if not safe_student_id(student):
            who = f" ({describe_participant(found)})" if found.lms_id else ""
            self._report("unsafe_id", "(refused)", f"{shown_name(lms_path)}{who}: the student id {student!r} is not a "
                         "safe folder name (letters, digits and ._@+- only, at most 64 characters); not collected")
            return None
        if submitted_file in self._refused:
            return None
        file_name = os.path.basename(info["file_id"])
        if file_name.lower().endswith(".ipynb"):
            expected = self._expected()
            notebook = expected_notebook(file_name, expected)
            if notebook is None:
                self._report("unknown_notebook", student, f"found {shown_name(file_name)}; expected {', '.join(expected)}")
                return None
            if notebook != file_name:
                self._report("renamed", student, f"handed in as {file_name}; graded as {notebook}")
            info["file_id"] = notebook
            self._remember(found)
        elif utf8_length(file_name) > NAME_MAX_BYTES:
            self._report("dropped", student, f"{shown_name(file_name)}: a file name longer than a file system takes "
                         f"({NAME_MAX_BYTES} bytes); not copied")
            return None
        return info

    def _not_read(self, lms_path: str) -> None:
        """A file whose path in the download names nobody as the preset reads it: reported for the
        upload it came from (its first part), never guessed from names further down."""
        preset = self._preset()
        if preset == moodle.NAME and moodle.other_submission_type(lms_path):
            self.log.info("Skipping %s: a Moodle submission of another type (online text...)", lms_path)
            return None
        upload = Path(lms_path).parts[0] if Path(lms_path).parts else lms_path
        where = "" if upload == lms_path else f" (in {shown_name(upload)})"
        self._report("unrecognised", "(unknown)", f"{shown_name(lms_path)}{where}: not named as the {preset!r} preset "
                     "reads a download at its top level (c.Lms.preset in nbgrader_config.py: 'canvas' or 'moodle' "
                     "for their downloads, put in the archive folder as the zip the LMS made; 'generic' for "
                     "c.FileNameCollectorPlugin.named_regexp); not collected")
        return None
