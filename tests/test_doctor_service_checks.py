"""``week12 doctor``'s checks for the grading service, on real folders: a course whose exchange
does not exist yet can release feedback once it does (the first release makes it, where this
account may write); one whose exchange this account cannot write cannot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.workflow.doctor import service_checks
from tests.accounts import hub_environment, ordinary_account, shared_folder

REPO_ROOT = Path(__file__).resolve().parents[1]


def _course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    (root / "assignments").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "nbgrader_config.py", root)
    return Course(root)


def _release_check(course: Course) -> tuple[bool, str]:
    found = {what: (ok, detail) for what, ok, detail in service_checks(course)}
    return found["feedback can be released into the exchange"]


def test_no_exchange_yet_is_no_failure(tmp_path):
    course = _course(tmp_path)
    assert not course.exchange_root.exists()
    assert _release_check(course)[0]


def test_an_exchange_made_for_the_course_is_checked_where_feedback_goes(tmp_path):
    course = _course(tmp_path)
    feedback = course.exchange_root / course.course_id / "feedback"
    feedback.mkdir(parents=True)
    assert _release_check(course)[0]


@pytest.mark.nbgrader  # the course package installed as a hub has it, for that account
def test_an_exchange_this_account_cannot_write_fails(tmp_path):
    """As an ordinary account (made with ``useradd`` when the tests run as root): root may write
    any folder, a grader account may not."""
    account = ordinary_account()
    venv = hub_environment(account)
    base = shared_folder("week12-doctor-")
    try:
        course = _course(base)
        course_folder = course.exchange_root / course.course_id
        course_folder.mkdir(parents=True)
        account.give(course.root)
        course_folder.chmod(0o555)
        done = account.run([str(venv / "bin" / "python"), "-c", CHECK], cwd=course.root)
        ok, detail = json.loads(done.stdout.strip().splitlines()[-1])
        assert not ok and str(course_folder) in detail
        course_folder.chmod(0o755)
        done = account.run([str(venv / "bin" / "python"), "-c", CHECK], cwd=course.root)
        assert json.loads(done.stdout.strip().splitlines()[-1])[0]
    finally:
        shutil.rmtree(base, ignore_errors=True)


CHECK = """
import json
from autograder.course import Course
from autograder.workflow.doctor import service_checks
found = {what: (ok, detail) for what, ok, detail in service_checks(Course("."))}
print(json.dumps(found["feedback can be released into the exchange"]))
"""
