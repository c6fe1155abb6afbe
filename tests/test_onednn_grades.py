"""The same grades and the same pages on every processor TensorFlow supports.

On processors where TensorFlow turns oneDNN's custom operations on, results may differ in float
round-off, and ``import tensorflow`` prints start-up chatter. The sample class graded with oneDNN's
custom operations off (``c.SandboxedExecute.tensorflow_onednn = False``: ``TF_ENABLE_ONEDNN_OPTS=0``
in the sandbox) has every per-cell grade of the same class graded with TensorFlow's default
(``graded_class``: on where the processor has them); the verdicts are decided with the tolerances
the rubric states, so round-off does not move them. And no feedback page, graded warm (the
default) or cold, holds a line of that chatter.
"""

from __future__ import annotations

import io
import re

import nbformat
import pytest
from rich.console import Console

from autograder.contract import HOMEWORK, LAB
from autograder.demo.main_job import grade_sample_class
from autograder.demo.sample_class import ASSIGNMENTS
from tests.conftest import copy_course
from tests.submissions import answered_notebook, class_cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

# What must never reach a page: absl's notice, oneDNN's and the CPU-feature notes.
CHATTER = re.compile(r"absl::InitializeLog|oneDNN custom operations|cpu_feature_guard|port\.cc:\d+\]|"
                     r"rebuild TensorFlow with the appropriate compiler flags")


def _with_setting(course, line: str):
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\n{line}\n")
    return course


@pytest.fixture(scope="module")
def graded_without_onednn(tmp_path_factory):
    course = _with_setting(copy_course(tmp_path_factory.mktemp("onednn-off")),
                           "c.SandboxedExecute.tensorflow_onednn = False")
    grade_sample_class(course, workers=2, console=Console(file=io.StringIO(), width=200), show_progress=False)
    return course


def test_every_grade_is_the_same_with_onednn_off(graded_without_onednn, graded_class):
    off = class_cell_scores(graded_without_onednn, ASSIGNMENTS)
    on = class_cell_scores(graded_class[0], ASSIGNMENTS)
    assert len(on) > 300 and off == on


def _chatter_in_pages(course) -> dict:
    found = {}
    for page in sorted(course.folder("feedback").rglob("*.html")):
        lines = [line for line in page.read_text(encoding="utf-8").splitlines() if CHATTER.search(line)]
        if lines:
            found[str(page.relative_to(course.root))] = lines[:3]
    return found


def test_no_feedback_page_graded_warm_shows_start_up_chatter(graded_class, graded_without_onednn):
    course = graded_class[0]
    assert len(list(course.folder("feedback").rglob("*.html"))) > 60
    assert _chatter_in_pages(course) == {} and _chatter_in_pages(graded_without_onednn) == {}


def test_no_feedback_page_graded_cold_shows_start_up_chatter(own_release):
    """Cold, every kernel imports TensorFlow itself (where the chatter comes from). A student who
    imported it in a cell of their own, before the set-up cell's guard, is covered too."""
    course = own_release
    for assignment in (LAB, HOMEWORK):
        nb = answered_notebook(course, assignment.name, assignment.notebook)
        nb.cells.insert(0, nbformat.v4.new_code_cell("import sys\nimport tensorflow\nprint('mine', file=sys.stderr)"))
        submit(course, "cold-student", assignment.name, {assignment.notebook: nb})
        course.nbgrader("autograde", assignment.name, "--student", "cold-student", "--force",
                        "--SandboxedExecute.warm_start=False")
        course.nbgrader("generate_feedback", assignment.name, "--student", "cold-student", "--force")
    pages = list(course.folder("feedback", "cold-student").rglob("*.html"))
    assert len(pages) == 2 and _chatter_in_pages(course) == {}
    # The student's own stderr is theirs to see.
    assert all("mine" in page.read_text(encoding="utf-8") for page in pages)
