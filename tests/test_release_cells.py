"""A submission reduced to the cells of its release (``autograder.sanitize.release_cells``).

As nbgrader's per-preprocessor tests do: the small released notebook ``fixtures/released.ipynb``,
a submission made from it with the cells students copy, alter, invent or delete in Jupyter, one
step run, the notebook out compared with the release. No nbgrader command or kernel.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import SchemaTooOldError
from nbgrader.preprocessors import ClearOutput, DeduplicateIds
from traitlets.config import Config

from autograder.judging.messages import GRADING_MESSAGES
from autograder.sanitize.release_cells import (AlignWithRelease, CheckCellMetadataAlone, ReleaseMissing,
                                               align_with_release, set_aside)

RELEASE = Path(__file__).parent / "fixtures" / "released.ipynb"
ANSWERS = {"answer": "answer = 42", "ratio": "ratio = 0.5"}
ASSIGNMENT, NOTEBOOK = "small-exercise", "released"


def say(message_id: str, language: str = "en", **fields) -> str:
    return GRADING_MESSAGES.message(message_id, language, **fields)


@pytest.fixture
def release():
    return nbformat.read(RELEASE, as_version=4)


@pytest.fixture
def submission(release):
    """The release with its answer cells filled in, as a student hands it in."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if cell.id in ANSWERS:
            cell.source = ANSWERS[cell.id]
    return nb


def position(nb, cell_id: str) -> int:
    return next(index for index, cell in enumerate(nb.cells) if cell.get("id") == cell_id)


def grade_ids(nb) -> list:
    return [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]


# What decides grading in a cell's nbgrader metadata (nbgrader also keeps a ``cell_type`` there, only to
# warn when a student changed it: OverwriteCells restores the type from the gradebook).
GRADING_FIELDS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task", "checksum")


def nbgrader_metadata(nb) -> dict:
    return {cell.metadata.nbgrader.grade_id: {key: cell.metadata.nbgrader.get(key) for key in GRADING_FIELDS}
            for cell in nb.cells if "nbgrader" in cell.metadata}


def test_a_submission_as_released_is_left_as_it_is(submission, release):
    sources = [cell.source for cell in submission.cells]
    assert align_with_release(submission, release, "en") == []
    assert nbgrader_metadata(submission) == nbgrader_metadata(release)
    assert [cell.source for cell in submission.cells] == sources


def test_an_earlier_copy_of_a_graded_cell_is_set_aside_and_runs_as_an_ordinary_cell(submission, release):
    copied = copy.deepcopy(submission.cells[position(submission, "test_answer")])
    copied.id = "copied"
    submission.cells.insert(position(submission, "answer"), copied)
    notes = align_with_release(submission, release, "en")
    assert notes == [say("set_aside_copy", cell=position(submission, "copied") + 1, grade_id="test_answer")]
    assert "nbgrader" not in submission.cells[position(submission, "copied")].metadata
    assert submission.cells[position(submission, "copied")].source == copied.source
    assert grade_ids(submission).count("test_answer") == 1


def test_of_several_copies_the_last_keeps_the_grade_id(submission, release):
    copied = copy.deepcopy(submission.cells[position(submission, "ratio")])
    copied.id, copied.source = "later", "ratio = 0.25"
    submission.cells.append(copied)
    align_with_release(submission, release, "en")
    assert "nbgrader" not in submission.cells[position(submission, "ratio")].metadata
    assert submission.cells[position(submission, "later")].metadata.nbgrader.grade_id == "ratio"


@pytest.mark.parametrize("field, forged", [("points", 200), ("grade", False), ("solution", True), ("locked", False),
                                           ("schema_version", 1), ("task", True)])
def test_altered_nbgrader_metadata_is_restored_from_the_release(submission, release, field, forged):
    submission.cells[position(submission, "test_answer")].metadata.nbgrader[field] = forged
    notes = align_with_release(submission, release, "en")
    assert notes == [say("set_aside_restored", grade_id="test_answer")]
    assert submission.cells[position(submission, "test_answer")].metadata.nbgrader[field] == \
        release.cells[position(release, "test_answer")].metadata.nbgrader[field]


def test_a_missing_field_is_restored_from_the_release(submission, release):
    del submission.cells[position(submission, "test_ratio")].metadata.nbgrader["points"]
    assert align_with_release(submission, release, "en") == [say("set_aside_restored", grade_id="test_ratio")]
    assert submission.cells[position(submission, "test_ratio")].metadata.nbgrader["points"] == 3


