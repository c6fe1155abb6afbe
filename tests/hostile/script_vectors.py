"""A student's attempts to run script in whoever reads a page built from their notebook.

Each vector, if it ran, would log ``WEEK12-PWNED-<name>`` to the console, put it in the page's
title, ask the page's own server for ``/pwned-<name>`` and, in the formgrader (the TA's logged-in
Jupyter server), write ``pwned-<name>.txt`` into the course through Jupyter's contents API with the
TA's XSRF token. Some try only to make the page send a request (an image, a style sheet). They
reach the page by every way a notebook can carry them: HTML, Markdown, JavaScript, SVG and LaTeX
outputs, display metadata, Markdown and raw cells, and the notebook's metadata.
"""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import nbformat

from autograder.safe_html import EMBEDDED_IMAGE

MARKER = "WEEK12-PWNED"

# A real 1x1 PNG, to carry hostile metadata.
PNG_1X1 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def payload(name: str) -> str:
    """What a vector runs: console, title, a request, and the contents API with the TA's session."""
    return ("console.log('%(m)s-%(n)s');document.title='%(m)s-%(n)s';fetch('/pwned-%(n)s').catch(function(){});"
            "var x=(document.cookie.match(/_xsrf=([^;]*)/)||[])[1];fetch('/api/contents/pwned-%(n)s.txt',"
            "{method:'PUT',headers:{'Content-Type':'application/json','X-XSRFToken':x||''},"
            "body:JSON.stringify({type:'file',format:'text',content:'%(n)s'})}).catch(function(){});"
            % {"m": MARKER, "n": name})


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _attr(name: str) -> str:
    return payload(name).replace('"', "&quot;")


HTML_VECTORS = {
    "script-tag": f"<script>{payload('script-tag')}</script>",
    "img-onerror": f'<img src="x" onerror="{_attr("img-onerror")}">',
    "iframe-srcdoc": f'<iframe srcdoc="<script>{_attr("iframe-srcdoc")}</script>"></iframe>',
    "svg-onload": f'<svg onload="{_attr("svg-onload")}"></svg>',
    "svg-script": f"<svg><script>{payload('svg-script')}</script></svg>",
    "details-ontoggle": f'<details open ontoggle="{_attr("details-ontoggle")}">x</details>',
    "body-onload": f'<body onload="{_attr("body-onload")}">',
    "object-data": '<object data="data:text/html;base64,' + _b64(f"<script>{payload('object-data')}</script>") + '"></object>',
    "embed-src": '<embed src="/pwned-embed-src">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:' + payload("meta-refresh") + '">',
    "style-import": "<style>@import url('/pwned-style-import');</style>",
    "link-stylesheet": '<link rel="stylesheet" href="/pwned-link-stylesheet">',
    "img-request": '<img src="/pwned-img-request">',
    "css-url": '<div style="background-image:url(/pwned-css-url)">x</div>',
    "base-href": '<base href="http://127.0.0.1:1/pwned-base-href/">',
    "noscript-mxss": f'<noscript><p title="</noscript><img src=x onerror={_attr("noscript-mxss")}>"></noscript>',
    "comment-mxss": f'<!--<img src="--><img src=x onerror="{_attr("comment-mxss")}">-->',
    "form-button": '<form action="/pwned-form-button" method="post"><button id="b">go</button></form>',
    "math-href": f'<math><mi xlink:href="javascript:{_attr("math-href")}">x</mi></math>',
    "a-javascript": f'<a href="javascript:{_attr("a-javascript")}">click</a>',
    "a-data-html": f'<a href="data:text/html,<script>{_attr("a-data-html")}</script>">click</a>',
    "video-poster": '<video poster="/pwned-video-poster"></video>',
}

