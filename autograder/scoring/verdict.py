"""The result of scoring one filter: numbers for the gradebook, words and a picture for students.

:class:`KernelVerdict` is plain data (``to_dict()`` is JSON-safe) with three views: ``points``
for nbgrader, ``to_text()``/``str()`` for a terminal or feedback file, and ``_repr_html_()`` so
that a notebook cell ending in a verdict shows the per-criterion table and the filter's response
map. The figure is drawn only when asked for (``figure_png()``), so scoring itself stays fast.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np

from .messages import format_percent, message


# Inline styles: the verdict is shown in the notebook, on the feedback page and in nbgrader's
# formgrader, and only inline styles reach all three (the formgrader's page has no CSS for
# tables in outputs, and notebook front ends drop <style> elements from untrusted outputs).
TABLE_STYLE = "border-collapse: collapse; margin: 0.5em 0"
TABLE_CELL_STYLE = "border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top"
TABLE_HEAD_STYLE = TABLE_CELL_STYLE + "; background-color: #f5f5f5"


@dataclass(frozen=True)
class CriterionOutcome:
    """One rubric criterion: what was measured, the share of it earned, and why.

    ``name`` is a stable id (``'localisation'``...), ``label`` its wording for students,
    ``measured`` the raw metric, ``fraction`` the earned share in ``[0, 1]`` and ``weight`` the
    criterion's share of the task's score.
    """

    name: str
    label: str
    measured: float
    fraction: float
    weight: float
    message: str

    def to_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "measured": _json_float(self.measured),
                "fraction": float(self.fraction), "weight": float(self.weight),
                "message": self.message}


def _json_float(value):
    value = float(value)
    return value if math.isfinite(value) else None


def points_for(fraction: float, out_of: float) -> float:
    """``fraction`` of ``out_of`` points as a plain float, rounded to 2 decimals, in ``[0, out_of]``."""
    try:
        total = float(out_of)
        share = float(fraction)
    except (TypeError, ValueError):
        return 0.0
    if not (math.isfinite(total) and math.isfinite(share)) or total <= 0:
        return 0.0
    earned = round(min(max(share, 0.0), 1.0) * total, 2)
    return float(min(max(earned, 0.0), total))


def format_kernel(kernel) -> str:
    """``[[-1, -1], [1, 1]]`` style text of a 2x2 kernel (``%g`` numbers)."""
    rows = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in rows) + "]"


@dataclass(frozen=True)
class KernelVerdict:
    """Score and feedback for one submitted filter (see ``rubric.score_kernel``).

    ``fraction`` is the share of the task's points earned (a Python float in ``[0, 1]``);
    ``criteria`` the per-criterion outcomes; ``messages`` what the filter does, in ``language``;
    ``problem`` the input problem code when the submission could not be read (then ``kernel`` is
    None and ``fraction`` 0); ``kind`` the :func:`~autograder.scoring.kernel_kinds.describe_kernel`
    group; ``measurements`` every metric computed, by name.
    """

    task: str
    kernel: np.ndarray | None
    fraction: float
    criteria: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    problem: str | None = None
    language: str = "ko"
    kind: str | None = None
    measurements: dict = field(default_factory=dict)

    def points(self, out_of: float) -> float:
        """Points earned out of ``out_of``, rounded to 2 decimals and kept in ``[0, out_of]``."""
        return points_for(self.fraction, out_of)

    def to_dict(self) -> dict:
        """JSON-safe plain data (lists, floats, strings, None)."""
        return {
            "task": self.task,
            "kernel": None if self.kernel is None else np.asarray(self.kernel).tolist(),
            "fraction": float(self.fraction),
            "criteria": [c.to_dict() for c in self.criteria],
            "messages": list(self.messages),
            "problem": self.problem,
            "language": self.language,
            "kind": self.kind,
            "measurements": {k: _json_float(v) for k, v in self.measurements.items()},
        }

    def _heading_lines(self) -> list[str]:
        lang = self.language
        title = message("report_title", lang, task_label=message(f"task_{self.task}", lang))
        if self.kernel is None:
            kernel_line = message("report_no_kernel", lang)
        else:
            kernel_line = message("report_kernel", lang, kernel=format_kernel(self.kernel))
        return [title, kernel_line, message("report_score", lang,
                                            percent=format_percent(self.fraction))]

    def to_text(self) -> str:
        """Plain-text report: task, filter, score, messages, then one line per criterion."""
        lines = self._heading_lines()
        lines += [f"  {text}" for text in self.messages]
        for c in self.criteria:
            lines.append(f"- {c.label}: {format_percent(c.fraction)} "
                         f"(x{c.weight:g}) {c.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, printer, cycle) -> None:
        # IPython's text/plain view (and nbgrader's plain-text feedback): the report, not fields.
        printer.text(self.to_text())

    def figure_png(self) -> bytes | None:
        """PNG of the filter's response on a representative hidden image (None if no kernel)."""
        if self.kernel is None:
            return None
        from .figure import draw_response_figure  # matplotlib only when a picture is wanted

        return draw_response_figure(self.kernel, self.task, self.language)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, figure_png: bytes | None = None) -> str:
        """The verdict as HTML: heading, messages, the criteria table and the response figure.

        ``figure_png`` is that figure when the caller has it already (the grader keeps drawn
        figures by content, so a class is not drawn twice); otherwise it is drawn here.
        """
        try:
            return self._html(figure_png)
        except Exception:  # noqa: BLE001 - a notebook display must never fail
            return "<pre>" + html.escape(self.to_text()) + "</pre>"

    def _html(self, png: bytes | None) -> str:
        lang, esc = self.language, html.escape
        title, kernel_line, score_line = (esc(x) for x in self._heading_lines())
        parts = [f'<div class="week12-kernel-verdict"><h4>{title}</h4>',
                 f"<p>{kernel_line}<br><b>{score_line}</b></p>"]
        if self.messages:
            parts.append("<ul>" + "".join(f"<li>{esc(m)}</li>" for m in self.messages) + "</ul>")
        if self.criteria:
            head = "".join(f'<th style="{TABLE_HEAD_STYLE}">{esc(message(k, lang))}</th>' for k in (
                "table_criterion", "table_measured", "table_weight", "table_score",
                "table_comment"))
            td = f'<td style="{TABLE_CELL_STYLE}">'
            rows = "".join(
                f"<tr>{td}{esc(c.label)}</td>{td}{c.measured:.3g}</td>{td}{c.weight:g}</td>"
                f"{td}{esc(format_percent(c.fraction))}</td>{td}{esc(c.message)}</td></tr>"
                for c in self.criteria)
            parts.append(f'<table style="{TABLE_STYLE}"><tr>{head}</tr>{rows}</table>')
        if png is None:
            try:
                png = self.figure_png()
            except Exception:  # noqa: BLE001 - the table is still worth showing
                png = None
        if png:
            from .figure import png_data_uri
            from .images import TASK_ORIENTATION

            caption = esc(message("figure_caption", lang,
                                  profiles=TASK_ORIENTATION.get(self.task, "horizontal")))
            parts.append(f'<figure><img src="{png_data_uri(png)}" alt="{caption}">'
                         f"<figcaption>{caption}</figcaption></figure>")
        parts.append("</div>")
        return "".join(parts)
