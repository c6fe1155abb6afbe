"""Which language feedback is written in: the caller's choice, else the course setting.

:func:`autograder.settings.feedback_language` re-reads ``nbgrader_config.py`` on every call,
which costs more than scoring a kernel; here its answer is cached per working directory,
override variable and config-file modification time, so grading a class stays fast and a changed
setting is still picked up.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .messages import resolve_language


@lru_cache(maxsize=8)
def _course_language(stamp: tuple) -> str:
    from autograder.settings import feedback_language

    return feedback_language()


@lru_cache(maxsize=32)
def _course_config(cwd: str):
    from autograder.settings import find_course_config

    return find_course_config(Path(cwd))


def resolve_feedback_language(language=None) -> str:
    """``language`` if given, else the course setting.

    :func:`autograder.settings.feedback_language` reads ``nbgrader_config.py`` on every call,
    which would cost more than scoring itself; its answer is cached until the override
    variable, the working directory or the config file's modification time changes (where the
    config file lives is looked up once per working directory).
    """
    if language is None:
        try:
            from autograder.settings import LANGUAGE_ENV_VAR

            cwd = os.getcwd()
            config = _course_config(cwd)
            mtime = os.stat(config).st_mtime_ns if config is not None else None
            stamp = (os.environ.get(LANGUAGE_ENV_VAR, ""), cwd, str(config), mtime)
            language = _course_language(stamp)
        except Exception:  # noqa: BLE001 - e.g. the config vanished: ask settings directly
            _course_config.cache_clear()
            try:
                from autograder.settings import feedback_language

                language = feedback_language()
            except Exception:  # noqa: BLE001 - feedback in the default language beats none
                language = None
    return resolve_language(language)
