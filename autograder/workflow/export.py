"""``week12 export``: every student's grades as one CSV file, by ``nbgrader export``, and in the
course's LMS's own import format (``c.Lms.preset``: Canvas's gradebook CSV, Moodle's grading
worksheets; :mod:`autograder.lms.presets`)."""

from __future__ import annotations

from pathlib import Path

from autograder.course import Course
from autograder.lms.presets import Lms, export_lms_grades

DEFAULT_EXPORT_NAME = "grades.csv"


def export_grades(course: Course, to: Path | None = None) -> Path:
    target = Path(to) if to else course.exports_dir / DEFAULT_EXPORT_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    course.nbgrader("export", "--to", str(target))
    return target


def export_for_lms(course: Course) -> list[Path]:
    """The grade files to import into the course's LMS (none for the generic preset)."""
    return export_lms_grades(course, Lms(config=course.config))
