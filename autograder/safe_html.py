"""What a student's notebook may put on a page: inert text, checked images, sanitized HTML.

Every page built from a student's notebook (the feedback page and its LMS copy, the formgrader,
the class report, the grading service's pages) runs in a person's browser, a TA's logged in to
Jupyter among them. So whatever a student's code displayed, and whatever a student wrote in a
Markdown or raw cell, is data until made inert, in two places with the same rules:

- at the source (:func:`inert_notebook`, on the graded notebook that nbgrader saves): an output
  keeps only media types that are inert by nature (plain text, PNG and JPEG images whose bytes are
  checked) and HTML sanitized here; Markdown outputs become sanitized HTML; anything else
  (JavaScript, SVG, LaTeX, widgets, unknown types) is kept as text with a note, so a viewer that
  forgets to sanitize still shows text, not markup. Image metadata keeps only a numeric width and
  height (nbconvert writes them into ``<img>`` unquoted); raw cells lose the format that would
  make a renderer paste them in as HTML; the notebook's widget state is dropped;
- where a page is rendered (the templates call :func:`clean_html` on every Markdown cell after
  it becomes HTML, and on every HTML output again), so that a notebook that never went through
  the first step is safe too.

HTML is sanitized by ``nh3`` (the maintained binding of the Rust ``ammonia`` sanitizer) with an
allowlist: formatting, lists, tables and images; no script, style element, form, frame, object,
SVG or MathML; no event handler or ``id`` (a student's ids could shadow the page's own); a
``class`` only from :data:`CLASSES` (the page's own classes, Bootstrap's ``modal`` or
``navbar-fixed-top`` among them, would lift a student's element over the whole page, a fake score
or log-in link over the TA's formgrader); a ``style`` attribute keeps only layout and colour
properties (no ``url()``-bearing ones); links
may go to http(s) or mail; an image's source must be an embedded PNG, JPEG or GIF, never a URL,
so that nothing on a page makes a request (to the Jupyter server a TA is logged in to, above
all). Pages also send a Content-Security-Policy (:func:`page_csp`) that allows no script but the
page's own.
"""

from __future__ import annotations

import base64
import binascii
import copy
import math
import re

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
_STYLED = ("div", "span", "p", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
           "figcaption", "pre", "code", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong")
ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "ol": {"start", "type"},
    "col": {"span"}, "colgroup": {"span"},
}
for _tag in _STYLED:
    ATTRIBUTES.setdefault(_tag, set()).add("style")

def _classes() -> dict[str, set[str]]:
    """The classes a student's HTML may keep: Pygments' token classes (the code blocks of rendered
    Markdown), the course's own verdicts and pandas' tables. None of them is a class of Bootstrap,
    nbconvert's or nbgrader's pages (tests/test_safe_html.py checks their style sheets)."""
    from pygments.token import STANDARD_TYPES

    return {"span": {name for name in STANDARD_TYPES.values() if name},
            "div": {"highlight", "week12-kernel-verdict", "week12-training-verdict"},
            "table": {"dataframe"}}


CLASSES = _classes()
# Properties that cannot load anything (no url(), no behaviour) and cannot lift an element out
# of its output area (no position).
STYLE_PROPERTIES = frozenset({
    "color", "background-color", "text-align", "vertical-align", "font-weight", "font-style", "font-size",
    "font-family", "font-variant", "text-decoration", "text-transform", "white-space", "line-height",
    "letter-spacing", "word-break", "border", "border-top", "border-bottom", "border-left", "border-right",
    "border-color", "border-style", "border-width", "border-collapse", "border-spacing", "border-radius",
    "padding", "padding-top", "padding-bottom", "padding-left", "padding-right", "margin", "margin-top",
    "margin-bottom", "margin-left", "margin-right", "width", "max-width", "min-width", "height", "max-height",
    "display", "overflow", "overflow-x", "caption-side", "list-style-type", "opacity",
})
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*", re.IGNORECASE)
LINK = re.compile(r"(?:https?:|mailto:)\S*", re.IGNORECASE)
DIMENSION = re.compile(r"\d{1,5}(?:\.\d+)?%?")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if EMBEDDED_IMAGE.fullmatch(value) else None  # no request from a page, ever
    if attribute == "href":
        return value if LINK.fullmatch(value.strip()) else None  # never data: or javascript:
    if attribute in ("width", "height"):
        return value if DIMENSION.fullmatch(value.strip()) else None
    return value


def clean_html(html) -> str:
    """``html`` (a student's, or anything a page did not write itself) with only the allowlist's
    tags, attributes, style properties and URLs left; text is kept, escaped where needed."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html if html is not None else "")
    return nh3.clean(text, tags=set(TAGS), attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
                     attribute_filter=_attribute_filter, url_schemes=set(URL_SCHEMES), url_relative="deny",
                     allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
                     filter_style_properties=set(STYLE_PROPERTIES), link_rel="noopener noreferrer nofollow",
                     clean_content_tags={"script", "style"}, strip_comments=True)


def markdown_to_clean_html(markdown: str) -> str:
    """Markdown as nbconvert renders it, then sanitized (a Markdown link to ``javascript:`` is
    Markdown, not HTML, so sanitizing the source alone would miss it)."""
    from nbconvert.filters.markdown import markdown2html

    return clean_html(markdown2html(str(markdown)))


# --- outputs ---------------------------------------------------------------------------------

INERT_MEDIA = ("text/plain",)  # shown as escaped text by every viewer
IMAGE_SIGNATURES = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",)}
MAX_IMAGE_BYTES = 20_000_000
MAX_DIMENSION = 10_000
NOTE_CHARS = 2_000
NOTE = ("[이 출력({media})은 보는 사람의 브라우저에서 실행될 수 있어 글자로만 보여 줍니다 / "
        "output of type {media} shown as text only: it could run in a reader's browser]")
STREAM_NAMES = ("stdout", "stderr")


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else str(value)


def _image_ok(media: str, value) -> bool:
    """Base64 that decodes to at most ``MAX_IMAGE_BYTES`` starting with the format's signature."""
    if not isinstance(value, str) or len(value) > MAX_IMAGE_BYTES * 4 // 3 + 4096:
        return False
    try:
        decoded = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return decoded.startswith(IMAGE_SIGNATURES[media])


