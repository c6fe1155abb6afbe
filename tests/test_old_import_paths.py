"""Notebooks released before ``autograder.notebook`` import from ``autograder.lab.checks``,
``autograder.lab.reference``, ``autograder.homework`` and ``autograder.plotting``: those paths stay,
each giving the very object the new one gives.

``fixtures/released_before.ipynb`` holds, word for word, the lines that import from the package in
the notebooks released before it (the lab's and the homework's set-up, visible-test and graded
cells, from git history before commit 3054626), with the calls they make; here its cells run as a
kernel runs them, one after another in one namespace, each showing its last expression.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

import autograder.exercises.lab_checks as lab_checks
import autograder.exercises.lab_reference as lab_reference
import autograder.notebook as notebook

RELEASED_BEFORE = Path(__file__).parent / "fixtures" / "released_before.ipynb"

# old module -> the names released notebooks took from it, and where each lives now
OLD_PATHS = {
    "autograder.lab.reference": {"STEP_IMAGE_SEED": notebook, "lecture_step_image": notebook},
    "autograder.homework": {"visible_check": notebook, "grade_edge_kernel": notebook},
    "autograder.plotting": {"use_korean_font": notebook},
    "autograder.lab.checks": {"check_step_image_shape": notebook},
}


@pytest.mark.parametrize("old, name", [(old, name) for old, names in OLD_PATHS.items() for name in names])
def test_an_old_import_path_gives_the_same_object_as_the_new_one(old, name):
    assert getattr(importlib.import_module(old), name) is getattr(OLD_PATHS[old][name], name)


def public(module) -> set[str]:
    return {name for name in vars(module) if not name.startswith("_") and callable(getattr(module, name))
            and getattr(getattr(module, name), "__module__", None) == module.__name__}


@pytest.mark.parametrize("old, new", [("autograder.lab.checks", lab_checks),
                                      ("autograder.lab.reference", lab_reference)])
def test_every_check_and_reference_function_is_still_at_its_old_path(old, new):
    """Older releases called the lab's checks one by one (``checks.check_pooled_image``, ...)."""
    module = importlib.import_module(old)
    assert public(new) and {name: getattr(module, name, None) for name in public(new)} == \
        {name: getattr(new, name) for name in public(new)}


def test_the_constants_older_releases_read_are_still_there():
    import autograder.lab.checks as checks
    import autograder.lab.reference as reference
    import autograder.plotting as plotting
    from autograder.scoring import figure

    assert (checks.COMPOSITIONS, checks.EDGE_COLUMNS_AFTER_TWO_FILTERS, checks.EDGE_KEPT_THRESHOLD,
            checks.FLOAT32_ATOL) == (lab_checks.COMPOSITIONS, lab_checks.EDGE_COLUMNS_AFTER_TWO_FILTERS,
                                     lab_checks.EDGE_KEPT_THRESHOLD, lab_checks.FLOAT32_ATOL)
    assert reference.STEP_IMAGE_SEED == notebook.STEP_IMAGE_SEED
    assert plotting.korean_font_path is figure.korean_font_path
    assert plotting.KOREAN_FONT_FAMILY == figure.KOREAN_FONT_FAMILY


def run_cell(source: str, namespace: dict):
    """Run a code cell's source in ``namespace``; returns the value its last expression shows."""
    module = ast.parse(source)
    last = module.body.pop() if module.body and isinstance(module.body[-1], ast.Expr) else None
    exec(compile(module, "<cell>", "exec"), namespace)  # noqa: S102 - the fixture's own cells
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None  # noqa: S307


def test_a_notebook_released_before_runs_its_import_lines_and_calls():
    cells = [cell for cell in nbformat.read(RELEASED_BEFORE, as_version=4).cells if cell.cell_type == "code"]
    namespace: dict = {}
    with matplotlib.rc_context():  # use_korean_font() sets matplotlib's fonts, as it does in a kernel
        shown = {cell.id: run_cell(cell.source, namespace) for cell in cells}
    assert np.array_equal(namespace["XXX"].reshape(50, 50), notebook.lecture_step_image(notebook.STEP_IMAGE_SEED))
    assert shown["visible-check"].columns_on_edge == (49, 49)
    assert shown["edge_kernel_score"] == 10  # the intended filter, scored out of 10
