"""The week-12 learn-kernel notebook: train the 2x2 filter the homework designed by hand.

Contract relied on by instructors and scripts: the answer cells have nbgrader grade ids
``edge_target`` and ``learn_kernel`` and define the functions of those names; the graded cell is
``learned_kernel_score``.
"""

from autograder.authoring.cells import graded_tests, markdown, notebook, readonly_code, solution
from autograder.authoring.common import LEARN_OFFLINE_SOURCES, setup_cells
from autograder.contract import GRADED_CELLS, LEARN_KERNEL, LEARN_SCORE_CELL, LEARN_TARGET_CELL, LEARN_TRAINING_CELL
from autograder.scoring.rubric import EDGE_WEIGHTS, FLATNESS_FULL, LOCALISATION_FULL, SELECTIVITY_FULL
from autograder.scoring.training_rubric import (CONVERGENCE_FULL, CONVERGENCE_WEIGHT, DIVERGENCE_GROWTH, EDGE_WEIGHT,
                                                TIME_LIMIT_SECONDS)

ASSIGNMENT = LEARN_KERNEL.name
NOTEBOOK = LEARN_KERNEL.notebook
SCORE_POINTS = GRADED_CELLS[LEARN_SCORE_CELL].points


def build():
    return notebook([
        markdown("intro", """
            # 12주차 과제: 필터를 설계하지 말고 학습시키기

            숙제에서는 전치된 이미지의 **가로** 경계를 찾는 2×2 필터를 손으로 설계했습니다.
            합성곱 층이 강력한 이유는 이런 필터를 사람이 정하지 않고 **데이터에서 학습**한다는 데 있습니다.
            강의에서는 `set_weights` 로 필터 값을 직접 넣기만 했고 학습시키지는 않았습니다.
            이번 과제에서 그 다음 단계를 밟습니다: 이미지와 "경계가 어디인지" 표시한 **목표 맵**(target)을 주고,
            `Conv2D(1, (2, 2), use_bias=False)` 가 경사 하강법으로 필터를 스스로 찾게 합니다
            (d2l.ai의 2D 합성곱 절, "Learning a Kernel"과 같은 실험입니다).

            - 답 셀은 두 개입니다: 목표 맵을 만드는 `edge_target`, 필터를 학습시키는 `learn_kernel`.
            - 채점은 여러분의 두 함수를 **보지 못한 이미지**에서 다시 실행해서, 학습된 필터가 그 이미지들에서도
              경계를 찾는지, 학습이 끝까지 갔는지로 합니다.
            - 함수 이름과 인자를 바꾸지 마세요. 제출 전에 `Kernel → Restart & Run All` 로 처음부터 끝까지 실행해 보세요.
        """),
        *setup_cells(LEARN_OFFLINE_SOURCES),
        readonly_code("reproducible", """
            # 재현성: 같은 seed와 결정적(deterministic) 연산이면 같은 코드가 언제나 같은 필터를 학습합니다.
            # 채점도 학습마다 seed를 정하고 같은 설정으로 실행합니다.
            tf.config.experimental.enable_op_determinism()
            tf.keras.utils.set_random_seed(0)
        """),
        readonly_code("show-image", """
            image = lecture_step_image(STEP_IMAGE_SEED).T  # 숙제와 같은 전치된 이미지, (50, 50)
            EDGE_ROW = 24  # 위쪽(밝은) 영역의 마지막 행: 출력 행 24의 2×2 창이 행 24와 25에 걸칩니다

            plt.figure(figsize=(4, 4))
            plt.imshow(image, cmap="gray")
            plt.axhline(EDGE_ROW + 0.5, color="gold", lw=1)
            plt.title("image: 행 0~24 밝음(10), 행 25~49 어두움(0)")
            plt.show()
        """),
        markdown("target-md", """
            ## 1. 목표 맵 만들기: 경계가 어디인가

            `Conv2D(1, (2, 2))` 는 (50, 50) 이미지를 (49, 49) 반응 맵으로 바꿉니다. 출력 위치 `(i, j)` 는
            이미지의 행 `i, i+1` 과 열 `j, j+1` 을 봅니다. 그러니 행 `edge_row` (위쪽 영역의 마지막 행)와
            행 `edge_row + 1` 에 걸친 **출력 행 `edge_row`** 가 경계를 보는 곳입니다.

            **문제 1.** `edge_target(image, edge_row)` 가 (49, 49) 목표 맵을 돌려주게 하세요: 경계를 보는 출력 행은
            1, 나머지는 0. 크기나 부호는 상관없습니다 (경계 행을 다른 값으로 표시해도, 이미지에서 직접 찾아도
            됩니다). 채점용 이미지는 경계 행이 다르고, 밝은 쪽이 아래일 수도 있습니다: `edge_row` 와 `image` 를
            보고 만드세요.
        """),
        solution(LEARN_TARGET_CELL, """
            def edge_target(image, edge_row):
                ### BEGIN SOLUTION
                target = np.zeros((49, 49))
                target[edge_row, :] = 1.0
                return target
                ### END SOLUTION
        """),
        markdown("learn-md", f"""
            ## 2. 필터 학습시키기

            **문제 2.** `learn_kernel(image, target)` 를 완성하세요.
            - `tf.keras.layers.Conv2D(1, (2, 2), use_bias=False)` 를 만들고, `image` (50, 50)를 넣었을 때의 출력이
              `target` (49, 49)에 가까워지도록 평균제곱오차(MSE)를 줄이며 학습시킵니다.
              `tf.GradientTape` 로 직접 반복해도, 모델을 만들어 `model.fit` 을 써도 됩니다
              (입력은 `(1, 50, 50, 1)`, 목표는 `(1, 49, 49, 1)` 모양으로 바꾸세요).
            - `(kernel, losses)` 를 돌려줍니다: 학습된 2×2 필터(`conv.kernel` 그대로도 됩니다)와 step(또는 epoch)마다의
              손실 목록(`model.fit` 이 돌려준 `History` 도 됩니다).
            - `target` 은 인자로 받은 것을 쓰세요. 채점은 여러분의 목표 맵 말고 다른 목표(강의의 평균 필터의 출력)로도
              한 번 학습시켜서, 함수가 **주어진 목표를** 배우는지 확인합니다.

            **학습률과 시작값.** 이미지의 밝기(10) 때문에 손실이 "전체 밝기" 방향으로 아주 가파릅니다. 그래서 SGD는
            학습률이 약 0.005를 넘으면 발산합니다. 필터를 0에서 시작하면(`kernel_initializer="zeros"`) 수십 step이면
            충분합니다. 기본값(무작위 시작)도 되지만, 시작값 중 경계와 상관없는 성분은 잡음만이 줄여 주므로 아주
            천천히 사라져서 SGD로 1000 step 넘게 걸립니다. 채점은 학습마다 {TIME_LIMIT_SECONDS:g}초까지 기다리니
            몇 초 안에 끝나게 하세요. `model.fit` 은 epoch마다 준비 시간이 들어서 epoch 수백 번은 느립니다: 이미지
            한 장짜리 데이터셋을 `tf.data.Dataset.from_tensors((x, y)).repeat()` 로 만들고 `steps_per_epoch` 로
            한 epoch에 여러 step을 돌리면 빠릅니다.
        """),
        solution(LEARN_TRAINING_CELL, """
            def learn_kernel(image, target):
                ### BEGIN SOLUTION
                x = tf.constant(np.reshape(image, (1, 50, 50, 1)), dtype=tf.float32)
                y = tf.constant(np.reshape(target, (1, 49, 49, 1)), dtype=tf.float32)
                conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros")
                optimizer = tf.keras.optimizers.SGD(learning_rate=0.004)
                losses = []
                for step in range(50):
                    with tf.GradientTape() as tape:
                        loss = tf.reduce_mean(tf.square(conv(x) - y))
                    gradients = tape.gradient(loss, conv.trainable_variables)
                    optimizer.apply_gradients(zip(gradients, conv.trainable_variables))
                    losses.append(float(loss))
                return conv.kernel.numpy().reshape(2, 2), losses
                ### END SOLUTION
        """),
        markdown("check-md", """
            ### 제출 전 확인 (채점되지 않음)

            아래 셀은 위의 이미지로 `edge_target` 과 `learn_kernel` 을 한 번 실행해서, 목표 맵이 어느 줄을 표시하는지,
            학습한 필터와 손실, 경계 행에서 가장 강하게 반응하는 열의 수, 수렴 정도, 걸린 시간을 보여 줍니다.
            그림은 손실 곡선(로그 눈금), 학습한 필터와 같은 크기로 맞춘 의도한 필터, 이 이미지에 대한 반응입니다.
        """),
        readonly_code("check-training", """
            check_training, = _week12_tools("check_training")

            check_training(edge_target, learn_kernel, image, EDGE_ROW)
        """),
        markdown("rubric", f"""
            ## 채점 방법

            채점은 여러분의 함수를 세 번 학습시킵니다. 학습마다 seed를 정하고 TensorFlow의 결정적 연산을 켜므로,
            같은 답은 언제 채점해도 같은 필터를 배우고 같은 점수를 받습니다.
            1. 숨은 전치 이미지 1: 잡음이 다르고 경계 행이 다릅니다 (위가 밝음). 목표는 여러분의 `edge_target`.
            2. 숨은 전치 이미지 2: 밝은 쪽이 아래이고 경계 행이 또 다릅니다. 목표는 여러분의 `edge_target`.
            3. 확인용 학습: 강의 방향(세로 경계)의 이미지에, 목표는 강의의 평균 필터 `[[0.25, 0.25], [0.25, 0.25]]`
               의 출력입니다. 1과 같은 seed로 시작합니다.

            | 기준 | 비중 | 무엇을 보나 | 만점 기준, 감점 방식 |
            |---|---|---|---|
            | 학습한 필터가 경계를 찾는가 | {EDGE_WEIGHT:.0%} | 숨은 이미지 1, 2에서 학습한 필터를 숙제와 같은 채점기로 평가: 위치 찾기 {EDGE_WEIGHTS["localisation"]:.0%}, 평평한 곳 무반응 {EDGE_WEIGHTS["flatness"]:.0%}, 방향 선택성 {EDGE_WEIGHTS["selectivity"]:.0%} (크기와 부호는 상관없음) | 숙제와 같음: 열의 {LOCALISATION_FULL:.0%} 이상, 평평한 곳 반응 {FLATNESS_FULL:.0%} 이하, 가로 쪽 반응 {SELECTIVITY_FULL:.0%} 이상이면 만점 |
            | 학습이 끝까지 갔는가 (수렴) | {CONVERGENCE_WEIGHT:.0%} | 세 학습 각각: 학습한 필터의 손실과 (2×2 필터로 얻을 수 있는) 최저 손실의 차이가, 평평한 반응(0 필터)일 때의 차이보다 몇 배 줄었나 (필터의 크기·부호, 출력의 상수 이동과 무관) | ×{CONVERGENCE_FULL:g} 이상이면 만점 (최저 손실까지 가는 길의 {1 - 1 / CONVERGENCE_FULL:.0%}), 그 아래는 로그 비례, ×1이면 0 |

            - **데이터에서 배우는가.** 1과 3은 같은 seed로 시작하지만 이미지와 목표가 다릅니다. 두 학습이 똑같은
              필터를 돌려주면, 함수가 데이터와 상관없이 정해진 필터를 돌려주는 것이므로 **0점**입니다.
            - **발산.** 손실이 처음보다 {DIVERGENCE_GROWTH:g}배 넘게 커지거나 NaN이 되면 그 학습은 점수가 없습니다.
            - **시간.** 학습마다 {TIME_LIMIT_SECONDS:g}초가 지나면 중단하고 그 학습(과 남은 학습)은 점수가 없습니다.
            - 만점 기준은 seed와 잡음을 바꿔 가며 시험해서, 끝까지 간 학습은 모두 만점을 받고 학습률이 너무 작아
              멈춰 있는 학습은 받지 못하도록 정했습니다.
        """),
        markdown("score-md", """
            ### 점수 (채점 셀)

            아래 셀은 채점과 똑같이 숨은 학습 세 번을 실행하고 결과를 보여 줍니다 (몇 초 걸립니다).
        """),
        graded_tests(LEARN_SCORE_CELL, SCORE_POINTS, f"""
            grade_learned_kernel, = _week12_tools("grade_learned_kernel")

            grade_learned_kernel(edge_target, learn_kernel, out_of={SCORE_POINTS})
        """),
    ])
