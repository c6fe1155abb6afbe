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


def pool_body(reduction: str) -> str:
    """The body of a 2x2 pooling function as the solution writes it, reducing with ``reduction``."""
    return ("    image = np.asarray(image)\n    h, w = image.shape\n"
            f"    return image.reshape(h // 2, 2, w // 2, 2).{reduction}(axis=(1, 3))")


def pooling_cell(max_pool_body: str) -> str:
    """The lab's pooling answer cell as the solution writes it, but for ``max_pool_2x2``'s body."""
    return f"""
def max_pool_2x2(image):
{max_pool_body}

def avg_pool_2x2(image):
{pool_body("mean")}

pooled_max_keras = tf.keras.layers.MaxPooling2D(pool_size=(2, 2))(XXX)
pooled_avg_keras = tf.keras.layers.AveragePooling2D(pool_size=(2, 2))(XXX)
"""
