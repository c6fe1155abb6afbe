"""The lab's grading policy, end to end with real ``nbgrader autograde`` and real kernels.

- A mistake or a crash in one step costs that step, and the steps that cannot be computed
  without its values; a later step that does not need them keeps its points.
- Whatever a visible test rejects in the student's kernel, the grade rejects with the same message;
  what it accepts, the grade judges on its values.
- The basic unit is checked for what step 8 asks: activation, pooling type, kernel size.
- An exception raised by the student's own code reaches the feedback with its type, its message
  and a Korean explanation first.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.contract import LAB
from autograder.record.graded_outputs import recorded_judgement
from tests.submissions import answered_notebook, cell_scores, pool_body, pooling_cell, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = LAB.name, LAB.notebook
GRADED = [cell.grade_id for cell in LAB.graded_cells]

SWAPPED_CHANNELS = """
w0 = [[0.25, 0.25], [0.25, 0.25]]
w1 = [[-1.0, 1.0], [-1.0, 1.0]]
w = np.concatenate([np.array(w1).reshape(2, 2, 1, 1), np.array(w0).reshape(2, 2, 1, 1)], axis=-1)
conv.set_weights([w, np.zeros(2)])
XXX0 = conv(XXX)[..., 0]
XXX1 = conv(XXX)[..., 1]
"""

# student -> (answer cell overrides, the graded cells that must lose their points). Every other
# graded cell must keep all of its points.
ONE_MISTAKE = {
    # Another noise seed: only step 1 is wrong; steps 3, 4 and 6 accept results computed from it.
    "wrong-image": ({"step_image": """
_noise = np.random.default_rng(STEP_IMAGE_SEED + 1).standard_normal((50, 50))
XXX = (tf.concat([tnp.ones([50, 25]) * 10, tnp.zeros([50, 25])], axis=1) + _noise).reshape(1, 50, 50, 1)
"""}, {"test_step_image"}),
    # The channels swapped: step 3 is wrong; step 4 made with the student's own filters is right.
    "swapped-channels": ({"set_filters": SWAPPED_CHANNELS}, {"test_set_filters"}),
    # Step 4-1 crashes in the student's code: step 4-2 does not need `twice`.
    "twice-crashes": ({"stacked_filters": """
twice = {"mean->mean": conv(XXX0.reshape(1, 48, 48, 1))[..., 0]}
"""}, {"test_stacked_filters"}),
    # Step 3 crashes before defining XXX0/XXX1: step 4-1 cannot be computed, 4-2 and 6 can.
    "filters-crash": ({"set_filters": """
w = np.concatenate([np.array(w_mean).reshape(2, 2, 1, 1)], axis=-1)
"""}, {"test_set_filters", "test_stacked_filters"}),
    # A wrong pooling function: only step 6.
    "pooling-wrong": ({"pooling": pooling_cell(pool_body("min"))}, {"test_pooling"}),
}


def _unit(conv: str, activation: str, pooling: str, shapes: str) -> str:
    return f"""
unit = tf.keras.Sequential([
    tf.keras.Input((50, 50, 1)),
    {conv},
    {activation},
    {pooling},
])
unit_output_shapes = {shapes}
"""


RIGHT_SHAPES = "[(1, 49, 49, 2), (1, 49, 49, 2), (1, 24, 24, 2)]"
WRONG_UNITS = {
    "unit-sigmoid": _unit('tf.keras.layers.Conv2D(2, (2, 2))', 'tf.keras.layers.Activation("sigmoid")',
                          'tf.keras.layers.MaxPooling2D(pool_size=(2, 2))', RIGHT_SHAPES),
    "unit-average-pooling": _unit('tf.keras.layers.Conv2D(2, (2, 2))', 'tf.keras.layers.Activation("relu")',
                                  'tf.keras.layers.AveragePooling2D(pool_size=(2, 2))', RIGHT_SHAPES),
    # Its own output shapes right: only the kernel size is wrong.
    "unit-3x3": _unit('tf.keras.layers.Conv2D(2, (3, 3))', 'tf.keras.layers.Activation("relu")',
                      'tf.keras.layers.MaxPooling2D(pool_size=(2, 2))', "[(1, 48, 48, 2), (1, 48, 48, 2), (1, 24, 24, 2)]"),
}
RIGHT_UNITS = {  # other correct ways to write step 8
    "unit-relu-layer": _unit('tf.keras.layers.Conv2D(2, 2)', 'tf.keras.layers.ReLU()',
                             'tf.keras.layers.MaxPooling2D()', RIGHT_SHAPES),
}

# student -> (answer cell, its source, graded cell): forms of an answer the visible test judges.
VISIBLE_FORMS = {
    # Accepted by both: a channel that keeps its batch and channel axes, a rule without defaults.
    "form-4d-channels": ("set_filters", """
