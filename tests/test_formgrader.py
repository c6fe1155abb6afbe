"""nbgrader's formgrader on the graded sample class, in real headless Chromium.

The test starts a Jupyter server on loopback in a copy of the graded course (the formgrader is
nbgrader's server extension, configured by the course's ``nbgrader_config.py``), and a TA uses it:
the "manage assignments" page shows no exchange warning, the graded cells' verdict tables are
styled, a manual score typed into the grading page is saved, survives ``week12 regrade`` after a
rubric change and reaches the feedback page, and "Release Feedback" works for a class that handed
in through an LMS.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from autograder.contract import HOMEWORK, HOMEWORK_SCORE_CELL
from autograder.course import Course, nbgrader_environment
from tests.jupyter_server import jupyter_server
from tests.browser import browser  # noqa: F401 - the session's Chromium (a fixture)
from tests.submissions import set_rubric

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = HOMEWORK.name, HOMEWORK.notebook
STUDENT = "s23-kyungmin"  # "random-looking values": partial credit, a verdict table
MANUAL_SCORE = 7.5
WEEK12 = str(Path(sys.executable).parent / "week12")


@pytest.fixture(scope="module")
def formgrader(graded_class, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("formgrader") / "course")
    shutil.copytree(graded_class[0].root, course.root, symlinks=True)
    with jupyter_server(course.root, course.root.parent / "jupyter.log") as (base, token):
        yield course, base, token


def _submission_notebook_id(course: Course) -> str:
    with course.gradebook() as gradebook:
        return gradebook.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, STUDENT).id


def _grade(course: Course):
    with course.gradebook() as gradebook:
        grade = gradebook.find_grade(HOMEWORK_SCORE_CELL, NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, STUDENT)
        return grade.auto_score, grade.manual_score, grade.score


@pytest.fixture(scope="module")
def graded_by_hand(formgrader, browser):  # noqa: F811
    course, base, token = formgrader
    browser.get(f"{base}/formgrader/manage_assignments?token={token}")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#main-table, table"))
    manage_page = browser.page_source
    browser.get(f"{base}/formgrader/submissions/{_submission_notebook_id(course)}/?token={token}")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input.score"))
    styles = browser.execute_script("""
        const cell = document.querySelector(".week12-kernel-verdict td");
        if (!cell) return null;
        const style = getComputedStyle(cell);
        return {padding: style.paddingLeft, border: style.borderTopStyle,
                collapse: getComputedStyle(cell.closest("table")).borderCollapse};
    """)
    score = browser.find_element(By.CSS_SELECTOR, "input.score")
    score.clear()
    score.send_keys(str(MANUAL_SCORE), Keys.TAB)
    deadline = time.monotonic() + 30
    while _grade(course)[1] != MANUAL_SCORE and time.monotonic() < deadline:
        time.sleep(0.5)
    return {"manage_page": manage_page, "styles": styles, "saved": _grade(course)}


def test_no_exchange_warning_once_the_class_was_graded(graded_by_hand, formgrader):
    """Grading ran the course's start-up step, which makes the exchange as nbgrader would."""
    course, _, _ = formgrader
    assert 'id="warning-exchange"' not in graded_by_hand["manage_page"]
    assert course.exchange_root.is_dir()


def test_the_verdict_table_is_styled_in_the_grading_page(graded_by_hand):
    styles = graded_by_hand["styles"]
    assert styles is not None, "the homework verdict's table is not on the grading page"
    assert styles["padding"] != "0px" and styles["border"] == "solid" and styles["collapse"] == "collapse"


def test_a_manual_score_entered_there_is_saved(graded_by_hand):
    auto, manual, score = graded_by_hand["saved"]
    assert manual == MANUAL_SCORE and score == MANUAL_SCORE and auto != MANUAL_SCORE


def test_the_manual_score_survives_regrade_and_feedback(graded_by_hand, formgrader):
    course, _, _ = formgrader
    auto_before = graded_by_hand["saved"][0]
    set_rubric(course, localisation_weight=0.8, flatness_weight=0.2, selectivity_weight=0.0)
    for verb in (["regrade", ASSIGNMENT], ["feedback", ASSIGNMENT]):
        done = subprocess.run([WEEK12, *verb], cwd=course.root, env=nbgrader_environment(), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:]
    auto, manual, score = _grade(course)
    assert auto != auto_before  # the regrade did re-score the stored answer
    assert manual == MANUAL_SCORE and score == MANUAL_SCORE
    page = (course.folder("feedback", STUDENT, ASSIGNMENT) / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert f"{MANUAL_SCORE:g} / 10" in page or f"{MANUAL_SCORE} / 10" in page


def test_release_feedback_works_from_the_formgrader(graded_by_hand, formgrader):
    course, base, token = formgrader
    request = urllib.request.Request(f"{base}/formgrader/api/assignment/{ASSIGNMENT}/release_feedback",
                                     method="POST", data=b"", headers={"Authorization": f"token {token}"})
    import json

    with urllib.request.urlopen(request, timeout=120) as response:
        result = json.loads(response.read())
    assert result["success"], result
    # The class handed in through an LMS download: the pages are packed for it.
    assert (course.exports_dir / f"{ASSIGNMENT}-feedback.zip").is_file()
