"""Every sentence the lab's checks and the judge say about an answer, in Korean and English.

The Korean wording is the lab's own (Korean with the lecture's English terms); some Korean
sentences keep an English gloss in parentheses for the English terms they explain. A check
raises :class:`CheckFailed` with a message id and its fields; the words are chosen when the
message is shown: Korean in a student's own kernel, the course's language
(``c.KernelFeedback.language``) when the grader judges.
"""

from __future__ import annotations

from autograder.i18n import Catalogue, Phrase, Wording

MESSAGES: dict[str, dict[str, str]] = {
    # --- reading an answer ---------------------------------------------------------------------
    "not_defined": {
        "ko": "변수 {names}이(가) 정의되지 않았습니다: 답 셀을 실행하지 않았거나, 셀이 그 전에 오류로 멈췄습니다 "
              "(the answer cell was not run, or it stopped with an error before defining it).",
        "en": "The variable(s) {names} are not defined: the answer cell was not run, or it stopped with an error "
              "before defining them.",
    },
    "unreadable": {"ko": "{name}을(를) 읽을 수 없습니다: {reason}", "en": "{name} could not be read: {reason}"},
    "not_the_kind": {"ko": "{name}이(가) 문제에서 만들라고 한 종류의 값이 아니어서 읽을 수 없습니다 ({detail})",
                     "en": "{name} is not the kind of value the exercise asks for, so it could not be read ({detail})"},
    "student_error": {"ko": "{name}: 학생 코드에서 오류가 났습니다 — {explanation}. ({error})",
                      "en": "{name}: your code raised an error — {explanation}. ({error})"},
    "not_an_array": {"ko": "{name}을(를) 숫자 배열로 읽을 수 없습니다: {error}",
                     "en": "{name} could not be read as an array of numbers: {error}"},
    "not_a_dict": {"ko": "{name}는 딕셔너리여야 합니다.", "en": "{name} must be a dictionary."},
    "not_dicts": {"ko": "{first}와 {second}는 딕셔너리여야 합니다.", "en": "{first} and {second} must be dictionaries."},
    "cannot_check": {"ko": "답의 형식이 예상과 달라 확인할 수 없습니다 — {explanation}. ({error})",
                     "en": "The answer is not in the expected form and could not be checked — {explanation}. ({error})"},
    # --- what a Python error means, first, before its English message -----------------------
    "explain_NameError": {"ko": "정의되지 않은 이름(변수나 함수)을 썼습니다. 철자와 셀 실행 순서를 확인하세요",
                          "en": "a name (variable or function) was used before it was defined; check the spelling "
                                "and the order in which the cells ran"},
    "explain_TypeError": {"ko": "값의 종류(type)가 맞지 않습니다. 숫자·배열·None이 들어갈 자리를 확인하세요",
                          "en": "a value of the wrong type was used; check where numbers, arrays or None go"},
    "explain_ValueError": {"ko": "값이나 배열의 모양(shape)이 맞지 않습니다. reshape와 크기를 확인하세요",
                           "en": "a value or an array's shape does not fit; check the reshape and the sizes"},
    "explain_IndexError": {"ko": "범위를 벗어난 위치(인덱스)를 읽었습니다", "en": "an index was out of range"},
    "explain_KeyError": {"ko": "딕셔너리에 없는 키를 읽었습니다", "en": "a key that the dictionary does not have was read"},
    "explain_AttributeError": {"ko": "그 값에 없는 속성이나 메서드를 썼습니다", "en": "an attribute or method that the value "
                               "does not have was used"},
    "explain_ZeroDivisionError": {"ko": "0으로 나누었습니다", "en": "a number was divided by zero"},
    "explain_InvalidArgumentError": {"ko": "TensorFlow 연산의 입력 모양이 맞지 않습니다", "en": "a TensorFlow operation got "
                                     "an input of the wrong shape"},
    "explain_NotImplementedError": {"ko": "답을 아직 쓰지 않았습니다 (raise NotImplementedError()를 지우고 답을 쓰세요)",
                                    "en": "the answer is not written yet (replace raise NotImplementedError() by it)"},
    "explain_ModuleNotFoundError": {"ko": "설치되지 않은 모듈을 불러왔습니다. 과제에 필요한 모듈(numpy, tensorflow, "
                                    "matplotlib)만 쓰세요", "en": "a module that is not installed was imported; use only "
                                    "the modules the assignment needs (numpy, tensorflow, matplotlib)"},
    "explain_SyntaxError": {"ko": "코드의 문법이 틀렸습니다 (괄호, 따옴표, 콜론을 확인하세요)",
                            "en": "the code is not valid Python (check brackets, quotes and colons)"},
    "explain_IndentationError": {"ko": "들여쓰기가 맞지 않습니다", "en": "the indentation is wrong"},
    "explain_VisibleCheckFailed": {"ko": "보이는 테스트가 통과하지 못했습니다. 메시지를 보고 답을 고치세요",
                                   "en": "the visible test did not pass; read its message and fix the answer"},
    "explain_other": {"ko": "코드 실행 중 오류가 났습니다", "en": "the code raised an error"},
    "failed": {"ko": "숨은 테스트를 통과하지 못했습니다.", "en": "The hidden tests did not pass."},
    # --- comparing values ----------------------------------------------------------------------
    "image_shape": {
        "ko": "{name}의 shape이 {shape}입니다. 배치·채널 축을 빼면 ({side}, {side})이어야 합니다.",
        "en": "{name} has shape {shape}; without the batch and channel axes it must be ({side}, {side}).",
    },
    "values_differ": {
        "ko": "{name}의 값이 기대한 값({how})과 다릅니다 (가장 큰 차이 {worst:.4g}).",
        "en": "The values of {name} differ from the expected ones ({how}); the largest difference is {worst:.4g}.",
    },
    "values_now": {"ko": "{expected} (지금 값 / now: {shown})", "en": "{expected} (now: {shown})"},
    "must_equal": {"ko": "{name}은(는) {expected}이어야 합니다. 지금: {answer}",
                   "en": "{name} must be {expected}; now: {answer}"},
    # --- 1. the step image ---------------------------------------------------------------------
    "step_image_shape": {
        "ko": "XXX의 shape은 (1, 50, 50, 1)이어야 합니다 (batch, height, width, channel). 지금: {shape}",
        "en": "XXX must have shape (1, 50, 50, 1) (batch, height, width, channel); now: {shape}",
    },
    "step_image_not_finite": {"ko": "XXX에 NaN이나 inf가 있습니다.", "en": "XXX contains NaN or inf."},
    "step_image_halves": {
        "ko": "왼쪽 절반의 평균은 약 10, 오른쪽 절반은 약 0이어야 합니다. 지금: {left:.2f}, {right:.2f}",
        "en": "The left half must average about 10 and the right half about 0; now: {left:.2f}, {right:.2f}",
    },
    "how_seeded_image": {
        "ko": "seed {seed}로 만든 step image (default_rng(seed).standard_normal((50, 50)))",
        "en": "the step image made with seed {seed} (default_rng(seed).standard_normal((50, 50)))",
    },
    # --- 2. lazy weights -----------------------------------------------------------------------
    "weights_before": {
        "ko": "처음 만든 Conv2D에는 아직 가중치가 없어야 합니다 (n_weights_before = {count}).",
        "en": "A Conv2D that was just made has no weights yet (n_weights_before = {count}).",
    },
    "weights_after": {
        "ko": "한 번 통과시킨 뒤에는 kernel과 bias, 2개여야 합니다. 지금: {count}",
        "en": "After one call there are 2 weights, the kernel and the bias; now: {count}",
    },
    "weights_layer": {
        "ko": "conv는 Conv2D(2, (2, 2))이고 XXX를 한 번 통과했어야 합니다. 지금 가중치 shape: {shapes}",
        "en": "conv must be a Conv2D(2, (2, 2)) that XXX went through once; its weight shapes now: {shapes}",
    },
    "shape_must_be": {"ko": "{name}이 {shape}이어야 합니다.", "en": "{name} must be {shape}."},
    # --- 3. the mean and the edge filter -------------------------------------------------------
    "two_weights": {"ko": "conv에는 kernel과 bias, 두 가중치가 있어야 합니다.",
                    "en": "conv must hold two weights, a kernel and a bias."},
    "kernel_shape": {"ko": "kernel의 shape은 (2, 2, 1, 2)여야 합니다. 지금: {shape}",
                     "en": "The kernel must have shape (2, 2, 1, 2); now: {shape}"},
    "channel0_mean": {"ko": "채널 0에는 평균 필터 [[0.25, 0.25], [0.25, 0.25]]가 들어가야 합니다.",
                      "en": "Channel 0 must hold the mean filter [[0.25, 0.25], [0.25, 0.25]]."},
    "channel1_edge": {"ko": "채널 1에는 엣지 필터 [[-1, 1], [-1, 1]]이 들어가야 합니다.",
                      "en": "Channel 1 must hold the edge filter [[-1, 1], [-1, 1]]."},
    "bias_zero": {"ko": "bias는 [0, 0]이어야 합니다.", "en": "The bias must be [0, 0]."},
    "channel0_not_smoothing": {"ko": "채널 0의 필터가 평균 필터처럼 동작하지 않습니다.",
                               "en": "The filter in channel 0 does not work like a mean filter."},
    "channel1_not_vertical": {"ko": "채널 1의 필터가 세로 경계 필터처럼 동작하지 않습니다.",
                              "en": "The filter in channel 1 does not work like a vertical edge filter."},
    "how_mean_applied": {"ko": "XXX에 평균 필터를 적용한 결과", "en": "the mean filter applied to XXX"},
    "how_edge_applied": {"ko": "XXX에 엣지 필터를 적용한 결과", "en": "the edge filter applied to XXX"},
    # --- 4. filters applied twice --------------------------------------------------------------
    "twice_keys": {"ko": "twice에 {missing} 키가 없습니다. 키: {keys}",
                   "en": "twice lacks the keys {missing}; the keys are {keys}"},
    "how_twice": {"ko": "XXX -> {first} -> {second} 필터", "en": "XXX -> {first} -> {second} filter"},
    "keeps_edge_missing": {"ko": "keeps_edge['{name}']에 True 또는 False를 쓰세요.",
                           "en": "Write True or False in keeps_edge['{name}']."},
    "keeps_edge_wrong": {
        "ko": "'{name}': 강의의 두 필터로 계산하면, 각 행에서 가장 강한 반응이 원래 경계 자리(0부터 세어 23번·24번 열)에 "
              "있는 행의 비율이 {measured:.0%}입니다. keeps_edge['{name}']을(를) 다시 생각해 보세요.",
        "en": "'{name}': with the lecture's two filters, {measured:.0%} of the rows have their strongest response on "
              "the original edge (columns 23 and 24, counted from 0); think again about keeps_edge['{name}'].",
    },
    # --- 5. stride and padding -----------------------------------------------------------------
    "size_rule_unknown": {"ko": "conv_output_size를 확인할 수 없습니다.", "en": "conv_output_size could not be checked."},
    "size_rule_wrong": {
        "ko": "conv_output_size({n}, {k}, {stride}, '{padding}') = {answer!r}, Keras의 출력 크기는 {expected}입니다.",
        "en": "conv_output_size({n}, {k}, {stride}, '{padding}') = {answer!r}, but Keras' output size is {expected}.",
    },
    # --- 6. pooling ----------------------------------------------------------------------------
    "pooled_shape": {"ko": "{name}의 결과 shape은 {expected}이어야 합니다. 지금: {shape}",
                     "en": "The result of {name} must have shape {expected}; now: {shape}"},
    "result_of": {"ko": "{name}(...)의 결과", "en": "the result of {name}(...)"},
    "result_of_function": {"ko": "{name}의 결과", "en": "the result of {name}"},
    "how_blocks": {"ko": "2x2 블록마다 구한 값", "en": "the value of each 2x2 block"},
    "how_pooled": {"ko": "XXX를 2x2로 pooling한 결과", "en": "XXX pooled in 2x2 blocks"},
    # --- 8. the basic unit ---------------------------------------------------------------------
    "unit_not_model": {"ko": "unit은 tf.keras.Sequential 모델이어야 합니다.",
                       "en": "unit must be a tf.keras.Sequential model."},
    "unit_unreadable": {"ko": "unit의 층 구성을 해석할 수 없습니다: {kinds}",
                        "en": "The layers of unit could not be read: {kinds}"},
    "unit_three_layers": {"ko": "층이 3개(conv, activation, pooling)여야 합니다. 지금: {kinds}",
                          "en": "There must be 3 layers (conv, activation, pooling); now: {kinds}"},
    "unit_first": {"ko": "첫 층은 Conv2D여야 합니다. 지금: {kind}", "en": "The first layer must be a Conv2D; now: {kind}"},
    "unit_second": {"ko": "두 번째 층은 activation이어야 합니다. 지금: {kind}",
                    "en": "The second layer must be an activation; now: {kind}"},
    "unit_third": {"ko": "세 번째 층은 MaxPooling2D여야 합니다. 지금: {kind}",
                   "en": "The third layer must be a MaxPooling2D layer; now: {kind}"},
    "unit_output": {
        "ko": "Conv2D(2, (2, 2))와 2x2 pooling이면 XXX의 출력은 (1, {side}, {side}, 2)입니다. 지금: {measured}",
        "en": "With Conv2D(2, (2, 2)) and 2x2 pooling the output for XXX is (1, {side}, {side}, 2); now: {measured}",
    },
    "unit_conv_config": {
        "ko": "첫 층은 활성화 함수 없이 Conv2D(2, (2, 2)) (stride 1, padding 'valid')여야 합니다. 지금: {found}",
        "en": "The first layer must be Conv2D(2, (2, 2)) (stride 1, 'valid' padding) with no activation; now: {found}",
    },
    "unit_relu": {"ko": "두 번째 층의 활성화 함수는 ReLU여야 합니다 (Activation(\"relu\")). 지금: {found}",
                  "en": "The second layer's activation must be ReLU (Activation(\"relu\")); now: {found}"},
    "unit_pool_config": {
        "ko": "세 번째 층은 2x2 max pooling (pool_size=(2, 2), stride 2, padding 'valid')이어야 합니다. 지금: {found}",
        "en": "The third layer must be 2x2 max pooling (pool_size=(2, 2), stride 2, 'valid' padding); now: {found}",
    },
    "unit_shapes": {"ko": "unit_output_shapes가 {measured}이어야 합니다. 지금: {answer}",
                    "en": "unit_output_shapes must be {measured}; now: {answer}"},
}

CHECK_MESSAGES = Catalogue(MESSAGES)


def explain_error(error_text: str, language: str) -> str | None:
    """A short explanation of a Python error given as ``"TypeName: message"``, or None if the
    text does not look like one."""
    name, colon, _ = str(error_text).partition(":")
    if not colon or not name.strip().isidentifier():
        return None
    message_id = f"explain_{name.strip()}"
    return CHECK_MESSAGES.message(message_id if message_id in CHECK_MESSAGES else "explain_other", language)


def phrase(message_id: str, **fields) -> Phrase:
    """A part of a check's message (say, what the expected values are), worded with the message."""
    return Phrase(CHECK_MESSAGES, message_id, **fields)


class CheckFailed(Wording, AssertionError):
    """A check did not pass; the message says why, in the language it is shown in.

    An ``AssertionError`` so that a visible test cell fails as an assertion would, but raised
    explicitly: a check's verdict must not depend on the interpreter's ``-O`` flag.
    """

    catalogue = CHECK_MESSAGES


def check(condition, message_id: str, **fields) -> None:
    """Raise :class:`CheckFailed` unless ``condition`` holds (``assert`` that ``-O`` cannot remove)."""
    if not condition:
        raise CheckFailed(message_id, **fields)
