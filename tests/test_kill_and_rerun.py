"""Killing `nbgrader autograde` mid-batch and running it again loses and doubles nothing, as root
and as an ordinary account, with the warm start on (the default)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from autograder.course import nbgrader_environment
from autograder.record.recovery import MARKER_DIR
from tests.accounts import hub_environment, ordinary_account, shared_folder
from tests.conftest import copy_course
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = "week12-homework", "edge_filter.ipynb"
STUDENTS = {"s1-correct": "kernel = [[-1, -1], [1, 1]]", "s2-roberts": "kernel = [[-1, 0], [0, 1]]",
            "s3-vertical": "kernel = [[-1, 1], [-1, 1]]"}


@pytest.fixture(scope="module", params=["this account", "an ordinary account"])
def killed_then_rerun(request, tmp_path_factory):
    """Graded by this account (root in CI), and by an ordinary account with the package installed
    into an environment of its own and the course its own (the hub layout, ``tests/accounts.py``)."""
    if request.param == "this account":
        account, python, env = None, sys.executable, nbgrader_environment()
        course = copy_course(tmp_path_factory.mktemp("kill-rerun"))
    else:
        account = ordinary_account()
        if account.is_me:
            pytest.skip("the tests already run as an ordinary account")
        venv = hub_environment(account)
        python, env = str(venv / "bin" / "python"), account.environment(venv)
        course = copy_course(shared_folder("week12-kill-rerun-") / "course")
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    for student, answer in STUDENTS.items():
        submit(course, student, ASSIGNMENT, {NOTEBOOK: answered_notebook(course, ASSIGNMENT, NOTEBOOK, {"edge_kernel": answer})})
    switch = {}
    if account is not None:
        account.give(course.root.parent)
        switch = {"user": account.uid, "group": account.gid, "extra_groups": []}
    grader = subprocess.Popen([python, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=course.root,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, **switch)
    # Kill it while the second student is being graded: the first is done, the second half-written.
    marker = course.root / MARKER_DIR / f"{ASSIGNMENT}__s2-roberts.json"
    deadline = time.monotonic() + 300
    while not marker.exists() and grader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert grader.poll() is None, "the grader finished before it could be killed"
    time.sleep(1.0)
    os.killpg(grader.pid, signal.SIGKILL)  # the grader and its warm parents, as a crash would
    grader.wait()
    half_written = (course.root / "autograded" / "s2-roberts" / ASSIGNMENT).exists()
    rerun = subprocess.run([python, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=course.root, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **switch)  # again, no --force
    assert rerun.returncode == 0, rerun.stdout[-6000:]
    yield course, half_written
    if account is not None:
        shutil.rmtree(course.root.parent, ignore_errors=True)


def test_the_kill_left_a_half_written_folder_that_stock_nbgrader_would_skip(killed_then_rerun):
    _, half_written = killed_then_rerun
    assert half_written


def test_every_student_is_graded_after_the_rerun(killed_then_rerun):
    course, _ = killed_then_rerun
    points = {student: cell_scores(course, ASSIGNMENT, student)["edge_kernel_score"][0] for student in STUDENTS}
    assert points["s1-correct"] == 10
    assert 4 <= points["s2-roberts"] <= 8.5
    assert 0 < points["s3-vertical"] <= 3
    for student in STUDENTS:
        assert (course.root / "autograded" / student / ASSIGNMENT / NOTEBOOK).exists()


def test_nothing_is_counted_twice(killed_then_rerun):
    course, _ = killed_then_rerun
    with sqlite3.connect(course.root / "gradebook.db") as db:
        submissions = db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
        grades = db.execute("SELECT COUNT(*) FROM grade").fetchone()[0]
    assert submissions == len(STUDENTS)
    assert grades == len(STUDENTS)  # one graded cell per homework notebook
    assert not list((course.root / MARKER_DIR).glob("*.json"))
