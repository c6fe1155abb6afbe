"""Where no sandbox can be made, trusted grading stops with a reason unless the course opts out."""

from __future__ import annotations

import nbformat
import pytest

from autograder.authoring import week12_homework as homework
from autograder.grading import sandboxed_execute
from autograder.grading.sandboxed_execute import SandboxedExecute, SandboxRequired
from tests.submissions import strip_solution_markers

pytestmark = pytest.mark.nbgrader


def _answered_source_notebook():
    nb = homework.build()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = strip_solution_markers(cell.source)
    return nb


@pytest.fixture
def no_sandbox_here(monkeypatch):
    # Stands in for a machine without user namespaces or bwrap; the grading itself is real.
    monkeypatch.setattr(sandboxed_execute, "sandbox_problem", lambda *_: "bwrap: no permission to create namespaces")


def test_grading_stops_and_says_why(no_sandbox_here):
    with pytest.raises(SandboxRequired, match="no permission to create namespaces.*allow_unsandboxed"):
        SandboxedExecute().preprocess(_answered_source_notebook(), {})


def test_opting_out_still_grades_outside_the_students_kernel(no_sandbox_here, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb, _ = SandboxedExecute(allow_unsandboxed=True).preprocess(_answered_source_notebook(), {})
    graded = next(cell for cell in nb.cells if cell.get("id") == homework.SCORE_GRADE_ID)
    results = [out for out in graded.outputs if out.output_type == "execute_result"]
    assert [out.data["text/plain"] for out in results] == [repr(float(homework.SCORE_POINTS))]
    assert "run_hidden_check" not in nbformat.writes(nb)
