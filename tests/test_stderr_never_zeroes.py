"""A test cell must not lose its points because TensorFlow or Python wrote to stderr.

Under trusted grading (the course default) graded cells' outputs are written by the grader, so
stderr never reaches them. This covers in-kernel grading, nbgrader's own ``Execute``, which a
course gets when it opts out of the sandbox: the course's ``IgnorePattern`` setting keeps stderr
from deciding a grade there too.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from autograder.authoring.cells import graded_tests, notebook, solution
from autograder.authoring.common import setup_cells
from autograder.course import IN_KERNEL_GRADING_CONFIG
from tests.conftest import copy_course
from tests.submissions import cell_scores

pytestmark = pytest.mark.nbgrader

ASSIGNMENT, NOTEBOOK = "stderr-probe", "probe.ipynb"

# A correct answer, and a test cell during which Keras warns (a real UserWarning about an
# argument it no longer wants) and C-level code writes to file descriptor 2, as TensorFlow does.
PROBE = notebook([
    *setup_cells(),
    solution("answer", """
        ### BEGIN SOLUTION
        answer = 42
        ### END SOLUTION
    """),
    graded_tests("test_answer", 1, """
        import os
        import warnings
        warnings.simplefilter("always")
        tf.keras.layers.Dense(2, input_shape=(3,))
        os.write(2, b"W0000 00:00:1 tensorflow/core/util/port.cc:153] fake C++ log line\\n")
        assert answer == 42
    """),
])




@pytest.fixture(scope="module")
def probe_course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("stderr-course"))
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(IN_KERNEL_GRADING_CONFIG)
    shutil.rmtree(course.root / "assignments")
    (course.root / "assignments" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(PROBE, course.root / "assignments" / ASSIGNMENT / NOTEBOOK)
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    submitted = course.root / "submitted" / "student" / ASSIGNMENT
    submitted.mkdir(parents=True)
    nbformat.write(PROBE, submitted / NOTEBOOK)
    return course


def _stderr_in_autograded(course) -> bool:
    nb = nbformat.read(course.root / "autograded" / "student" / ASSIGNMENT / NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.id == "test_answer")
    return any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs)


def test_stock_nbgrader_zeroes_a_correct_answer_that_warned(probe_course):
    """The hazard is real: without the course setting the same submission loses its point."""
    probe_course.nbgrader("autograde", ASSIGNMENT, "--force", "--IgnorePattern.enabled=False")
    assert _stderr_in_autograded(probe_course)
    assert cell_scores(probe_course, ASSIGNMENT, "student")["test_answer"][0] == 0


def test_course_config_keeps_the_points_of_a_correct_answer_that_warned(probe_course):
    probe_course.nbgrader("autograde", ASSIGNMENT, "--force")
    assert not _stderr_in_autograded(probe_course)
    assert cell_scores(probe_course, ASSIGNMENT, "student")["test_answer"] == (1, 1)
