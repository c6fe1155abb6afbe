"""Real trusted grading of the learn-kernel exercise: every training style and mistake in one batch.

One ``week12 autograde`` (the worker pool, real sandboxes, real Jupyter kernels and TensorFlow)
grades a class of students who each trained the filter their own way: honest styles that
converge get full marks; a hard-coded filter, a target built from the lecture's vertical filter,
a learning rate too small, one that diverges, a training that never returns and a crash each get
the verdict a TA would give, with feedback that says why; the same solution handed in five times
(each a distinct notebook, so each runs) gets the same score and learns the same filters.
"""

from __future__ import annotations

from textwrap import dedent

import nbformat
import pytest

from autograder.answers import store as answer_store
from autograder.answers.codec import decode
from autograder.contract import LEARN_KERNEL, LEARN_SCORE_CELL
from autograder.demo.sample_learned import (FIT_ADAM, HARD_CODED, LECTURE_FILTER_TARGET, ROW_MEANS_TARGET,
                                            SGD_TRAINING, TAPE_ADAM, TYPO)
from autograder.workflow.autograde import autograde_assignments
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

ASSIGNMENT, NOTEBOOK = LEARN_KERNEL.name, LEARN_KERNEL.notebook
OUT_OF = 10.0


def _code(source: str) -> str:
    return dedent(source).strip("\n")


FIT_EPOCHS = _code("""
    def learn_kernel(image, target):
        model = tf.keras.Sequential([
            tf.keras.Input((50, 50, 1)),
            tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros"),
        ])
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.02), loss="mse")
        history = model.fit(np.reshape(image, (1, 50, 50, 1)), np.reshape(target, (1, 49, 49, 1)),
                            epochs=60, verbose=0)
        return model.layers[0].kernel, history
""")
SLOWER_RATE = _code(SGD_TRAINING.replace("range(50)", "range(100)").format(rate=0.001))
RANDOM_START = _code("""
    def learn_kernel(image, target):
        x = tf.constant(np.reshape(image, (1, 50, 50, 1)), dtype=tf.float32)
        y = tf.constant(np.reshape(target, (1, 49, 49, 1)), dtype=tf.float32)
        conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False)  # Keras의 기본 (무작위) 시작값
        conv(x)
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.004)

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(conv(x) - y))
            optimizer.apply_gradients(zip(tape.gradient(loss, conv.trainable_variables), conv.trainable_variables))
            return loss

        losses = [float(step()) for _ in range(1500)]
        return conv.get_weights()[0], losses
""")
INTENDED_RESPONSE_TARGET = _code("""
    def edge_target(image, edge_row):
        # d2l처럼: 의도한 필터 [[-1, -1], [1, 1]] 의 반응을 목표로
        return (image[1:, :-1] + image[1:, 1:]) - (image[:-1, :-1] + image[:-1, 1:])
""")
NEVER_RETURNS = _code("""
    def learn_kernel(image, target):
        x = tf.constant(np.reshape(image, (1, 50, 50, 1)), dtype=tf.float32)
        y = tf.constant(np.reshape(target, (1, 49, 49, 1)), dtype=tf.float32)
        conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros")
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.004)
        losses = [1.0]
        while losses[-1] > 0:  # 손실이 정확히 0이 될 때까지: 끝나지 않음
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(conv(x) - y))
            optimizer.apply_gradients(zip(tape.gradient(loss, conv.trainable_variables), conv.trainable_variables))
            losses.append(float(loss))
        return conv.kernel, losses
""")

HONEST = {
    "tape-sgd": {},
    "fit-adam": {"learn_kernel": FIT_EPOCHS},
    "fit-adam-steps-per-epoch": {"learn_kernel": FIT_ADAM},
    "tape-adam": {"learn_kernel": TAPE_ADAM},
    "slower-rate": {"learn_kernel": SLOWER_RATE},
    "random-start": {"learn_kernel": RANDOM_START},
    "row-means-target": {"edge_target": ROW_MEANS_TARGET},
    "intended-response-target": {"edge_target": INTENDED_RESPONSE_TARGET},
}
MISTAKES = {
    "hard-coded": {"learn_kernel": HARD_CODED},
    "lecture-filter-target": {"edge_target": LECTURE_FILTER_TARGET},
    "small-rate": {"learn_kernel": _code(SGD_TRAINING.format(rate=0.00004))},
    "diverges": {"learn_kernel": _code(SGD_TRAINING.format(rate=0.05))},
    "never-returns": {"learn_kernel": NEVER_RETURNS},
    "typo": {"learn_kernel": TYPO},
}
# The worked solution five times, each with its own comment: five distinct notebooks, five runs.
REPEATS = {f"repeat-{n}": {"edge_target": f"# 제출 {n}\n" + _code("""
    def edge_target(image, edge_row):
        target = np.zeros((49, 49))
        target[edge_row, :] = 1.0
        return target
""")} for n in range(5)}


