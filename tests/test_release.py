"""`nbgrader generate_assignment` releases notebooks without solutions or hidden tests.

The release itself runs the real command (``released_course``): those tests are in the nbgrader tier.
"""

from __future__ import annotations

import nbformat
import pytest

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def _region_lines(source: str, markers: tuple[str, str]) -> list[str]:
    """The non-blank lines (with something besides punctuation) between a pair of markers."""
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == markers[0]:
            inside = True
        elif line.strip() == markers[1]:
            inside = False
        elif inside and any(ch.isalnum() for ch in line):
            lines.append(line.strip())
    return lines


def _solution_lines(source: str) -> list[str]:
    return _region_lines(source, SOLUTION_MARKERS)


def _hidden_lines(source: str) -> list[str]:
    return _region_lines(source, HIDDEN_MARKERS)


def _pairs(course):
    for assignment in course.assignments:
        for notebook in course.notebooks(assignment):
            source = nbformat.read(course.root / "assignments" / assignment / notebook, as_version=4)
            released = nbformat.read(course.root / "release" / assignment / notebook, as_version=4)
            yield assignment, notebook, source, released


@pytest.mark.nbgrader
def test_every_assignment_is_released(released_course):
    assert released_course.assignments == ["week12-homework", "week12-lab", "week12-learn-kernel"]
    for assignment in released_course.assignments:
        for notebook in released_course.notebooks(assignment):
            assert (released_course.root / "release" / assignment / notebook).is_file()


@pytest.mark.nbgrader
def test_released_notebooks_hold_no_solution_code(released_course):
    for assignment, notebook, source, released in _pairs(released_course):
        released_text = "\n".join(cell.source for cell in released.cells)
        for marker in SOLUTION_MARKERS:
            assert marker not in released_text
        secret = [line for cell in source.cells for line in _solution_lines(cell.source)]
        assert secret, f"{notebook} has no solution regions at all"
        released_lines = {line.strip() for line in released_text.splitlines()}
        leaked = [line for line in secret if line in released_lines]
        assert not leaked, f"{assignment}/{notebook} releases solution lines: {leaked}"


@pytest.mark.nbgrader
def test_released_notebooks_hold_no_hidden_tests(released_course):
    for assignment, notebook, source, released in _pairs(released_course):
        released_lines = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
        for marker in HIDDEN_MARKERS:
            assert marker not in released_lines
        hidden = [line for cell in source.cells for line in _hidden_lines(cell.source)]
        # Lines such as an import may legitimately appear in visible code too; the checks that
        # decide the grade must not.
        leaked = [line for line in hidden if line in released_lines and "run_hidden_check" in line]
        assert not leaked, f"{assignment}/{notebook} releases hidden tests: {leaked}"


@pytest.mark.parametrize("assignment", ["week12-lab"])
def test_every_lab_test_cell_has_a_hidden_part(repo_course, assignment):
    for notebook in repo_course.notebooks(assignment):
        nb = nbformat.read(repo_course.root / "assignments" / assignment / notebook, as_version=4)
        graded = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) >= 8
        for cell in graded:
            assert _hidden_lines(cell.source), f"test cell {cell.id} has no hidden tests"
