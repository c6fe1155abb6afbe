"""``nbgrader zip_collect``'s collector: student, notebook and time from each file of the download.

Reads each name with ``c.FileNameCollectorPlugin.named_regexp`` as nbgrader's does, and then
trusts nothing in it: a student id outside the safe set is refused (it becomes a folder name);
a notebook name that is a common variant of the expected one (``Copy of X``, ``X (1)``, ``X-1``,
other case) is collected as that notebook, and anything else is reported "found A; expected B";
a student who would appear twice for one notebook is refused, with both files named, instead of
one silently replacing the other. The time comes from the download's own file name (the LMS's
upload time): names inside a student's upload are never read, since those are not unpacked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.report import CollectReport


class SafeFileNameCollector(FileNameCollectorPlugin):
    _refused: dict | None = None

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

    def _read(self, path: str) -> dict | None:
        """The file's student and notebook as collected, or None; no report."""
        try:
            match = re.match(self.named_regexp, path) if self.named_regexp else None
        except re.error:
            return None
        if not match or "student_id" not in match.groupdict() or "file_id" not in match.groupdict():
            return None
        return match.groupdict()

    def _duplicates(self, extracted: Path) -> dict:
        """(student, notebook) -> the files that would be collected for it, where more than one."""
        expected = self._expected()
        seen: dict[tuple, list[str]] = {}
        for folder, _, files in os.walk(extracted):
            for name in files:
                info = self._read(os.path.join(folder, name))
                if info is None or not info["student_id"]:
                    continue
                notebook = expected_notebook(os.path.basename(info["file_id"]), expected) or info["file_id"]
                seen.setdefault((info["student_id"], notebook), []).append(os.path.join(folder, name))
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
        info = super().collect(submitted_file)
        if info is None:
            return None
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
        return info
