"""The picture in a verdict: a hidden test image and the filter's response to it.

Drawn with :class:`matplotlib.figure.Figure` and the Agg canvas directly (not ``pyplot``), so
nothing is added to a notebook's open figures and no display backend is needed. Korean labels
use the course's NanumGothic font file (:func:`korean_font_path`) through a local
``FontProperties``, so matplotlib's global settings are left alone; without that font the
in-figure labels fall back to English (the HTML caption is always in the feedback language).
Drawing is the only part of scoring that touches files (the font); scoring itself does not.
"""

from __future__ import annotations

import base64
import importlib.util
import io
from functools import cache
from pathlib import Path

import numpy as np

from .correlate import cross_correlate_valid
from .images import hidden_battery, profile_indices
from .messages import message


KOREAN_FONT_FAMILY = "NanumGothic"


@cache
def korean_font_path() -> Path | None:
    """The NanumGothic font file of the ``koreanize-matplotlib`` wheel, found without importing it
    (its import hook uses deprecated ``distutils`` and warns); None if it is not installed."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    return candidate if candidate.is_file() else None


def _korean_font():
    """``FontProperties`` for Hangul, or None if the course's Korean font is not installed."""
    try:
        from matplotlib.font_manager import FontProperties

        path = korean_font_path()
        return FontProperties(fname=str(path)) if path is not None else None
    except Exception:  # noqa: BLE001 - English labels are a fine fallback
        return None


def _profile_points(flat_indices: np.ndarray, width: int):
    rows, cols = np.divmod(flat_indices, width)
    return cols, rows


def render_png(figure) -> bytes:
    """PNG bytes of a :class:`matplotlib.figure.Figure`, drawn on the Agg canvas (no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A ``data:`` URI for PNG bytes, so that a page with pictures stays one self-contained file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
    FigureCanvasAgg(figure)  # before the layout, which measures text with this canvas's renderer
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
    return render_png(figure)
