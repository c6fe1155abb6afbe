"""The course's nbgrader configuration, loaded in this process the way nbgrader loads it."""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

from autograder.settings import CONFIG_FILENAME


def load_course_config(root: Path, **overrides) -> Config:
    """``nbgrader_config.py`` of the course at ``root``, with ``CourseDirectory.root`` set to it
    (nbgrader takes the working directory; a library call must not depend on it)."""
    root = Path(root).resolve()
    config = PyFileConfigLoader(CONFIG_FILENAME, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    for section, values in overrides.items():
        for name, value in values.items():
            config[section][name] = value
    return config
