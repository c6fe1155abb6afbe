"""The copies the notebooks carry for use without the course package agree with the package.

The released notebooks' collapsed ``offline-tools`` cell holds the sources of ``i18n``, the lab's
visible tests and ``notebook/offline.py``; ``_week12_tools`` runs them only where ``import
autograder.notebook`` fails. Here they are taken from the notebook as released and compared, value
for value and message for message, with what the course package gives.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import nbformat
import numpy as np
import pytest

import autograder.notebook as package
from autograder.authoring.common import LEARN_OFFLINE_SOURCES, OFFLINE_SOURCES, PACKAGE
from autograder.contract import HOMEWORK, LAB, LEARN_KERNEL
from autograder.exercises import lab_visible
from tests.conftest import REPO_ROOT


def _offline_cell(assignment):
    nb = nbformat.read(REPO_ROOT / "assignments" / assignment.name / assignment.notebook, as_version=4)
    return next(cell for cell in nb.cells if cell.get("id") == "offline-tools")


SOURCES = {LAB.name: OFFLINE_SOURCES, HOMEWORK.name: OFFLINE_SOURCES, LEARN_KERNEL.name: LEARN_OFFLINE_SOURCES}


def _tools(assignment):
    cell_namespace = {}
    exec(_offline_cell(assignment).source, cell_namespace)
    tools = {"__name__": "week12_offline"}
    for source in cell_namespace["_WEEK12_OFFLINE_SOURCES"]:
        exec(source, tools)
    return cell_namespace, tools


@pytest.fixture(scope="module", params=[LAB, HOMEWORK, LEARN_KERNEL], ids=lambda a: a.name)
def offline(request):
    """What ``_week12_tools`` gives where the course package is absent, and the assignment."""
    return (*_tools(request.param), request.param)


def test_the_notebooks_carry_the_current_sources(offline):
    cell_namespace, _, assignment = offline
    assert list(cell_namespace["_WEEK12_OFFLINE_SOURCES"]) == [
        (PACKAGE / name).read_text(encoding="utf-8") for name in SOURCES[assignment.name]]


def test_with_the_course_package_the_notebook_uses_it(offline):
    cell_namespace, _, _ = offline
    names = ("STEP_IMAGE_SEED", "lecture_step_image", "use_korean_font", "visible", "visible_check",
             "grade_edge_kernel", "check_training", "grade_learned_kernel")
    assert cell_namespace["_week12_tools"](*names) == [getattr(package, name) for name in names]


def test_the_offline_cell_is_collapsed_and_read_only(offline):
    cell = _offline_cell(LAB)
    assert cell.metadata["jupyter"]["source_hidden"] is True and cell.metadata["nbgrader"]["locked"] is True


def test_the_step_image_is_the_packages(offline):
    _, tools, _ = offline
    assert tools["STEP_IMAGE_SEED"] == package.STEP_IMAGE_SEED
    np.testing.assert_array_equal(tools["lecture_step_image"](), package.lecture_step_image())
    np.testing.assert_array_equal(tools["lecture_step_image"](3), package.lecture_step_image(3))


# (check, arguments): right and wrong forms of every lab answer the visible tests see
IMAGE = package.lecture_step_image()
CASES = [
    ("step_image", (IMAGE.reshape(1, 50, 50, 1),)), ("step_image", (IMAGE,)), ("step_image", (None,)),
    ("lazy_weights", (0, (2, 2, 1, 2))), ("lazy_weights", (2, (2, 2, 1, 2))), ("lazy_weights", (0, [2, 2, 1])),
    ("lazy_weights", (np.zeros(3), (2, 2, 1, 2))),
    ("set_filters", (np.zeros((1, 49, 49)), np.zeros((49, 49)))), ("set_filters", (np.zeros((48, 49)), np.zeros((49, 49)))),
    ("stacked_filters", ({k: np.zeros((48, 48)) for k in lab_visible.COMPOSITIONS},)),
    ("stacked_filters", ({"mean->mean": np.zeros((48, 48))},)), ("stacked_filters", ([1, 2],)),
    ("keeps_edge", (dict.fromkeys(lab_visible.COMPOSITIONS, True),)),
    ("keeps_edge", (dict.fromkeys(lab_visible.COMPOSITIONS, None),)),
    ("keeps_edge", (dict.fromkeys(lab_visible.COMPOSITIONS, "True"),)),
    ("stride_padding", (49,)), ("stride_padding", (50,)), ("stride_padding", ("49",)),
    ("pooling", (np.zeros((2, 2)),)), ("pooling", (np.zeros((4, 4)),)),
    ("parameter_sharing", (1800, 8)), ("parameter_sharing", (8, 1800)), ("parameter_sharing", (None, 8)),
    ("basic_unit", ([1, 2, 3],)), ("basic_unit", ([1, 2],)), ("basic_unit", (None,)),
]


def _outcome(check, arguments):
    printed = io.StringIO()
    try:
        with redirect_stdout(printed):
            check(*arguments)
    except AssertionError as failure:
        return "failed", type(failure).__name__, str(failure)
    return "passed", printed.getvalue()


@pytest.mark.parametrize("name, arguments", CASES)
def test_each_visible_check_says_what_the_packages_says(offline, name, arguments):
    _, tools, _ = offline
    assert _outcome(getattr(tools["visible"], name), arguments) == _outcome(getattr(package.visible, name), arguments)


def test_the_cases_cover_passing_and_failing(offline):
    outcomes = {_outcome(getattr(package.visible, name), arguments)[0] for name, arguments in CASES}
    assert outcomes == {"passed", "failed"}


@pytest.mark.parametrize("kernel", [[[-1, -1], [1, 1]], [[-1, 1], [-1, 1]], [[1, 0], [0, -1]], [[0.2, 0.1], [0.3, 0.4]],
                                    np.array([[1.0, 1.0], [-1.0, -1.0]]).reshape(2, 2, 1, 1)])
def test_the_homework_visible_check_counts_as_the_package_does(offline, kernel):
    _, tools, _ = offline
    image = package.lecture_step_image().T
    printed = io.StringIO()
    with redirect_stdout(printed):
        tools["visible_check"](kernel, image)
    found, total = package.visible_check(kernel, image).columns_on_edge
    assert f"{found}/{total}개 열" in printed.getvalue()


@pytest.mark.parametrize("kernel", [[[1, 2, 3]], "abc", [[np.nan, 1], [1, 1]]])
def test_the_homework_visible_check_refuses_what_the_package_refuses(offline, kernel):
    _, tools, _ = offline
    printed = io.StringIO()
    with redirect_stdout(printed):
        tools["visible_check"](kernel, package.lecture_step_image().T)
    assert package.visible_check(kernel).verdict.problem is not None
    assert "형식 오류" in printed.getvalue() and "0점" in printed.getvalue()


def test_the_offline_score_cell_computes_no_score(offline):
    _, tools, _ = offline
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert tools["grade_edge_kernel"]([[-1, -1], [1, 1]], out_of=10) is None
    assert "채점에서 계산합니다" in printed.getvalue()


# --- the learn-kernel notebook's check -------------------------------------------------------

def _edge_target(image, edge_row):
    target = np.zeros((49, 49))
    target[edge_row] = 1.0
    return target


def _least_squares(image, target):
    windows = np.stack([image[:-1, :-1].ravel(), image[:-1, 1:].ravel(), image[1:, :-1].ravel(),
                        image[1:, 1:].ravel()], axis=1)
    kernel = np.linalg.lstsq(windows, np.ravel(target), rcond=None)[0]
    return kernel.reshape(2, 2), [0.02, 0.01, 0.0068]


def _vertical(image, target):
    return np.array([[-1.0, 1.0], [-1.0, 1.0]]), np.array([1.0, 0.9])


@pytest.mark.parametrize("learn_kernel", [_least_squares, _vertical])
def test_the_learn_check_prints_what_the_package_says(learn_kernel):
    _, tools = _tools(LEARN_KERNEL)
    image = package.lecture_step_image().T
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert tools["check_training"](_edge_target, learn_kernel, image, 24) is None
    checked = package.check_training(_edge_target, learn_kernel, image, 24)
    assert printed.getvalue().splitlines()[:4] == list(checked.lines[:4])


def test_the_learn_check_refuses_a_crash_there_too():
    _, tools = _tools(LEARN_KERNEL)
    printed = io.StringIO()
    with redirect_stdout(printed):
        tools["check_training"](_edge_target, lambda image, target: 1 / 0, package.lecture_step_image().T, 24)
    assert "ZeroDivisionError" in printed.getvalue()


def test_the_offline_learn_score_cell_computes_no_score():
    _, tools = _tools(LEARN_KERNEL)
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert tools["grade_learned_kernel"](_edge_target, _least_squares, out_of=10) is None
    assert "채점에서" in printed.getvalue()