def _dimension(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 < value <= MAX_DIMENSION:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _image_metadata(metadata, kept: list[str]) -> dict:
    """Only a numeric width and height per kept image: nbconvert writes them unquoted into ``<img>``."""
    safe = {}
    for media in kept:
        given = metadata.get(media) if isinstance(metadata, dict) else None
        if not isinstance(given, dict):
            continue
        sizes = {name: _dimension(given.get(name)) for name in ("width", "height")}
        sizes = {name: value for name, value in sizes.items() if value is not None}
        if sizes:
            safe[media] = sizes
    return safe


def _inert_data(data) -> tuple[dict, list[str]]:
    """The output's data with only inert or sanitized media types, and what had to be set aside."""
    kept, set_aside = {}, []
    for media, value in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(media, str):
            continue
        if media in INERT_MEDIA:
            kept[media] = _text(value)
        elif media in IMAGE_SIGNATURES and _image_ok(media, value):
            kept[media] = value
        elif media == "text/html":
            kept[media] = clean_html(_text(value))
        elif media == "text/markdown":
            kept.setdefault("text/html", markdown_to_clean_html(_text(value)))
        else:
            set_aside.append(media[:80])
    if set_aside:
        shown = kept.get("text/plain") or _text(data.get(set_aside[0], ""))[:NOTE_CHARS]
        kept["text/plain"] = NOTE.format(media=", ".join(set_aside)) + ("\n" + shown if shown else "")
    return kept, set_aside


def inert_output(output) -> dict | None:
    """One output (an nbformat dict) as it may be kept: a copy, or None for one to drop."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in STREAM_NAMES else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(output.get("text", ""))}
    if kind == "error":
        traceback = output.get("traceback")
        return {"output_type": "error", "ename": _text(output.get("ename", "")), "evalue": _text(output.get("evalue", "")),
                "traceback": [_text(line) for line in traceback] if isinstance(traceback, list) else []}
    if kind in ("display_data", "execute_result"):
        data, _ = _inert_data(output.get("data"))
        if not data:
            return None
        safe = {"output_type": kind, "data": data,
                "metadata": _image_metadata(output.get("metadata"), [m for m in data if m in IMAGE_SIGNATURES])}
        if kind == "execute_result":
            count = output.get("execution_count")
            safe["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
        return safe
    return None


def inert_outputs(outputs) -> list:
    """A cell's outputs with every one made inert (see the module docstring); order kept."""
    import nbformat

    kept = []
    for output in outputs if isinstance(outputs, list) else ():
        safe = inert_output(copy.deepcopy(dict(output)) if isinstance(output, dict) else output)
        if safe is not None:
            kept.append(nbformat.from_dict(safe))
    return kept


def inert_notebook(nb) -> None:
    """Make ``nb`` (in place) hold nothing a viewer would run: outputs (:func:`inert_outputs`),
    raw cells without the format that makes them HTML, no widget state."""
    if isinstance(nb.get("metadata"), dict):
        nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = inert_outputs(cell.get("outputs", []))
        elif cell.get("cell_type") == "raw" and isinstance(cell.get("metadata"), dict):
            cell.metadata.pop("raw_mimetype", None)
            cell.metadata.pop("format", None)


# --- pages ------------------------------------------------------------------------------------

def page_csp(script_sources: tuple[str, ...] = (), *, header: bool = False, same_origin: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of a page: nothing loads but embedded images and the page's own
    styles; scripts only from ``script_sources`` (``'nonce-…'`` or ``'sha256-…'`` of the page's
    own), none by default; no plugin, no base URL, no form target. ``header``: sent as a response
    header, which may also say who may frame the page (a ``<meta>`` policy may not).
    ``same_origin``: directives that may reach the page's own server and nothing else (a served
    page's ``connect-src`` for its JSON API, ``frame-src`` for a framed document, ``form-action``)."""
    directives = {"default-src": "'none'", "script-src": " ".join(script_sources) if script_sources else "'none'",
                  "style-src": "'unsafe-inline'", "img-src": "data:", "font-src": "data:", "object-src": "'none'",
                  "base-uri": "'none'", "form-action": "'none'"}
    directives.update({directive: "'self'" for directive in same_origin})
    policy = "; ".join(f"{directive} {sources}" for directive, sources in directives.items())
    return policy + ("; frame-ancestors 'self'" if header else "")


def csp_meta(script_sources: tuple[str, ...] = ()) -> str:
    """The policy as a ``<meta>`` element, first in a static page's head (a file has no headers)."""
    from html import escape

    return f'<meta http-equiv="Content-Security-Policy" content="{escape(page_csp(script_sources))}">'
