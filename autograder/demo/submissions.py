"""Student submissions made the way students make them: a released notebook, answers typed in.

Used by the test suite, the benchmarks and the sample class.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.course import Course

MARKER_LINES = {"### BEGIN SOLUTION", "### END SOLUTION"}


def strip_solution_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKER_LINES)


def answered_notebook(course: Course, assignment: str, notebook: str,
                      overrides: dict[str, str] | None = None) -> NotebookNode:
    """The released notebook with every answer cell filled from the worked solution, except the
    cells in ``overrides`` (cell id -> source), which get that source instead."""
    overrides = overrides or {}
    released = nbformat.read(course.folder("release", assignment=assignment) / notebook, as_version=4)
    solved = nbformat.read(course.folder("solution", assignment=assignment) / notebook, as_version=4)
    answers = {cell.id: strip_solution_markers(cell.source) for cell in solved.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    unknown = set(overrides) - set(answers)
    if unknown:
        raise ValueError(f"not answer cells: {sorted(unknown)}")
    for cell in released.cells:
        if cell.id in overrides:
            cell.source = overrides[cell.id]
        elif cell.id in answers:
            cell.source = answers[cell.id]
    return released


def submit(course: Course, student: str, assignment: str, notebooks: dict[str, NotebookNode]) -> Path:
    folder = course.folder("submitted", student, assignment)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
    return folder


def submit_blank(course: Course, student: str, assignment: str) -> Path:
    notebooks = {name: nbformat.read(course.folder("release", assignment=assignment) / name, as_version=4)
                 for name in course.notebooks(assignment)}
    return submit(course, student, assignment, notebooks)
