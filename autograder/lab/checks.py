"""Value checks for the week-12 lab, called from the notebook's test cells.

Every check takes plain data (numbers, shape tuples, arrays or anything ``np.asarray`` reads, such
as TensorFlow tensors) and raises ``AssertionError`` with a message a student can act on.
Messages are Korean with the lecture's English terms, like the lab itself. Expected values are
never typed in: they are recomputed with numpy from the student's own input (see ``reference``),
or measured on Keras layers by the calling test cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from autograder.lab import reference
from autograder.scoring import score_kernel

# Keras computes in float32; values of the lab reach ~40, so compare at float32 precision.
FLOAT32_ATOL = 1e-3
COMPOSITIONS = ("mean->mean", "mean->edge", "edge->mean", "edge->edge")
# After two stacked 2x2 filters, output columns 23 and 24 straddle the edge between input
# columns 24 and 25.
EDGE_COLUMNS_AFTER_TWO_FILTERS = (23, 24)
EDGE_KEPT_THRESHOLD = 0.9


def _array(value, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except Exception as error:  # a student's value may be anything
        raise AssertionError(f"{name}을(를) 숫자 배열로 읽을 수 없습니다: {error}") from None
    return array


def _image_2d(value, name: str, side: int) -> np.ndarray:
    array = _array(value, name)
    squeezed = array.squeeze()
    assert squeezed.shape == (side, side), (
        f"{name}의 shape이 {array.shape}입니다. 배치·채널 축을 빼면 ({side}, {side})이어야 합니다."
    )
    return squeezed


def _assert_close(actual: np.ndarray, expected: np.ndarray, name: str, how: str) -> None:
    if not np.allclose(actual, expected, rtol=0, atol=FLOAT32_ATOL):
        worst = float(np.max(np.abs(actual - expected)))
        raise AssertionError(f"{name}의 값이 기대한 값({how})과 다릅니다 (가장 큰 차이 {worst:.4g}).")


def _assert_values(actual, expected, message: str) -> None:
    """Like ``np.testing.assert_allclose`` with ``atol=1e-6``, but the student reads our sentence
    first instead of numpy's "Not equal to tolerance" report."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape or not np.allclose(actual, expected, rtol=1e-7, atol=1e-6):
        shown = np.array2string(actual, precision=4, suppress_small=True).replace("\n", "")
        raise AssertionError(f"{message} (지금 값 / now: {shown})")


# 1. the step image -------------------------------------------------------------------------

def check_step_image_shape(xxx) -> None:
    shape = tuple(np.shape(xxx))
    assert shape == (1, 50, 50, 1), (
        f"XXX의 shape은 (1, 50, 50, 1)이어야 합니다 (batch, height, width, channel). 지금: {shape}"
    )


def check_step_image(xxx, seed: int = reference.STEP_IMAGE_SEED) -> None:
    """XXX is the lecture's step image with the lab's seeded noise draw, pixel for pixel."""
    check_step_image_shape(xxx)
    image = _image_2d(xxx, "XXX", 50)
    assert np.all(np.isfinite(image)), "XXX에 NaN이나 inf가 있습니다."
    left, right = image[:, :25].mean(), image[:, 25:].mean()
    assert abs(left - 10) < 0.5 and abs(right) < 0.5, (
        f"왼쪽 절반의 평균은 약 10, 오른쪽 절반은 약 0이어야 합니다. 지금: {left:.2f}, {right:.2f}"
    )
    _assert_close(image, reference.lecture_step_image(seed), "XXX",
                  f"seed {seed}로 만든 step image (default_rng(seed).standard_normal((50, 50)))")


# 2. Conv2D creates its weights lazily ------------------------------------------------------

