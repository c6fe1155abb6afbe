"""The committed notebooks are exactly what their builders and nbgrader's solution step produce."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder.authoring.build import rendered_notebooks
from tests.conftest import REPO_ROOT


def _source_path(assignment: str, notebook: str):
    return REPO_ROOT / "assignments" / assignment / notebook


def test_source_notebooks_match_their_builders():
    stale = [str(_source_path(*key)) for key, text in rendered_notebooks().items()
             if not _source_path(*key).exists() or _source_path(*key).read_text(encoding="utf-8") != text]
    assert not stale, f"out of date (run `week12 build-notebooks`): {stale}"


def test_source_notebooks_are_committed_without_outputs():
    for key in rendered_notebooks():
        path = _source_path(*key)
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (path, cell.id)


def _canonical(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps(nb, sort_keys=True, ensure_ascii=False)


@pytest.mark.nbgrader
def test_committed_solutions_match_nbgrader_generate_solution(own_release):
    for assignment in own_release.assignments:
        own_release.nbgrader("generate_solution", assignment, "--force")
        for notebook in own_release.notebooks(assignment):
            fresh = own_release.root / "solutions" / assignment / notebook
            committed = REPO_ROOT / "solutions" / assignment / notebook
            assert committed.exists(), f"missing {committed}: run `week12 build-notebooks`"
            assert _canonical(fresh) == _canonical(committed), (
                f"solutions/{assignment}/{notebook} is out of date: run `week12 build-notebooks`"
            )
