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
# The formgrader's grading page: nbgrader's "formgrade" template, rendering a student's notebook inert.
FORMGRADE_TEMPLATE_NAME = "week12_formgrade"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The templates' filters (autograder/feedback/inert_page.py), by the import paths nbconvert takes.
PAGE_FILTERS = {
    "markdown2html": "autograder.feedback.inert_page.markdown2html",
    "week12_clean_html": "autograder.safe_html.clean_html",
    "week12_csp_meta": "autograder.feedback.inert_page.static_csp_meta",
    "week12_without_font_faces": "autograder.feedback.inert_page.without_font_faces",
    "week12_new_nonce": "autograder.feedback.inert_page.new_nonce",
    "week12_formgrade_csp_meta": "autograder.feedback.inert_page.formgrade_csp_meta",
}


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
    """``HTMLExporter.extra_template_paths``: where Jinja looks up names our templates use.

    Our ``index.html.j2`` files hide nbgrader's of the same name, so they extend them by the paths
    ``feedback/index.html.j2`` and ``formgrade/index.html.j2``, which need nbgrader's templates
    folder on the search path; ours holds the macros both share (``week12_inert.html.j2``).
    nbgrader itself puts Bootstrap's CSS folder here (``bootstrap.min.css`` is inlined into the
    feedback page); setting this list replaces nbgrader's, so that folder is kept.
    """
    templates = nbgrader_templates_dir()
    bootstrap_css = templates.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    return [str(TEMPLATES_DIR), str(templates), str(bootstrap_css)]
