"""The similarity check reads what students handed in: real released notebooks, real files in
``submitted/``, read as untrusted data. No notebook is run or graded here."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder.report.notebooks import MAX_NOTEBOOK_BYTES, read_assignment_code
from autograder.report.similarity import compare_class
from tests.similarity_class import planted_class, write_planted_class
from tests.submissions import answered_notebook, submit

pytestmark = pytest.mark.nbgrader

LAB, NOTEBOOK = "week12-lab", "conv_lab.ipynb"
ODD = {"z-truncated": "not a readable notebook", "z-not-json": "not a readable notebook",
       "z-huge": "too large to compare", "z-missing": "is missing", "z-no-cells": "not a readable notebook"}


@pytest.fixture(scope="module")
def class_on_disk(own_release):
    planted = planted_class(7)
    write_planted_class(own_release, planted)
    folder = own_release.folder("submitted", "z-truncated", LAB)
    folder.mkdir(parents=True)
    text = nbformat.writes(answered_notebook(own_release, LAB, NOTEBOOK))
    (folder / NOTEBOOK).write_text(text[: len(text) // 2], encoding="utf-8")
    for student, content in (("z-not-json", b"\x89PNG not a notebook"), ("z-huge", b" " * (MAX_NOTEBOOK_BYTES + 1)),
                             ("z-no-cells", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                        "cells": {"a": 1}}).encode())):
        folder = own_release.folder("submitted", student, LAB)
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(content)
    own_release.folder("submitted", "z-missing", LAB).mkdir(parents=True)
    code = read_assignment_code(own_release, LAB)
    times = {student: work.submitted_at for student, work in planted.students.items()}
    return planted, code.with_times(times)


def test_answer_cells_are_the_released_notebooks_solution_cells(class_on_disk):
    _, code = class_on_disk
    assert code.answer_cells == ("step_image", "lazy_weights", "set_filters", "stacked_filters", "keeps_edge",
                                 "stride_padding", "pooling", "parameter_sharing", "basic_unit")
    assert any("YOUR CODE HERE" in source for source in code.shared.released_answers)
    assert any("np.concatenate" in source for source in code.shared.reference)  # the worked solution


def test_each_student_reads_back_as_typed(class_on_disk):
    planted, code = class_on_disk
    by_student = {submission.student: submission for submission in code.submissions}
    assert set(by_student) == set(planted.students)
    for student, work in planted.students.items():
        assert dict(by_student[student].answers) == work.answers
        assert by_student[student].other == work.other  # their own cells; the release's are not theirs


def test_notebooks_that_cannot_be_read_are_listed_with_the_reason(class_on_disk):
    _, code = class_on_disk
    reasons = dict(code.unreadable)
    assert set(reasons) == set(ODD)
    for student, why in ODD.items():
        assert why in reasons[student]


def test_the_planted_copies_on_disk_are_flagged_and_no_honest_pair(class_on_disk):
    planted, code = class_on_disk
    result = compare_class(code.submissions, code.answer_cells, code.shared)
    assert {pair.students for pair in result.pairs} == planted.planted_pairs
    assert result.groups[0].students[0] == planted.original


def test_a_cell_moved_and_duplicated_is_still_the_answer_it_claims(own_release):
    notebook = answered_notebook(own_release, LAB, NOTEBOOK, {"pooling": "pooled = 'mine'"})
    pooling = next(cell for cell in notebook.cells if cell.get("id") == "pooling")
    duplicate = nbformat.from_dict(json.loads(json.dumps(pooling)))
    duplicate.source, duplicate.id = "second = 'copy of the cell'", "pooling-2"
    notebook.cells.remove(pooling)
    notebook.cells[1:1] = [pooling, duplicate]
    submit(own_release, "y-moved", LAB, {NOTEBOOK: notebook})
    code = read_assignment_code(own_release, LAB)
    moved = next(s for s in code.submissions if s.student == "y-moved")
    assert moved.answers["pooling"] == "pooled = 'mine'"
    assert "second = 'copy of the cell'" in moved.other
