"""``week12 release-feedback``: put the feedback where students fetch it.

``nbgrader release_feedback`` copies each student's feedback into the exchange
(``c.Exchange.root``), where ``nbgrader fetch_feedback`` finds it.
"""

from __future__ import annotations

from pathlib import Path

from autograder.course import Course


def release_feedback(course: Course, assignment: str) -> list[Path]:
    course.nbgrader("release_feedback", assignment)
    return sorted((course.root / "exchange").glob("*/feedback/*/*.html"))
