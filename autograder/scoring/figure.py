"""The picture in a verdict: a hidden test image and the filter's response to it.

Drawn with :class:`matplotlib.figure.Figure` and the Agg canvas directly (not ``pyplot``), so
nothing is added to a notebook's open figures and no display backend is needed. Korean labels
use the course's NanumGothic font file (``autograder.plotting.korean_font_path``) through a
local ``FontProperties``, so matplotlib's global settings are left alone; without that font the
in-figure labels fall back to English (the HTML caption is always in the feedback language).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np

from .correlate import cross_correlate_valid
from .images import hidden_battery, profile_indices
from .messages import message


def _korean_font():
    """``FontProperties`` for Hangul, or None if the course's Korean font is not installed."""
    try:
        from matplotlib.font_manager import FontProperties

        from autograder.plotting import korean_font_path

        path = korean_font_path()
        return FontProperties(fname=str(path)) if path is not None else None
    except Exception:  # noqa: BLE001 - English labels are a fine fallback
        return None


def _profile_points(flat_indices: np.ndarray, width: int):
    rows, cols = np.divmod(flat_indices, width)
    return cols, rows


# A folder where drawn figures are kept by content (set by the grading processes), so that
# re-scoring a class after a rubric change does not draw the same pictures again: a figure
# depends only on the kernel, the task and the language, never on the rubric.
FIGURE_CACHE_ENV = "WEEK12_FIGURE_CACHE"
FIGURE_VERSION = b"response-figure-1"  # change when the drawing changes


def response_figure_png(kernel: np.ndarray, task: str = "horizontal_edge", language: str = "en",
                        dpi: int = 80, image: np.ndarray | None = None,
                        edge_mask: np.ndarray | None = None) -> bytes:
    """The picture of :func:`draw_response_figure`, taken from the figure cache
    (``$WEEK12_FIGURE_CACHE``) when the same one was drawn before."""
    folder = os.environ.get(FIGURE_CACHE_ENV)
    if not folder or image is not None or edge_mask is not None:
        return draw_response_figure(kernel, task, language, dpi, image, edge_mask)
    key = hashlib.sha256(b"\0".join([
        FIGURE_VERSION, np.ascontiguousarray(kernel, dtype=np.float64).tobytes(),
        str(task).encode(), str(language).encode(), str(int(dpi)).encode()])).hexdigest()
    path = Path(folder) / f"{key}.png"
    try:
        return path.read_bytes()
    except OSError:
        pass
    png = draw_response_figure(kernel, task, language, dpi)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(png)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return png


def draw_response_figure(kernel: np.ndarray, task: str = "horizontal_edge", language: str = "en",
                         dpi: int = 80, image: np.ndarray | None = None,
                         edge_mask: np.ndarray | None = None) -> bytes:
    """PNG bytes: left the test image, right the response map with, per profile (line across
    the edge), a dot where ``|response|`` is strongest and a line along the true edge.

    The image is the battery's representative one unless ``image`` (a square ``(n, n)`` array)
    and its ``edge_mask`` (``(n-1, n-1)``, see ``images.true_edge_mask``) are given, as for the
    visible image a student works with.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    battery = hidden_battery(task)
    if image is None or edge_mask is None:
        index = battery.representative_index()
        image, mask, profiles = battery.images[index], battery.edge_masks[index], battery.profiles
        image_title = "figure_image_title"
    else:
        image, mask = np.asarray(image, dtype=np.float64), np.asarray(edge_mask, dtype=bool)
        profiles = profile_indices(mask.shape[0], battery.orientation)
        image_title = "figure_visible_image_title"
    response = cross_correlate_valid(image, kernel)
    width = response.shape[1]

    strongest, edge_points = [], []
    for line in profiles:
        line = line[line >= 0]
        on_edge = mask.ravel()[line]
        if not on_edge.any():
            continue
        strongest.append(line[np.abs(response.ravel()[line]).argmax()])
        edge_points.append(line[np.flatnonzero(on_edge)[0]])

    font = _korean_font() if language == "ko" else None
    language = "ko" if font is not None else "en"
    text = {}
    if font is not None:
        text = {"fontproperties": font.copy()}
        text["fontproperties"].set_size(12)

    def label(message_id):
        return message(message_id, language)

    figure = Figure(figsize=(7.6, 3.6), dpi=dpi)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    left.imshow(image, cmap="gray")
    left.set_title(label(image_title), **text)
    limit = float(np.abs(response).max()) or 1.0
    shown = right.imshow(response, cmap="RdBu_r", vmin=-limit, vmax=limit)
    figure.colorbar(shown, ax=right, fraction=0.046, pad=0.04)
    right.plot(*_profile_points(np.array(edge_points), width), "-", color="gold", lw=2,
               label=label("figure_true_edge"))
    right.plot(*_profile_points(np.array(strongest), width), "o", color="black", ms=2.5,
               label=label("figure_strongest"))
    right.set_title(label("figure_response_title"), **text)
    legend_font = font.copy() if font is not None else None
    if legend_font is not None:
        legend_font.set_size(7)
    right.legend(loc="lower left", framealpha=0.8, prop=legend_font or {"size": 7})
    for axis in (left, right):
        axis.set_xticks([])
        axis.set_yticks([])
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
