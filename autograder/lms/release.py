"""nbgrader's ``release_feedback`` (and the formgrader's "Release Feedback" button), for a class
that hands in through the exchange, an LMS, or both.

nbgrader's own step copies each feedback page into the exchange under a checksum made from the
submission's secret (``submission_secret.txt``, written by ``nbgrader submit``), and fails on the
first page of a student who handed in through an LMS download, which has no secret. Here
(``c.ExchangeFactory.release_feedback``), pages of exchange submissions are released by nbgrader's
code as they are, and the others are packed for the LMS in the course preset's layout (as
``week12 release-feedback`` does), with the archive's path in the log.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from autograder.lms.presets import Lms, feedback_archive

SECRET_FILE = "submission_secret.txt"


class ReleaseFeedbackByRoute(ExchangeReleaseFeedback):
    def _pages_by_student(self) -> dict[str, list[Path]]:
        pages = {}
        for page in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            folder = Path(page).parent
            pages.setdefault(folder.parent.name, []).append(Path(page))
        return pages

    def copy_files(self):
        from autograder.course import Course

        pages = self._pages_by_student()
        without_secret = {student: files for student, files in pages.items()
                          if not (files[0].parent / SECRET_FILE).is_file()}
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        original = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(sorted(excluded | set(without_secret)))
        try:
            super().copy_files()
        finally:
            self.coursedir.student_id_exclude = original
        to_pack = {student: files for student, files in without_secret.items() if student not in excluded}
        if to_pack:
            course = Course(Path(self.coursedir.root))
            archive = feedback_archive(course, Lms(parent=self), self.coursedir.assignment_id, to_pack)
            self.log.info("Feedback of %d students who handed in through the LMS packed for it in %s",
                          len(to_pack), archive)