w = np.concatenate([np.full((2, 2, 1, 1), 0.25), np.array([[-1.0, 1.0], [-1.0, 1.0]]).reshape(2, 2, 1, 1)], axis=-1)
conv.set_weights([w, np.zeros(2)])
XXX0 = conv(XXX)[..., 0:1]
XXX1 = conv(XXX)[..., 1:2]
""", "test_set_filters"),
    "form-rule-without-defaults": ("stride_padding", """
def conv_output_size(n, k, stride, padding):
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1

shape_stride2 = tuple(tf.keras.layers.Conv2D(1, (2, 2), strides=2)(XXX).shape)
shape_same = tuple(tf.keras.layers.Conv2D(1, (2, 2), padding="same")(XXX).shape)
""", "test_stride_padding"),
    # Rejected by both, with the same message.
    "form-strings": ("keeps_edge", """
keeps_edge = {"mean->mean": "False", "mean->edge": "True", "edge->mean": "True", "edge->edge": "True"}
""", "test_keeps_edge"),
    "form-list-of-results": ("stacked_filters", """
twice = [conv(XXX0.reshape(1, 49, 49, 1))[..., c] for c in (0, 1)]
""", "test_stacked_filters"),
    "form-four-layers": ("basic_unit", _unit('tf.keras.layers.Conv2D(2, (2, 2))', 'tf.keras.layers.Activation("relu")',
                                             'tf.keras.layers.MaxPooling2D(pool_size=(2, 2)),\n    tf.keras.layers.Flatten()',
                                             RIGHT_SHAPES), "test_basic_unit"),
    "form-image-without-batch": ("step_image", """
_noise = np.random.default_rng(STEP_IMAGE_SEED).standard_normal((50, 50))
XXX = (tf.concat([tnp.ones([50, 25]) * 10, tnp.zeros([50, 25])], axis=1) + _noise).reshape(50, 50, 1)
""", "test_step_image"),
}

# student -> (answer cell, source, graded cell, exception type, words of its Korean explanation)
STUDENT_ERRORS = {
    "error-name": ("pooling", pooling_cell(
        "    return np.asarray(image).reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))"), "test_pooling", "NameError", "정의되지 않은 이름"),
    # Not an exception of the student's: a shape with an unknown batch size, worded as such.
    "error-shape-with-none": ("stride_padding", """
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1

shape_stride2 = tuple(tf.keras.layers.Conv2D(1, (2, 2), strides=2).compute_output_shape((None, 50, 50, 1)))
shape_same = tuple(tf.keras.layers.Conv2D(1, (2, 2), padding="same")(XXX).shape)
""", "test_stride_padding", None, None),
    "error-not-a-layer": ("lazy_weights", """
conv = "Conv2D(2, (2, 2))"
n_weights_before = 0
n_weights_after = 2
kernel_shape = (2, 2, 1, 2)
bias_shape = (2,)
""", "test_lazy_weights", None, None),
    "error-value": ("pooling", """
def max_pool_2x2(image):
    image = np.asarray(image)
    return image.reshape(2, 2, 2, 2).max(axis=(1, 3))

def avg_pool_2x2(image):
    image = np.asarray(image)
    h, w = image.shape
    return image.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

