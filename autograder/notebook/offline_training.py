"""The learn-kernel notebook's cells where the course package is not installed (Google Colab...).

Embedded, after ``autograder/notebook/offline.py``, in that notebook's collapsed read-only cell and
run only when ``import autograder.notebook`` fails (see ``offline.py``). ``check_training`` trains
once on the visible image exactly as the course's check does (the same seed, TensorFlow's op
determinism, the same target and convergence measures) and prints what came back; the graded
cell says that the score is computed when the course grades the submission. numpy and
TensorFlow only; ``tests/test_offline_tools.py`` checks that it prints what the package says.
"""

import time

import numpy as np

LEARN_VISIBLE_SEED = 0  # autograder.notebook.training_check.VISIBLE_SEED
LEARN_CONVERGENCE_FULL = 20.0  # autograder.scoring.training_rubric.CONVERGENCE_FULL
LEARN_TIME_LIMIT = 30.0  # autograder.scoring.training_rubric.TIME_LIMIT_SECONDS


def _learn_windows(image):
    x = np.asarray(image, dtype=np.float64)
    return np.stack([x[:-1, :-1].ravel(), x[:-1, 1:].ravel(), x[1:, :-1].ravel(), x[1:, 1:].ravel()], axis=1)


def _learn_fit_share(image, target, kernel):
    response = _learn_windows(image) @ np.ravel(kernel)
    response, goal = response - response.mean(), np.ravel(target) - np.mean(target)
    spread = float(response @ response) * float(goal @ goal)
    return 0.0 if not spread > 1e-12 else float(min(1.0, (response @ goal) ** 2 / spread))


def _learn_convergence(image, target, kernel):
    windows = _learn_windows(image)
    windows = windows - windows.mean(axis=0)
    goal = np.ravel(target) - np.mean(target)
    best_kernel = np.linalg.lstsq(windows, goal, rcond=None)[0]
    best = _learn_fit_share(image, target, best_kernel)
    if not best > 1e-12:
        return 0.0
    return best / max(best - _learn_fit_share(image, target, kernel), best * 1e-12)


def _learn_array(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


def check_training(edge_target, learn_kernel, image, edge_row, language="ko"):
    """The learn-kernel check on the visible image, printed (no score here)."""
    import tensorflow as tf

    image = np.asarray(image, dtype=np.float64).reshape(50, 50)
    tf.config.experimental.enable_op_determinism()
    tf.keras.utils.set_random_seed(LEARN_VISIBLE_SEED)
    started = time.perf_counter()
    try:
        given = edge_target(image.copy(), edge_row)
        target = _learn_array(given).reshape(49, 49)
        energy = (target - target.mean()) ** 2
        rows, columns = energy.sum(axis=1), energy.sum(axis=0)
        line, index = ("행", int(rows.argmax())) if rows.max() >= columns.max() else ("열", int(columns.argmax()))
        print(f"목표 맵: (49, 49) 모양, 가장 강한 줄은 {line} {index} (이 이미지의 경계는 행 {edge_row}).")
        kernel, losses = learn_kernel(image.copy(), given)
        history = getattr(losses, "history", None)
        losses = _learn_array(history["loss"] if isinstance(history, dict) else losses).ravel()
        kernel = _learn_array(kernel).reshape(2, 2)
    except Exception as error:  # noqa: BLE001 - whatever the student's code does
        print(f"오류로 멈췄습니다: {type(error).__name__}: {error}. 이대로 제출하면 이 학습은 점수를 받지 못합니다.")
        return None
    seconds = time.perf_counter() - started
    if not (np.all(np.isfinite(kernel)) and np.all(np.isfinite(losses))) or losses[-1] > 10 * losses[0]:
        print(f"학습이 발산했습니다 (손실 {losses[0]:.3g} → {losses[-1]:.3g}): 학습률을 줄이세요.")
        return None
    shown = "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in np.round(kernel, 4)) + "]"
    print(f"학습한 필터: {shown}; 손실 기록 {losses.size}개: {losses[0]:.3g} → {losses[-1]:.3g}.")
    (a, b), (c, d) = kernel
    response = np.abs(a * image[:-1, :-1] + b * image[:-1, 1:] + c * image[1:, :-1] + d * image[1:, 1:])
    found = int((response.argmax(axis=0) == edge_row).sum())
    print(f"이 이미지에서 {found}/{response.shape[1]}개 열의 가장 강한 반응이 실제 경계 행에 있습니다.")
    factor = _learn_convergence(image, target, kernel)
    print(f"수렴: 최저 손실까지의 차이가 ×{factor:.3g} 줄었습니다 (채점에서는 ×{LEARN_CONVERGENCE_FULL:g} 이상이면 만점).")
    print(f"학습 시간: {seconds:.1f}초 (채점은 학습마다 {LEARN_TIME_LIMIT:g}초까지 기다립니다).")
    return None


def grade_learned_kernel(edge_target, learn_kernel, out_of=10):
    """No score here: it is computed when the course grades the submission."""
    print(f"점수({out_of}점 만점)는 제출한 뒤 코스의 채점에서 숨은 이미지로 계산합니다. 위의 '제출 전 확인'을 보세요.")
    return None
