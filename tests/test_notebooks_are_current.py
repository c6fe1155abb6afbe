"""The committed notebooks are exactly what their builders and nbgrader's solution step produce."""

from __future__ import annotations

import json

import nbformat

from autograder.authoring.build import rendered_notebooks
from tests.conftest import REPO_ROOT


def test_source_notebooks_match_their_builders():
    stale = [str(path) for path, text in rendered_notebooks().items()
             if not (REPO_ROOT / path).exists() or (REPO_ROOT / path).read_text(encoding="utf-8") != text]
    assert not stale, f"out of date (run `week12 build-notebooks`): {stale}"


def test_source_notebooks_are_committed_without_outputs():
    for path in rendered_notebooks():
        nb = nbformat.read(REPO_ROOT / path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (path, cell.id)


def _canonical(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps(nb, sort_keys=True, ensure_ascii=False)


def test_committed_solutions_match_nbgrader_generate_solution(released_course):
    for assignment in released_course.assignments:
        released_course.nbgrader("generate_solution", assignment, "--force")
        for notebook in released_course.notebooks(assignment):
            fresh = released_course.root / "solutions" / assignment / notebook
            committed = REPO_ROOT / "solutions" / assignment / notebook
            assert committed.exists(), f"missing {committed}: run `week12 build-notebooks`"
            assert _canonical(fresh) == _canonical(committed), (
                f"solutions/{assignment}/{notebook} is out of date: run `week12 build-notebooks`"
            )
