"""What a student's notebook may put on a page: the sanitizer and the inert outputs, without a browser.

Every HTML vector of ``tests/hostile/script_vectors.py`` comes out of :func:`clean_html` with no
element or attribute that could run, load or navigate; outputs keep only inert media types, and
what cannot be made safe is kept as text with a note. ``tests/test_inert_pages.py`` shows the
same on real pages in Chromium.
"""

from __future__ import annotations

import pytest

from autograder.safe_html import clean_html, inert_notebook, inert_outputs, page_csp
from autograder.scoring import score_kernel
from tests.hostile.script_vectors import HTML_VECTORS, MARKER, PNG_1X1, active_markup, payload


@pytest.mark.parametrize("name", sorted(HTML_VECTORS))
def test_no_html_vector_survives_the_sanitizer(name):
    cleaned = clean_html(HTML_VECTORS[name])
    assert active_markup(cleaned) == [], cleaned
    assert clean_html(cleaned) == cleaned  # sanitizing again changes nothing


def test_the_course_verdict_keeps_its_table_styles_and_figure():
    cleaned = clean_html(score_kernel([[-1, -1], [1, 1]]).to_html())
    assert 'class="week12-kernel-verdict"' in cleaned and "<table" in cleaned
    assert "border:1px solid #ccc" in cleaned and "background-color:#f5f5f5" in cleaned
    assert '<img src="data:image/png;base64,' in cleaned and "<figcaption>" in cleaned


def test_text_and_tables_of_a_students_html_are_kept():
    html = '<table class="dataframe"><tr><th style="text-align: right">a &lt; b</th></tr></table><b>bold</b>'
    cleaned = clean_html(html)
    assert "a &lt; b" in cleaned and "<b>bold</b>" in cleaned and 'class="dataframe"' in cleaned


def _display(data, metadata=None, kind="display_data"):
    output = {"output_type": kind, "data": data, "metadata": metadata or {}}
    if kind == "execute_result":
        output["execution_count"] = 3
    return output


def test_active_media_types_become_text_with_a_note():
    script = payload("javascript-output")
    [kept] = inert_outputs([_display({"application/javascript": script})])
    assert set(kept["data"]) == {"text/plain"}
    assert "application/javascript" in kept["data"]["text/plain"] and MARKER in kept["data"]["text/plain"]


@pytest.mark.parametrize("media", ["image/svg+xml", "text/latex", "application/vnd.jupyter.widget-view+json",
                                   "text/x-unknown"])
def test_every_other_media_type_is_set_aside_and_its_text_kept(media):
    [kept] = inert_outputs([_display({media: "<svg onload=alert(1)>", "text/plain": "what it shows"})])
    assert set(kept["data"]) == {"text/plain"}
    assert media in kept["data"]["text/plain"] and "what it shows" in kept["data"]["text/plain"]


def test_markdown_outputs_become_sanitized_html():
    [kept] = inert_outputs([_display({"text/markdown": "**b** [x](javascript:alert(1)) <img src=x onerror=alert(1)>"})])
    assert set(kept["data"]) == {"text/html"}
    assert "<strong>b</strong>" in kept["data"]["text/html"] and active_markup(kept["data"]["text/html"]) == []


def test_image_metadata_keeps_only_numeric_sizes():
    metadata = {"image/png": {"width": "1 onerror=alert(1)", "height": 40, "unconfined": True},
                "filenames": {"image/png": "/api/contents/x"}, "text/html": {"isolated": True}}
    [kept] = inert_outputs([_display({"image/png": PNG_1X1}, metadata)])
    assert kept["metadata"] == {"image/png": {"height": 40}}


@pytest.mark.parametrize("data", ['"><script>alert(1)</script>', "aGVsbG8=", 42, None])
def test_images_that_are_not_what_they_claim_are_set_aside(data):
    [kept] = inert_outputs([_display({"image/png": data, "text/plain": "x"})])
    assert "image/png" not in kept["data"] and "image/png" in kept["data"]["text/plain"]


def test_streams_errors_and_results_keep_their_text():
    outputs = [{"output_type": "stream", "name": "stderr", "text": ["a <b>\n", "c"]},
               {"output_type": "error", "ename": "E", "evalue": "<script>", "traceback": ["<img onerror=x>"]},
               _display({"text/plain": "<i>"}, kind="execute_result"), {"output_type": "unknown"}, "not a dict"]
    kept = inert_outputs(outputs)
    assert [o["output_type"] for o in kept] == ["stream", "error", "execute_result"]
    assert kept[0]["text"] == "a <b>\nc" and kept[1]["evalue"] == "<script>" and kept[2]["execution_count"] == 3


def test_a_notebook_loses_html_raw_cells_and_widget_state():
    import nbformat

    nb = nbformat.v4.new_notebook()
    raw = nbformat.v4.new_raw_cell("<script>alert(1)</script>")
    raw.metadata.update({"raw_mimetype": "text/html", "format": "text/html"})
    nb.cells = [raw]
    nb.metadata["widgets"] = {"state": {}}
    inert_notebook(nb)
    assert "raw_mimetype" not in raw.metadata and "format" not in raw.metadata and "widgets" not in nb.metadata
    assert raw.source == "<script>alert(1)</script>"  # kept, as text


def test_the_pages_policy_allows_no_script_and_no_request():
    policy = page_csp()
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "img-src data:" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
