"""Submissions for tests, and the grades the gradebook holds for them."""

from __future__ import annotations

import re

from autograder.course import Course
from autograder.demo.submissions import answered_notebook, strip_solution_markers, submit, submit_blank

__all__ = ["answered_notebook", "strip_solution_markers", "submit", "submit_blank", "cell_scores",
           "class_cell_scores", "set_rubric"]


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


def class_cell_scores(course: Course, assignments, students=None) -> dict:
    """(assignment, student, notebook, grade_id) -> score for every graded cell of the class (or of
    ``students``), read from the real gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(course.db_url()) as gradebook:
        for assignment in assignments:
            for submission in gradebook.assignment_submissions(assignment):
                if students is not None and submission.student_id not in students:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[(assignment, submission.student_id, notebook.name, grade.name)] = grade.score
    return scores


def set_rubric(course: Course, **weights) -> None:
    """Change ``c.KernelRubric.<name> = value`` lines of the course's nbgrader_config.py."""
    config = course.root / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    for name, value in weights.items():
        text, count = re.subn(rf"^c\.KernelRubric\.{name} = .*$", f"c.KernelRubric.{name} = {value}", text,
                              flags=re.MULTILINE)
        assert count == 1, f"c.KernelRubric.{name} not found in {config}"
    config.write_text(text, encoding="utf-8")
