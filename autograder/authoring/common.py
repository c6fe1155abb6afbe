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

from autograder.plotting import use_korean_font

use_korean_font()  # 그림 제목의 한글이 깨지지 않도록

from autograder.lab.reference import STEP_IMAGE_SEED  # 모두가 같은 잡음을 쓰도록 고정된 seed
'''


def setup_cell():
    return readonly_code("setup", SETUP_SOURCE)
