"""Constructors for nbgrader cells with stable ids and schema-3 metadata."""

from __future__ import annotations

from textwrap import dedent

import nbformat
from nbformat.notebooknode import NotebookNode

NBGRADER_SCHEMA_VERSION = 3


def _text(source: str) -> str:
    return dedent(source).strip("\n")


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool,
              points: float | None = None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": NBGRADER_SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def markdown(cell_id: str, source: str) -> NotebookNode:
    """A narrative cell; read-only so that instructions cannot be edited away."""
    cell = nbformat.v4.new_markdown_cell(_text(source), id=cell_id)
    cell.metadata["nbgrader"] = _nbgrader(cell_id, grade=False, solution=False, locked=True)
    return cell


def readonly_code(cell_id: str, source: str) -> NotebookNode:
    """Set-up or display code that nbgrader restores from the source if a student edits it."""
    cell = nbformat.v4.new_code_cell(_text(source), id=cell_id)
    cell.metadata["nbgrader"] = _nbgrader(cell_id, grade=False, solution=False, locked=True)
    return cell


def solution(cell_id: str, source: str) -> NotebookNode:
    """An answer cell: the ``### BEGIN/END SOLUTION`` region is removed on release."""
    cell = nbformat.v4.new_code_cell(_text(source), id=cell_id)
    cell.metadata["nbgrader"] = _nbgrader(cell_id, grade=False, solution=True, locked=False)
    return cell


def graded_tests(cell_id: str, points: float, source: str) -> NotebookNode:
    """An autograded test cell: visible checks, plus a ``### BEGIN/END HIDDEN TESTS`` region."""
    cell = nbformat.v4.new_code_cell(_text(source), id=cell_id)
    cell.metadata["nbgrader"] = _nbgrader(cell_id, grade=True, solution=False, locked=True, points=points)
    return cell


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb
