"""Re-export for notebooks released before ``autograder.notebook``: Korean text in figures."""

from autograder.notebook.plotting import use_korean_font  # noqa: F401
from autograder.scoring.figure import KOREAN_FONT_FAMILY, korean_font_path  # noqa: F401
