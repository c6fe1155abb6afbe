"""Preparing a notebook for the sandbox: every graded cell becomes a capture of its answer.

The student's cells are kept as they are; each graded (test) cell's source is replaced by the
call that saves the answers it needs as plain data (``autograder.inside.capture``), so no test
code, hidden or visible, ever runs next to student code, and no test source is ever shown to it.
"""

from __future__ import annotations

import json

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils

from autograder.run.run_records import PreparedRun, RunSettings, run_key
from autograder.answers.protocol import capture_source


def graded_code_cells(nb: NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code" and utils.is_grade(cell)]


def prepare_run(nb: NotebookNode, sandboxed: bool, settings: RunSettings) -> PreparedRun:
    """Exactly what the sandbox will be given for ``nb``, and the key naming that input."""
    sandbox_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    grade_ids, graded_cells = [], {}
    for index, cell in enumerate(sandbox_nb.cells):
        if cell.cell_type != "code":
            continue
        if utils.is_grade(cell):
            grade_ids.append(cell.metadata.nbgrader.grade_id)
            graded_cells[str(index)] = cell.metadata.nbgrader.grade_id
            cell.source = capture_source(cell.metadata.nbgrader.grade_id)
        cell.outputs, cell.execution_count = [], None
    notebook_text = nbformat.writes(sandbox_nb)
    settings_text = json.dumps({
        "cell_timeout": settings.cell_timeout, "cell_output_chars": settings.cell_output_chars,
        "kernel_name": nb.metadata.get("kernelspec", {}).get("name", "python3"),
        "language": settings.language, "graded_cells": graded_cells,
    })
    key = run_key(notebook_text.encode(), settings_text.encode(), repr(settings.limits).encode(),
                  json.dumps(grade_ids).encode(), str(sandboxed).encode(),
                  str(settings.max_notebook_bytes).encode(), str(settings.tensorflow_onednn).encode())
    return PreparedRun(notebook_text, settings_text, tuple(grade_ids), sandboxed, key)
