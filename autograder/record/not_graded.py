"""A notebook that is not graded leaves no grade: not a zero, not a row, in the gradebook.

When this course's step stops a notebook (a grader fault, a judge that could not finish), nbgrader
removes its autograded folder and goes on with the next student; but it has already opened the
submission in the gradebook, whose grades are empty and would read as zero. If nothing of that
submission was ever graded, the submission is taken out again, so that nobody reads a score that
was never given; a submission graded before (a ``--force`` re-grade) keeps its grades. Running
the command again grades it.
"""

from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry


class NotGraded(RuntimeError):
    """This notebook was not graded; the message says why (it starts with what kind of failure)."""


def forget_ungraded_submission(db_url: str, course_id: str, assignment: str, student: str) -> bool:
    """Remove the submission if none of its cells has a score; True if it was removed."""
    with Gradebook(db_url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return False
        grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
        if any(grade.auto_score is not None or grade.manual_score is not None for grade in grades):
            return False
        gradebook.remove_submission(assignment, student)
        return True
