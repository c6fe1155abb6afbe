"""The similarity section as a person sees it, in real headless Chromium: the copies of the
generated class as one group, the evidence side by side with its marked lines, and what a
student typed shown as text, never run. Rendered from data: nothing is graded."""

from __future__ import annotations

import pytest

from autograder.report.page import render_class_report
from tests.browser import browser, open_page  # noqa: F401 - browser is a fixture
from tests.test_similarity_page import HOSTILE_ID, HOSTILE_LINE, _class_data

pytestmark = pytest.mark.browser

COUNT_MARKS = "return document.querySelectorAll('#similarity pre.code mark').length"
COUNT_SCRIPTS = "return document.scripts.length"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_copies_are_shown_side_by_side_with_marked_lines(browser, tmp_path, language):
    data, planted = _class_data()
    path = tmp_path / f"report-{language}.html"
    path.write_text(render_class_report(data, language), encoding="utf-8")
    page = open_page(browser, path)
    section = page.text.split("week12-lab", 2)[-1]
    for student in planted.group - {planted.copies["renamed"]}:
        assert student in section
    assert HOSTILE_ID in section and HOSTILE_LINE in section  # shown as text
    assert browser.execute_script(COUNT_SCRIPTS) == 0
    assert browser.execute_script(COUNT_MARKS) > 20
    assert not page.console_errors
