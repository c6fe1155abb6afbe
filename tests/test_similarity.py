"""Who handed in whose work: planted copies are found, honest students are not, shared code is
never evidence. Pure functions on code text; the class is generated (any seed gives a class of
the same kind), so these hold for held-out classes, not for one fixed class."""

from __future__ import annotations

import ast
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder.report.code_form import bound_names, normal_form, parse_cell
from autograder.report.similarity import OTHER_CODE, SubmittedCode, compare_class
from tests.similarity_class import lab_shared_code, planted_class, submitted_code

REPO_ROOT = Path(__file__).resolve().parents[1]
ANSWER_CELLS, SHARED = lab_shared_code(REPO_ROOT)
T0 = datetime(2026, 5, 24, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module", params=[23, 2026])
def planted(request):
    planted = planted_class(request.param)
    return planted, compare_class(submitted_code(planted), ANSWER_CELLS, SHARED)


# --- the planted class ------------------------------------------------------------------------------

def test_the_class_has_thirty_honest_students_or_more_and_five_copies(planted):
    planted, _ = planted
    assert len(planted.honest) >= 30 and len(planted.copies) == 5
    assert planted.original in planted.honest and not set(planted.copies.values()) & set(planted.honest)


def test_every_planted_pair_is_flagged(planted):
    planted, result = planted
    assert planted.planted_pairs <= {pair.students for pair in result.pairs}


def test_no_honest_pair_is_flagged(planted):
    planted, result = planted
    assert [pair.students for pair in result.pairs if pair.students not in planted.planted_pairs] == []


def test_the_copies_are_one_group_led_by_the_original(planted):
    planted, result = planted
    assert len(result.groups) == 1
    group = result.groups[0]
    assert set(group.students) == planted.group and group.students[0] == planted.original
    assert len(group.links) == len(group.students) - 1  # one link per member, not n^2 pairs
    assert {link.first for link in group.links} == {planted.original}


@pytest.mark.parametrize("kind", ["renamed", "reordered", "recommented", "copy_of_copy"])
def test_every_copied_cell_is_shown_as_the_same(planted, kind):
    planted, result = planted
    pair = next(p for p in result.pairs if p.students == {planted.original, planted.copies[kind]})
    assert pair.score == pytest.approx(1.0)
    for cell in pair.cells:
        assert cell.matched or (cell.same_form and not cell.own_code), cell.cell


def test_the_retyped_answer_differs_and_the_rest_is_shown_as_copied(planted):
    planted, result = planted
    pair = next(p for p in result.pairs if p.students == {planted.original, planted.copies["retyped"]})
    cells = {cell.cell: cell for cell in pair.cells}
    retyped = cells[planted.retyped_cell]
    assert not retyped.same_form and retyped.share < 1  # a retyped answer may still share a line or two
    for name, cell in cells.items():
        if name != planted.retyped_cell:
            assert cell.matched or (cell.same_form and not cell.own_code), name


def test_matching_lines_are_marked_on_both_sides_of_a_copied_cell(planted):
    planted, result = planted
    pair = next(p for p in result.pairs if p.students == {planted.original, planted.copies["renamed"]})
    cell = next(cell for cell in pair.cells if cell.matched)
    original_lines, copy_lines = cell.lines
    assert any(line.marked for line in original_lines) and any(line.marked for line in copy_lines)
    source = planted.students[planted.original].answers.get(cell.cell, "")
    assert [line.text for line in original_lines] == source.split("\n")


def test_who_handed_in_first_comes_first(planted):
    planted, result = planted
    for pair in result.pairs:
        assert pair.times[0] <= pair.times[1]
        assert pair.times == (planted.students[pair.first].submitted_at, planted.students[pair.second].submitted_at)


def test_honest_answers_are_varied_and_share_the_short_correct_lines(planted):
    planted, _ = planted
    forms = {cell: Counter() for cell in ANSWER_CELLS}
    for student in planted.honest:
        answers = planted.students[student].answers
        for cell in ANSWER_CELLS:
            parsed = parse_cell(answers[cell])
            forms[cell][tuple(t.text for t in normal_form(parsed, bound_names(parsed)))] += 1
    for cell in set(ANSWER_CELLS) - {"keeps_edge"}:
        assert len(forms[cell]) >= 8, cell  # many ways of writing each answer, names and literals aside
    set_weights = sum("conv.set_weights([" in planted.students[s].answers["set_filters"] for s in planted.honest)
    assert set_weights >= len(planted.honest) // 2


def test_every_copy_is_valid_python_unlike_its_source_text(planted):
    planted, _ = planted
    original = planted.students[planted.original].answers
    for kind, student in planted.copies.items():
        answers = planted.students[student].answers
        for source in answers.values():
            ast.parse(source)
        assert answers != original, kind


# --- shared code is never evidence ----------------------------------------------------------------------

def _student(name: str, minutes: int, **answers) -> SubmittedCode:
    return SubmittedCode(name, answers, (), T0 + timedelta(minutes=minutes))


def _class_of(planted_seed: int, count: int):
    """``count`` honest students of a generated class."""
    planted = planted_class(planted_seed, honest=count)
    return [code for code in submitted_code(planted) if code.student in planted.honest]


def test_students_who_handed_in_the_reference_solution_are_not_flagged():
    reference = dict(zip(ANSWER_CELLS, SHARED.reference))
    students = _class_of(5, 8) + [_student("a", 1, **reference), _student("b", 2, **reference)]
    assert compare_class(students, ANSWER_CELLS, SHARED).pairs == ()


def test_code_that_a_fifth_of_the_class_writes_alike_is_not_evidence():
    students = _class_of(6, 8)
    unusual = planted_class(99, honest=1)
    lab = next(iter(unusual.students.values())).answers
    students += [_student(f"same{i}", i, **lab) for i in range(3)]  # 3 of 11: more than 20%
    assert compare_class(students, ANSWER_CELLS, SHARED).pairs == ()


def test_the_same_code_from_two_students_of_eleven_is_flagged():
    students = _class_of(6, 9)
    lab = next(iter(planted_class(99, honest=1).students.values())).answers
    students += [_student("early", 1, **lab), _student("late", 90, **lab)]
    pairs = compare_class(students, ANSWER_CELLS, SHARED).pairs
    assert [(pair.first, pair.second) for pair in pairs] == [("early", "late")]


def test_short_common_lines_alone_are_never_flagged():
    lines = "conv.set_weights([w, b])\nXXX0 = conv(XXX)[..., 0]\nXXX1 = conv(XXX)[..., 1]\n"
    students = [_student(f"s{i}", i, set_filters=f"w = np.zeros((2, 2, 1, 2)) + {i}\nb = np.zeros(2)\n" + lines)
                for i in range(6)]
    assert compare_class(students, ANSWER_CELLS, SHARED).pairs == ()


def test_code_moved_to_another_cell_is_found_in_the_whole_notebook():
    lab = next(iter(planted_class(7, honest=1).students.values())).answers
    moved = dict(lab)
    pooling = moved.pop("pooling")
    students = _class_of(8, 9) + [_student("a", 1, **lab),
                                  SubmittedCode("b", moved, (pooling,), T0 + timedelta(minutes=5))]
    pair = next(p for p in compare_class(students, ANSWER_CELLS, SHARED).pairs if p.students == {"a", "b"})
    assert max(pair.notebook_shares) >= 0.85
    assert {cell.cell for cell in pair.cells} >= {"pooling", OTHER_CODE}


def test_broken_empty_and_odd_submissions_do_not_stop_the_comparison():
    lab = next(iter(planted_class(3, honest=1).students.values())).answers
    odd = [_student("empty", 1), _student("broken", 2, pooling="def max_pool_2x2(image:\n  return ("),
           _student("deep", 3, pooling="(" * 3000), _student("nul", 4, pooling="x\x00 = 1"),
           SubmittedCode("no-time", {"step_image": "%%time\nXXX = 1"}, ("!ls",), None)]
    students = _class_of(4, 9) + odd + [_student("a", 5, **lab), _student("b", 6, **lab)]
    result = compare_class(students, ANSWER_CELLS, SHARED)
    assert result.students == len(students)
    assert [pair.students for pair in result.pairs] == [{"a", "b"}]
