"""The class report: which answers it groups and flags, what the page holds, what it reads.

Fast: no notebook is executed. The gradebook test builds a tiny gradebook with nbgrader's own
API and writes answer-store files the way grading does; the end-to-end check on a graded sample
class lives with the class-grading tests.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import warnings
from datetime import datetime, timezone
from html.parser import HTMLParser

import numpy as np
import pytest

from autograder.answers.codec import encode
from autograder.course import nbgrader_environment
from autograder.exercises.base import MISSING
from autograder.answers import store as answer_store
from autograder.i18n import format_delay
from autograder.workflow.report import write_class_report
from autograder.report.analysis import KERNEL_GROUPS, cell_passed, identical_unusual_groups, kernel_groups
from autograder.report.data import (AssignmentInfo, ClassData, HomeworkAnswer, ReportCell, SubmissionRow,
                                             load_class_data, read_homework_answer)
from autograder.report.page import render_class_report

HOMEWORK, HOMEWORK_NOTEBOOK, HOMEWORK_CELL = "week12-homework", "edge_filter", "edge_kernel_score"
LAB, LAB_NOTEBOOK, LAB_CELLS = "week12-lab", "conv_lab", ("test_step_image", "test_pooling")
HOSTILE_ID = '<script>alert("x")</script>'
ODD = [[-3.0, -1.0], [2.0, 2.0]]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- identical unusual answers -------------------------------------------------------------

def test_identical_odd_pair_is_flagged():
    kernels = {"a": ODD, "b": [[-3, -1], [2, 2]], "c": [[-1, -1], [1, 1]]}
    assert identical_unusual_groups(kernels) == [(ODD, ["a", "b"])]


@pytest.mark.parametrize("canonical", [[[-1, -1], [1, 1]], [[-1, 0], [1, 0]], [[0, -1], [0, 1]],
                                       [[-1, 1], [-1, 1]], [[0.25, 0.25], [0.25, 0.25]], [[1, 1], [1, 1]]])
@pytest.mark.parametrize("scale", [1, -1, 0.5, -2.5, 10])
def test_scaled_canonical_answers_are_not_flagged(canonical, scale):
    kernel = (scale * np.array(canonical, dtype=float)).tolist()
    assert identical_unusual_groups({"a": kernel, "b": list(kernel)}) == []


def test_zero_filter_is_not_flagged():
    assert identical_unusual_groups({"a": [[0, 0], [0, 0]], "b": [[0.0, 0.0], [0.0, 0.0]]}) == []


def test_kernel_shared_by_five_students_is_not_flagged():
    assert identical_unusual_groups({f"s{i}": ODD for i in range(5)}) == []


def test_kernel_shared_by_three_students_is_still_flagged():
    assert identical_unusual_groups({f"s{i}": ODD for i in range(3)}) == [(ODD, ["s0", "s1", "s2"])]


def test_two_different_kernels_are_not_flagged():
    assert identical_unusual_groups({"a": ODD, "b": [[-3, -1], [2, 2.001]]}) == []


def test_unusable_entries_are_skipped():
    assert identical_unusual_groups({"a": None, "b": None, "c": "text", "d": "text", "e": [[1, 2, 3]]}) == []


# --- reading answers and grouping them ---------------------------------------------------

def test_read_homework_answer_names_the_filter_kind():
    answer = read_homework_answer("s1", encode({"kernel": np.array([[-1.0, -1.0], [1.0, 1.0]])}))
    assert (answer.kind, answer.kernel) == ("intended_horizontal", [[-1.0, -1.0], [1.0, 1.0]])


@pytest.mark.parametrize("text, kind", [
    (encode({MISSING: ["kernel"]}), "missing"),
    (None, "missing"),
    (encode({"problem": "shape", "detail": {"shape": [3, 3]}}), "invalid"),
    ('{"kernel": {"__unreadable__": "Tensor"}}', "invalid"),
    ("not json at all", "invalid"),
    (encode({"kernel": np.zeros((2, 2))}), "zero"),
])
def test_read_homework_answer_without_a_usable_filter(text, kind):
    answer = read_homework_answer("s1", text)
    assert answer.kind == kind
    assert answer.kind == "zero" or answer.kernel is None


def test_kernel_groups_count_each_kind():
    typed = {"intended": [[[-1, -1], [1, 1]], [[2, 2], [-2, -2]]], "single_column": [[[-1, 0], [1, 0]]],
             "diagonal": [[[-1, 0], [0, 1]], [[0, -1], [1, 0]]], "vertical": [[[-1, 1], [-1, 1]], [[-1, 1], [0, 0]]],
             "smoothing": [[[1, 1], [0, 0]]], "other": [ODD, ODD, [[-1, 1], [1, -1]]], "no_filter": [[[0, 0], [0, 0]]]}
    answers = [read_homework_answer(f"{group}-{i}", encode({"kernel": np.array(kernel, dtype=float)}))
               for group, kernels in typed.items() for i, kernel in enumerate(kernels)]
    answers += [HomeworkAnswer("failed-1", "failed"), HomeworkAnswer("missing-1", "missing")]
    groups = {group["name"]: group for group in kernel_groups(answers)}
    assert list(groups) == list(KERNEL_GROUPS)
    counts = {name: group["count"] for name, group in groups.items()}
    assert counts == {**{name: len(kernels) for name, kernels in typed.items()}, "no_filter": 3}
    assert groups["other"]["example"] == ODD  # the group's most common filter
    assert groups["no_filter"]["example"] is None


def test_partial_credit_cell_passes_from_the_configured_fraction():
    assert cell_passed(6.0, 10.0, partial_credit=True, pass_fraction=0.6)
    assert not cell_passed(5.9, 10.0, partial_credit=True, pass_fraction=0.6)
    assert not cell_passed(0.9, 1.0, partial_credit=False, pass_fraction=0.6)
    assert cell_passed(1.0, 1.0, partial_credit=False, pass_fraction=0.6)


def test_lateness_is_said_in_the_two_largest_units():
    assert format_delay(95 * 60, "en") == "1 h 35 min"
    assert format_delay(7 * 60, "ko") == "7분"
    assert format_delay(3 * 86400 + 5 * 3600 + 20, "en") == "3 d 5 h"


# --- the page ----------------------------------------------------------------------------------

def _synthetic_class() -> ClassData:
    kernels = {"s1": [[-1, -1], [1, 1]], "s2": [[-1, 1], [-1, 1]], HOSTILE_ID: ODD, "s4": ODD}
    homework = [read_homework_answer(s, encode({"kernel": np.array(k, float)})) for s, k in kernels.items()]
    homework.append(HomeworkAnswer("s5", "failed", detail="the notebook could not be graded"))
    rows = [SubmissionRow(a.student, HOMEWORK, 8.0, 10.0, 95 * 60 if a.student == "s4" else 0.0,
                          {HOMEWORK_CELL: 8.0}) for a in homework[:-1]]
    rows.append(SubmissionRow("s5", HOMEWORK, 0.0, 10.0, 0.0, {HOMEWORK_CELL: 0.0}, (HOMEWORK_NOTEBOOK,)))
    rows.append(SubmissionRow("s1", LAB, 1.0, 2.0, 0.0, dict(zip(LAB_CELLS, (1.0, 0.0)))))
    assignments = [AssignmentInfo(HOMEWORK, (ReportCell(HOMEWORK_CELL, 10.0, partial_credit=True),)),
                   AssignmentInfo(LAB, tuple(ReportCell(cell, 1.0) for cell in LAB_CELLS))]
    return ClassData("dl-week12-conv", datetime(2026, 5, 26, tzinfo=timezone.utc),
                     sorted([*kernels, "s5"]), assignments, rows, homework, pass_fraction=0.6)


class _Page(HTMLParser):
    """The tags of a page that matter here: section ids, images, meta charset, script tags."""

    def __init__(self, html: str):
        super().__init__()
        self.sections, self.images, self.charset, self.scripts = [], [], None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "meta" and "charset" in attrs:
            self.charset = attrs["charset"]
        elif tag == "script":
            self.scripts += 1


@pytest.fixture(scope="module")
def page() -> str:
    return render_class_report(_synthetic_class(), language="ko")


def test_page_has_every_section(page):
    assert _Page(page).sections == ["header", "scores", "pass-rates", "kernels", "identical", "similarity", "late",
                                    "problems"]


def test_page_declares_utf8(page):
    assert _Page(page).charset.lower() == "utf-8"


def test_hostile_student_id_is_escaped(page):
    assert HOSTILE_ID not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert _Page(page).scripts == 0


def test_every_image_is_an_embedded_png_with_alt_text(page):
    images = _Page(page).images
    assert len(images) == 2 + 2 + 3  # histograms, pass-rate charts, one response per filter group
    for image in images:
        assert image.get("alt")
        prefix, payload = image["src"].split(",", 1)
        assert prefix == "data:image/png;base64"
        assert base64.b64decode(payload, validate=True).startswith(PNG_SIGNATURE)


def test_page_flags_the_identical_odd_pair_only(page):
    section = page.split('id="identical"')[1].split("</section>")[0]
    flagged = section.split('<tr class="identical-group">')[1:]
    assert len(flagged) == 1
    assert "&lt;script&gt;" in flagged[0] and "s4" in flagged[0] and "s1" not in flagged[0]


def test_page_lists_late_and_failed_submissions(page):
    late = page.split('id="late"')[1].split("</section>")[0]
    assert "s4" in late and "1시간 35분" in late
    problems = page.split('id="problems"')[1].split("</section>")[0]
    assert "s5" in problems and HOMEWORK_NOTEBOOK in problems
    assert re.search(r"s2</td><td>week12-lab", problems)  # no lab submission


def test_page_shows_group_counts(page):
    counts = dict(re.findall(r'id="group-(\w+)" data-count="(\d+)"', page))
    assert counts == {"intended": "1", "single_column": "0", "diagonal": "0", "vertical": "1", "smoothing": "0",
                      "other": "2", "no_filter": "1"}


def test_page_shows_learned_filters_by_kind_when_the_class_trained_some():
    from autograder.report.learned import read_learned_answer
    from tests.scoring.training_simulation import trained

    data = _synthetic_class()
    data.learned = [read_learned_answer("t1", encode(trained())),
                    read_learned_answer("t2", encode(trained(kernel=[[-1, -1], [1, 1]]))),
                    read_learned_answer("t3", None)]
    html = render_class_report(data, language="en")
    assert "learned-kernels" in _Page(html).sections
    counts = dict(re.findall(r'id="learned-(\w+)" data-count="(\d+)"', html))
    assert counts["intended"] == "1" and counts["no_filter"] == "2"
    assert "t2 (not_learning" in html


def test_page_has_no_learned_section_without_learned_filters(page):
    assert "learned-kernels" not in _Page(page).sections


@pytest.mark.parametrize("kernel, kind", [(None, "intended_horizontal"), ([[-1, -1], [1, 1]], "not_learning")])
def test_read_learned_answer_names_what_the_training_learned(kernel, kind):
    from autograder.report.learned import read_learned_answer
    from tests.scoring.training_simulation import trained

    answer = read_learned_answer("s1", encode(trained(kernel=kernel)))
    assert answer.kind == kind and (answer.kernel is not None) == (kind != "not_learning")


def test_read_learned_answer_says_why_no_training_finished():
    from autograder.report.learned import read_learned_answer

    runs = [{"case": name, "status": status} for name, status in
            (("hidden_top", "timeout"), ("hidden_bottom", "skipped"), ("probe_mean", "skipped"))]
    answer = read_learned_answer("s1", encode({"runs": runs}))
    assert (answer.kind, answer.kernel, answer.detail) == ("failed", None, "skipped, timeout")


def test_page_starts_with_the_doctype(page):
    assert page.startswith("<!DOCTYPE html>")


def test_english_page_says_when_lateness_is_unknown():
    data = _synthetic_class()
    data.assignments[1] = dataclasses.replace(data.assignments[1], has_duedate=False)
    html = render_class_report(data, language="en")
    assert "Pass rate per graded cell" in html and "1 h 35 min" in html
    assert re.search(r"No due date in the gradebook, so lateness is unknown, for: week12-lab<", html)


# --- reading a real gradebook and answer store -------------------------------------------------

DUE = "2026-05-25 14:59:00 UTC"


def _grade(gb, student, assignment, notebook, scores: dict, timestamp: str = DUE):
    gb.add_submission(assignment, student, timestamp=timestamp)
    for cell, score in scores.items():
        gb.find_grade(cell, notebook, assignment, student).auto_score = score
    gb.db.commit()


def _store(root, student, answer_text):
    answer_store.save(root, answer_store.StoredNotebook(HOMEWORK, student, HOMEWORK_NOTEBOOK, None,
                                                        {HOMEWORK_CELL: answer_text}, {HOMEWORK_CELL: 10.0}))


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    """Three students: s1 graded with an odd filter, 95 minutes late; s2 with a notebook nbgrader
    could not grade (no autograded file); s3 only handed in the lab. Built once: a new gradebook
    asks the `alembic` command for its schema version, which takes seconds."""
    tmp_path = tmp_path_factory.mktemp("tiny-course")
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        patch.setenv("PATH", nbgrader_environment()["PATH"])  # the venv's alembic
        _write_gradebook(tmp_path)
    for student, assignment, notebook in (("s1", HOMEWORK, HOMEWORK_NOTEBOOK), ("s3", LAB, LAB_NOTEBOOK)):
        folder = tmp_path / "autograded" / student / assignment
        folder.mkdir(parents=True)
        (folder / f"{notebook}.ipynb").write_text("{}", encoding="utf-8")
    _store(tmp_path, "s1", encode({"kernel": np.array(ODD)}))
    return tmp_path


def _write_gradebook(tmp_path):
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    warnings.simplefilter("ignore", SAWarning)  # nbgrader's own add_submission warns on autoflush

    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "tiny"\nc.ClassReport.pass_fraction = 0.5\n'
        'c.KernelFeedback.language = "en"\n', encoding="utf-8")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "tiny") as gb:
        gb.add_assignment(HOMEWORK, duedate=DUE)
        gb.add_notebook(HOMEWORK_NOTEBOOK, HOMEWORK)
        gb.add_grade_cell(HOMEWORK_CELL, HOMEWORK_NOTEBOOK, HOMEWORK, max_score=10, cell_type="code")
        gb.add_assignment(LAB, duedate=DUE)
        gb.add_notebook(LAB_NOTEBOOK, LAB)
        for cell in LAB_CELLS:
            gb.add_grade_cell(cell, LAB_NOTEBOOK, LAB, max_score=1, cell_type="code")
        for student in ("s1", "s2", "s3"):
            gb.add_student(student)
        _grade(gb, "s1", HOMEWORK, HOMEWORK_NOTEBOOK, {HOMEWORK_CELL: 5.5}, "2026-05-25 16:34:00 UTC")
        _grade(gb, "s2", HOMEWORK, HOMEWORK_NOTEBOOK, {HOMEWORK_CELL: 0.0})
        _grade(gb, "s3", LAB, LAB_NOTEBOOK, dict(zip(LAB_CELLS, (1.0, 0.0))))


def test_load_class_data_reads_scores_and_lateness(tiny_course):
    data = load_class_data(tiny_course)
    assert (data.course_id, data.students, data.pass_fraction) == ("tiny", ["s1", "s2", "s3"], 0.5)
    assert [a.name for a in data.assignments] == [HOMEWORK, LAB]
    assert data.assignments[0].cells == (ReportCell(HOMEWORK_CELL, 10.0, partial_credit=True),)
    assert data.assignments[0].has_duedate
    rows = {(row.assignment, row.student): row for row in data.submissions}
    assert set(rows) == {(HOMEWORK, "s1"), (HOMEWORK, "s2"), (LAB, "s3")}
    s1 = rows[HOMEWORK, "s1"]
    assert (s1.score, s1.max_score, s1.seconds_late, s1.cell_scores) == (5.5, 10.0, 95 * 60, {HOMEWORK_CELL: 5.5})
    assert rows[LAB, "s3"].cell_scores == dict(zip(LAB_CELLS, (1.0, 0.0)))
    assert rows[HOMEWORK, "s2"].failed_notebooks == (HOMEWORK_NOTEBOOK,)
    assert rows[HOMEWORK, "s1"].failed_notebooks == ()


def test_load_class_data_reads_homework_kernels(tiny_course):
    answers = {answer.student: answer for answer in load_class_data(tiny_course).homework}
    assert set(answers) == {"s1", "s2"}
    assert (answers["s1"].kind, answers["s1"].kernel) == ("other", ODD)
    assert answers["s2"].kind == "failed" and answers["s2"].kernel is None


def test_write_class_report_writes_the_page_in_the_course_language(tiny_course):
    written = write_class_report(tiny_course)
    assert written == tiny_course / "reports" / "class-report.html"
    html = written.read_text(encoding="utf-8")
    assert "Homework filters by kind" in html and "1 h 35 min" in html
    assert re.search(rf"{HOMEWORK_CELL} \*</td>.*?1 / 2", html, re.S)  # 5.5 of 10 passes at 0.5


def test_load_class_data_reads_the_gradebooks_submission_times(tiny_course):
    rows = {(row.assignment, row.student): row for row in load_class_data(tiny_course).submissions}
    assert rows[HOMEWORK, "s1"].submitted_at == datetime(2026, 5, 25, 16, 34, tzinfo=timezone.utc)
    assert rows[LAB, "s3"].submitted_at == datetime(2026, 5, 25, 14, 59, tzinfo=timezone.utc)


def test_a_course_without_released_notebooks_has_no_code_to_compare(tiny_course):
    data = load_class_data(tiny_course)
    assert data.code == {}
    assert "there is no released notebook" in render_class_report(data, language="en")


def test_similarity_settings_come_from_nbgrader_config(tmp_path):
    from autograder.course import load_course_config
    from autograder.report.data import ClassReport
    from autograder.report.similarity import SimilaritySettings

    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ClassReport.similarity_shared_fraction = 0.3\nc.ClassReport.similarity_threshold = 0.9\n"
        "c.ClassReport.similarity_min_tokens = 12\n", encoding="utf-8")
    settings = ClassReport(config=load_course_config(tmp_path)).similarity_settings()
    assert settings == SimilaritySettings(shared_fraction=0.3, threshold=0.9, notebook_threshold=0.85, min_tokens=12)
