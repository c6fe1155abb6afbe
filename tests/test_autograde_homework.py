"""Real `nbgrader autograde` of the homework: the scorer's partial credit lands in the gradebook."""

from __future__ import annotations

import pytest

from autograder.authoring import week12_homework as homework
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = homework.ASSIGNMENT, homework.NOTEBOOK
OUT_OF = homework.SCORE_POINTS

ANSWERS = {
    "correct": "kernel = [[-1, -1], [1, 1]]",
    "correct-keras-layout": "kernel = np.array([[-2.0, -2.0], [2.0, 2.0]]).reshape(2, 2, 1, 1)",
    "partial-roberts": "kernel = [[-1, 0], [0, 1]]",
    "wrong-lecture-vertical": "kernel = [[-1.0, 1.0], [-1.0, 1.0]]",
    "malformed-3x3": "kernel = [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]",
    "malformed-string": 'kernel = "horizontal edge filter"',
    "malformed-syntax": "kernel = [[-1, -1], [1, 1]",
}


@pytest.fixture(scope="module")
def graded_homework(own_release):
    course = own_release
    for student, source in ANSWERS.items():
        nb = answered_notebook(course, ASSIGNMENT, NOTEBOOK, {homework.ANSWER_GRADE_ID: source})
        submit(course, student, ASSIGNMENT, {NOTEBOOK: nb})
    course.nbgrader("autograde", ASSIGNMENT, "--force")
    return course


def score(course, student) -> float:
    scores = cell_scores(course, ASSIGNMENT, student)
    assert set(scores) == {homework.SCORE_GRADE_ID}
    points, max_points = scores[homework.SCORE_GRADE_ID]
    assert max_points == OUT_OF
    return points


@pytest.mark.parametrize("student", ["correct", "correct-keras-layout"])
def test_intended_filter_gets_full_marks(graded_homework, student):
    assert score(graded_homework, student) == OUT_OF


def test_diagonal_roberts_filter_gets_partial_credit(graded_homework):
    assert 0.4 * OUT_OF <= score(graded_homework, "partial-roberts") <= 0.85 * OUT_OF


def test_lectures_vertical_filter_scores_low(graded_homework):
    assert 0 < score(graded_homework, "wrong-lecture-vertical") <= 0.3 * OUT_OF


@pytest.mark.parametrize("student", ["malformed-3x3", "malformed-string", "malformed-syntax"])
def test_malformed_answer_gets_zero(graded_homework, student):
    assert score(graded_homework, student) == 0


def test_feedback_in_the_autograded_notebook_explains_the_verdict(graded_homework):
    import nbformat

    path = graded_homework.root / "autograded" / "wrong-lecture-vertical" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    graded = next(cell for cell in nb.cells if cell.id == homework.SCORE_GRADE_ID)
    html = "".join(out.get("data", {}).get("text/html", "") for out in graded.outputs)
    assert "세로" in html and "가로" in html  # "responds to vertical edges; this edge is horizontal"
    assert "data:image/png;base64," in html


def test_grades_do_not_depend_on_python_optimize(graded_homework, tmp_path):
    import shutil

    from autograder.course import Course

    course = Course(tmp_path / "course")
    shutil.copytree(graded_homework.root, course.root, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONOPTIMIZE", "1")
        course.nbgrader("autograde", ASSIGNMENT, "--force")
    assert {student: score(course, student) for student in ANSWERS} == {
        student: score(graded_homework, student) for student in ANSWERS}
