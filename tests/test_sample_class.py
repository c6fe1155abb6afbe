"""The sample class: ~30 students' notebooks for every assignment, written from the release, and
the grades the graded class gives each kind of student.

The make-up tests run `nbgrader generate_assignment` (no kernels) and read the written files; the
filters' kinds are checked with the pure-numpy scorer, never by running a notebook. The grading
tests read the real gradebook of the class the main job graded (the session fixture
``graded_class``): each kind of student gets the grade that kind deserves.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta

import nbformat
import numpy as np
import pytest
from nbgrader.utils import parse_utc

from autograder.contract import HOMEWORK, HOMEWORK_SCORE_CELL, LAB
from autograder.demo.sample_class import (
    ASSIGNMENTS, BLANK, BROKEN, COPIED_PAIR, HOMEWORK_KINDS, LAB_KINDS, SAMPLE_DUE_DATE, SAMPLE_STUDENTS,
    write_sample_class,
)
from autograder.scoring import describe_kernel
from autograder.demo.submissions import strip_solution_markers
from tests.conftest import copy_course
from tests.submissions import class_cell_scores

# Homework kind -> what the scorer's describe_kernel calls such a filter.
DESCRIBED_AS = {"intended": {"intended_horizontal"}, "single_column": {"single_column_horizontal"},
                "diagonal": {"diagonal"}, "vertical": {"vertical", "single_row_vertical"},
                "smoothing": {"smoothing"}, "other": {"other"}, "zero": {"zero"}, "malformed": {"invalid"}}
TYPED = [s for s in SAMPLE_STUDENTS if s.edge_kernel_kind in DESCRIBED_AS]


@pytest.fixture(scope="module")
def sample_class(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("sample-class"))
    for assignment in ASSIGNMENTS:
        course.nbgrader("generate_assignment", assignment, "--force")
    return course, write_sample_class(course)


def _answer_sources(nb) -> dict[str, str]:
    return {cell.id: cell.source for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def _read(course, folder: str, assignment: str) -> dict[str, str]:
    return _answer_sources(nbformat.read(course.root / folder / assignment / ASSIGNMENTS[assignment],
                                         as_version=4))


def test_about_thirty_students_with_plain_ascii_ids():
    ids = [s.student_id for s in SAMPLE_STUDENTS]
    assert 28 <= len(ids) <= 34
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"s\d\d-[a-z]+", i) for i in ids), ids


@pytest.mark.nbgrader
def test_every_student_has_a_folder_for_every_assignment(sample_class):
    course, folders = sample_class
    expected = {course.root / "submitted" / s.student_id / a for s in SAMPLE_STUDENTS for a in ASSIGNMENTS}
    assert set(folders) == expected and len(folders) == len(expected)
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == sorted([ASSIGNMENTS[folder.name], "timestamp.txt"])


@pytest.mark.nbgrader
def test_answer_cells_hold_the_students_sources(sample_class):
    course, _ = sample_class
    for assignment in ASSIGNMENTS:
        reference = {cid: strip_solution_markers(src) for cid, src in _read(course, "solutions", assignment).items()}
        released = _read(course, "release", assignment)
        for student in SAMPLE_STUDENTS:
            answers = student.answers(assignment)
            if answers is BROKEN:
                continue
            path = course.root / "submitted" / student.student_id / assignment / ASSIGNMENTS[assignment]
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
            expected = released if answers is BLANK else {**reference, **answers}
            assert _answer_sources(nb) == expected, (student.student_id, assignment)


@pytest.mark.nbgrader
def test_broken_notebooks_are_not_valid_json(sample_class):
    course, _ = sample_class
    broken = [(s.student_id, a) for s in SAMPLE_STUDENTS for a in ASSIGNMENTS if s.answers(a) is BROKEN]
    assert len(broken) == 2
    for student_id, assignment in broken:
        text = (course.root / "submitted" / student_id / assignment / ASSIGNMENTS[assignment]).read_text()
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


@pytest.mark.nbgrader
def test_writing_twice_gives_identical_bytes(sample_class):
    course, folders = sample_class
    before = {p: p.read_bytes() for folder in folders for p in folder.iterdir()}
    assert write_sample_class(course) == folders
    assert {p: p.read_bytes() for folder in folders for p in folder.iterdir()} == before


@pytest.mark.nbgrader
def test_timestamps_are_nbgrader_timestamps_and_two_students_are_late(sample_class):
    course, folders = sample_class
    due = SAMPLE_DUE_DATE.replace(tzinfo=None)
    late = set()
    for folder in folders:
        submitted_at = parse_utc((folder / "timestamp.txt").read_text())
        assert due - timedelta(days=3) < submitted_at < due + timedelta(hours=2), folder
        if submitted_at > due:
            late.add(folder.parent.name)
    assert late == {s.student_id for s in SAMPLE_STUDENTS if s.minutes_late} and len(late) == 2


def test_the_copied_pair_has_identical_unusual_answers():
    students = {s.student_id: s for s in SAMPLE_STUDENTS}
    first, second = (students[i] for i in COPIED_PAIR)
    assert first.edge_kernel == second.edge_kernel and first.edge_kernel_kind == "other"
    assert [s.edge_kernel for s in SAMPLE_STUDENTS].count(first.edge_kernel) == 2


def test_class_mix_covers_every_kind():
    homework = Counter(s.edge_kernel_kind for s in SAMPLE_STUDENTS)
    lab = Counter(s.lab_kind for s in SAMPLE_STUDENTS)
    assert set(homework) == set(HOMEWORK_KINDS) and set(lab) == set(LAB_KINDS)
    assert homework["intended"] >= 6 and homework["vertical"] >= 4
    assert lab["correct"] > len(SAMPLE_STUDENTS) / 2 and lab["blank"] == 2


def test_each_lab_mistake_is_in_one_answer_cell():
    wrong = [s for s in SAMPLE_STUDENTS if s.lab_kind in ("one_mistake", "runtime_error")]
    assert all(len(s.lab_answers) == 1 for s in wrong)
    mistaken_cells = [cell for s in wrong if s.lab_kind == "one_mistake" for cell in s.lab_answers]
    assert len(mistaken_cells) == len(set(mistaken_cells)) and "keeps_edge" in mistaken_cells


@pytest.mark.parametrize("student", TYPED, ids=lambda s: s.student_id)
def test_homework_kind_agrees_with_describe_kernel(student):
    namespace = {"np": np}
    if "tf." in student.edge_kernel:
        import tensorflow as tf

        from autograder.exercises.lab_reference import lecture_step_image

        # What the homework notebook's set-up cells define before the answer cell.
        namespace.update(tf=tf, XXX=lecture_step_image().reshape(1, 50, 50, 1))
    exec(student.edge_kernel, namespace)  # noqa: S102 - this module's own fixed sources
    assert describe_kernel(namespace["kernel"]) in DESCRIBED_AS[student.edge_kernel_kind]


def test_the_learn_kernel_mix_covers_every_verdict_and_few_distinct_notebooks():
    from autograder.demo.sample_learned import LEARNED_KINDS

    kinds = Counter(s.learned_kind for s in SAMPLE_STUDENTS)
    assert set(kinds) == set(LEARNED_KINDS.values())
    assert kinds["correct"] > len(SAMPLE_STUDENTS) / 2
    assert len({s.learned for s in SAMPLE_STUDENTS}) == len(LEARNED_KINDS)  # each answer once at least


@pytest.mark.parametrize("key", sorted(set(s.learned for s in SAMPLE_STUDENTS) - {"blank"}))
def test_each_learn_kernel_answer_defines_the_functions_it_replaces(key):
    from autograder.demo.sample_learned import LEARNED_ANSWERS

    for cell, source in LEARNED_ANSWERS[key].items():
        namespace = {}
        exec(source, namespace)  # noqa: S102 - this package's own fixed sources; nothing runs but a def
        assert callable(namespace[cell])


def test_a_course_without_a_release_gets_a_clear_error(tmp_path):
    course = copy_course(tmp_path / "course")
    with pytest.raises(FileNotFoundError, match="nbgrader generate_assignment"):
        write_sample_class(course)


# --- the graded class: each kind of student gets what the kind deserves ---------------------------------

HOMEWORK_POINTS = HOMEWORK.points
LAB_POINTS = {cell.grade_id: cell.points for cell in LAB.graded_cells}
# Each lab answer cell is checked by the graded cell after it (contract.py lists both in notebook order).
CHECKED_BY = dict(zip(LAB.answer_cells, (cell.grade_id for cell in LAB.graded_cells), strict=True))


@pytest.fixture(scope="module")
def gradebook(graded_class) -> dict[tuple[str, str], dict[str, float]]:
    """(assignment, student) -> {grade id: score}, from the graded class's real gradebook; a
    student whose notebook was not graded has no entry."""
    course, _, _ = graded_class
    grades: dict = {}
    for (assignment, student, _, grade_id), score in class_cell_scores(course, ASSIGNMENTS).items():
        grades.setdefault((assignment, student), {})[grade_id] = score
    return grades


def students(*, homework=None, lab=None) -> list:
    return [s for s in SAMPLE_STUDENTS if (homework is None or s.edge_kernel_kind in homework)
            and (lab is None or s.lab_kind in lab)]


def homework_score(gradebook, student) -> float:
    return gradebook[(HOMEWORK.name, student.student_id)][HOMEWORK_SCORE_CELL]


def by_id(student) -> str:
    return student.student_id


@pytest.mark.parametrize("student", students(homework=("intended", "single_column")), ids=by_id)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_a_filter_that_finds_the_horizontal_edge_gets_full_marks_in_any_form(gradebook, student):
    """Nested lists, numpy arrays, Keras' kernel shape, a Conv2D layer's kernel, scaled, sign flipped,
    unequal weights, one column: the rubric cannot tell them from the intended filter."""
    assert homework_score(gradebook, student) == HOMEWORK_POINTS


@pytest.mark.parametrize("kind", ["diagonal", "vertical"])
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_a_filter_of_the_wrong_orientation_gets_partial_credit(gradebook, kind):
    scores = [homework_score(gradebook, student) for student in students(homework=(kind,))]
    assert scores and all(0 < score < HOMEWORK_POINTS for score in scores)


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_the_lectures_vertical_filter_gets_less_than_a_diagonal_one(gradebook):
    """A diagonal filter still peaks on the horizontal edge; the lecture's filter does not see it."""
    vertical = [homework_score(gradebook, student) for student in students(homework=("vertical",))]
    diagonal = [homework_score(gradebook, student) for student in students(homework=("diagonal",))]
    assert max(vertical) < min(diagonal)


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_a_smoothing_filter_gets_less_than_any_filter_that_responds_to_the_edge(gradebook):
    smoothing = [homework_score(gradebook, student) for student in students(homework=("smoothing",))]
    finding = [homework_score(gradebook, student) for student in students(homework=("intended", "single_column",
                                                                                    "diagonal"))]
    assert smoothing and max(smoothing) < min(finding)


