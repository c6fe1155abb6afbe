"""The class report's similarity section: what it says was compared and shared, the groups and
the side-by-side evidence, built from escaped text. Rendered from data (no grading, no files)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.report.data import AssignmentInfo, ClassData, ReportCell
from autograder.report.notebooks import AssignmentCode
from autograder.report.page import render_class_report
from tests.similarity_class import lab_shared_code, planted_class, submitted_code

REPO_ROOT = Path(__file__).resolve().parents[1]
HOSTILE_ID = '<script>alert("id")</script>'
HOSTILE_LINE = 'note = "</pre><script>alert(1)</script><mark>"'


def _class_data(seed: int = 23) -> tuple[ClassData, object]:
    cells, shared = lab_shared_code(REPO_ROOT)
    planted = planted_class(seed)
    submissions = submitted_code(planted)
    # The original writes a hostile string into a cell; every copy has it too; one id is hostile.
    cell = "stride_padding"
    submissions = [replace(code, answers={**code.answers, cell: code.answers[cell] + HOSTILE_LINE + "\n"})
                   if code.student in planted.group else code for code in submissions]
    submissions = [replace(code, student=HOSTILE_ID) if code.student == planted.copies["renamed"] else code
                   for code in submissions]
    code = AssignmentCode("week12-lab", cells, shared, tuple(submissions),
                          unreadable=(("st000", "conv_lab.ipynb is not a readable notebook (NotJSONError)"),))
    data = ClassData("dl-week12-conv", datetime(2026, 5, 26, tzinfo=timezone.utc),
                     sorted(code.student for code in submissions),
                     [AssignmentInfo("week12-lab", (ReportCell("test_step_image", 2.0),)),
                      AssignmentInfo("week12-homework", (ReportCell("edge_kernel_score", 10.0, True),))],
                     [], [], code={"week12-lab": code})
    return data, planted


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    data, _ = _class_data()
    return {language: render_class_report(data, language) for language in ("ko", "en")}


def _section(html: str) -> str:
    return html.split('<section id="similarity">')[1].split("</section>")[0]


class _Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_nothing_a_student_wrote_becomes_markup(pages):
    for html in pages.values():
        tags = [tag for tag, _ in _Tags(html).tags]
        assert "script" not in tags
        assert HOSTILE_ID not in html and "&lt;script&gt;alert(&#34;id&#34;)&lt;/script&gt;" in html
        assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;mark&gt;" in html


def test_the_copies_are_one_group_with_one_link_per_member(pages):
    groups = [attrs for tag, attrs in _Tags(_section(pages["en"])).tags if attrs.get("class") == "similar-group"]
    links = [attrs for tag, attrs in _Tags(_section(pages["en"])).tags if attrs.get("class") == "similar-pair"]
    assert len(groups) == 1 and len(groups[0]["data-students"].split(" ")) >= 6 - 1  # the hostile id has spaces
    assert len(links) == 5


def test_marked_lines_are_mark_elements_holding_escaped_code(pages):
    section = _section(pages["en"])
    marks = re.findall(r"<mark>(.*?)</mark>", section)
    assert marks and all("<" not in mark for mark in marks)
    assert any("conv_output_size" in mark for mark in marks)


def test_the_section_says_what_was_compared_and_what_was_shared(pages):
    en, ko = _section(pages["en"]), _section(pages["ko"])
    assert "released notebook" in en and "reference solution" in en and "no grade was changed" in en
    assert "37 students compared: 9 answer cells" in en
    assert "배포한 노트북" in ko and "점수는 바꾸지 않았습니다" in ko
    assert "Not compared: there is no released notebook." in en  # the homework had no code here


def test_an_unreadable_notebook_is_listed_with_its_reason(pages):
    assert re.search(r"<li>st000: conv_lab.ipynb is not a readable notebook \(NotJSONError\)</li>", _section(pages["en"]))


def test_the_first_to_hand_in_is_named(pages):
    _, planted = _class_data()
    first = planted.original
    assert f"<td>{first} (first)</td>" in _section(pages["en"]) and f"<td>{first} (먼저 제출)</td>" in _section(pages["ko"])