def check_lazy_weights(n_weights_before: int, n_weights_after: int,
                       kernel_shape: Sequence[int], bias_shape: Sequence[int],
                       layer_weight_shapes: Sequence[Sequence[int]]) -> None:
    """Before the first call a Conv2D has no weights; after it, a (2,2,1,2) kernel and a (2,) bias."""
    assert n_weights_before == 0, (
        f"처음 만든 Conv2D에는 아직 가중치가 없어야 합니다 (n_weights_before = {n_weights_before})."
    )
    assert n_weights_after == 2, f"한 번 통과시킨 뒤에는 kernel과 bias, 2개여야 합니다. 지금: {n_weights_after}"
    actual = [tuple(int(d) for d in shape) for shape in layer_weight_shapes]
    assert actual == [(2, 2, 1, 2), (2,)], (
        f"conv는 Conv2D(2, (2, 2))이고 XXX를 한 번 통과했어야 합니다. 지금 가중치 shape: {actual}"
    )
    assert tuple(int(d) for d in kernel_shape) == actual[0], f"kernel_shape이 {actual[0]}이어야 합니다."
    assert tuple(int(d) for d in bias_shape) == actual[1], f"bias_shape이 {actual[1]}이어야 합니다."


# 3. the mean and the edge filter -----------------------------------------------------------

def check_filter_weights(kernel, bias) -> None:
    """Channel 0 holds the mean filter, channel 1 the lecture's edge filter, biases are zero."""
    kernel = _array(kernel, "kernel")
    assert kernel.shape == (2, 2, 1, 2), f"kernel의 shape은 (2, 2, 1, 2)여야 합니다. 지금: {kernel.shape}"
    _assert_values(kernel[:, :, 0, 0], reference.MEAN_FILTER,
                   "채널 0에는 평균 필터 [[0.25, 0.25], [0.25, 0.25]]가 들어가야 합니다.")
    _assert_values(kernel[:, :, 0, 1], reference.EDGE_FILTER,
                   "채널 1에는 엣지 필터 [[-1, 1], [-1, 1]]이 들어가야 합니다.")
    _assert_values(_array(bias, "bias"), [0.0, 0.0], "bias는 [0, 0]이어야 합니다.")
    # The same scorer that grades the homework confirms what each channel does.
    assert score_kernel(kernel[:, :, 0, 0], task="smoothing", language="ko").fraction == 1.0, \
        "채널 0의 필터가 평균 필터처럼 동작하지 않습니다."
    assert score_kernel(kernel[:, :, 0, 1], task="vertical_edge", language="ko").fraction == 1.0, \
        "채널 1의 필터가 세로 경계 필터처럼 동작하지 않습니다."


def check_filtered_channels(xxx, xxx0, xxx1) -> None:
    """XXX0 and XXX1 are the mean and edge filters applied to the student's own XXX."""
    image = _image_2d(xxx, "XXX", 50)
    channel0 = _image_2d(xxx0, "XXX0", 49)
    channel1 = _image_2d(xxx1, "XXX1", 49)
    _assert_close(channel0, reference.apply_filters(image, "mean"), "XXX0", "XXX에 평균 필터를 적용한 결과")
    _assert_close(channel1, reference.apply_filters(image, "edge"), "XXX1", "XXX에 엣지 필터를 적용한 결과")


# 4. filters applied twice ------------------------------------------------------------------

def check_stacked_filters(xxx, twice: Mapping[str, object]) -> None:
    """Each of the four compositions equals the two filters applied in order to the student's XXX."""
    image = _image_2d(xxx, "XXX", 50)
    missing = [name for name in COMPOSITIONS if name not in twice]
    assert not missing, f"twice에 {missing} 키가 없습니다. 키: {list(COMPOSITIONS)}"
    for name in COMPOSITIONS:
        first, second = name.split("->")
        _assert_close(_image_2d(twice[name], f"twice['{name}']", 48),
                      reference.apply_filters(image, first, second), f"twice['{name}']",
                      f"XXX -> {first} -> {second} 필터")


def check_keeps_edge(twice: Mapping[str, object], keeps_edge: Mapping[str, object]) -> None:
    """The student's yes/no per composition agrees with what their own response maps show."""
    for name in COMPOSITIONS:
        response = _image_2d(twice[name], f"twice['{name}']", 48)
        measured = reference.edge_kept_rate(response, EDGE_COLUMNS_AFTER_TWO_FILTERS)
        truth = measured >= EDGE_KEPT_THRESHOLD
        answer = keeps_edge.get(name)
        assert answer is not None, f"keeps_edge['{name}']에 True 또는 False를 쓰세요."
        assert answer == truth, (
            f"'{name}': 각 행에서 가장 강한 반응이 경계 열에 있는 비율이 {measured:.0%}입니다. "
            f"keeps_edge['{name}']을(를) 다시 생각해 보세요."
        )