def test_an_invented_graded_cell_becomes_an_ordinary_cell(submission, release):
    invented = nbformat.v4.new_code_cell("bonus = True", id="bonus")
    invented.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "points": 100, "locked": True,
                                     "solution": False, "schema_version": 3, "task": False}
    submission.cells.append(invented)
    notes = align_with_release(submission, release, "en")
    assert notes == [say("set_aside_unknown", cell=len(submission.cells), grade_id="test_bonus")]
    assert "nbgrader" not in submission.cells[-1].metadata and submission.cells[-1].source == "bonus = True"
    assert nbgrader_metadata(submission) == nbgrader_metadata(release)


@pytest.mark.parametrize("unreadable", ["test_answer", ["test_answer"], {}, {"grade_id": 5, "grade": True},
                                        {"grade_id": "", "grade": True}])
def test_unreadable_nbgrader_metadata_becomes_an_ordinary_cell(submission, release, unreadable):
    odd = nbformat.v4.new_code_cell("x = 1", id="odd")
    odd.metadata["nbgrader"] = unreadable
    submission.cells.insert(0, odd)
    assert align_with_release(submission, release, "en") == [say("set_aside_unknown", cell=1, grade_id="-")]
    assert "nbgrader" not in submission.cells[0].metadata


def test_a_deleted_graded_cell_is_put_back_after_the_cell_before_it_in_the_release(submission, release):
    del submission.cells[position(submission, "test_answer")]
    notes = align_with_release(submission, release, "en")
    assert notes == [say("set_aside_missing", grade_id="test_answer")]
    assert position(submission, "test_answer") == position(submission, "answer") + 1
    assert submission.cells[position(submission, "test_answer")] == release.cells[position(release, "test_answer")]


def test_a_deleted_answer_cell_is_not_put_back(submission, release):
    del submission.cells[position(submission, "ratio")]
    assert align_with_release(submission, release, "en") == []
    assert "ratio" not in grade_ids(submission)


def test_what_was_set_aside_is_worded_in_the_course_language(submission, release):
    del submission.cells[position(submission, "test_ratio")]
    assert align_with_release(submission, release, "ko") == [say("set_aside_missing", "ko", grade_id="test_ratio")]


# --- the step in nbgrader's sanitizing order (c.Autograde.sanitize_preprocessors) ----------------------

@pytest.fixture
def course(tmp_path):
    """A course folder holding only the release, and the configuration the step reads."""
    (tmp_path / "release" / ASSIGNMENT).mkdir(parents=True)
    shutil.copyfile(RELEASE, tmp_path / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    return Config({"CourseDirectory": {"root": str(tmp_path)}, "KernelFeedback": {"language": "en"}})


RESOURCES = {"nbgrader": {"assignment": ASSIGNMENT, "notebook": NOTEBOOK, "student": "s01"}}


def sanitize(nb, config, steps):
    resources = copy.deepcopy(RESOURCES)
    for step in steps:
        nb, resources = step(config=config).preprocess(nb, resources)
    return nb


def duplicated(submission):
    copied = copy.deepcopy(submission.cells[position(submission, "test_ratio")])
    copied.id = "copied"
    submission.cells.insert(position(submission, "ratio"), copied)
    return submission


def test_a_copied_graded_cell_no_longer_stops_grading(submission, course):
    steps = (ClearOutput, AlignWithRelease, DeduplicateIds, CheckCellMetadataAlone)
    nb = sanitize(duplicated(submission), course, steps)
    assert grade_ids(nb).count("test_ratio") == 1
    assert set_aside(nb) == [say("set_aside_copy", cell=position(nb, "copied") + 1, grade_id="test_ratio")]


def test_without_the_step_the_copy_fails_this_notebook_alone_not_the_whole_run(submission, course):
    with pytest.raises(ValueError) as failed:
        sanitize(duplicated(submission), course, (ClearOutput, DeduplicateIds, CheckCellMetadataAlone))
    assert not isinstance(failed.value, SchemaTooOldError)


def test_a_submission_as_released_has_nothing_set_aside(submission, course):
    assert set_aside(sanitize(submission, course, (AlignWithRelease,))) == []


def test_a_missing_release_is_the_graders_fault_naming_the_assignment(submission, tmp_path):
    config = Config({"CourseDirectory": {"root": str(tmp_path)}})
    with pytest.raises(ReleaseMissing, match=ASSIGNMENT):
        sanitize(submission, config, (AlignWithRelease,))


@pytest.mark.parametrize("odd", ["a note", {"a": 1}, 5])
def test_set_aside_reads_nothing_from_odd_metadata(submission, odd):
    submission.metadata["week12"] = {"set_aside": odd}
    assert set_aside(submission) == []
