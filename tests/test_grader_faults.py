"""A fault on the grader's side is never a student's score, and the wrong package is refused.

A kernel that cannot start (the course's kernelspec is not installed here) runs no student code:
each notebook is "not graded: grader fault: ...", nothing of it is left in the gradebook, the
commands exit non-zero and name who and why, and once the fault is mended the same command
grades everyone. A course directory whose own copy of the package differs from what the sandbox
would import is refused before any student is graded, naming both paths.
"""

from __future__ import annotations


import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import nbgrader_environment
from tests.conftest import REPO_ROOT, copy_course
from tests.submissions import answered_notebook, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

HOMEWORK, NOTEBOOK = "week12-homework", "edge_filter.ipynb"
STUDENTS = {"ana": "kernel = [[-1, -1], [1, 1]]", "ben": "kernel = [[-1, 0], [0, 1]]"}
MISSING_KERNEL = "week12-no-such-kernel"


def _set_kernelspec(course, name: str) -> None:
    path = course.root / "assignments" / HOMEWORK / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"]["name"] = name
    nbformat.write(nb, path)
    course.nbgrader("generate_assignment", HOMEWORK, "--force")


def _submissions(course) -> dict:
    with course.gradebook() as gradebook:
        return {submission.student_id: submission.score for submission in gradebook.assignment_submissions(HOMEWORK)}


@pytest.fixture(scope="module")
def broken_kernel_course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("grader-fault") / "course")
    _set_kernelspec(course, MISSING_KERNEL)
    for student, answer in STUDENTS.items():
        submit(course, student, HOMEWORK,
               {NOTEBOOK: answered_notebook(course, HOMEWORK, NOTEBOOK, {"edge_kernel": answer})})
    return course


def test_a_kernel_that_cannot_start_is_a_grader_fault_not_a_zero(broken_kernel_course):
    course = broken_kernel_course
    done = course.nbgrader("autograde", HOMEWORK, "--force", check=False)
    assert done.returncode != 0
    assert done.stdout.count("not graded: grader fault: the notebook's kernel did not start") >= len(STUDENTS)
    assert _submissions(course) == {}  # nothing of theirs in the gradebook, not even a zero
    for student in STUDENTS:
        assert not (course.root / "autograded" / student / HOMEWORK).exists()

    week12 = str(Path(sys.executable).parent / "week12")
    shown = subprocess.run([week12, "autograde", HOMEWORK, "--workers", "1", "--force"], cwd=course.root,
                           env={**nbgrader_environment(), "COLUMNS": "250"}, capture_output=True, text=True)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    for student in STUDENTS:
        assert re.search(rf"{student}.*failed.*grader fault.*kernel did not start", shown.stdout), shown.stdout
    assert _submissions(course) == {}

    _set_kernelspec(course, "python3")  # the fault mended: the same command grades them
    course.nbgrader("autograde", HOMEWORK)
    scores = _submissions(course)
    assert scores["ana"] == 10 and 4 <= scores["ben"] <= 8.5


@pytest.fixture
def course_with_another_package(tmp_path):
    """A course directory holding its own copy of the package, one file changed, graded with the
    repository's environment (which imports the repository's package)."""
    course = copy_course(tmp_path / "course")
    shutil.copytree(REPO_ROOT / "autograder", course.root / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    with open(course.root / "autograder" / "scoring" / "rubric.py", "a", encoding="utf-8") as changed:
        changed.write("\n# a local change\n")
    course.nbgrader("generate_assignment", HOMEWORK, "--force")
    submit(course, "ana", HOMEWORK, {NOTEBOOK: answered_notebook(course, HOMEWORK, NOTEBOOK, {"edge_kernel": STUDENTS["ana"]})})
    return course


def test_a_different_package_is_refused_naming_both_paths(course_with_another_package):
    course = course_with_another_package
    done = course.nbgrader("autograde", HOMEWORK, check=False)
    assert done.returncode != 0
    assert str(REPO_ROOT / "autograder") in done.stdout and str(course.root / "autograder") in done.stdout
    assert "differ" in done.stdout
    assert _submissions(course) == {}
    week12 = str(Path(sys.executable).parent / "week12")
    shown = subprocess.run([week12, "autograde", HOMEWORK], cwd=course.root, env=nbgrader_environment(),
                           capture_output=True, text=True)
    assert shown.returncode == 2 and "differ" in shown.stderr, shown.stdout + shown.stderr
    assert _submissions(course) == {}


def test_week12_doctor_names_the_sandbox_mode_and_what_is_hidden(tmp_path):
    course = copy_course(tmp_path / "course")
    week12 = str(Path(sys.executable).parent / "week12")
    shown = subprocess.run([week12, "doctor"], cwd=course.root, env=nbgrader_environment(), capture_output=True, text=True)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "can grade safely" in shown.stdout
    assert "authoring" in shown.stdout  # hidden from the sandbox
