"""Submissions for tests, and the grades the gradebook holds for them."""

from __future__ import annotations

from autograder.course import Course
from autograder.submissions import answered_notebook, strip_solution_markers, submit, submit_blank

__all__ = ["answered_notebook", "strip_solution_markers", "submit", "submit_blank", "cell_scores"]


def cell_scores(course: Course, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """grade_id -> (score, max_score) for every graded cell, read from the real gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(course.db_url()) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                scores[grade.name] = (grade.score, grade.max_score)
    return scores
