"""A student who hands in through nbgrader's exchange gets feedback back the same way.

The instructor's steps are ``week12`` verbs; the student's are the real ``nbgrader
fetch_assignment``, ``submit`` and ``fetch_feedback`` run from a folder outside the course.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import week12_homework
from autograder.course import nbgrader_environment
from tests.conftest import copy_course

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = week12_homework.ASSIGNMENT, week12_homework.NOTEBOOK
COURSE_ID = "dl-week12-conv"


def week12(course, *args) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "week12"), *args], cwd=course.root,
                          env=nbgrader_environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def student_nbgrader(home: Path, exchange: Path, *args) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--course={COURSE_ID}",
                           f"--Exchange.root={exchange}"], cwd=home, env=nbgrader_environment(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_submit_collect_grade_and_fetch_feedback_through_the_exchange(tmp_path):
    course = copy_course(tmp_path / "course")
    exchange = course.root / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)  # the exchange is shared: students write their submissions into it
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    course.nbgrader("release_assignment", ASSIGNMENT, "--force")

    home = tmp_path / "student-home"
    home.mkdir()
    student_nbgrader(home, exchange, "fetch_assignment", ASSIGNMENT)
    path = home / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    answer = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "edge_kernel")
    answer.source = "kernel = [[-1, -1], [1, 1]]"
    nbformat.write(nb, path)
    student_nbgrader(home, exchange, "submit", ASSIGNMENT)

    student = os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    assert "(collect)" in week12(course, "collect", ASSIGNMENT)
    assert (course.root / "submitted" / student / ASSIGNMENT / NOTEBOOK).is_file()
    week12(course, "autograde", ASSIGNMENT)
    week12(course, "feedback", ASSIGNMENT)
    assert "released to the exchange" in week12(course, "release-feedback", ASSIGNMENT)
    assert not (course.root / "exports" / f"{ASSIGNMENT}-feedback.zip").exists()

    student_nbgrader(home, exchange, "fetch_feedback", ASSIGNMENT)
    fetched = list((home / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK.replace('.ipynb', '.html')}"))
    assert len(fetched) == 1
    page = fetched[0].read_text(encoding="utf-8")
    assert "10.0 / 10.0" in page or "10 / 10" in page
