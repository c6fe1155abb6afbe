"""Every sentence a student reads about their filter, in Korean and English.

``MESSAGES`` maps a message id to ``{'ko': ..., 'en': ...}`` templates with ``str.format``
placeholders, filled in by the course's one mechanism (``autograder.i18n.Catalogue``) through
:func:`message`. Orientation and profile words are looked up per
language too (``ORIENTATION_WORDS``, ``PROFILE_WORDS``), so a template such as
``wrong_orientation`` reads naturally for every task. Ids starting with ``problem_`` match the
problem codes of :func:`~autograder.scoring.kernel_input.coerce_kernel`.
"""

from __future__ import annotations

from autograder.i18n import LANGUAGES, Catalogue, resolve_language

__all__ = ["LANGUAGES", "MESSAGES", "KERNEL_MESSAGES", "message", "resolve_language", "format_percent"]

SHAPE_HINT = {
    "ko": "[[a, b], [c, d]] 같은 2x2 필터가 필요합니다 ((2, 2), (2, 2, 1), Keras의 (2, 2, 1, 1) 모양을 받습니다)",
    "en": "expected a 2x2 filter such as [[a, b], [c, d]] "
          "(shapes (2, 2), (2, 2, 1) or Keras' (2, 2, 1, 1) are accepted)",
}

ORIENTATION_WORDS = {
    "horizontal": {"ko": "가로", "en": "horizontal"},
    "vertical": {"ko": "세로", "en": "vertical"},
    "diagonal": {"ko": "대각선(\\)", "en": "diagonal (\\)"},
    "antidiagonal": {"ko": "반대 대각선(/)", "en": "anti-diagonal (/)"},
}

# The lines across the edge along which localisation is measured, per edge orientation.
PROFILE_WORDS = {
    "horizontal": {"ko": "열", "en": "columns"},
    "vertical": {"ko": "행", "en": "rows"},
    "diagonal": {"ko": "반대 대각선", "en": "anti-diagonals"},
    "antidiagonal": {"ko": "대각선", "en": "diagonals"},
}

# The one row/column a "single line" edge filter uses, per target orientation.
LINE_WORDS = {
    "horizontal": {"ko": "한 열", "en": "one column", "both_ko": "두 열", "both_en": "both columns"},
    "vertical": {"ko": "한 행", "en": "one row", "both_ko": "두 행", "both_en": "both rows"},
}

