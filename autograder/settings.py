"""Course-wide settings read from the course's ``nbgrader_config.py``.

The course directory is the single place an instructor configures grading, so the feedback
language lives there too (``c.KernelFeedback.language = "ko"``). A notebook executed anywhere
below the course root (``assignments/``, ``release/``, ``autograded/``...) finds that file by
walking up from its working directory; a student's copy outside the course falls back to the
default.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import Enum
from traitlets.config import Configurable, PyFileConfigLoader

SUPPORTED_LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
CONFIG_FILENAME = "nbgrader_config.py"
# An explicit override, e.g. for a student who prefers English feedback in their own kernel.
LANGUAGE_ENV_VAR = "WEEK12_FEEDBACK_LANGUAGE"


class KernelFeedback(Configurable):
    """How feedback on submitted kernels is worded."""

    language = Enum(
        SUPPORTED_LANGUAGES,
        default_value=DEFAULT_LANGUAGE,
        help="Language of feedback messages: 'ko' (Korean) or 'en' (English).",
    ).tag(config=True)


def find_course_config(start: Path | None = None) -> Path | None:
    """Return the nearest ``nbgrader_config.py`` at or above ``start`` (default: cwd)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
    return None


def feedback_language(start: Path | None = None) -> str:
    """The feedback language in force: env override, else the course config, else Korean."""
    override = os.environ.get(LANGUAGE_ENV_VAR, "").strip().lower()
    if override in SUPPORTED_LANGUAGES:
        return override
    config_path = find_course_config(start)
    if config_path is None:
        return DEFAULT_LANGUAGE
    try:
        config = PyFileConfigLoader(config_path.name, path=str(config_path.parent)).load_config()
    except Exception:
        # A broken config must not take feedback down with it; nbgrader itself will complain.
        return DEFAULT_LANGUAGE
    return KernelFeedback(config=config).language
