"""Drawn response figures kept by content, so that a class is not drawn twice.

A kernel verdict's picture depends only on the kernel, the task and the language, never on the
rubric: re-scoring a class after a rubric change (``week12 regrade``), or grading the same filter
for many students, takes the PNG from here. The folder is the grader's (``extracted_answers/
.figures``), written only by the judge and the re-grade, never seen by a sandbox.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from autograder.scoring.figure import draw_response_figure

FIGURE_VERSION = b"response-figure-1"  # change when the drawing changes


class FigureCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def png(self, verdict) -> bytes | None:
        """The figure of a verdict: a kernel verdict's response figure, or the figure of a verdict
        that names its own content (``figure_cache_key``, a training verdict's curves and filters)."""
        if hasattr(verdict, "figure_cache_key"):
            return self._cached(verdict.figure_cache_key().decode("ascii"), verdict.figure_png)
        key = hashlib.sha256(b"\0".join([
            FIGURE_VERSION, np.ascontiguousarray(verdict.kernel, dtype=np.float64).tobytes(),
            str(verdict.task).encode(), str(verdict.language).encode(), b"80"])).hexdigest()
        return self._cached(key, lambda: draw_response_figure(verdict.kernel, verdict.task, verdict.language))

    def _cached(self, key: str, draw) -> bytes | None:
        path = self.folder / f"{key}.png"
        try:
            return path.read_bytes()
        except OSError:
            pass
        png = draw()
        if png is None:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(png)
            os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written only costs time
        return png