@pytest.mark.parametrize("kind", ["intended", "single_column", "diagonal", "vertical"])
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_filters_of_one_kind_get_one_grade_whatever_their_scale_sign_or_form(gradebook, kind):
    assert len({homework_score(gradebook, student) for student in students(homework=(kind,))}) == 1


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_the_same_filter_from_two_students_gets_the_same_grade(gradebook):
    first, second = ({s.student_id: s for s in SAMPLE_STUDENTS}[student] for student in COPIED_PAIR)
    assert homework_score(gradebook, first) == homework_score(gradebook, second)


@pytest.mark.parametrize("student", students(homework=("zero", "malformed", "blank")), ids=by_id)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_no_filter_a_filter_that_is_not_2x2_or_an_untouched_notebook_gets_nothing(gradebook, student):
    assert homework_score(gradebook, student) == 0


@pytest.mark.parametrize("student", students(lab=("correct",)), ids=by_id)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_a_correct_lab_gets_full_marks_in_every_step(gradebook, student):
    assert gradebook[(LAB.name, student.student_id)] == LAB_POINTS


@pytest.mark.parametrize("student", students(lab=("one_mistake", "runtime_error")), ids=by_id)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_one_mistake_or_one_crash_costs_only_the_step_it_is_in(gradebook, student):
    (wrong,) = (CHECKED_BY[answer_cell] for answer_cell in student.lab_answers)
    assert gradebook[(LAB.name, student.student_id)] == {**LAB_POINTS, wrong: 0}


@pytest.mark.parametrize("student", students(lab=("blank",)), ids=by_id)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_an_untouched_lab_is_graded_and_gets_nothing_in_every_step(gradebook, student):
    assert gradebook[(LAB.name, student.student_id)] == {grade_id: 0 for grade_id in LAB_POINTS}


TRUNCATED = [(s.student_id, a) for s in SAMPLE_STUDENTS for a in ASSIGNMENTS if s.answers(a) is BROKEN]


@pytest.mark.parametrize("student, assignment", TRUNCATED)
@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_a_truncated_notebook_gets_no_grade_not_a_zero_and_the_other_assignment_is_graded(gradebook, student,
                                                                                           assignment):
    other = next(name for name in ASSIGNMENTS if name != assignment)
    assert (assignment, student) not in gradebook and (other, student) in gradebook
