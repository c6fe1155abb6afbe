"""``week12 release-feedback``: put the feedback where students get it.

One route (:mod:`autograder.lms.release`): ``nbgrader release_feedback`` with the course's
configuration releases the pages of exchange submissions into the exchange (students: ``nbgrader
fetch_feedback``) and packs the others in the LMS's layout, as the formgrader's button does. This
verb runs that command and says which pages went where.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course
from autograder.lms.presets import Lms, feedback_archive_path
from autograder.lms.release import ensure_exchange_root, split_by_route
from autograder.service.writer_lock import refuse_if_serving


@dataclass
class ReleasedFeedback:
    assignment: str
    to_exchange: list = field(default_factory=list)  # feedback pages released for nbgrader fetch_feedback
    lms_archive: Path | None = None  # zip of the pages of students who handed in through an LMS
    in_lms_archive: list = field(default_factory=list)

    @property
    def pages(self) -> list:
        return self.to_exchange + self.in_lms_archive


def feedback_pages(course: Course, assignment: str) -> dict[str, list[Path]]:
    """student -> the feedback pages of the released notebooks (regular files only)."""
    stems = {Path(name).stem for name in course.notebooks(assignment)}
    pages = {}
    for student, folder in course.student_folders("feedback", assignment).items():
        found = sorted(page for page in folder.glob("*.html")
                       if page.stem in stems and stat.S_ISREG(os.lstat(page).st_mode))
        if found:
            pages[student] = found
    return pages


def release_feedback(course: Course, assignment: str) -> ReleasedFeedback:
    refuse_if_serving(course.root, "week12 release-feedback", "the released feedback")
    released = ReleasedFeedback(assignment)
    exchange, lms = split_by_route(feedback_pages(course, assignment))
    if not exchange and not lms:
        return released
    config = course.config
    ensure_exchange_root(course.exchange_root, bool(config.get("CourseDirectory", {}).get("groupshared", False)))
    course.nbgrader("release_feedback", assignment)
    released.to_exchange = [page for student in sorted(exchange) for page in exchange[student]]
    if lms:
        released.lms_archive = feedback_archive_path(course, Lms(config=config), assignment)
        released.in_lms_archive = [page for student in sorted(lms) for page in lms[student]]
    return released
