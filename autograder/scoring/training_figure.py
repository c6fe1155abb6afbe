"""The picture in a training verdict: loss curves, the learned filter beside the intended one, and
the learned filter's response to the hidden image it was learned from.

Drawn like the homework's figure (``figure.py``): a :class:`matplotlib.figure.Figure` on the Agg
canvas, no ``pyplot`` state, Korean labels through the course's font file when it is installed.
"""

from __future__ import annotations

import numpy as np

from .correlate import cross_correlate_valid
from .figure import _korean_font, render_png
from .images import profile_indices
from .training_messages import training_message

INTENDED = np.array([[-1.0, -1.0], [1.0, 1.0]])


def intended_like(kernel: np.ndarray) -> np.ndarray:
    """The intended filter ``[[-1, -1], [1, 1]]`` scaled (sign included) to match ``kernel`` best.

    >>> intended_like(np.array([[0.5, 0.4], [-0.5, -0.6]]))
    array([[ 0.5,  0.5],
           [-0.5, -0.5]])
    """
    k = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
    return INTENDED * float((k * INTENDED).sum() / (INTENDED * INTENDED).sum())


def _kernel_panel(axis, kernel: np.ndarray, title: str, limit: float, text: dict) -> None:
    axis.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (row, column), value in np.ndenumerate(kernel):
        axis.text(column, row, f"{value:.3g}", ha="center", va="center", fontsize=8,
                  color="white" if abs(value) > 0.6 * limit else "black")
    axis.set_title(title, fontsize=9, **text)
    axis.set_xticks([])
    axis.set_yticks([])


def draw_training_figure(curves: dict, kernel: np.ndarray | None = None, image: np.ndarray | None = None,
                         edge_mask: np.ndarray | None = None, language: str = "en", dpi: int = 80) -> bytes:
    """PNG bytes: the loss curves (``label -> (steps, losses)``, log scale; ``losses`` may be a
    subsample of the ``steps`` values, spread evenly), and when ``kernel`` is given the learned
    filter beside the intended one and its response to ``image`` (``(50, 50)``) with the true edge
    ``edge_mask`` (``(49, 49)``, a horizontal edge)."""
    import matplotlib

    # A notebook's own Korean font (NanumGothic) has no U+2212 minus sign for the log axis's labels.
    with matplotlib.rc_context({"axes.unicode_minus": False}):
        return _draw(curves, kernel, image, edge_mask, language, dpi)


def _draw(curves, kernel, image, edge_mask, language, dpi) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, NullFormatter

    font = _korean_font() if language == "ko" else None
    language = "ko" if font is not None else "en"
    text = {}
    if font is not None:
        text = {"fontproperties": font.copy()}

    def label(message_id):
        return training_message(message_id, language)

    figure = Figure(figsize=(10.5, 3.4), dpi=dpi)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 4, width_ratios=(2.2, 0.8, 0.8, 2.0))
    losses = figure.add_subplot(grid[:, 0])
    for index, (steps, curve) in enumerate(curves.values()):
        values = np.asarray(curve, dtype=np.float64)
        positive = np.where(values > 0, values, np.nan)  # a log scale shows no zero
        last = max(int(steps or len(values)), len(values)) - 1
        losses.plot(np.linspace(0, last, len(values)), positive, lw=1.4, label=str(index + 1))
    losses.set_yscale("log")
    losses.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))  # plain text, no mathtext
    losses.yaxis.set_minor_formatter(NullFormatter())
    losses.set_xlabel(label("figure_steps"), **text)
    losses.set_title(label("figure_losses"), fontsize=9, **text)
    if curves:
        losses.legend(fontsize=7, loc="upper right")
    if kernel is not None and image is not None and edge_mask is not None:
        kernel = np.asarray(kernel, dtype=np.float64).reshape(2, 2)
        intended = intended_like(kernel)
        limit = float(max(np.abs(kernel).max(), np.abs(intended).max())) or 1.0
        _kernel_panel(figure.add_subplot(grid[0, 1]), kernel, label("figure_learned"), limit, text)
        _kernel_panel(figure.add_subplot(grid[0, 2]), intended, label("figure_intended"), limit, text)
        image = np.asarray(image, dtype=np.float64)
        _image_panel(figure.add_subplot(grid[1, 1:3]), image)
        _response_panel(figure.add_subplot(grid[:, 3]), cross_correlate_valid(image, kernel),
                        np.asarray(edge_mask, dtype=bool), label, text)
    figure.tight_layout()
    return render_png(figure)


def _image_panel(axis, image: np.ndarray) -> None:
    axis.imshow(image, cmap="gray")
    axis.set_xticks([])
    axis.set_yticks([])


def _response_panel(axis, response: np.ndarray, mask: np.ndarray, label, text: dict) -> None:
    """The response map with, per column, the strongest ``|response|`` (dots) and the true edge (line)."""
    width = response.shape[1]
    strongest, edge_points = [], []
    for line in profile_indices(response.shape[0], "horizontal"):
        on_edge = mask.ravel()[line]
        if not on_edge.any():
            continue
        strongest.append(line[np.abs(response.ravel()[line]).argmax()])
        edge_points.append(line[np.flatnonzero(on_edge)[0]])
    limit = float(np.abs(response).max()) or 1.0
    axis.imshow(response, cmap="RdBu_r", vmin=-limit, vmax=limit)
    rows, columns = np.divmod(np.array(edge_points), width)
    axis.plot(columns, rows, "-", color="gold", lw=2, label=label("figure_true_edge"))
    rows, columns = np.divmod(np.array(strongest), width)
    axis.plot(columns, rows, "o", color="black", ms=2.5, label=label("figure_strongest"))
    axis.set_title(label("figure_response"), fontsize=9, **text)
    legend_font = text["fontproperties"].copy() if text else None
    if legend_font is not None:
        legend_font.set_size(7)
    axis.legend(loc="lower left", framealpha=0.8, prop=legend_font or {"size": 7})
    axis.set_xticks([])
    axis.set_yticks([])
