"""Real `nbgrader autograde` of the lab: real kernels, real TensorFlow, the real gradebook."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import Course
from tests.submissions import answered_notebook, cell_scores, pool_body, pooling_cell, submit, submit_blank

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = "week12-lab", "conv_lab.ipynb"

# One answer per lecture step that has the right shapes (so the visible tests pass) but wrong
# values; the hidden tests of that step must catch it.
WRONG_VALUES = {
    "step_image": ("test_step_image", """
_X1 = tnp.ones([50, 25]) * 10
_X2 = tnp.zeros([50, 25])
_noise = np.random.default_rng(STEP_IMAGE_SEED + 1).standard_normal((50, 50))
XXX = (tf.concat([_X1, _X2], axis=1) + _noise).reshape(1, 50, 50, 1)
"""),
    "lazy_weights": ("test_lazy_weights", """
conv = tf.keras.layers.Conv2D(2, (3, 3))
n_weights_before = len(conv.weights)
conv(XXX)
n_weights_after = len(conv.weights)
kernel_shape = (2, 2, 1, 2)
bias_shape = (2,)
"""),
    "set_filters": ("test_set_filters", """
w0 = [[0.25, 0.25], [0.25, 0.25]]
w1 = [[-1.0, 1.0], [-1.0, 1.0]]
w = np.concatenate([np.array(w1).reshape(2, 2, 1, 1), np.array(w0).reshape(2, 2, 1, 1)], axis=-1)
conv.set_weights([w, np.zeros(2)])
XXX0 = conv(XXX)[..., 0]
XXX1 = conv(XXX)[..., 1]
"""),
    "stacked_filters": ("test_stacked_filters", """
_same = conv(XXX0.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48)
twice = {"mean->mean": _same, "mean->edge": _same, "edge->mean": _same, "edge->edge": _same}
"""),
    "keeps_edge": ("test_keeps_edge", """
keeps_edge = {"mean->mean": True, "mean->edge": True, "edge->mean": True, "edge->edge": True}
"""),
    "stride_padding": ("test_stride_padding", """
def conv_output_size(n, k, stride=1, padding="valid"):
    return (n - k) // stride + 1

shape_stride2 = (1, 25, 25, 1)
shape_same = (1, 50, 50, 1)
"""),
    "pooling": ("test_pooling", pooling_cell(pool_body("mean"))),
    "parameter_sharing": ("test_parameter_sharing", """
n_dense_weights = 36 * 50 + 50
n_conv_weights = 10
n_conv_params_keras = 10
"""),
    "basic_unit": ("test_basic_unit", """
unit = tf.keras.Sequential([
    tf.keras.Input((50, 50, 1)),
    tf.keras.layers.Conv2D(2, (3, 3)),
    tf.keras.layers.Activation("relu"),
    tf.keras.layers.MaxPooling2D(pool_size=(2, 2)),
])
unit_output_shapes = [(1, 49, 49, 2), (1, 49, 49, 2), (1, 24, 24, 2)]
"""),
}


@pytest.fixture(scope="module")
def graded_lab(own_release):
    course = own_release
    submit(course, "reference", ASSIGNMENT, {NOTEBOOK: answered_notebook(course, ASSIGNMENT, NOTEBOOK)})
    submit_blank(course, "blank", ASSIGNMENT)
    for cell_id, (_, wrong_source) in WRONG_VALUES.items():
        nb = answered_notebook(course, ASSIGNMENT, NOTEBOOK, {cell_id: wrong_source})
        submit(course, f"wrong-{cell_id}", ASSIGNMENT, {NOTEBOOK: nb})
    course.nbgrader("autograde", ASSIGNMENT, "--force")
    return course


def test_reference_solution_gets_full_marks(graded_lab):
    scores = cell_scores(graded_lab, ASSIGNMENT, "reference")
    assert len(scores) == 9
    assert {name: score for name, (score, _) in scores.items()} == {
        name: max_score for name, (_, max_score) in scores.items()}


def test_blank_release_gets_zero(graded_lab):
    scores = cell_scores(graded_lab, ASSIGNMENT, "blank")
    assert len(scores) == 9
    assert all(score == 0 for score, _ in scores.values()), scores


@pytest.mark.parametrize("answer_cell", sorted(WRONG_VALUES))
def test_hidden_tests_catch_right_shapes_with_wrong_values(graded_lab, answer_cell):
    test_cell, _ = WRONG_VALUES[answer_cell]
    scores = cell_scores(graded_lab, ASSIGNMENT, f"wrong-{answer_cell}")
    assert scores[test_cell][0] == 0, scores
    # The steps before the wrong one are untouched and keep their points.
    source = nbformat.read(graded_lab.root / "assignments" / ASSIGNMENT / NOTEBOOK, as_version=4)
    order = [cell.id for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    for earlier in order[: order.index(test_cell)]:
        assert scores[earlier][0] == scores[earlier][1], (earlier, scores)


@pytest.mark.parametrize("answer_cell", sorted(WRONG_VALUES))
def test_wrong_values_pass_the_visible_tests(graded_lab, answer_cell):
    """The same answers pass the tests a student sees: only the hidden tests tell them apart."""
    test_cell, _ = WRONG_VALUES[answer_cell]
    folder = graded_lab.root / "submitted" / f"wrong-{answer_cell}" / ASSIGNMENT
    nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    cut = next(i for i, cell in enumerate(nb.cells) if cell.id == test_cell)
    nb.cells = nb.cells[: cut + 1]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    errors = [(cell.id, out.get("ename")) for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    assert not [e for e in errors if e[0] == test_cell], errors


@pytest.fixture(scope="module")
def graded_lab_optimized(graded_lab, tmp_path_factory):
    """The same submissions graded again with PYTHONOPTIMIZE=1 in the grader's environment."""
    import shutil

    course = Course(tmp_path_factory.mktemp("optimized") / "course")
    shutil.copytree(graded_lab.root, course.root, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONOPTIMIZE", "1")
        course.nbgrader("autograde", ASSIGNMENT, "--force")
    return course


def test_grades_do_not_depend_on_python_optimize(graded_lab, graded_lab_optimized):
    students = ["reference", "blank", *(f"wrong-{cell}" for cell in WRONG_VALUES)]
    plain = {student: cell_scores(graded_lab, ASSIGNMENT, student) for student in students}
    optimized = {student: cell_scores(graded_lab_optimized, ASSIGNMENT, student) for student in students}
    assert optimized == plain
