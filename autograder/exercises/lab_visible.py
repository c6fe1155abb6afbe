"""The lab's visible tests: what each graded cell checks in front of the student, and in the grade.

Each check takes plain values (arrays, tensors, numbers, dicts) and raises
:class:`VisibleCheckFailed` with a message the student can act on, or returns what it confirmed.
The notebook's graded cells call them through :data:`IN_NOTEBOOK` (``visible`` in the notebooks),
which also prints that confirmation; the judge calls the same functions on the extracted answers
before the hidden checks, so a form the visible test rejects is rejected by the grade with the same
message, and the grade never passes what the visible test refused. The checks ask only for the
form the hidden checks need (a 49x49 channel may keep its batch and channel axes; a dictionary
may hold more keys than the four asked for).

Self-contained on purpose (numpy and the standard library, the course's ``i18n`` when installed):
the released notebooks carry this file's source, to run it where the course package is absent
(Google Colab, a plain Jupyter), so the same checks run wherever the student works.
"""

import numpy as np

import types

try:
    from autograder.i18n import Catalogue, Phrase, Wording
except ImportError:  # in a notebook without the course package: its copy of i18n ran just before
    pass

COMPOSITIONS = ("mean->mean", "mean->edge", "edge->mean", "edge->edge")

VISIBLE_MESSAGES = Catalogue({
    "step_image_shape": {
        "ko": "XXX의 shape은 (1, 50, 50, 1)이어야 합니다 (batch, height, width, channel). 지금: {shape}",
        "en": "XXX must have shape (1, 50, 50, 1) (batch, height, width, channel); now: {shape}",
    },
    "weights_before": {"ko": "처음 만든 Conv2D에는 가중치가 없어야 합니다. 지금 n_weights_before = {count}",
                       "en": "A Conv2D that was just made has no weights; now n_weights_before = {count}"},
    "kernel_shape": {"ko": "kernel_shape은 (2, 2, 1, 2)여야 합니다. 지금: {shape}",
                     "en": "kernel_shape must be (2, 2, 1, 2); now: {shape}"},
    "image_side": {
        "ko": "{name}의 shape은 {shape}입니다. 배치·채널 축을 빼면 {side}x{side}여야 합니다.",
        "en": "{name} has shape {shape}; without the batch and channel axes it must be {side}x{side}.",
    },
    "keys": {"ko": "{name}은(는) {expected} 키를 가진 딕셔너리여야 합니다. 빠진 키: {missing}",
             "en": "{name} must be a dictionary with the keys {expected}; missing: {missing}"},
    "true_or_false": {"ko": "keeps_edge['{key}']에는 True 또는 False를 쓰세요. 지금: {value!r}",
                      "en": "Write True or False in keeps_edge['{key}']; now: {value!r}"},
    "size_rule": {"ko": "stride 1, valid이면 50 -> 49입니다. 지금 conv_output_size(50, 2) = {value}",
                  "en": "With stride 1 and valid padding 50 -> 49; now conv_output_size(50, 2) = {value}"},
    "pooled_toy": {"ko": "4x4를 2x2로 pooling하면 2x2입니다. 지금 max_pool_2x2의 결과 shape: {shape}",
                   "en": "Pooling a 4x4 array in 2x2 blocks gives 2x2; now max_pool_2x2 returned shape {shape}"},
    "fewer_weights": {"ko": "Conv2D가 훨씬 적은 가중치를 씁니다. 지금 n_conv_weights = {conv}, n_dense_weights = {dense}",
                      "en": "A Conv2D uses far fewer weights; now n_conv_weights = {conv}, n_dense_weights = {dense}"},
    "three_layers": {"ko": "Conv2D, Activation, MaxPooling2D 세 층이어야 합니다. 지금 층 수: {count}",
                     "en": "There must be three layers: Conv2D, Activation, MaxPooling2D; now {count}"},
    "not_readable": {"ko": "{name}을(를) 확인할 수 없습니다: {error}", "en": "{name} cannot be checked: {error}"},
    "passed": {"ko": "보이는 테스트 통과: {what}. 값은 채점할 때 숨은 테스트로 확인합니다.",
               "en": "Visible test passed: {what}. The values are checked by the hidden tests at grading."},
})


class VisibleCheckFailed(Wording, AssertionError):
    """A visible test did not pass (raised explicitly: ``python -O`` changes nothing)."""

    catalogue = VISIBLE_MESSAGES