MESSAGES: dict[str, dict[str, str]] = {
    # --- input problems (codes from coerce_kernel) --------------------------------------------
    "problem_missing": {
        "ko": "필터가 없습니다(None). {shape_hint}.",
        "en": "No filter was given (None); {shape_hint}.",
    },
    "problem_text": {
        "ko": "숫자가 아니라 문자열 {value}을(를) 받았습니다. 따옴표 없이 숫자로 쓰세요. 예: [[-1, -1], [1, 1]].",
        "en": "Got text ({value}), not numbers; write the numbers without quotes, "
              "e.g. [[-1, -1], [1, 1]].",
    },
    "problem_ragged": {
        "ko": "행마다 길이가 다릅니다({lengths}). 2x2 필터의 각 행에는 숫자가 두 개씩 있어야 합니다.",
        "en": "The rows have different lengths ({lengths}); each row of a 2x2 filter needs "
              "exactly two numbers.",
    },
    "problem_not_numeric": {
        "ko": "숫자가 아닌 값({element})이 들어 있습니다. 정수나 실수만 쓰세요(True/False는 받지 않습니다).",
        "en": "The filter contains something that is not a number ({element}); use ints or "
              "floats only (True/False are not accepted).",
    },
    "problem_complex": {
        "ko": "복소수({element})가 들어 있습니다. 실수만 쓰세요.",
        "en": "The filter contains complex numbers ({element}); use real numbers.",
    },
    "problem_wrong_shape": {
        "ko": "받은 필터의 모양은 {shape}입니다. {shape_hint}.",
        "en": "Got shape {shape}; {shape_hint}.",
    },
    "problem_several_filters": {
        "ko": "받은 모양 {shape}은(는) 필터 여러 개입니다(Keras 커널의 마지막 축이 필터 개수입니다). "
              "2x2 필터 하나만 제출하세요: Conv2D(1, (2, 2))의 커널 모양은 (2, 2, 1, 1)입니다.",
        "en": "Got shape {shape}, which is several filters (the last axis of a Keras kernel "
              "counts filters); submit exactly one 2x2 filter: Conv2D(1, (2, 2)) has a kernel "
              "of shape (2, 2, 1, 1).",
    },
    "problem_not_finite": {
        "ko": "NaN 또는 무한대(inf) 값이 들어 있습니다. 모든 원소는 유한한 숫자여야 합니다.",
        "en": "The filter contains NaN or infinity; every entry must be a finite number.",
    },
    "problem_too_large": {
        "ko": "입력이 너무 큽니다({shape}). {shape_hint}.",
        "en": "The input is far too large ({shape}); {shape_hint}.",
    },
    "problem_layer_not_built": {
        "ko": "이 Keras 층에는 아직 가중치가 없습니다. 제출하기 전에 이미지에 한 번 적용하거나 set_weights로 커널을 넣으세요.",
        "en": "This Keras layer has no weights yet; call it on an image once (or use "
              "set_weights) before submitting it.",
    },
    "problem_unreadable": {
        "ko": "필터를 읽을 수 없습니다({error}). [[-1, -1], [1, 1]] 같은 리스트나 numpy 배열로 제출하세요.",
        "en": "The filter could not be read ({error}); submit a plain list such as "
              "[[-1, -1], [1, 1]] or a numpy array.",
    },
    "problem_unknown_task": {
        "ko": "알 수 없는 과제 이름입니다: {task}. 가능한 과제: {tasks}.",
        "en": "Unknown task {task}; known tasks: {tasks}.",
    },
    "problem_internal_error": {
        "ko": "채점 중 내부 오류가 발생했습니다({error}). 조교에게 알려 주세요.",
        "en": "An internal error occurred while scoring ({error}); please tell the TA.",
    },
    # --- what the filter does (edge tasks) -----------------------------------------------------
    "kind_zero": {
        "ko": "모든 원소가 0입니다. 이 필터는 어디서나 0을 출력하므로 아무것도 찾지 못합니다.",
        "en": "All entries are 0: this filter outputs 0 everywhere and finds nothing.",
    },
    "kind_intended": {
        "ko": "정답입니다. 이 필터는 {target_ko} 방향 경계에 반응하고 평평한 영역에는 반응하지 않습니다.",
        "en": "Correct: this filter responds to {target_en} edges and not to flat regions.",
    },
    "kind_almost": {
        "ko": "이 필터는 {target_ko} 방향 경계에 반응하지만 아직 완벽하지는 않습니다. 아래 항목을 확인하세요.",
        "en": "This filter responds to {target_en} edges, but not perfectly yet; see the "
              "criteria below.",
    },
    "kind_single_line": {
        "ko": "정답입니다. 이 필터는 {line_ko}만 사용해 {target_ko} 방향 경계를 찾습니다. "
              "{both_ko}을 모두 쓰면(예: {example}) 잡음이 더 많이 평균되어 경계가 더 뚜렷해집니다.",
        "en": "Correct: this filter finds the {target_en} edge using {line_en} only; using "
              "{both_en} (e.g. {example}) averages out more of the noise.",
    },
    "wrong_orientation": {
        "ko": "이 필터는 {found_ko} 방향 경계({found_en} edge)에 반응합니다. "
              "이 이미지의 경계는 {target_ko} 방향({target_en})입니다.",
        "en": "This filter responds to {found_en} edges; the edge in this image is {target_en}.",
    },
    "kind_roberts": {
        "ko": "이 필터(대각선 방향의 Roberts 필터)는 경계를 찾기는 하지만 {distractor_ko} 방향 경계에도 "
              "똑같이 강하게 반응합니다. {target_ko} 방향 경계에만 반응하는 필터를 찾아보세요.",
        "en": "This (diagonal, Roberts-type) filter finds the edge but responds just as strongly "
              "to {distractor_en} edges; look for a filter that responds to {target_en} edges "
              "only.",
    },
    "kind_smoothing": {
        "ko": "이 필터는 이미지를 부드럽게(평균) 만듭니다. 경계가 아니라 밝기에 반응합니다.",
        "en": "This filter smooths (averages) the image: it responds to brightness, not to edges.",
    },
    "kind_other": {
        "ko": "이 필터는 {target_ko} 방향 경계를 뚜렷하게 골라내지 못합니다. 아래 항목을 확인하세요.",
        "en": "This filter does not single out the {target_en} edge; see the criteria below.",
    },
    # --- smoothing task ------------------------------------------------------------------------
    "smooth_good": {
        "ko": "정답입니다. 이 필터는 밝기를 유지하면서 잡음을 줄입니다.",
        "en": "Correct: this filter keeps the brightness and reduces the noise.",
    },
    "smooth_brightness": {
        "ko": "이 필터는 밝기를 바꿉니다. 원소의 합이 {total:.3g}인데, 평활화 필터는 합이 1이어야 합니다.",
        "en": "This filter changes the brightness: its entries add up to {total:.3g}, but a "
              "smoothing filter's entries must add up to 1.",
    },
    "smooth_noise": {
        "ko": "밝기는 유지하지만 잡음을 거의 줄이지 못합니다. 가중치를 네 원소에 고르게 나누어 보세요.",
        "en": "This filter keeps the brightness but hardly reduces the noise; spread the weight "
              "evenly over all four entries.",
    },
    # --- criteria: labels and per-criterion comments --------------------------------------------
    "label_localisation": {"ko": "경계 위치 찾기", "en": "Edge localisation"},
    "label_flatness": {"ko": "평평한 영역 무반응", "en": "No response to flat regions"},
    "label_selectivity": {"ko": "방향 선택성", "en": "Orientation selectivity"},
    "label_mean": {"ko": "밝기 유지", "en": "Keeps the brightness"},
    "label_noise": {"ko": "잡음 감소", "en": "Reduces the noise"},
    "crit_localisation": {
        "ko": "경계를 가로지르는 {profiles_ko} 중 {percent}에서 가장 강한 반응이 경계 위에 있습니다.",
        "en": "In {percent} of the {profiles_en} across the edge, the strongest response lies on "
              "the edge.",
    },
    "crit_flatness": {
        "ko": "평평한 밝기에 대한 반응이 필터 최대 세기의 {percent}입니다(0%가 이상적: 원소의 합이 0이어야 합니다).",
        "en": "Response to flat brightness: {percent} of the filter's full strength (0% is ideal: "
              "the entries should add up to 0).",
    },
    "crit_selectivity": {
        "ko": "경계 반응의 {percent}는 {target_ko} 방향, {rest}는 {distractor_ko} 방향 경계에 대한 것입니다"
              "(100%가 이상적이며, 반반이면 점수가 없습니다).",
        "en": "{percent} of the edge response goes to {target_en} edges and {rest} to "
              "{distractor_en} edges (100% is ideal; a 50/50 split earns nothing).",
    },
    "crit_mean": {
        "ko": "밝기 10인 평평한 이미지가 {out:.3g}(으)로 나옵니다(원소의 합이 1이면 밝기가 유지됩니다).",
        "en": "A flat image of brightness 10 comes out at {out:.3g} (entries adding up to 1 keep "
              "the brightness).",
    },
    "crit_noise": {
        "ko": "유지된 밝기에 비해 잡음의 표준편차가 {gain:.3g}배가 됩니다(평균 필터는 0.5배, 1배면 잡음이 줄지 않습니다).",
        "en": "Relative to the brightness kept, the noise's standard deviation is multiplied by "
              "{gain:.3g} (the mean filter reaches 0.5; 1 means no reduction).",
    },
    "crit_noise_no_brightness": {
        "ko": "원소의 합이 {total:.3g}이라 밝기가 남지 않으므로, 이미지에 비해 잡음을 줄인다고 볼 수 없습니다.",
        "en": "The entries add up to {total:.3g}, so no brightness is kept and the noise cannot be "
              "reduced relative to the image.",
    },
    # --- report ------------------------------------------------------------------------------
    "task_horizontal_edge": {"ko": "가로 방향 경계 찾기 (전치된 이미지)",
                             "en": "finding the horizontal edge (transposed image)"},
    "task_vertical_edge": {"ko": "세로 방향 경계 찾기 (강의 이미지)",
                           "en": "finding the vertical edge (lecture image)"},
    "task_diagonal_edge": {"ko": "대각선 방향 경계 찾기", "en": "finding the diagonal edge"},
    "task_smoothing": {"ko": "잡음 줄이기 (평활화)", "en": "reducing noise (smoothing)"},
    "report_title": {"ko": "필터 채점: {task_label}", "en": "Filter check: {task_label}"},
    "report_kernel": {"ko": "제출한 필터: {kernel}", "en": "Your filter: {kernel}"},
    "report_no_kernel": {"ko": "제출한 필터를 읽지 못했습니다.", "en": "Your filter could not be read."},
    "report_score": {"ko": "점수: {percent}", "en": "Score: {percent}"},
    "table_criterion": {"ko": "항목", "en": "Criterion"},
    "table_measured": {"ko": "측정값", "en": "Measured"},
    "table_weight": {"ko": "배점 비율", "en": "Weight"},
    "table_score": {"ko": "점수", "en": "Score"},
    "table_comment": {"ko": "설명", "en": "Comment"},
    "figure_image_title": {"ko": "숨겨진 테스트 이미지", "en": "hidden test image"},
    "figure_visible_image_title": {"ko": "숙제 이미지 (XXX.T)", "en": "homework image (XXX.T)"},
    "visible_format_ok": {
        "ko": "형식 확인: kernel = {kernel} (2x2 필터로 읽었습니다).",
        "en": "Format check: kernel = {kernel} (read as a 2x2 filter).",
    },
    "visible_format_problem": {
        "ko": "형식 오류: {problem} 이대로 제출하면 0점입니다.",
        "en": "Format problem: {problem} Submitted like this, it scores zero.",
    },
    "visible_localisation": {
        "ko": "이 이미지에서 {found}/{total}개 열의 가장 강한 반응이 실제 경계 행에 있습니다. "
              "점수는 채점할 때 숨겨진 이미지 여러 장으로 계산합니다.",
        "en": "On this image, {found} of {total} columns have their strongest response on the "
              "true edge row. The score is computed at grading time on several hidden images.",
    },
    "figure_visible_alt": {
        "ko": "숙제 이미지(왼쪽)와 그 이미지에 대한 필터의 반응(오른쪽). 점: 열마다 가장 강한 반응, 선: 실제 경계.",
        "en": "The homework image (left) and your filter's response to it (right). Dots: each column's "
              "strongest response; line: the true edge.",
    },
    "figure_response_title": {"ko": "필터의 반응", "en": "response of your filter"},
    "figure_true_edge": {"ko": "실제 경계", "en": "true edge"},
    "figure_strongest": {"ko": "가장 강한 |반응|", "en": "strongest |response|"},
    "figure_caption": {
        "ko": "숨겨진 테스트 이미지 하나(왼쪽)와 그 이미지에 대한 필터의 반응(오른쪽). "
              "점: 각 {profiles_ko}에서 반응이 가장 강한 위치, 선: 실제 경계.",
        "en": "One hidden test image (left) and your filter's response to it (right). Dots: "
              "where each of the {profiles_en} has its strongest response; line: the true edge.",
    },
}


KERNEL_MESSAGES = Catalogue(MESSAGES, words={"target": ORIENTATION_WORDS, "found": ORIENTATION_WORDS,
                                            "distractor": ORIENTATION_WORDS, "profiles": PROFILE_WORDS},
                            constants={"shape_hint": SHAPE_HINT})


def message(message_id: str, language: str, **fields) -> str:
    """The message ``message_id`` in ``language``, with ``fields`` filled in.

    Orientation words are added automatically for ``target``, ``found`` and ``distractor``
    given as orientation names (e.g. ``target='horizontal'`` provides ``{target_ko}`` and
    ``{target_en}``), and ``profiles`` likewise. Unknown ids or a formatting problem never
    raise: the template (or the id) is returned as is.

    Examples
    --------
    >>> message('wrong_orientation', 'en', found='vertical', target='horizontal')
    'This filter responds to vertical edges; the edge in this image is horizontal.'
    """
    return KERNEL_MESSAGES.message(message_id, language, **fields)


def format_percent(fraction: float) -> str:
    """``0.7`` -> ``'70%'``; one decimal only when it matters (``'99.5%'``)."""
    value = 100.0 * float(fraction)
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"
