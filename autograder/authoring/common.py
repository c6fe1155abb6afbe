"""Cells shared by the week-12 notebooks."""

from pathlib import Path

from autograder.authoring.cells import readonly_code

PACKAGE = Path(__file__).resolve().parents[1]
# Run in this order in one namespace where the course package is absent (autograder/notebook/offline.py).
OFFLINE_SOURCES = ("startup_chatter.py", "i18n.py", "exercises/lab_visible.py", "notebook/offline.py")
# The learn-kernel notebook also carries its own cells' copies.
LEARN_OFFLINE_SOURCES = (*OFFLINE_SOURCES, "notebook/offline_training.py")

OFFLINE_TOOLS_SOURCE = '''
# @title 코스 패키지 없이(Colab 등) 실행할 때 쓰는 보이는 테스트입니다. 수정하지 마세요.
# 코스 환경에서는 autograder 패키지를 쓰고, 없을 때만 아래 사본(같은 코드)을 씁니다.
# 채점은 어디서 작업했든 코스에서 같은 방식으로 합니다.
_WEEK12_OFFLINE_SOURCES = (
{sources}
)


def _week12_tools(*names):
    try:
        import autograder.notebook as tools
    except ImportError:
        tools = {{"__name__": "week12_offline"}}
        for source in _WEEK12_OFFLINE_SOURCES:
            exec(source, tools)
        return [tools[name] for name in names]
    return [getattr(tools, name) for name in names]
'''

SETUP_SOURCE = '''
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow의 C++ 시작 로그를 숨깁니다

import numpy as np
import matplotlib.pyplot as plt

# seed: 모두가 같은 잡음을 쓰도록 고정 / visible: 보이는 테스트
STEP_IMAGE_SEED, lecture_step_image, use_korean_font, visible, startup_chatter_hidden = _week12_tools(
    "STEP_IMAGE_SEED", "lecture_step_image", "use_korean_font", "visible", "startup_chatter_hidden")

# 일부 CPU에서 TensorFlow가 시작하며 내는 안내(oneDNN, CPU 명령어)는 숨깁니다. 무해한 안내입니다.
with startup_chatter_hidden():
    import tensorflow as tf
import tensorflow.experimental.numpy as tnp

tnp.experimental_enable_numpy_behavior()  # 텐서에서 .reshape(), .T 를 numpy처럼 쓰기 위해

use_korean_font()  # 그림 제목의 한글이 깨지지 않도록
'''

# The hidden part of every graded cell: the same judgement trusted grading uses, in the kernel
# (nbgrader removes it from the released notebook; trusted grading never runs it).
HIDDEN_CHECK = """### BEGIN HIDDEN TESTS
from autograder.notebook import run_hidden_check
run_hidden_check("{grade_id}", globals())
### END HIDDEN TESTS"""


def _quoted(source: str) -> str:
    # A raw triple-quoted literal keeps the file readable in the notebook; repr() where it cannot.
    if "'''" in source or source.endswith("\\"):
        return repr(source)
    return "r'''" + source + "'''"


def offline_tools_cell(names=OFFLINE_SOURCES):
    """Collapsed read-only cell with the copies of the visible tests the notebook uses without the
    course package (nbgrader restores it if edited; grading never trusts it)."""
    sources = ",\n".join(_quoted((PACKAGE / name).read_text(encoding="utf-8")) for name in names)
    cell = readonly_code("offline-tools", OFFLINE_TOOLS_SOURCE.format(sources=sources))
    cell.metadata["jupyter"] = {"source_hidden": True}  # JupyterLab / Notebook 7: collapsed
    cell.metadata["cellView"] = "form"  # Google Colab: only the @title line shows
    return cell


def setup_cells(offline_sources=OFFLINE_SOURCES):
    return [offline_tools_cell(offline_sources), readonly_code("setup", SETUP_SOURCE)]
