"""Cells shared by the week-12 notebooks."""

from autograder.authoring.cells import readonly_code

SETUP_SOURCE = '''
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow의 C++ 시작 로그를 숨깁니다

import numpy as np
import matplotlib.pyplot as plt
import tensorflow as tf
import tensorflow.experimental.numpy as tnp

tnp.experimental_enable_numpy_behavior()  # 텐서에서 .reshape(), .T 를 numpy처럼 쓰기 위해

from autograder.notebook import STEP_IMAGE_SEED, use_korean_font  # seed: 모두가 같은 잡음을 쓰도록 고정

use_korean_font()  # 그림 제목의 한글이 깨지지 않도록
'''

# The hidden part of every graded cell: the same judgement trusted grading uses, in the kernel
# (nbgrader removes it from the released notebook; trusted grading never runs it).
HIDDEN_CHECK = """### BEGIN HIDDEN TESTS
from autograder.notebook import run_hidden_check
run_hidden_check("{grade_id}", globals())
### END HIDDEN TESTS"""


def setup_cell():
    return readonly_code("setup", SETUP_SOURCE)
