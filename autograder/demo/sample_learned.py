"""What the sample class handed in for the learn-kernel exercise (``week12-learn-kernel``).

Each entry is the source of the notebook's answer cells (``edge_target``, ``learn_kernel``; a cell
not given holds the worked solution) and what a TA would make of it (:data:`LEARNED_KINDS`):
honest trainings in several styles, a learning rate too small, a hard-coded filter, a target
built from the lecture's vertical filter, a learning rate that diverges and a crash. Students
share these few notebooks, so the grader runs each distinct one once.
"""

from __future__ import annotations

from textwrap import dedent


def _code(source: str) -> str:
    return dedent(source).strip("\n")


# The worked solution's training loop, with another learning rate.
SGD_TRAINING = """
    def learn_kernel(image, target):
        x = tf.constant(np.reshape(image, (1, 50, 50, 1)), dtype=tf.float32)
        y = tf.constant(np.reshape(target, (1, 49, 49, 1)), dtype=tf.float32)
        conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros")
        optimizer = tf.keras.optimizers.SGD(learning_rate={rate})
        losses = []
        for step in range(50):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(conv(x) - y))
            gradients = tape.gradient(loss, conv.trainable_variables)
            optimizer.apply_gradients(zip(gradients, conv.trainable_variables))
            losses.append(float(loss))
        return conv.kernel.numpy().reshape(2, 2), losses
"""

TAPE_ADAM = _code("""
    def learn_kernel(image, target):
        x = tf.reshape(tf.constant(image, tf.float32), (1, 50, 50, 1))
        y = tf.reshape(tf.constant(target, tf.float32), (1, 49, 49, 1))
        conv = tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros")
        optimizer = tf.keras.optimizers.Adam(learning_rate=0.02)
        losses = []
        for _ in range(60):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((conv(x) - y) ** 2)
            optimizer.apply_gradients(zip(tape.gradient(loss, conv.trainable_variables), conv.trainable_variables))
            losses.append(loss.numpy())
        return conv.kernel, losses  # Keras 모양 (2, 2, 1, 1) 그대로
""")
FIT_ADAM = _code("""
    def learn_kernel(image, target):
        model = tf.keras.Sequential([
            tf.keras.Input((50, 50, 1)),
            tf.keras.layers.Conv2D(1, (2, 2), use_bias=False, kernel_initializer="zeros"),
        ])
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.02), loss="mse")
        # 한 epoch에 10 step씩: epoch마다 드는 준비 시간을 아낍니다
        pair = tf.data.Dataset.from_tensors((np.reshape(image, (1, 50, 50, 1)), np.reshape(target, (1, 49, 49, 1))))
        history = model.fit(pair.repeat(), epochs=6, steps_per_epoch=10, shuffle=False, verbose=0)
        return model.layers[0].kernel, history
""")
ROW_MEANS_TARGET = _code("""
    def edge_target(image, edge_row):
        # 경계 위아래 행의 평균 밝기 차이를 경계 행에 씁니다 (아래가 밝으면 양수, 위가 밝으면 음수)
        target = np.zeros((49, 49))
        target[edge_row, :] = np.mean(image[edge_row + 1]) - np.mean(image[edge_row])
        return target
""")
LECTURE_FILTER_TARGET = _code("""
    def edge_target(image, edge_row):
        # 강의의 엣지 필터 [[-1, 1], [-1, 1]] 가 만드는 반응을 목표로 삼음 (이미지가 전치된 것을 잊음)
        return (image[:-1, 1:] + image[1:, 1:]) - (image[:-1, :-1] + image[1:, :-1])
""")
HARD_CODED = _code("""
    def learn_kernel(image, target):
        # 숙제에서 설계한 필터를 그대로 돌려줌: 학습하지 않음
        kernel = np.array([[-1.0, -1.0], [1.0, 1.0]])
        losses = [1.0, 0.1, 0.01]
        return kernel, losses
""")
TYPO = _code("""
    def learn_kernel(image, target):
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
            losses.append(float(los))
        return conv.kernel.numpy().reshape(2, 2), losses
""")

# answer key -> (answer cell id -> source); {} is the worked solution.
LEARNED_ANSWERS: dict[str, dict[str, str]] = {
    "solution": {},
    "tape_adam": {"learn_kernel": TAPE_ADAM},
    "fit_adam": {"learn_kernel": FIT_ADAM},
    "row_means_target": {"edge_target": ROW_MEANS_TARGET},
    "small_rate": {"learn_kernel": _code(SGD_TRAINING.format(rate=0.00004))},
    "hard_coded": {"learn_kernel": HARD_CODED},
    "lecture_filter_target": {"edge_target": LECTURE_FILTER_TARGET},
    "diverges": {"learn_kernel": _code(SGD_TRAINING.format(rate=0.05))},
    "typo": {"learn_kernel": TYPO},
}
# What each is, as a TA would say it (the class report's groups are checked against these).
LEARNED_KINDS = {"solution": "correct", "tape_adam": "correct", "fit_adam": "correct",
                 "row_means_target": "correct", "small_rate": "not_converged", "hard_coded": "not_learning",
                 "lecture_filter_target": "vertical", "diverges": "diverged", "typo": "error", "blank": "blank"}
