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
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.report import CollectReport
from autograder.lms import moodle
from autograder.lms.presets import Lms, read_download_file
from autograder.lms.roster import LmsFile, save_assignment


class SafeFileNameCollector(FileNameCollectorPlugin):
    _refused: dict | None = None
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

    def _read(self, path: str) -> LmsFile | None:
        """The file's student and notebook as its LMS names them, or None; no report."""
        try:
            relative = os.path.relpath(path, self._extracted())
        except ValueError:
            relative = os.path.basename(path)
        return read_download_file(self._preset(), path, relative, self.named_regexp)

    def student_of(self, path: str) -> str | None:
        """The student a file of the download belongs to, if its name says (for reports)."""
        found = self._read(path)
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

    def _duplicates(self, extracted: Path) -> dict:
        """(student, notebook) -> the files that would be collected for it, where more than one."""
        expected = self._expected()
        seen: dict[tuple, list[str]] = {}
        for folder, _, files in os.walk(extracted):
            for name in files:
                info = self._read(os.path.join(folder, name))
                if info is None or not info.student_id:
                    continue
                notebook = expected_notebook(os.path.basename(info.file_id), expected) or info.file_id
                seen.setdefault((info.student_id, notebook), []).append(os.path.join(folder, name))
        return {key: sorted(files) for key, files in seen.items() if len(files) > 1}

    def collect(self, submitted_file: str) -> dict | None:
        app = self._app()
        if self._refused is None:
            extracted = Path(app._format_collect_path(app.extracted_directory))
            self._refused = self._duplicates(extracted)
            for (student, notebook), files in self._refused.items():
                names = " and ".join(os.path.basename(path) for path in files)
                self._report("duplicate", student, f"{notebook} twice ({names}): neither is collected; "
                             "keep one in the download")
        found = self._read(submitted_file)
        if found is None:
            preset = self._preset()
            if preset == moodle.NAME and moodle.other_submission_type(os.path.relpath(submitted_file, self._extracted())):
                self.log.info("Skipping %s: a Moodle submission of another type (online text...)", submitted_file)
                return None
            self._report("unrecognised", "(unknown)", f"{os.path.basename(submitted_file)}: not named as the "
                         f"{preset!r} preset reads a download (c.Lms.preset in nbgrader_config.py: 'canvas' or "
                         "'moodle' for their downloads, 'generic' for c.FileNameCollectorPlugin.named_regexp); "
                         "not collected")
            return None
        found = self._with_lateness(found)
        info = {"student_id": found.student_id, "file_id": found.file_id}
        if found.timestamp:
            info["timestamp"] = found.timestamp
        student = info["student_id"]
        if not safe_student_id(student):
            self._report("unsafe_id", "(refused)", f"{os.path.basename(submitted_file)}: the student id {student!r} "
                         "is not a safe folder name (letters, digits and ._@+- only); not collected")
            return None
        file_name = os.path.basename(info["file_id"])
        if file_name.lower().endswith(".ipynb"):
            expected = self._expected()
            notebook = expected_notebook(file_name, expected)
            if notebook is None:
                self._report("unknown_notebook", student, f"found {file_name}; expected {', '.join(expected)}")
                return None
            if notebook != file_name:
                self._report("renamed", student, f"handed in as {file_name}; graded as {notebook}")
            info["file_id"] = notebook
            if (student, notebook) in self._refused:
                return None
            self._remember(found)
        return info
