"""The exporter of the feedback pages: nbconvert's ``HTMLExporter``, made cheap to use many times.

``nbgrader generate_feedback`` makes a new exporter, and with it a new Jinja environment, for each
conversion. The grading service converts one or a few hand-ins at a time, all day, in one process,
so the per-conversion costs were most of a feedback page's (measured with cProfile on a deadline
burst of the sample class: compiling the templates again and parsing the finished page a second
time each took about a third of ``generate_feedback``'s time). ``nbgrader_config.py`` makes
:class:`FeedbackPageExporter` the exporter of ``GenerateFeedback``; the batch path and the service
render with it alike, and its pages are the same as ``HTMLExporter``'s but for what is said below.
"""

from __future__ import annotations

import threading

import jinja2
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter


def compile_settings(environment: jinja2.Environment) -> tuple:
    """What a Jinja environment's compiled code depends on besides the template's source: its
    syntax, whitespace rules, extensions and compiler switches (async, optimisation, finalize)."""
    return (environment.block_start_string, environment.block_end_string, environment.variable_start_string,
            environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
            environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
            environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
            tuple(sorted(environment.extensions)), environment.is_async, environment.optimized,
            environment.finalize is not None, repr(environment.autoescape))


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, held in this process: each template is parsed and compiled once per
    process instead of once per conversion. Jinja keys an entry by the template's name and file and
    checks it against a checksum of the source, so an edited template is compiled afresh; the key
    here also holds the environment's :func:`compile_settings`, so an exporter set up otherwise
    (``enable_async``...) never runs code compiled for another."""

    def __init__(self):
        self._compiled: dict[tuple, bytes] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple:
        return compile_settings(bucket.environment), bucket.key

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            compiled = self._compiled.get(self._key(bucket))
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = bucket.bytecode_to_string()
        with self._lock:
            self._compiled[self._key(bucket)] = compiled


class FeedbackPageExporter(HTMLExporter):
    """nbconvert's ``HTMLExporter`` (its settings are this exporter's: ``c.HTMLExporter`` and
    ``c.GenerateFeedback.HTMLExporter`` apply), with its templates compiled once per process
    (:class:`CompiledTemplates`) and without its last step, which parses the whole rendered page
    again with BeautifulSoup to give an image without ``alt`` a placeholder text and JupyterLab's
    cells a ``tabindex``. The course's templates write the ``alt`` of every image output and of
    the course's own figures themselves (``week12_inert.html.j2``); an image inside a student's
    own HTML or Markdown keeps the text its author gave it, if any. They extend nbgrader's
    templates, which have no JupyterLab cells. ``tests/test_feedback_page.py`` checks that the
    page is ``HTMLExporter``'s but for that last step."""

    compiled_templates = CompiledTemplates()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = self.compiled_templates
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node's set-up (nbconvert 7), then the template's page as rendered.
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", data_types)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
