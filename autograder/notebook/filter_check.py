"""The homework notebook's filter cells: a visible check before submission and the graded score.

Both go through the one scorer (``autograder.scoring.score_kernel``), so what a student sees
while working is computed exactly as the grade is.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from autograder.contract import HOMEWORK_ANSWER_VARIABLE, HOMEWORK_SCORE_CELL, HOMEWORK_TASK
from autograder.i18n import DEFAULT_LANGUAGE, resolve_language
from autograder.scoring import KernelVerdict, score_kernel
from autograder.scoring.figure import draw_response_figure, png_data_uri
from autograder.scoring.images import true_edge_mask
from autograder.scoring.messages import message
from autograder.scoring.verdict import format_kernel


def grade_edge_kernel(kernel, out_of: float = 10) -> float:
    """Score the homework answer: show the verdict, return the points for nbgrader.

    nbgrader takes the number a graded cell evaluates to as its partial credit, so the cell
    ends with this call; the verdict (table, messages, picture) is displayed above it. The
    answer goes through the same extraction and judgement as trusted grading.
    """
    from autograder.exercises import run_hidden_check

    judgement = run_hidden_check(HOMEWORK_SCORE_CELL, {HOMEWORK_ANSWER_VARIABLE: kernel})
    try:
        from IPython.display import HTML, display
    except ImportError:  # outside Jupyter: plain text
        print(judgement.text)
    else:
        display(HTML(judgement.html))
    return judgement.points(out_of)


@dataclass(frozen=True)
class VisibleCheck:
    """What a student's filter does to the homework image they can see (not graded)."""

    verdict: KernelVerdict
    image: np.ndarray | None
    language: str

    @property
    def columns_on_edge(self) -> tuple[int, int]:
        """(columns whose strongest |response| is on the true edge row, all columns)."""
        from autograder.scoring.correlate import cross_correlate_valid

        response = np.abs(cross_correlate_valid(self.image, self.verdict.kernel))
        mask = self._edge_mask()
        found = mask[np.argmax(response, axis=0), np.arange(response.shape[1])]
        return int(found.sum()), int(response.shape[1])

    def _edge_mask(self) -> np.ndarray:
        # The homework image is the lecture's image transposed: bright rows 0..24, dark below.
        side = self.image.shape[0]
        return true_edge_mask(size=side, edge=side // 2, orientation="horizontal")

    def lines(self) -> list[str]:
        if self.verdict.problem is not None:
            return [message("visible_format_problem", self.language, problem=" ".join(self.verdict.messages))]
        lines = [message("visible_format_ok", self.language, kernel=format_kernel(self.verdict.kernel))]
        if self.image is not None:
            found, total = self.columns_on_edge
            lines.append(message("visible_localisation", self.language, found=found, total=total))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(line)}</p>" for line in self.lines()]
        if self.verdict.problem is None and self.image is not None:
            png = draw_response_figure(self.verdict.kernel, HOMEWORK_TASK, self.language,
                                       image=self.image, edge_mask=self._edge_mask())
            alt = html.escape(message("figure_visible_alt", self.language))
            parts.append(f'<img src="{png_data_uri(png)}" alt="{alt}">')
        return "".join(parts)


def visible_check(kernel, image=None, language: str = DEFAULT_LANGUAGE) -> VisibleCheck:
    """Check the answer's form and show its response on ``image`` (the transposed lecture image)."""
    language = resolve_language(language)
    verdict = score_kernel(kernel, task=HOMEWORK_TASK, language=language)
    square = None
    if image is not None:
        square = np.asarray(image, dtype=np.float64).squeeze()
        if square.ndim != 2 or square.shape[0] != square.shape[1]:
            square = None
    return VisibleCheck(verdict, square, language)