# 5. stride and padding ---------------------------------------------------------------------

def check_output_size_rule(answers: Sequence[Sequence]) -> None:
    """The student's size rule gives Keras' output size for every probed (n, k, stride, padding).

    ``answers`` holds ``[n, k, stride, padding, answer]`` rows. The expected sizes come from
    ``reference.conv_output_size``, which the test suite checks against real Keras layers.
    """
    assert answers, "conv_output_size를 확인할 수 없습니다."
    for n, k, stride, padding, answer in answers:
        expected = reference.conv_output_size(int(n), int(k), int(stride), str(padding))
        assert isinstance(answer, (int, float)) and answer == expected, (
            f"conv_output_size({n}, {k}, {stride}, '{padding}') = {answer!r}, Keras의 출력 크기는 {expected}입니다."
        )


def check_shape_equals(name: str, answer, measured) -> None:
    answer_shape = tuple(int(d) for d in answer) if answer is not None else None
    measured_shape = tuple(int(d) for d in measured)
    assert answer_shape == measured_shape, f"{name}은(는) {measured_shape}이어야 합니다. 지금: {answer_shape}"


# 6. pooling --------------------------------------------------------------------------------

def check_pooling_function(pooled, reduce, name: str, image) -> None:
    """What a by-hand 2x2 pooling function returned for ``image`` equals numpy's block max/mean."""
    pooled = _array(pooled, f"{name}(...)의 결과")
    expected = reference.pool_2x2(image, reduce)
    assert pooled.shape == expected.shape, f"{name}의 결과 shape은 {expected.shape}이어야 합니다. 지금: {pooled.shape}"
    _assert_close(pooled, expected, f"{name}의 결과", "2x2 블록마다 구한 값")


def check_pooled_image(xxx, pooled, reduce, name: str) -> None:
    image = _image_2d(xxx, "XXX", 50)
    _assert_close(_image_2d(pooled, name, 25), reference.pool_2x2(image, reduce), name, "XXX를 2x2로 pooling한 결과")


# 7. parameter sharing ----------------------------------------------------------------------

def check_parameter_counts(answers: Mapping[str, object], measured: Mapping[str, int]) -> None:
    """Counts of weights agree with those measured on real Keras layers."""
    for name, expected in measured.items():
        answer = answers.get(name)
        assert answer is not None and int(answer) == int(expected), (
            f"{name}은(는) {expected}이어야 합니다. 지금: {answer}"
        )


# 8. the basic unit conv - activation - pooling ---------------------------------------------

def check_basic_unit(layer_kinds: Sequence[str], answer_shapes, measured_shapes) -> None:
    """The unit is Conv2D, then an activation, then pooling, with the output shapes Keras gives."""
    assert len(layer_kinds) == 3, f"층이 3개(conv, activation, pooling)여야 합니다. 지금: {list(layer_kinds)}"
    conv, activation, pooling = layer_kinds
    assert conv == "Conv2D", f"첫 층은 Conv2D여야 합니다. 지금: {conv}"
    assert activation in {"Activation", "ReLU"}, f"두 번째 층은 activation이어야 합니다. 지금: {activation}"
    assert pooling in {"MaxPooling2D", "AveragePooling2D"}, f"세 번째 층은 pooling이어야 합니다. 지금: {pooling}"
    answer = [tuple(int(d) for d in shape) for shape in answer_shapes]
    measured = [tuple(int(d) for d in shape) for shape in measured_shapes]
    side = reference.conv_output_size(50, 2) // 2
    assert measured[-1:] == [(1, side, side, 2)], (
        f"Conv2D(2, (2, 2))와 2x2 pooling이면 XXX의 출력은 (1, {side}, {side}, 2)입니다. 지금: {measured[-1:]}"
    )
    assert answer == measured, f"unit_output_shapes가 {measured}이어야 합니다. 지금: {answer}"