def _fail_unless(condition, message_id, **fields):
    try:
        passed = bool(condition)
    except Exception:  # noqa: BLE001 - e.g. an array compared with a number: not the answer asked for
        passed = False
    if not passed:
        raise VisibleCheckFailed(message_id, **fields)


def _confirmed(what: str):
    return Phrase(VISIBLE_MESSAGES, "passed", what=what)


def _shape(value, name):
    try:
        return tuple(int(d) for d in np.shape(value))
    except Exception as error:  # a student's value may be anything
        raise VisibleCheckFailed("not_readable", name=name, error=f"{type(error).__name__}: {error}") from None


def _side(value, name, side):
    shape = _shape(value, name)
    squeezed = tuple(d for d in shape if d != 1)
    _fail_unless(squeezed == (side, side), "image_side", name=name, shape=shape, side=side)


def step_image(XXX):  # noqa: N803 - the lecture's name
    shape = _shape(XXX, "XXX")
    _fail_unless(shape == (1, 50, 50, 1), "step_image_shape", shape=shape)
    return _confirmed(f"XXX.shape = {shape}")


def lazy_weights(n_weights_before, kernel_shape):
    _fail_unless(n_weights_before == 0, "weights_before", count=n_weights_before)
    try:
        shape = tuple(int(d) for d in kernel_shape)
    except Exception:  # noqa: BLE001 - a student's value may be anything
        shape = None
    _fail_unless(shape == (2, 2, 1, 2), "kernel_shape", shape=kernel_shape)
    return _confirmed(f"n_weights_before = 0, kernel_shape = {shape}")


def set_filters(XXX0, XXX1):  # noqa: N803
    _side(XXX0, "XXX0", 49)
    _side(XXX1, "XXX1", 49)
    return _confirmed("XXX0, XXX1: 49x49")


def _keys(value, name, expected):
    missing = [key for key in expected if key not in value] if isinstance(value, dict) else list(expected)
    _fail_unless(not missing, "keys", name=name, expected=list(expected), missing=missing)


def stacked_filters(twice):
    _keys(twice, "twice", COMPOSITIONS)
    for name in COMPOSITIONS:
        _side(twice[name], f"twice['{name}']", 48)
    return _confirmed("twice: 48x48 x 4")


def keeps_edge(answers):
    _keys(answers, "keeps_edge", COMPOSITIONS)
    for key in COMPOSITIONS:
        value = answers[key]
        yes_or_no = isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1))
        _fail_unless(yes_or_no, "true_or_false", key=key, value=value)
    return _confirmed("keeps_edge: True/False x 4")


def stride_padding(size_50_2):
    _fail_unless(size_50_2 == 49, "size_rule", value=size_50_2)
    return _confirmed("conv_output_size(50, 2) = 49")


def pooling(max_pooled_toy):
    shape = _shape(max_pooled_toy, "max_pool_2x2(...)")
    _fail_unless(shape == (2, 2), "pooled_toy", shape=shape)
    return _confirmed("max_pool_2x2: 4x4 -> 2x2")


def parameter_sharing(n_dense_weights, n_conv_weights):
    try:
        fewer = n_conv_weights < n_dense_weights
    except TypeError:
        fewer = False
    _fail_unless(fewer, "fewer_weights", conv=n_conv_weights, dense=n_dense_weights)
    return _confirmed(f"n_conv_weights = {n_conv_weights} < n_dense_weights = {n_dense_weights}")


def basic_unit(unit):
    layers = getattr(unit, "layers", unit)
    count = len(layers) if hasattr(layers, "__len__") else None
    _fail_unless(count == 3, "three_layers", count=count)
    return _confirmed("unit: 3 layers")


CHECKS = ("step_image", "lazy_weights", "set_filters", "stacked_filters", "keeps_edge", "stride_padding",
          "pooling", "parameter_sharing", "basic_unit")


def _shown(check):
    def show(*values):
        print(check(*values))  # a failure raises before: the student sees its message as the cell's error

    show.__name__, show.__doc__ = check.__name__, check.__doc__
    return show


# What the notebooks call ``visible``: each check, printing what it confirmed.
IN_NOTEBOOK = types.SimpleNamespace(**{name: _shown(globals()[name]) for name in CHECKS},
                                    VisibleCheckFailed=VisibleCheckFailed)
