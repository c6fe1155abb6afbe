"""The pages people read, opened in a real headless Chromium: the feedback pages of the graded
sample class and its class report. Images must load, scores must show, and no hidden test source
may appear anywhere in a page."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.demo.sample_class import ASSIGNMENTS, COPIED_PAIR
from tests.browser import browser, open_page  # noqa: F401 - browser is a fixture
from tests.test_release import _hidden_lines

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.sandbox]

# nbgrader's feedback page links MathJax from a CDN; these machines are offline and the notebooks
# hold no maths, so that one failed request is expected. Any other console error fails a test.
OFFLINE_CDN = "cdnjs.cloudflare.com/ajax/libs/mathjax"


def console_errors(page) -> list[str]:
    return [error for error in page.console_errors if OFFLINE_CDN not in error]

# Feedback pages looked at: full marks, partial credit, a wrong lab step, a crash, a blank notebook.
STUDENTS = ("s01-minji", "s12-yejin", "s15-eunji", "s19-sora", "s31-soyoung")


def hidden_test_lines(course) -> set[str]:
    """Every line of every hidden test in the source notebooks (the instructor's version)."""
    lines = set()
    for assignment in ASSIGNMENTS:
        for name in course.notebooks(assignment):
            nb = nbformat.read(course.root / "assignments" / assignment / name, as_version=4)
            for cell in nb.cells:
                lines.update(_hidden_lines(cell.source))
    assert lines, "the source notebooks should have hidden tests"
    return lines


def grades(course, assignment, student) -> dict[str, tuple[float, float]]:
    with Gradebook(course.db_url()) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {grade.name: (grade.score, grade.max_score) for nb in submission.notebooks for grade in nb.grades}


def _number(value: float) -> str:
    """A score as a page may write it: 7, 7.0 or 7.00 are all the same score."""
    return re.escape(f"{value:g}") + (r"(\.0+)?" if float(value).is_integer() else "0*")


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_page_shows_scores_and_loads_its_images_without_hidden_tests(graded_class, browser, student,
                                                                             assignment):
    course, _, _ = graded_class
    pages = sorted((course.root / "feedback" / student / assignment).glob("*.html"))
    assert len(pages) == 1
    page = open_page(browser, pages[0])
    assert all(image.loaded for image in page.images), [(i.alt, i.src_kind) for i in page.images if not i.loaded]
    if assignment == "week12-homework" and student != "s31-soyoung":
        assert any(image.src_kind == "data:image/png" and image.natural_width > 100 for image in page.images)
    for grade_id, (score, max_score) in grades(course, assignment, student).items():
        assert re.search(rf"{_number(score)}\s*/\s*{_number(max_score)}", page.text), (
            grade_id, score, max_score)
    leaked = [line for line in hidden_test_lines(course) if line in page.html or line in page.text]
    assert not leaked
    assert "BEGIN HIDDEN TESTS" not in page.html and "run_hidden_check" not in page.html
    assert not console_errors(page)


def test_class_report_loads_its_figures_and_flags_the_copied_pair(graded_class, browser):
    course, outcome, _ = graded_class
    page = open_page(browser, outcome.report)
    assert len(page.images) >= 5
    assert all(image.loaded and image.natural_width > 50 for image in page.images)
    for student in COPIED_PAIR:
        assert student in page.text
    assert "[[-3, -1], [2, 2]]" in page.text.replace("\n", " ") or "-3" in page.text
    for assignment in ASSIGNMENTS:
        assert assignment in page.text
    assert not console_errors(page)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_class_report_shows_the_similarity_section(graded_class, browser, tmp_path, language):
    from autograder.report.data import load_class_data
    from autograder.report.page import render_class_report

    course, outcome, _ = graded_class
    path = outcome.report
    if language == "en":  # the course's own report is in Korean; the same data, in English
        path = tmp_path / "class-report-en.html"
        path.write_text(render_class_report(load_class_data(course.root), "en"), encoding="utf-8")
    page = open_page(browser, path)
    heading, compared, truncated = {
        "ko": ("비슷한 코드", "31명 비교: 답 셀 9개", "s13-minjun: conv_lab.ipynb"),
        "en": ("Similar code", "31 students compared: 9 answer cells", "s13-minjun: conv_lab.ipynb"),
    }[language]
    section = page.text.split(heading, 1)[1]
    assert compared in section and truncated in section  # the cut-off lab notebook is listed, not compared
    assert all(image.loaded for image in page.images)
    assert not console_errors(page)
