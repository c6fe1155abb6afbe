"""Where the feedback page's nbconvert template is: ours, over nbgrader's ``feedback`` template.

``nbgrader generate_feedback`` renders every autograded notebook with nbconvert's HTMLExporter.
``nbgrader_config.py`` points that exporter at ``templates/week12_feedback``, which extends
nbgrader's own ``feedback`` template and adds an overview of the graded exercises at the top
(collected by ``autograder.feedback.overview.ExerciseOverview``).

This module is imported by ``nbgrader_config.py``, which every grading process reads: it must stay
cheap to import (no nbgrader, no TensorFlow).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

TEMPLATE_NAME = "week12_feedback"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def nbgrader_templates_dir() -> Path:
    """nbgrader's formgrader templates (where its ``feedback`` template lives), found without
    importing nbgrader."""
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nbgrader is not installed: the feedback template extends nbgrader's")
    return Path(list(spec.submodule_search_locations)[0]) / "server_extensions" / "formgrader" / "templates"


def template_dirs() -> list[str]:
    """``HTMLExporter.extra_template_basedirs``: ours first, then nbgrader's, where the
    ``feedback`` template named by our ``conf.json`` is found."""
    return [str(TEMPLATES_DIR), str(nbgrader_templates_dir())]


def template_search_paths() -> list[str]:
    """``HTMLExporter.extra_template_paths``: where Jinja looks up names our template uses.

    Our ``index.html.j2`` hides nbgrader's file of the same name, so it extends it by the path
    ``feedback/index.html.j2``, which needs nbgrader's templates folder on the search path. nbgrader
    itself puts Bootstrap's CSS folder here (``bootstrap.min.css`` is inlined into the page); setting
    this list replaces nbgrader's, so that folder is kept.
    """
    templates = nbgrader_templates_dir()
    bootstrap_css = templates.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    return [str(templates), str(bootstrap_css)]
