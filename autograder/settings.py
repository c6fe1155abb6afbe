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

import contextlib
import contextvars
from functools import lru_cache

from traitlets import Enum, Float
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


class KernelRubric(Configurable):
    """Weights of the homework's kernel score (``autograder.scoring.rubric``), scaled to sum to 1.

    Changing them and running ``week12 regrade`` re-scores the stored answers of the whole class
    without executing a notebook.
    """

    localisation_weight = Float(0.5, min=0.0, help="Weight of edge localisation on the hidden images.").tag(config=True)
    flatness_weight = Float(0.2, min=0.0, help="Weight of not responding to flat regions.").tag(config=True)
    selectivity_weight = Float(0.3, min=0.0, help="Weight of responding to the asked-for orientation only.").tag(config=True)

    def edge_weights(self) -> dict:
        return {"localisation": self.localisation_weight, "flatness": self.flatness_weight,
                "selectivity": self.selectivity_weight}


# The course a library call works for (set by ``use_course``); else the working directory's.
_course_root: contextvars.ContextVar[Path | None] = contextvars.ContextVar("week12_course_root", default=None)


@contextlib.contextmanager
def use_course(root: Path):
    """Read settings from the course at ``root`` inside the block, wherever the cwd is."""
    token = _course_root.set(Path(root))
    try:
        yield
    finally:
        _course_root.reset(token)


def find_course_config(start: Path | None = None) -> Path | None:
    """Return the nearest ``nbgrader_config.py`` at or above ``start`` (default: the course set
    by :func:`use_course`, else the cwd)."""
    here = Path(start or _course_root.get() or Path.cwd()).resolve()
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
    config = _course_config(start)
    return DEFAULT_LANGUAGE if config is None else KernelFeedback(config=config).language


def kernel_rubric_weights(start: Path | None = None) -> dict:
    """The homework's criterion weights in force (course config, else the defaults)."""
    config = _course_config(start)
    return (KernelRubric() if config is None else KernelRubric(config=config)).edge_weights()


def _course_config(start: Path | None):
    config_path = find_course_config(start)
    if config_path is None:
        return None
    try:
        return _load_config(config_path, config_path.stat().st_mtime_ns)
    except Exception:
        # A broken config must not take feedback down with it; nbgrader itself will complain.
        return None


@lru_cache(maxsize=8)
def _load_config(path: Path, mtime_ns: int):
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
