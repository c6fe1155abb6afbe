"""Every source notebook (answers and hidden tests included) runs top to bottom without errors."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.nbgrader

SOURCE_NOTEBOOKS = sorted((REPO_ROOT / "assignments").glob("*/*.ipynb"))


def test_there_are_source_notebooks():
    assert [p.parent.name for p in SOURCE_NOTEBOOKS] == ["week12-homework", "week12-lab", "week12-learn-kernel"]


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_source_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    # A last cell reports which TensorFlow the kernel really ran.
    probe = nbformat.v4.new_code_cell("import tensorflow as tf; print(tf.__version__)")
    nb.cells.append(probe)
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [(cell.id, out.ename, out.evalue) for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    assert not errors
    printed = "".join(out.get("text", "") for out in probe.outputs if out.output_type == "stream")
    assert printed.startswith("2.21."), printed
