"""``nbgrader collect`` from the exchange, copying regular files only.

nbgrader's exchange copies a submission with ``shutil.copytree``, which follows symlinks: a link
in a student's inbound folder to ``/etc/shadow``, the gradebook or another student's notebook
would be copied, by the grader, into ``submitted/``. ``SafeExchangeCollect`` is nbgrader's collect
(``c.ExchangeFactory.collect``) with its copy replaced: a submission folder that is itself a link
is refused, every entry is checked with ``lstat`` and only regular files and real folders are
copied, with plain modes; a student name that is not a safe folder name is refused; a notebook
handed in under a common variant of its name is renamed to it. Each is reported for its student.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns

from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.regular_files import copy_regular_tree
from autograder.collect.report import CollectReport


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
    def _report(self, kind: str, student: str, detail: str) -> None:
        CollectReport(parent=self).record(kind, student, self.coursedir.assignment_id, detail, self.log)

    def _expected(self) -> list[str]:
        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", self.coursedir.assignment_id))
        return sorted(path.name for path in release.glob("*.ipynb"))

    def copy_files(self):
        safe = []
        for record in self.src_records:
            if safe_student_id(record["username"]):
                safe.append(record)
            else:
                self._report("unsafe_id", "(refused)", f"{record['filename']}: the student name {record['username']!r} "
                             "is not a safe folder name; not collected")
        self.src_records = safe
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        student = Path(dest).parent.name
        if not stat.S_ISDIR(os.lstat(src).st_mode):
            self._report("dropped", student, f"{Path(src).name} is not a folder (a link?); not collected")
            return
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        for skipped in copy_regular_tree(Path(src), Path(dest), ignore=ignore):
            self._report("dropped", student, f"{skipped.relative_to(src)} is not a regular file (a link, a device, "
                         "a FIFO); not copied")
        rename_variants(Path(dest), self._expected(), lambda kind, detail: self._report(kind, student, detail))


def ensure_exchange_root(root: str, groupshared: bool = False) -> None:
    """Make the course's exchange folder, with the permissions nbgrader's own release sets on it,
    if it is missing: nbgrader's commands and the formgrader refuse (or warn about) a missing
    exchange. Nothing is changed when it exists; a folder that cannot be made is left to
    nbgrader's own message."""
    if os.path.isdir(root):
        return
    mode = 0o777 | (stat.S_ISGID if groupshared else 0)  # nbgrader's ExchangeReleaseAssignment.ensure_root
    try:
        os.makedirs(root, exist_ok=True)
        os.chmod(root, mode)
    except OSError:
        pass
