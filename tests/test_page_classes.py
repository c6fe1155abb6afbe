"""A student's HTML keeps no class of the page it lands on.

The feedback page inlines Bootstrap 3, and the formgrader loads it with nbgrader's and nbconvert's
style sheets. Their classes are layout: ``modal`` or ``navbar-fixed-top`` make an element fixed
over the whole page (``tests/hostile`` has no style element, but a class is enough), so a student
whose output carries one covers the TA's formgrader with a fake score or a log-in link. Only the
classes :data:`autograder.safe_html.CLASSES` names are kept, and none of them is a class any of
those style sheets defines outside a code block.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path

from autograder.feedback.template import nbgrader_templates_dir
from autograder.safe_html import CLASSES, clean_html

STATIC = nbgrader_templates_dir().parent / "static"
STYLE_SHEETS = {
    "bootstrap": STATIC / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css",
    "formgrade": STATIC / "css" / "formgrade.css",
}


def _nbconvert_classic_css() -> Path:
    for base in jupyter_path("nbconvert", "templates"):
        candidate = Path(base) / "classic" / "static" / "style.css"
        if candidate.is_file():
            return candidate
    pytest.fail("nbconvert's classic style.css was not found")


def _class_selectors(css: str) -> set[str]:
    """The classes a style sheet selects outside Pygments' ``.highlight`` blocks."""
    found = set()
    for selectors in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        for selector in selectors.split(","):
            if "highlight" not in selector:
                found |= set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector))
    return found


@pytest.mark.parametrize("page_class", ["modal", "modal-backdrop", "navbar-fixed-top", "affix", "pull-right",
                                        "output_area", "nbgrader_cell", "score"])
def test_a_class_of_the_page_is_dropped_from_a_students_html(page_class):
    cleaned = clean_html(f'<div class="{page_class} week12-kernel-verdict" style="display:block">10 / 10</div>')
    kept = [name for value in re.findall(r'class="([^"]*)"', cleaned) for name in value.split()]
    assert kept == ["week12-kernel-verdict"] and "10 / 10" in cleaned


def test_the_course_verdicts_tables_and_code_blocks_keep_their_classes():
    html = ('<div class="week12-kernel-verdict"></div><table class="dataframe"></table>'
            '<div class="highlight"><pre><span class="k">def</span></pre></div>')
    assert clean_html(html) == html


@pytest.mark.parametrize("sheet", [*STYLE_SHEETS, "nbconvert-classic"])
def test_no_kept_class_is_one_a_page_style_sheet_defines(sheet):
    path = _nbconvert_classic_css() if sheet == "nbconvert-classic" else STYLE_SHEETS[sheet]
    kept = set().union(*CLASSES.values())
    assert kept & _class_selectors(path.read_text(encoding="utf-8")) == set()
