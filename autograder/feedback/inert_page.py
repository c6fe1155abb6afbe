"""The pages nbconvert renders from a student's notebook, made inert: a render step and its filters.

``nbgrader generate_feedback`` (the feedback page, and with it the LMS's copy) and nbgrader's
formgrader (the TA's grading view, inside the TA's logged-in Jupyter) render notebooks with
nbconvert's ``HTMLExporter``. ``nbgrader_config.py`` gives both:

- :class:`InertPage`, a preprocessor that runs before the page is rendered and applies
  :func:`autograder.safe_html.inert_notebook` (outputs, raw cells, widget state), so that a
  notebook graded before this course made its outputs inert at the source is safe too;
- the templates' filters (``autograder.feedback.template.PAGE_FILTERS``): ``markdown2html``
  replaces nbconvert's and sanitizes every Markdown cell, output and grader's comment after it
  becomes HTML; ``week12_clean_html`` sanitizes every HTML output again; ``week12_csp_meta`` is the
  static page's Content-Security-Policy (no script at all); the formgrader's page, which runs
  nbgrader's own scripts, gets ``week12_formgrade_csp_meta`` with a fresh nonce per page
  (``week12_new_nonce``) on each of nbgrader's script elements and the hashes of its two inline
  event handlers, and nothing else may run there.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from functools import lru_cache
from html import escape

import jinja2
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor

from autograder.feedback.template import nbgrader_templates_dir
from autograder.safe_html import clean_html, csp_meta, inert_notebook

# nbgrader 0.9.6's formgrade page (templates/formgrade/formgrade_macros.html.j2): the only inline
# event handlers it has, allowed by hash ('unsafe-hashes' admits exactly these attribute values).
FORMGRADE_INLINE_HANDLERS = ("toggle_name(true);", "toggle_name(false);")


class InertPage(Preprocessor):
    """Before a page is rendered: nothing in the notebook may run in the reader's browser."""

    def preprocess(self, nb, resources):
        inert_notebook(nb)
        return nb, resources


@jinja2.pass_context
def markdown2html(context, source) -> str:
    """nbconvert's ``markdown2html`` (a cell's image attachments embedded), then sanitized: it
    takes nbconvert's place in the exporter, so every Markdown a template renders (nbgrader's cells
    and graders' comments, nbconvert's Markdown outputs) is sanitized *after* it became HTML, where
    a Markdown link to ``javascript:`` is an HTML link at last."""
    cell = context.get("cell", {}) if context is not None else {}
    attachments = cell.get("attachments", {}) if isinstance(cell, dict) else {}
    renderer = IPythonRenderer(escape=False, attachments=attachments if isinstance(attachments, dict) else {},
                               embed_images=False, exclude_anchor_links=True)
    return clean_html(MarkdownWithMath(renderer=renderer).render(str(source)))


def without_font_faces(css) -> str:
    """``css`` without its ``@font-face`` rules: Bootstrap's inlined CSS points at icon fonts by
    relative URL, which a static page does not have and its policy would refuse to load."""
    return re.sub(r"@font-face\s*\{[^}]*\}", "", str(css))


def static_csp_meta(_=None) -> str:
    """``{{ none | week12_csp_meta }}``: the policy of a page with no script of its own."""
    return csp_meta()


def new_nonce(_=None) -> str:
    """``{% set nonce = none | week12_new_nonce %}``: a fresh nonce for one rendered page."""
    return secrets.token_urlsafe(18)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def formgrade_static_scripts() -> tuple[str, ...]:
    """The inline scripts of nbgrader's formgrade macros that hold no template expression (the
    navigation bar's tooltips), as the page will hold them: allowed by hash."""
    text = (nbgrader_templates_dir() / "formgrade" / "formgrade_macros.html.j2").read_text(encoding="utf-8")
    bodies = re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.DOTALL)
    return tuple(body for body in bodies if body.strip() and "{{" not in body and "{%" not in body)


def formgrade_csp_meta(nonce: str) -> str:
    """The formgrader page's policy: nbgrader's scripts by this page's nonce, its static inline
    script and its two inline handlers by hash; its styles, fonts and API calls on the Jupyter
    server itself ('self'); images only embedded ones; no plugin, frame, base URL or form target."""
    handlers = " ".join(_hash(source) for source in (*formgrade_static_scripts(), *FORMGRADE_INLINE_HANDLERS))
    policy = (f"default-src 'none'; script-src 'nonce-{nonce}' 'unsafe-hashes' {handlers}; "
              "style-src 'self' 'unsafe-inline'; img-src data:; font-src 'self' data:; connect-src 'self'; "
              "object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")
    return f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'


__all__ = ["InertPage", "clean_html", "formgrade_csp_meta", "new_nonce", "static_csp_meta"]
