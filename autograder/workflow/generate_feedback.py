"""``week12 feedback``: nbgrader's HTML feedback for every graded submission.

``nbgrader generate_feedback`` with this course's template (``autograder.feedback``): an
overview of every graded exercise, then the notebook with each graded cell's score, messages and
figure. Graded cells carry only their visible source, so no hidden test appears.
"""

from __future__ import annotations

from pathlib import Path

from autograder.course import Course
from autograder.service.writer_lock import refuse_if_serving


def feedback_pages(course: Course, assignment: str) -> list[Path]:
    return sorted(page for folder in course.student_folders("feedback", assignment).values()
                  for page in folder.glob("*.html"))


def generate_feedback(course: Course, assignment: str) -> list[Path]:
    refuse_if_serving(course.root, "week12 feedback", "the feedback pages")
    if not course.student_folders("autograded", assignment):
        return []  # nothing graded (nothing collected): nbgrader would stop with "No notebooks were matched"
    course.nbgrader("generate_feedback", assignment, "--force")
    return feedback_pages(course, assignment)
