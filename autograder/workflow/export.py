"""``week12 export``: every student's grades as one CSV file, by ``nbgrader export``."""

from __future__ import annotations

from pathlib import Path

from autograder.course import Course

DEFAULT_EXPORT_NAME = "grades.csv"


def export_grades(course: Course, to: Path | None = None) -> Path:
    target = Path(to) if to else course.exports_dir / DEFAULT_EXPORT_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    course.nbgrader("export", "--to", str(target))
    return target
