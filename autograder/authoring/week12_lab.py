"""The week-12 lab notebook: every step of the lecture as a graded exercise."""

from textwrap import dedent

from autograder.authoring.cells import graded_tests, markdown, notebook, readonly_code, solution
from autograder.authoring.common import HIDDEN_CHECK, setup_cells
from autograder.contract import GRADED_CELLS, LAB

ASSIGNMENT = LAB.name
NOTEBOOK = LAB.notebook


def graded(grade_id: str, visible: str):
    """A graded cell of the contract: its visible checks, then the hidden check."""
    source = dedent(visible).strip("\n") + "\n" + HIDDEN_CHECK.format(grade_id=grade_id)
    return graded_tests(grade_id, GRADED_CELLS[grade_id].points, source)


def build():
    return notebook([
        markdown("intro", """
            # 12주차 실습: 합성곱 층(Conv2D)을 손으로 만져 보기

            이번 실습에서는 강의에서 본 과정을 직접 따라 하면서 합성곱 층(convolution layer)이
            이미지에서 무엇을 뽑아내는지 확인합니다.

            - `# YOUR CODE HERE` 와 `raise NotImplementedError()` 를 지우고 답을 쓰세요.
            - 답 셀 아래의 테스트 셀은 **보이는 테스트**(visible tests)입니다. 작업하면서 실행해 보세요.
              채점할 때는 값까지 확인하는 **숨은 테스트**(hidden tests)가 더 실행됩니다.
            - 변수 이름은 문제에 적힌 그대로 써야 채점됩니다.
            - 제출 전에 `Kernel → Restart & Run All` 로 처음부터 끝까지 오류 없이 실행되는지 확인하세요.
            - 보이는 테스트는 채점에도 그대로 쓰입니다. 보이는 테스트가 통과하지 않는 답은 점수를 받지 못합니다.
            - Colab처럼 코스 패키지가 없는 곳에서도 노트북이 돌아갑니다 (맨 위의 접힌 셀). 채점은 어디서 작업했든 같습니다.

            **이어지는 문제의 채점 방식.** 각 문제는 그 문제가 묻는 개념만으로 채점합니다. 앞 문제의 결과를 쓰는
            문제(3, 4, 6번)는 **정답인 앞 결과**로 계산한 답과 **여러분이 만든 앞 결과**로 계산한 답을 모두
            정답으로 받습니다. 그래서 앞 문제에서 한 실수는 그 문제에서만 점수가 깎입니다.
            또 어떤 문제도 그 문제에 필요 없는 변수를 요구하지 않습니다 (예: 문제 4-2는 `twice` 가 없어도 채점됩니다).
        """),
        *setup_cells(),

        # 1 -----------------------------------------------------------------------------------
        markdown("step1-md", """
            ## 1. 실험용 이미지: 흑백 경계가 하나 있는 이미지

            왼쪽 절반은 밝고(값 10) 오른쪽 절반은 어두운(값 0) 50×50 이미지에 표준정규분포 잡음을
            더합니다. 경계(edge)가 정확히 한 곳에 있으니 필터가 무엇을 하는지 눈으로 보기 좋습니다.

            **문제 1.** 다음을 만족하는 `XXX` 를 만드세요.
            - 밝은 부분: `tnp.ones([50, 25]) * 10`, 어두운 부분: `tnp.zeros([50, 25])`, 둘을 `tf.concat` 으로 가로로 붙입니다.
            - 잡음: `np.random.default_rng(STEP_IMAGE_SEED).standard_normal((50, 50))`
              (seed가 고정되어 있어서 누가 실행해도 같은 이미지가 나오고, 채점도 재현됩니다.)
            - Conv2D에 넣을 수 있도록 shape을 `(1, 50, 50, 1)` (batch, height, width, channel)로 바꿉니다.
        """),
        solution("step_image", """
            ### BEGIN SOLUTION
            _X1 = tnp.ones([50, 25]) * 10
            _X2 = tnp.zeros([50, 25])
            _noise = np.random.default_rng(STEP_IMAGE_SEED).standard_normal((50, 50))
            XXX = (tf.concat([_X1, _X2], axis=1) + _noise).reshape(1, 50, 50, 1)
            ### END SOLUTION
        """),
        readonly_code("step1-show", """
            plt.imshow(XXX.reshape(50, 50), cmap="gray")
            plt.title("XXX: 왼쪽 10, 오른쪽 0, 잡음 N(0, 1)")
            plt.show()
        """),
        graded("test_step_image", """
            visible.step_image(XXX)
        """),

        # 2 -----------------------------------------------------------------------------------
        markdown("step2-md", """
            ## 2. Conv2D 층 만들기: 가중치는 언제 생길까?

            `tf.keras.layers.Conv2D(2, (2, 2))` 는 2×2 필터 2개(출력 채널 2개)를 가진 층입니다.
            Keras는 입력의 채널 수를 알기 전까지 가중치를 만들지 않습니다. 그래서 처음 만든 층의
            `conv.weights` 는 비어 있고, 이미지를 **한 번 통과시킨 뒤에야** kernel과 bias가 생깁니다.

            **문제 2.**
            - `conv = tf.keras.layers.Conv2D(2, (2, 2))` 를 만들고, 바로 `n_weights_before = len(conv.weights)` 를 기록하세요.
            - `conv(XXX)` 로 한 번 통과시킨 뒤 `n_weights_after = len(conv.weights)` 를 기록하세요.
            - `kernel_shape`, `bias_shape` 에 `conv.weights[0]`, `conv.weights[1]` 의 shape을 tuple로 저장하세요.
        """),
        solution("lazy_weights", """
            ### BEGIN SOLUTION
            conv = tf.keras.layers.Conv2D(2, (2, 2))
            n_weights_before = len(conv.weights)
            conv(XXX)
            n_weights_after = len(conv.weights)
            kernel_shape = tuple(conv.weights[0].shape)
            bias_shape = tuple(conv.weights[1].shape)
            ### END SOLUTION
        """),
        readonly_code("step2-show", """
            conv.weights[0]  # kernel: (height, width, 입력 채널, 출력 채널)
        """),
        graded("test_lazy_weights", """
            visible.lazy_weights(n_weights_before, kernel_shape)
        """),

        # 3 -----------------------------------------------------------------------------------
        markdown("step3-md", """
            ## 3. 필터를 직접 정하기: 평균 필터와 엣지 필터

            학습 대신 가중치를 손으로 넣어 봅니다 (`set_weights`).
            - 채널 0: 평균 필터 `[[0.25, 0.25], [0.25, 0.25]]` — 2×2 이웃의 평균이므로 잡음을 줄입니다(smoothing).
            - 채널 1: 엣지 필터 `[[-1, 1], [-1, 1]]` — 오른쪽 열에서 왼쪽 열을 빼므로 밝기가 좌우로 바뀌는 곳에서 크게 반응합니다.

            **문제 3.**
            - 두 필터를 `(2, 2, 1, 1)` 로 reshape한 뒤 마지막 축으로 이어 붙여 `(2, 2, 1, 2)` 모양의 `w` 를 만들고,
              bias `b = np.array([0.0, 0.0])` 와 함께 `conv.set_weights([w, b])` 로 넣으세요.
            - `XXX0 = conv(XXX)[..., 0]` (채널 0), `XXX1 = conv(XXX)[..., 1]` (채널 1)을 구하세요. 크기는 49×49입니다.
        """),
        solution("set_filters", """
            ### BEGIN SOLUTION
            w0 = [[0.25, 0.25], [0.25, 0.25]]
            w1 = [[-1.0, 1.0], [-1.0, 1.0]]
            w = np.concatenate([np.array(w0).reshape(2, 2, 1, 1), np.array(w1).reshape(2, 2, 1, 1)], axis=-1)
            b = np.array([0.0, 0.0])
            conv.set_weights([w, b])
            XXX0 = conv(XXX)[..., 0]
            XXX1 = conv(XXX)[..., 1]
            ### END SOLUTION
        """),
        readonly_code("step3-show", """
            fig, (ax0, ax1, ax2) = plt.subplots(1, 3, figsize=(12, 4))
            ax0.imshow(XXX.reshape(50, 50), cmap="gray"); ax0.set_title("XXX (50x50)")
            ax1.imshow(XXX0.reshape(49, 49), cmap="gray"); ax1.set_title("channel 0: mean filter")
            ax2.imshow(XXX1.reshape(49, 49), cmap="gray"); ax2.set_title("channel 1: edge filter")
            plt.show()
        """),
        graded("test_set_filters", """
            visible.set_filters(XXX0, XXX1)
        """),

        # 4 -----------------------------------------------------------------------------------
        markdown("step4-md", """
            ## 4. 필터를 두 번 겹쳐 쓰기

            Conv2D의 출력도 이미지이므로 한 번 더 통과시킬 수 있습니다. 채널 하나(49×49)를
            `(1, 49, 49, 1)` 로 바꿔 `conv` 에 넣으면 다시 두 채널(48×48)이 나옵니다.
            예를 들어 `conv(XXX0.reshape(1, 49, 49, 1))[..., 1]` 은 XXX → 평균 필터 → 엣지 필터 입니다
            (결과의 shape은 `(1, 48, 48)` 입니다. 그대로 써도 되고 `.reshape(48, 48)` 해도 됩니다).

            두 필터는 모두 선형이고 bias가 0이므로, 순서를 바꿔도 결과가 같습니다: **mean->edge 와 edge->mean 은
            (float32 계산의 아주 작은 반올림 오차를 빼면) 같은 그림**입니다. 2×2 필터 두 개를 겹치면 3×3 필터 하나를 쓰는 것과 같고,
            그 3×3 필터는 두 필터의 순서와 상관없기 때문입니다. 그래서 이 두 조합은 결과만 보고는 순서를 구별할 수 없습니다.

            **문제 4-1.** 네 가지 조합을 딕셔너리 `twice` 에 48×48 결과로 저장하세요.
            키는 `"mean->mean"`, `"mean->edge"`, `"edge->mean"`, `"edge->edge"` 입니다 (앞이 먼저 적용한 필터).
        """),
        solution("stacked_filters", """
            ### BEGIN SOLUTION
            twice = {
                "mean->mean": conv(XXX0.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
                "mean->edge": conv(XXX0.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
                "edge->mean": conv(XXX1.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
                "edge->edge": conv(XXX1.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
            }
            ### END SOLUTION
        """),
        readonly_code("step4-show", """
            fig, ax = plt.subplots(3, 4, figsize=(16, 8))
            for a in ax.flat:
                a.axis("off")
            ax[0][0].imshow(XXX.reshape(50, 50), cmap="gray"); ax[0][0].set_title("XXX")
            ax[1][0].imshow(XXX0.reshape(49, 49), cmap="gray"); ax[1][0].set_title("mean")
            ax[1][2].imshow(XXX1.reshape(49, 49), cmap="gray"); ax[1][2].set_title("edge")
            for col, name in enumerate(["mean->mean", "mean->edge", "edge->mean", "edge->edge"]):
                ax[2][col].imshow(np.squeeze(np.asarray(twice[name])), cmap="gray"); ax[2][col].set_title(name)
            fig.tight_layout()
            plt.show()
        """),
        graded("test_stacked_filters", """
            visible.stacked_filters(twice)
        """),
        markdown("step4-question", """
            **문제 4-2.** 위 그림의 맨 아래 줄을 보고, 각 조합의 결과에 **원래 이미지의 경계가 남아 있는지**
            답하세요. 여기서 "경계가 남아 있다"는 것은 거의 모든 행(90% 이상)에서 가장 강한 반응(절댓값)이
            원래 경계 자리에 있다는 뜻입니다. 원래 경계 자리는 48×48 결과의 **0부터 세어 23번과 24번 열**,
            즉 `twice[name][:, 23:25]` 입니다. 딕셔너리 `keeps_edge` 에 네 조합마다 `True` / `False` 를 쓰세요.
            채점은 강의의 두 필터로 계산한 결과를 기준으로 합니다 (여러분의 `twice` 가 틀렸어도 이 문제는 따로 채점됩니다).
        """),
        solution("keeps_edge", """
            keeps_edge = {
                "mean->mean": None,
                "mean->edge": None,
                "edge->mean": None,
                "edge->edge": None,
            }
            ### BEGIN SOLUTION
            keeps_edge = {"mean->mean": False, "mean->edge": True, "edge->mean": True, "edge->edge": True}
            ### END SOLUTION
        """),
        graded("test_keeps_edge", """
            visible.keeps_edge(keeps_edge)
        """),

        # 5 -----------------------------------------------------------------------------------
        markdown("step5-md", """
            ## 5. 스트라이드(stride)와 패딩(padding)

            - **stride**: 필터가 한 칸씩이 아니라 `s` 칸씩 건너뛰며 움직입니다. 출력이 약 `1/s` 로 작아집니다.
            - **padding**: `padding="same"` 이면 가장자리에 0을 채워 넣고 계산해서, stride가 1일 때 출력 크기가 입력과 같습니다.
              기본값 `padding="valid"` 는 채우지 않으므로 출력이 `k - 1` 만큼 작아집니다 (50 → 49).

            **문제 5.**
            - 입력 한 변의 길이 `n`, 필터 크기 `k`, `stride`, `padding` (`"valid"` 또는 `"same"`)을 받아 출력 한 변의 길이를
              돌려주는 함수 `conv_output_size(n, k, stride=1, padding="valid")` 를 쓰세요.
            - `Conv2D(1, (2, 2), strides=2)` 에 XXX를 넣은 출력의 shape을 `shape_stride2` 에,
              `Conv2D(1, (2, 2), padding="same")` 에 넣은 출력의 shape을 `shape_same` 에 tuple로 저장하세요.
        """),
        solution("stride_padding", """
            def conv_output_size(n, k, stride=1, padding="valid"):
                ### BEGIN SOLUTION
                if padding == "same":
                    return -(-n // stride)
                return (n - k) // stride + 1
                ### END SOLUTION

            ### BEGIN SOLUTION
            shape_stride2 = tuple(tf.keras.layers.Conv2D(1, (2, 2), strides=2)(XXX).shape)
            shape_same = tuple(tf.keras.layers.Conv2D(1, (2, 2), padding="same")(XXX).shape)
            ### END SOLUTION
        """),
        graded("test_stride_padding", """
            visible.stride_padding(conv_output_size(50, 2, 1, "valid"))
        """),

        # 6 -----------------------------------------------------------------------------------
        markdown("step6-md", """
            ## 6. 풀링(pooling): max와 average

            풀링은 이미지를 겹치지 않는 작은 블록(여기서는 2×2)으로 나누고 블록마다 값 하나만 남겨
            크기를 줄입니다. 크기를 줄이면서도 중요한 특징은 살아남게 하려는 것입니다.
            - **max pooling**: 블록의 최댓값 — 강한 반응이 하나라도 있으면 살아남습니다.
            - **average pooling**: 블록의 평균 — 잡음도 같이 줄어듭니다. 요즘은 max만 고집하지 않고 평균도 많이 씁니다.

            **문제 6.**
            - numpy 배열 `(H, W)` (H, W는 짝수)를 받아 2×2 max pooling, average pooling 결과 `(H/2, W/2)` 를 돌려주는
              함수 `max_pool_2x2(image)`, `avg_pool_2x2(image)` 를 **직접** 쓰세요 (힌트: `reshape(H//2, 2, W//2, 2)`).
            - Keras 층 `tf.keras.layers.MaxPooling2D(pool_size=(2, 2))`, `tf.keras.layers.AveragePooling2D(pool_size=(2, 2))` 에 XXX를 넣은 결과를
              `pooled_max_keras`, `pooled_avg_keras` 에 저장하세요 (shape `(1, 25, 25, 1)`).
        """),
        solution("pooling", """
            def max_pool_2x2(image):
                ### BEGIN SOLUTION
                image = np.asarray(image)
                h, w = image.shape
                return image.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
                ### END SOLUTION

            def avg_pool_2x2(image):
                ### BEGIN SOLUTION
                image = np.asarray(image)
                h, w = image.shape
                return image.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
                ### END SOLUTION

            ### BEGIN SOLUTION
            pooled_max_keras = tf.keras.layers.MaxPooling2D(pool_size=(2, 2))(XXX)
            pooled_avg_keras = tf.keras.layers.AveragePooling2D(pool_size=(2, 2))(XXX)
            ### END SOLUTION
        """),
        readonly_code("step6-show", """
            fig, ax = plt.subplots(1, 3, figsize=(12, 4))
            ax[0].imshow(XXX.reshape(50, 50), cmap="gray"); ax[0].set_title("XXX 50x50")
            ax[1].imshow(max_pool_2x2(np.asarray(XXX).reshape(50, 50)), cmap="gray"); ax[1].set_title("max pooling 25x25")
            ax[2].imshow(avg_pool_2x2(np.asarray(XXX).reshape(50, 50)), cmap="gray"); ax[2].set_title("average pooling 25x25")
            plt.show()
        """),
        graded("test_pooling", """
            visible.pooling(max_pool_2x2(np.arange(16.0).reshape(4, 4)))
        """),

        # 7 -----------------------------------------------------------------------------------
        markdown("step7-md", """
            ## 7. 매개변수 공유(parameter sharing): 왜 CNN은 가중치가 적을까?

            `(1, 6, 6, 1)` 이미지를 `(1, 5, 5, 2)` 로 바꾸는 층을 생각해 봅시다.
            - MLP(Dense)라면 입력 36개와 출력 50개를 모두 연결해야 하므로 36×50 행렬이 필요합니다.
            - Conv2D는 2×2 필터 2개를 **이미지 전체에서 같이 씁니다**. 한 채널은 한 가지 일(스무딩이든 엣지든)만 하면 되기 때문입니다.

            강의처럼 **bias는 빼고** 가중치(kernel)만 셉니다. Keras의 `count_params()` 는 bias까지 세므로 값이 조금 큽니다.

            **문제 7.** 다음 정수를 쓰세요.
            - `n_dense_weights`: Dense 방식의 가중치 수 (bias 제외)
            - `n_conv_weights`: Conv2D(2, (2, 2)) 방식의 가중치 수 (bias 제외)
            - `n_conv_params_keras`: 입력 `(1, 6, 6, 1)` 로 만든 `Conv2D(2, (2, 2))` 의 `count_params()` (bias 포함)
        """),
        solution("parameter_sharing", """
            ### BEGIN SOLUTION
            n_dense_weights = (6 * 6 * 1) * (5 * 5 * 2)
            n_conv_weights = 2 * 2 * 1 * 2
            _conv6 = tf.keras.layers.Conv2D(2, (2, 2))
            _conv6(tnp.zeros([1, 6, 6, 1]))
            n_conv_params_keras = _conv6.count_params()
            ### END SOLUTION
        """),
        graded("test_parameter_sharing", """
            visible.parameter_sharing(n_dense_weights, n_conv_weights)
        """),

        # 8 -----------------------------------------------------------------------------------
        markdown("step8-md", """
            ## 8. CNN의 기본 단위: conv → activation → pooling

            CNN은 보통 "conv - activation - pooling" (또는 "conv - conv - activation - pooling")을 한 단위로 쌓습니다.
            conv가 특징을 뽑고, activation이 비선형성을 더하고, pooling이 크기를 줄입니다.

            **문제 8.**
            - `tf.keras.Sequential` 로 `Input((50, 50, 1))` → `Conv2D(2, (2, 2))` → `Activation("relu")` → `MaxPooling2D(pool_size=(2, 2))` 인
              모델 `unit` 을 만드세요.
            - XXX 한 장을 넣었을 때 각 층의 출력 shape을 순서대로 tuple의 리스트 `unit_output_shapes` 로 쓰세요
              (batch 크기 1 포함, 예: `(1, 49, 49, 2)`).
        """),
        solution("basic_unit", """
            ### BEGIN SOLUTION
            unit = tf.keras.Sequential([
                tf.keras.Input((50, 50, 1)),
                tf.keras.layers.Conv2D(2, (2, 2)),
                tf.keras.layers.Activation("relu"),
                tf.keras.layers.MaxPooling2D(pool_size=(2, 2)),
            ])
            unit_output_shapes = [(1, 49, 49, 2), (1, 49, 49, 2), (1, 24, 24, 2)]
            ### END SOLUTION
        """),
        readonly_code("step8-show", """
            unit.summary()
        """),
        graded("test_basic_unit", """
            visible.basic_unit(unit)
        """),
        markdown("outro", """
            ## 정리

            - Conv2D의 가중치를 어떻게 정하느냐에 따라 잡음을 줄이는 필터도, 경계를 찾는 필터도 됩니다.
              학습은 이런 가중치를 데이터로부터 찾아 주는 과정입니다.
            - 채널을 여러 개 두고 층을 쌓으면 더 복잡한 특징도 뽑을 수 있습니다.
            - stride와 pooling은 이미지를 줄이면서 중요한 특징만 남기고, 매개변수 공유 덕분에 가중치 수는 작게 유지됩니다.

            숙제(`week12-homework`)에서는 **전치된(transposed) 이미지**의 경계를 찾는 2×2 필터를 직접 설계합니다.
        """),
    ])
