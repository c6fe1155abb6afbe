"""What the released notebooks use where the course package is not installed (Google Colab, a
plain Jupyter with only TensorFlow, numpy and matplotlib).

The notebook builders embed this file's source, after ``autograder/startup_chatter.py``,
``autograder/i18n.py`` and the lab's visible tests (``autograder/exercises/lab_visible.py``), in a
collapsed read-only cell; the notebook's ``_week12_tools`` runs the four in one namespace only when ``import
autograder.notebook`` fails. So the notebooks run top to bottom anywhere, and the lab's visible
checks are the very code the course runs. Scores are not computed here: the homework's graded
cell says that the score is computed when the course grades the submission, which does not
depend on where the student worked. numpy only; ``tests/nbgrader/test_notebooks_anywhere.py``
checks that this agrees with the course package.
"""

import numpy as np

STEP_IMAGE_SEED = 518  # autograder.exercises.lab_reference.STEP_IMAGE_SEED


def lecture_step_image(seed=STEP_IMAGE_SEED):
    """The lecture's image: columns 0-24 at 10, columns 25-49 at 0, plus the seeded noise."""
    image = np.zeros((50, 50))
    image[:, :25] = 10.0
    return image + np.random.default_rng(seed).standard_normal((50, 50))


KOREAN_FONT_FAMILIES = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "AppleGothic",
                        "Apple SD Gothic Neo", "UnDotum", "Baekmuk Gulim")


def use_korean_font():
    """Draw Hangul with a Korean font the computer has (Windows, macOS and most Linux desktops have
    one); where there is none (Colab), titles show boxes for Hangul, without a warning per glyph."""
    import warnings

    import matplotlib
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in KOREAN_FONT_FAMILIES:
        if family in installed:
            matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
            matplotlib.rcParams["axes.unicode_minus"] = False
            return True
    warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
    return False


# The lab's visible tests, run in this namespace just before (see the module docstring).
visible = IN_NOTEBOOK  # noqa: F821


def visible_check(kernel, image=None, language="ko"):
    """The homework's check of the filter's form and of its response on ``image``, as text."""
    try:
        array = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
        if not np.all(np.isfinite(array)):
            raise ValueError("NaN 또는 무한대가 있습니다 (NaN or infinity)")
    except Exception as error:  # noqa: BLE001 - whatever the student wrote
        print(f"형식 오류: 2x2 필터가 필요합니다 ({type(error).__name__}: {error}). 이대로 제출하면 0점입니다.")
        return None
    print(f"형식 확인: kernel = {array.tolist()} (2x2 필터로 읽었습니다).")
    if image is not None:
        square = np.asarray(image, dtype=np.float64).squeeze()
        (a, b), (c, d) = array
        response = np.abs(a * square[:-1, :-1] + b * square[:-1, 1:] + c * square[1:, :-1] + d * square[1:, 1:])
        edge_row = square.shape[0] // 2 - 1  # the window holding rows 24 and 25 of the transposed image
        found = int((np.argmax(response, axis=0) == edge_row).sum())
        print(f"이 이미지에서 {found}/{response.shape[1]}개 열의 가장 강한 반응이 실제 경계 행에 있습니다. "
              "점수는 채점할 때 숨겨진 이미지 여러 장으로 계산합니다.")
    return None


def grade_edge_kernel(kernel, out_of=10):
    """No score here: it is computed when the course grades the submission."""
    print(f"점수({out_of}점 만점)는 제출한 뒤 코스의 채점에서 계산합니다. 위의 '제출 전 확인'으로 형식을 확인하세요.")
    return None