VECTOR_CELL = """
from IPython.display import display, HTML, Javascript, Markdown, SVG, Latex
VECTORS = json.loads(VECTORS_JSON)
for name, markup in VECTORS.items():
    display(HTML(markup))
display(Javascript(PAYLOAD_JS))
display(Markdown("[md-link](javascript:" + PAYLOAD_MD + ") <img src=x onerror=\\"" + PAYLOAD_MD_IMG + "\\">"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>' + PAYLOAD_SVG + '</script></svg>'))
display(Latex(r"$\\href{javascript:" + PAYLOAD_LATEX + "}{x}$"))
display({"image/png": PNG}, raw=True, metadata={"image/png": {"width": "1 onerror=" + PAYLOAD_WIDTH,
                                                               "height": '1" onerror="' + PAYLOAD_WIDTH}})
display({"image/png": '"><script>' + PAYLOAD_BADPNG + '</script>', "text/plain": "bad png"}, raw=True)
display({"text/html": "<b>isolated</b><script>" + PAYLOAD_ISOLATED + "</script>"}, raw=True,
        metadata={"text/html": {"isolated": True}})
display({"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0},
         "text/plain": "a widget"}, raw=True)
display({"text/html": "<b>mixed</b>", "application/javascript": PAYLOAD_MIXED}, raw=True)
HTML("<img src=x onerror=\\"" + PAYLOAD_RESULT + "\\">")
"""


def vector_cell_source() -> str:
    values = {"VECTORS_JSON": json.dumps(json.dumps(HTML_VECTORS)), "PAYLOAD_JS": repr(payload("javascript-output")),
              "PAYLOAD_MD": repr(payload("markdown-output-link")),
              "PAYLOAD_MD_IMG": repr(_attr("markdown-output-img").replace('"', "'")),
              "PAYLOAD_SVG": repr(payload("svg-output")), "PAYLOAD_LATEX": repr(payload("latex-output")),
              "PAYLOAD_WIDTH": repr(payload("image-width").replace(" ", "")), "PNG": repr(PNG_1X1),
              "PAYLOAD_BADPNG": repr(payload("bad-png")), "PAYLOAD_ISOLATED": repr(payload("isolated-html")),
              "PAYLOAD_MIXED": repr(payload("mixed-javascript")), "PAYLOAD_RESULT": repr(_attr("execute-result"))}
    source = "import json\n" + VECTOR_CELL
    for key in sorted(values, key=len, reverse=True):  # PAYLOAD_MD_IMG before PAYLOAD_MD
        source = source.replace(key, values[key])
    return source


def markdown_cell_source() -> str:
    return (f"## A student's note\n\n<script>{payload('markdown-cell-script')}</script>\n\n"
            f'<img src="x" onerror="{_attr("markdown-cell-img")}">\n\n'
            f"[a link](javascript:{payload('markdown-cell-link').replace(' ', '%20')})\n\n"
            f'<iframe srcdoc="<script>{_attr("markdown-cell-iframe")}</script>"></iframe>\n\n'
            "![an image](/pwned-markdown-cell-image)\n")


def add_vectors(nb, after_cell_id: str = "setup") -> None:
    """Put every vector into ``nb``: a code cell that displays them, a Markdown cell and a raw
    cell a renderer would paste in as HTML, and widget state in the notebook's metadata."""
    index = next(i for i, cell in enumerate(nb.cells) if cell.get("id") == after_cell_id) + 1
    raw = nbformat.v4.new_raw_cell(f"<script>{payload('raw-cell')}</script><img src=x onerror=\"{_attr('raw-cell-img')}\">")
    raw.metadata["raw_mimetype"] = "text/html"
    raw.metadata["format"] = "text/html"
    nb.cells[index:index] = [nbformat.v4.new_code_cell(vector_cell_source(), id="student-vectors"),
                             nbformat.v4.new_markdown_cell(markdown_cell_source(), id="student-note"), raw]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0}}


class _Markup(HTMLParser):
    """Every element and attribute in some HTML that could run, load or navigate to script."""

    ACTIVE_TAGS = {"script", "iframe", "svg", "math", "object", "embed", "meta", "style", "link", "base", "form",
                   "video", "audio", "source", "frame", "frameset", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.ACTIVE_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("srcdoc", "formaction", "xlink:href", "style") and "url(" in value:
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "poster", "data") and not (
                    value.startswith(("http:", "https:", "mailto:")) or EMBEDDED_IMAGE.fullmatch(value)):
                self.found.append(f"{tag} {name}={value[:40]}")


def active_markup(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return parser.found