@pytest.fixture(scope="module")
def graded(own_release):
    course = own_release
    for student, answers in {**HONEST, **MISTAKES, **REPEATS}.items():
        submit(course, student, ASSIGNMENT, {NOTEBOOK: answered_notebook(course, ASSIGNMENT, NOTEBOOK, answers)})
    [result] = autograde_assignments(course, [ASSIGNMENT], workers=2, show_progress=False)
    return course, result


def score(course, student) -> float:
    scores = cell_scores(course, ASSIGNMENT, student)
    assert set(scores) == {LEARN_SCORE_CELL}
    points, max_points = scores[LEARN_SCORE_CELL]
    assert max_points == OUT_OF
    return points


def feedback(course, student) -> str:
    """What the graded cell shows: the judgement's HTML (messages, tables, figure)."""
    nb = nbformat.read(course.root / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    cell = next(cell for cell in nb.cells if cell.get("id") == LEARN_SCORE_CELL)
    return "".join(out.get("data", {}).get("text/html", "") for out in cell.outputs)


def stored_runs(course, student) -> list:
    stored = next(s for s in answer_store.load(course.root, ASSIGNMENT) if s.student == student)
    return decode(stored.answers[LEARN_SCORE_CELL])["runs"]


def test_every_submission_is_graded(graded):
    course, result = graded
    assert not result.failed, result.failed
    assert {s.student for s in result.graded} == set(HONEST) | set(MISTAKES) | set(REPEATS)


@pytest.mark.parametrize("student", list(HONEST))
def test_honest_trainings_in_every_style_get_full_marks(graded, student):
    assert score(graded[0], student) == OUT_OF, feedback(graded[0], student)


def test_a_hard_coded_filter_gets_nothing_and_is_told_it_does_not_learn(graded):
    course, _ = graded
    assert score(course, "hard-coded") == 0
    assert "같은 seed" in feedback(course, "hard-coded") or "시작값(seed)" in feedback(course, "hard-coded")


def test_training_toward_the_lectures_vertical_edge_loses_the_orientation(graded):
    course, _ = graded
    assert 0 < score(course, "lecture-filter-target") <= 0.5 * OUT_OF
    shown = feedback(course, "lecture-filter-target")
    assert "세로" in shown and "가로" in shown  # "responds to vertical edges; this edge is horizontal"


def test_a_learning_rate_too_small_gets_partial_credit_and_is_told_to_train_further(graded):
    course, _ = graded
    assert 0 < score(course, "small-rate") < 0.5 * OUT_OF
    assert "학습이 아직 끝나지 않았습니다" in feedback(course, "small-rate")


def test_a_diverging_training_gets_nothing_with_its_reason(graded):
    course, _ = graded
    assert score(course, "diverges") == 0
    assert "발산" in feedback(course, "diverges")


def test_a_training_that_never_returns_is_cut_at_the_limit_and_says_so(graded):
    course, _ = graded
    assert score(course, "never-returns") == 0
    shown = feedback(course, "never-returns")
    assert "30초 안에 끝나지 않아" in shown
    runs = stored_runs(course, "never-returns")
    assert [run["status"] for run in runs] == ["timeout", "skipped", "skipped"]
    assert runs[0]["seconds"] < 40


def test_a_crash_shows_the_students_error_explained(graded):
    course, _ = graded
    assert score(course, "typo") == 0
    assert "NameError" in feedback(course, "typo")


def test_the_same_solution_graded_five_times_learns_the_same_filters(graded):
    course, _ = graded
    assert {score(course, student) for student in REPEATS} == {OUT_OF}
    kernels = {str([run["kernel"].tolist() for run in stored_runs(course, student)]) for student in REPEATS}
    assert len(kernels) == 1


def test_the_feedback_shows_the_loss_curves_and_the_learned_filter(graded):
    shown = feedback(graded[0], "tape-sgd")
    assert "data:image/png;base64," in shown
    assert "숨은 이미지 1" in shown and "확인용 학습" in shown
