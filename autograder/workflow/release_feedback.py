"""``week12 release-feedback``: put the feedback where students get it.

How a student gets feedback depends on how they handed in:

- through the exchange (``nbgrader submit``): ``nbgrader release_feedback`` copies the page into
  the exchange (``c.Exchange.root``) under a checksum only that student's own submission can
  reproduce, and ``nbgrader fetch_feedback`` finds it. nbgrader needs the submission's secret
  (``submission_secret.txt``, written by ``nbgrader submit``) for that;
- through an LMS (``zip_collect``): there is no secret and no exchange account, so the pages are
  packed into one zip in the layout of the course's LMS (``c.Lms.preset``,
  :func:`autograder.lms.presets.feedback_archive`): Moodle's feedback-files upload, a folder per
  student for Canvas, ``<student>/<notebook>.html`` otherwise.

nbgrader's own ``release_feedback`` (and the formgrader's button) routes the same way
(:mod:`autograder.lms.release`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course
from autograder.lms.presets import Lms, feedback_archive

SECRET_FILE = "submission_secret.txt"


@dataclass
class ReleasedFeedback:
    assignment: str
    to_exchange: list = field(default_factory=list)  # feedback pages released for nbgrader fetch_feedback
    lms_archive: Path | None = None  # zip of the pages of students who handed in through an LMS
    in_lms_archive: list = field(default_factory=list)

    @property
    def pages(self) -> list:
        return self.to_exchange + self.in_lms_archive


def release_feedback(course: Course, assignment: str) -> ReleasedFeedback:
    released = ReleasedFeedback(assignment)
    by_student: dict[str, list[Path]] = {}
    # Exactly the pages of the released notebooks, regular files only (a link would be followed).
    stems = {Path(name).stem for name in course.notebooks(assignment)}
    for student, folder in course.student_folders("feedback", assignment).items():
        pages = sorted(page for page in folder.glob("*.html")
                       if page.stem in stems and stat.S_ISREG(os.lstat(page).st_mode))
        if pages:
            by_student[student] = pages
    through_exchange = {s for s in by_student if (course.folder("feedback", s, assignment) / SECRET_FILE).is_file()}
    if through_exchange:
        _ensure_exchange(course)
        if through_exchange == set(by_student):
            course.nbgrader("release_feedback", assignment)
        else:
            for student in sorted(through_exchange):
                course.nbgrader("release_feedback", assignment, "--student", student)
        released.to_exchange = [page for s in sorted(through_exchange) for page in by_student[s]]
    through_lms = sorted(set(by_student) - through_exchange)
    if through_lms:
        released.lms_archive = feedback_archive(course, Lms(config=course.config), assignment,
                                                {student: by_student[student] for student in through_lms})
        released.in_lms_archive = [page for student in through_lms for page in by_student[student]]
    return released


def _ensure_exchange(course: Course) -> None:
    exchange = course.exchange_root
    if not exchange.exists():
        # nbgrader refuses a missing exchange; students read it, the instructor writes it.
        exchange.mkdir(parents=True)
        exchange.chmod(0o755)
