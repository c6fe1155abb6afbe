"""The result of judging one student's training: numbers for the gradebook, words and a picture.

:class:`TrainingVerdict` is to the learn-kernel exercise what :class:`~.verdict.KernelVerdict` is
to the homework: ``fraction`` for nbgrader, ``to_text()`` for a terminal, ``to_html()`` for the
notebook, the feedback page and the formgrader (inline styles only, as there), and a figure drawn
only when asked for (``figure_png()``): the loss curves, the learned filter beside the intended one
and its response to a hidden image.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field

import numpy as np

from .messages import format_percent
from .training_messages import training_message
from .verdict import TABLE_CELL_STYLE, TABLE_HEAD_STYLE, TABLE_STYLE, CriterionOutcome, KernelVerdict, format_kernel

FIGURE_VERSION = b"training-figure-1"  # change when the drawing changes


@dataclass(frozen=True)
class CaseOutcome:
    """One hidden training as judged: what came back and what it earned.

    ``status`` is ``'ok'`` (a finite filter came back), ``'error'``, ``'timeout'``, ``'skipped'``,
    ``'interrupted'``, ``'diverged'`` or ``'unreadable'``; ``edge`` the kernel scorer's verdict on
    the learned filter (edge cases only); ``convergence`` the factor of
    :func:`~.training_metrics.convergence_factor` (None when it cannot be measured) and ``credit``
    the share of the convergence criterion it earns; ``problems`` what the student should read.
    """

    name: str
    label: str
    status: str
    kernel: np.ndarray | None = None
    losses: np.ndarray | None = None
    loss_first: float | None = None
    loss_last: float | None = None
    steps: int | None = None
    seconds: float | None = None
    edge: KernelVerdict | None = None
    convergence: float | None = None
    credit: float = 0.0
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingVerdict:
    """Score and feedback for a student's training function (see ``training_rubric.score_training``)."""

    fraction: float
    criteria: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    language: str = "ko"
    kind: str = "no_filter"  # describe_kernel's kind of the first learned filter, for the class report

    @property
    def learned_kernel(self) -> np.ndarray | None:
        """The filter learned on the first hidden image that trained (the one the figure shows)."""
        return next((case.kernel for case in self.cases if case.edge is not None and case.kernel is not None), None)

    @property
    def response_case(self) -> CaseOutcome | None:
        return next((case for case in self.cases if case.edge is not None and case.kernel is not None), None)

    def points(self, out_of: float) -> float:
        from .verdict import points_for

        return points_for(self.fraction, out_of)

    # -- text ----------------------------------------------------------------------------------

    def _heading(self) -> list[str]:
        lang = self.language
        lines = [training_message("title", lang)]
        if self.learned_kernel is not None:
            lines.append(training_message("learned_kernel_line", lang, kernel=format_kernel(self.learned_kernel)))
        lines.append(training_message("score_line", lang, percent=format_percent(self.fraction)))
        return lines

    def _case_cells(self, case: CaseOutcome) -> list[str]:
        lang = self.language
        loss = ("" if case.loss_first is None or case.loss_last is None
                else f"{case.loss_first:.3g} → {case.loss_last:.3g}")
        return [case.label, training_message(f"status_{case.status}", lang),
                "" if case.kernel is None else format_kernel(np.round(case.kernel, 4)),
                "" if case.edge is None else format_percent(case.edge.fraction),
                "" if case.convergence is None else f"×{case.convergence:.3g}", loss,
                "" if case.steps is None else str(case.steps),
                "" if case.seconds is None else f"{case.seconds:.1f} s"]

    def to_text(self) -> str:
        lines = self._heading() + [f"  {text}" for text in self.messages]
        for c in self.criteria:
            lines.append(f"- {c.label}: {format_percent(c.fraction)} (x{c.weight:g}) {c.message}")
        lines += ["  " + " | ".join(cell for cell in self._case_cells(case) if cell) for case in self.cases]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.to_text())

    # -- the figure ----------------------------------------------------------------------------

    def figure_cache_key(self) -> bytes:
        """What the figure depends on: the cases' curves and filters, the response case, the language."""
        digest = hashlib.sha256(FIGURE_VERSION)
        for case in self.cases:
            digest.update(case.name.encode() + b"\0" + case.status.encode())
            for array in (case.kernel, case.losses):
                digest.update(b"-" if array is None else np.ascontiguousarray(array, dtype=np.float64).tobytes())
        digest.update(str(self.language).encode())
        return digest.hexdigest().encode()

    def figure_png(self) -> bytes | None:
        """PNG of the loss curves, the learned filter beside the intended one and its response map
        on the hidden image it was learned from (None when no training produced a curve or a filter)."""
        curves = {case.label: (case.steps, case.losses) for case in self.cases
                  if case.losses is not None and case.losses.size}
        if not curves and self.response_case is None:
            return None
        from .training_figure import draw_training_figure  # matplotlib only when a picture is wanted

        from .training_metrics import TRAINING_CASES

        case = self.response_case
        if case is None:
            return draw_training_figure(curves, language=self.language)
        hidden = next(c for c in TRAINING_CASES if c.name == case.name)
        return draw_training_figure(curves, case.kernel, hidden.image(), hidden.edge_mask(), self.language)

    # -- HTML ----------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, figure_png: bytes | None = None) -> str:
        """The verdict as HTML: heading, messages, criteria, one row per training, the figure."""
        try:
            return self._html(figure_png)
        except Exception:  # noqa: BLE001 - a notebook display must never fail
            return "<pre>" + html.escape(self.to_text()) + "</pre>"

    def _html(self, png: bytes | None) -> str:
        lang, esc = self.language, html.escape
        title, *rest = (esc(line) for line in self._heading())
        parts = [f'<div class="week12-training-verdict"><h4>{title}</h4>',
                 "<p>" + "<br>".join(rest[:-1] + [f"<b>{rest[-1]}</b>"]) + "</p>"]
        if self.messages:
            parts.append("<ul>" + "".join(f"<li>{esc(m)}</li>" for m in self.messages) + "</ul>")
        td = f'<td style="{TABLE_CELL_STYLE}">'
        if self.criteria:
            from .messages import message

            head = "".join(f'<th style="{TABLE_HEAD_STYLE}">{esc(message(k, lang))}</th>' for k in (
                "table_criterion", "table_weight", "table_score", "table_comment"))
            rows = "".join(f"<tr>{td}{esc(c.label)}</td>{td}{c.weight:g}</td>{td}{esc(format_percent(c.fraction))}"
                           f"</td>{td}{esc(c.message)}</td></tr>" for c in self.criteria)
            parts.append(f'<table style="{TABLE_STYLE}"><tr>{head}</tr>{rows}</table>')
        if self.cases:
            head = "".join(f'<th style="{TABLE_HEAD_STYLE}">{esc(training_message(k, lang))}</th>' for k in (
                "table_case", "table_status", "table_kernel", "table_edge", "table_convergence", "table_loss",
                "table_steps", "table_seconds"))
            rows = "".join("<tr>" + "".join(f"{td}{esc(cell)}</td>" for cell in self._case_cells(case)) + "</tr>"
                           for case in self.cases)
            parts.append(f'<table style="{TABLE_STYLE}"><tr>{head}</tr>{rows}</table>')
        if png is None:
            try:
                png = self.figure_png()
            except Exception:  # noqa: BLE001 - the tables are still worth showing
                png = None
        if png:
            from .figure import png_data_uri

            caption = esc(training_message("figure_caption", lang))
            parts.append(f'<figure><img src="{png_data_uri(png)}" alt="{caption}">'
                         f"<figcaption>{caption}</figcaption></figure>")
        parts.append("</div>")
        return "".join(parts)


def criterion(name: str, measured: float, fraction: float, weight: float, language: str, **fields) -> CriterionOutcome:
    return CriterionOutcome(name, training_message(f"label_{name}", language), measured, fraction, weight,
                            training_message(f"crit_{name}", language, **fields))
