"""Releasing feedback, the one route: each student's pages go back the way their work came in.

- through nbgrader's exchange (``nbgrader submit``): nbgrader's own ``release_feedback`` copies the
  page into the exchange under a checksum only that student's own submission can reproduce (from
  :data:`SECRET_FILE`, which ``nbgrader submit`` writes and collecting keeps with the
  submission), and ``nbgrader fetch_feedback`` finds it;
- through an LMS download (``zip_collect``): there is no secret and no exchange account, so the
  pages are packed into one zip in the layout of the course's LMS (``c.Lms.preset``,
  :func:`autograder.lms.presets.feedback_archive`).

nbgrader's ``release_feedback`` command and the formgrader's "Release Feedback" button run
:class:`ReleaseFeedbackByRoute` (``c.ExchangeFactory.release_feedback``), and ``week12
release-feedback`` runs that command: one split (:func:`split_by_route`), one place where each
route is taken. :func:`ensure_exchange_root` is the one maker of the exchange folder, with the
permissions nbgrader's own release gives it.
"""

from __future__ import annotations

import glob
import os
import stat
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from autograder.lms.presets import Lms, feedback_archive

SECRET_FILE = "submission_secret.txt"


def ensure_exchange_root(root: str | Path, groupshared: bool = False) -> None:
    """Make the exchange folder if it is missing, as nbgrader's ``ExchangeReleaseAssignment.ensure_root``
    does (0777, and setgid when the course is group-shared: every student writes its inbound).
    Nothing is changed when it exists; a folder that cannot be made is left to nbgrader's message."""
    if os.path.isdir(root):
        return
    try:
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o777 | (stat.S_ISGID if groupshared else 0))
    except OSError:
        pass


def through_exchange(feedback_folder: Path) -> bool:
    """Whether the submission whose feedback is in ``feedback_folder`` came through the exchange."""
    return (Path(feedback_folder) / SECRET_FILE).is_file()


def split_by_route(pages: dict[str, list[Path]]) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
    """``pages`` (student -> feedback pages) split into those released through the exchange and
    those packed for the LMS."""
    exchange = {student: files for student, files in pages.items() if files and through_exchange(files[0].parent)}
    return exchange, {student: files for student, files in pages.items() if student not in exchange}


class ReleaseFeedbackByRoute(ExchangeReleaseFeedback):
    """nbgrader's ``release_feedback`` for a class that hands in through the exchange, an LMS, or
    both: nbgrader's own step would fail on the first page without a secret."""

    def _pages_by_student(self) -> dict[str, list[Path]]:
        pages = {}
        for page in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            if stat.S_ISREG(os.lstat(page).st_mode):  # a link would be followed by the copy
                pages.setdefault(Path(page).parent.parent.name, []).append(Path(page))
        return pages

    def copy_files(self):
        from autograder.course import Course

        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        exchange, lms = split_by_route({student: files for student, files in self._pages_by_student().items()
                                        if student not in excluded})
        original = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(sorted(excluded | set(lms)))
        try:
            if exchange:
                super().copy_files()
        finally:
            self.coursedir.student_id_exclude = original
        if lms:
            course = Course(Path(self.coursedir.root))
            archive = feedback_archive(course, Lms(parent=self), self.coursedir.assignment_id, lms)
            self.log.info("Feedback of %d students who handed in through the LMS packed for it in %s",
                          len(lms), archive)