pooled_max_keras = tf.keras.layers.MaxPooling2D(pool_size=(2, 2))(XXX)
pooled_avg_keras = tf.keras.layers.AveragePooling2D(pool_size=(2, 2))(XXX)
""", "test_pooling", "ValueError", "모양(shape)"),
}


def _notebook(course, overrides):
    return answered_notebook(course, ASSIGNMENT, NOTEBOOK, overrides)


@pytest.fixture(scope="module")
def graded(own_release):
    course = own_release
    students = {"reference": {}}
    students.update({name: overrides for name, (overrides, _) in ONE_MISTAKE.items()})
    students.update({name: {"basic_unit": source} for name, source in {**WRONG_UNITS, **RIGHT_UNITS}.items()})
    students.update({name: {cell: source} for name, (cell, source, _) in VISIBLE_FORMS.items()})
    students.update({name: {cell: source} for name, (cell, source, *_) in STUDENT_ERRORS.items()})
    for student, overrides in students.items():
        submit(course, student, ASSIGNMENT, {NOTEBOOK: _notebook(course, overrides)})
    course.nbgrader("autograde", ASSIGNMENT, "--force")
    return course


def _losses(course, student) -> set[str]:
    scores = cell_scores(course, ASSIGNMENT, student)
    assert set(scores) == set(GRADED), scores
    return {cell for cell, (score, max_score) in scores.items() if score < max_score}


def _judgements(course, student) -> dict:
    nb = nbformat.read(course.folder("autograded", student, ASSIGNMENT) / NOTEBOOK, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: recorded_judgement(cell) for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")}


def _run_in_kernel(course, student) -> dict[str, str]:
    """The student's notebook run top to bottom in a course kernel: graded cell -> its error."""
    folder = course.folder("submitted", student, ASSIGNMENT)
    nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return {cell.metadata["nbgrader"]["grade_id"]: f"{out.ename}: {out.evalue}" for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade") for out in cell.outputs if out.output_type == "error"}


def test_the_reference_loses_nothing(graded):
    assert _losses(graded, "reference") == set()


@pytest.mark.parametrize("student", sorted(ONE_MISTAKE))
def test_a_mistake_costs_only_the_steps_that_need_it(graded, student):
    _, expected = ONE_MISTAKE[student]
    assert _losses(graded, student) == expected


def test_keeps_edge_is_judged_on_the_lecture_filters_not_the_students_twice(graded):
    # The swapped student's own twice would say mean->mean keeps the edge; the answer judged is the truth.
    judgements = _judgements(graded, "swapped-channels")
    assert judgements["test_keeps_edge"].fraction == 1.0
    assert judgements["test_stacked_filters"].fraction == 1.0


def test_a_missing_value_is_named_in_the_step_that_needs_it(graded):
    judgement = _judgements(graded, "filters-crash")["test_stacked_filters"]
    assert "XXX0" in judgement.message or "twice" in judgement.message, judgement.message


@pytest.mark.parametrize("student", sorted(WRONG_UNITS))
def test_a_unit_other_than_the_one_asked_for_loses_its_points(graded, student):
    assert _losses(graded, student) == {"test_basic_unit"}


@pytest.mark.parametrize("student", sorted(RIGHT_UNITS))
def test_other_ways_to_write_the_unit_keep_their_points(graded, student):
    assert _losses(graded, student) == set()


@pytest.mark.parametrize("student", sorted(VISIBLE_FORMS))
def test_the_grade_agrees_with_the_visible_test(graded, student):
    _, _, cell = VISIBLE_FORMS[student]
    visible_error = _run_in_kernel(graded, student).get(cell)
    judgement = _judgements(graded, student)[cell]
    if visible_error is None:
        assert judgement.fraction == 1.0, judgement.message
    else:
        assert visible_error.startswith("VisibleCheckFailed: "), visible_error
        assert judgement.fraction == 0.0
        assert visible_error.removeprefix("VisibleCheckFailed: ") in judgement.message, (visible_error, judgement)


def test_the_visible_forms_cover_both_verdicts(graded):
    # Guards the test above: some forms pass the visible test and some fail it.
    outcomes = {cell in _run_in_kernel(graded, student) for student, (_, _, cell) in VISIBLE_FORMS.items()}
    assert outcomes == {True, False}


@pytest.mark.parametrize("student", sorted(STUDENT_ERRORS))
def test_the_students_own_exception_reaches_the_feedback_explained(graded, student):
    _, _, cell, error_type, explanation = STUDENT_ERRORS[student]
    judgement = _judgements(graded, student)[cell]
    assert judgement.fraction == 0.0
    if error_type is not None:
        assert f"{error_type}: " in judgement.message, judgement.message
        assert explanation in judgement.message, judgement.message
        # The explanation comes first, before the English text of the exception.
        assert judgement.message.index(explanation) < judgement.message.index(f"{error_type}: ")
    assert "dtype object" not in judgement.message and "int() argument" not in judgement.message
    assert any("\uac00" <= ch <= "\ud7a3" for ch in judgement.summary), judgement.summary  # Korean in the summary


def test_a_crashed_answer_cell_explains_its_error_before_the_traceback(graded):
    nb = nbformat.read(graded.folder("autograded", "twice-crashes", ASSIGNMENT) / NOTEBOOK, as_version=4)
    cell = next(cell for cell in nb.cells if cell.get("id") == "stacked_filters")
    kinds = [out.output_type for out in cell.outputs]
    assert "error" in kinds, kinds
    error = cell.outputs[kinds.index("error")]
    before = "".join(out.get("text", "") for out in cell.outputs[: kinds.index("error")] if out.output_type == "stream")
    assert f"{error.ename}: " in before and "오류로 멈췄습니다" in before, before
