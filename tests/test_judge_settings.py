"""The course's settings reach the judge as parameters: language and rubric from the configuration."""

from __future__ import annotations

import numpy as np
from traitlets.config import Config

from autograder.answers.codec import encode
from autograder.contract import HOMEWORK_SCORE_CELL
from autograder.judging.judge import judge_all
from autograder.judging.judge_client import judge_settings

ROBERTS = encode({"kernel": np.array([[-1.0, 0.0], [0.0, 1.0]])})


def _config(**values) -> Config:
    config = Config()
    for section, settings in values.items():
        for name, value in settings.items():
            config[section][name] = value
    return config


def test_the_configured_language_words_the_judgement():
    english = judge_settings(_config(KernelFeedback={"language": "en"}))
    korean = judge_settings(_config())
    assert (english.language, korean.language) == ("en", "ko")
    worded = judge_all({HOMEWORK_SCORE_CELL: ROBERTS}, english)[HOMEWORK_SCORE_CELL]
    assert "Roberts" in worded.summary and worded.summary.isascii()
    assert not judge_all({HOMEWORK_SCORE_CELL: ROBERTS}, korean)[HOMEWORK_SCORE_CELL].summary.isascii()


def test_the_configured_rubric_weights_change_the_score():
    default = judge_all({HOMEWORK_SCORE_CELL: ROBERTS}, judge_settings(_config()))[HOMEWORK_SCORE_CELL]
    no_selectivity = judge_settings(_config(KernelRubric={"selectivity_weight": 0.0}))
    changed = judge_all({HOMEWORK_SCORE_CELL: ROBERTS}, no_selectivity)[HOMEWORK_SCORE_CELL]
    assert default.fraction < changed.fraction == 1.0


def test_a_missing_answer_is_a_judgement_in_the_course_language():
    english = judge_settings(_config(KernelFeedback={"language": "en"}))
    judged = judge_all({HOMEWORK_SCORE_CELL: None, "test_step_image": None, "no_such_cell": "{}"}, english)
    assert judged[HOMEWORK_SCORE_CELL].fraction == 0 and judged[HOMEWORK_SCORE_CELL].partial_credit
    assert judged["test_step_image"].message.startswith("Could not read this cell's answer")
    assert judged["no_such_cell"].fraction == 0 and "No trusted judgement" in judged["no_such_cell"].message
