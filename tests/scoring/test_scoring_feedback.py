"""Messages in both languages, what-the-filter-does diagnoses, and the verdict's views."""

import html
import json
import os
import string
import subprocess
import sys

import numpy as np
import pytest

from autograder.scoring import KernelVerdict, describe_kernel, score_kernel
from autograder.scoring.kernel_input import PROBLEM_CODES
from autograder.scoring.messages import LANGUAGES, MESSAGES, message

LECTURE_VERTICAL = [[-1, 1], [-1, 1]]


def _fields(template):
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name.removesuffix("_ko").removesuffix("_en") for name in names}


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_every_message_exists_in_korean_and_english(message_id):
    for language in LANGUAGES:
        assert MESSAGES[message_id].get(language, "").strip()


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_both_languages_use_the_same_placeholders(message_id):
    assert _fields(MESSAGES[message_id]["ko"]) == _fields(MESSAGES[message_id]["en"])


def test_korean_messages_are_written_in_korean():
    hangul = [mid for mid, texts in MESSAGES.items()
              if not any("\uac00" <= ch <= "\ud7a3" for ch in texts["ko"])]
    assert hangul == []


@pytest.mark.parametrize("problem", PROBLEM_CODES)
def test_every_input_problem_has_a_message(problem):
    assert f"problem_{problem}" in MESSAGES


def test_vertical_filter_message_says_vertical_in_english():
    verdict = score_kernel(LECTURE_VERTICAL, language="en")
    assert verdict.messages[0] == ("This filter responds to vertical edges; "
                                   "the edge in this image is horizontal.")


def test_vertical_filter_message_says_vertical_in_korean():
    verdict = score_kernel(LECTURE_VERTICAL, language="ko")
    assert verdict.messages[0] == ("이 필터는 세로 방향 경계(vertical edge)에 반응합니다. "
                                   "이 이미지의 경계는 가로 방향(horizontal)입니다.")


def test_mean_filter_message_says_it_smooths():
    assert "smooths" in score_kernel([[0.25] * 2] * 2, language="en").messages[0]


def test_roberts_message_says_it_also_responds_to_vertical_edges():
    text = score_kernel([[-1, 0], [0, 1]], language="en").messages[0]
    assert "just as strongly to vertical edges" in text


def test_single_column_filter_gets_full_marks_and_a_note_about_noise():
    verdict = score_kernel([[-1, 0], [1, 0]], language="en")
    assert verdict.fraction == 1.0
    assert "both columns" in verdict.messages[0]


def test_message_never_raises_on_missing_fields():
    assert message("crit_mean", "en")  # {out:.3g} unfilled: template returned as is
    assert message("no_such_id", "en") == "no_such_id"


@pytest.mark.parametrize("kernel, kind", [
    ([[-1, -1], [1, 1]], "intended_horizontal"), ([[2, 2], [-2, -2]], "intended_horizontal"),
    ([[-1, 0], [1, 0]], "single_column_horizontal"),
    ([[0, 1], [0, -1]], "single_column_horizontal"),
    ([[-1, 0], [0, 1]], "diagonal"), ([[0, -1], [1, 0]], "diagonal"),
    (LECTURE_VERTICAL, "vertical"), ([[-1, 1], [0, 0]], "single_row_vertical"),
    ([[0.25, 0.25], [0.25, 0.25]], "smoothing"), ([[1, 1], [0, 0]], "smoothing"),
    ([[0, 0], [0, 0]], "zero"), ([[1, -2], [3, 0.5]], "other"), ("nonsense", "invalid"),
])
def test_describe_kernel_names_what_the_filter_does_for_the_homework(kernel, kind):
    assert describe_kernel(kernel) == kind


def test_describe_kernel_is_task_aware():
    assert describe_kernel(LECTURE_VERTICAL, task="vertical_edge") == "intended_vertical"
    assert describe_kernel([[-1, -1], [1, 1]], task="vertical_edge") == "horizontal"
    assert describe_kernel([[0, -1], [1, 0]], task="diagonal_edge") == "intended_diagonal"
    assert describe_kernel([[-1, 0], [0, 1]], task="diagonal_edge") == "antidiagonal"


def test_verdict_kind_is_describe_kernel():
    assert score_kernel([[-1, 0], [0, 1]]).kind == describe_kernel([[-1, 0], [0, 1]])


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_report_has_an_embedded_png_and_the_criterion_labels(language):
    verdict = score_kernel([[-1, 0], [0, 1]], language=language)
    page = verdict._repr_html_()
    assert "data:image/png;base64," in page
    for criterion in verdict.criteria:
        assert criterion.label in page


@pytest.mark.parametrize("value", [None, "abc", np.ones((3, 3)), [[1, 2], [3]], [[0, 0], [0, 0]]])
def test_html_report_never_raises_for_invalid_or_zero_input(value):
    verdict = score_kernel(value, language="en")
    page = verdict._repr_html_()
    assert html.escape(verdict.messages[0]) in page


def test_figure_is_a_png_and_only_made_on_request():
    verdict = score_kernel([[-1, -1], [1, 1]], language="en")
    assert verdict.figure_png().startswith(b"\x89PNG")
    assert score_kernel(None).figure_png() is None


def test_text_report_shows_the_filter_the_score_and_each_criterion():
    text = str(score_kernel([[-1, 0], [0, 1]], language="en"))
    assert "[[-1, 0], [0, 1]]" in text and "70%" in text
    assert "Orientation selectivity" in text and "Edge localisation" in text


def test_to_dict_is_json_safe_plain_data():
    data = score_kernel([[-1, -1], [1, 1]], task="smoothing", language="en").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["kernel"] == [[-1.0, -1.0], [1.0, 1.0]]


def test_verdict_is_plain_data():
    assert isinstance(score_kernel(LECTURE_VERTICAL), KernelVerdict)


def test_scoring_never_imports_tensorflow_nor_pyplot():
    code = ("import sys; from autograder.scoring import score_kernel; "
            "v = score_kernel([[-1, -1], [1, 1]]); v._repr_html_(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('tensorflow', 'keras', 'torch', 'matplotlib.pyplot') or m == 'matplotlib.pyplot']; "
            "print(bad); sys.exit(1 if bad else 0)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_docstring_examples_run():
    import doctest

    from autograder.scoring import (correlate, images, kernel_input, kernel_kinds, messages,
                                    metrics, rubric)

    for module in (correlate, images, kernel_input, kernel_kinds, messages, metrics, rubric):
        assert doctest.testmod(module).failed == 0, module.__name__
