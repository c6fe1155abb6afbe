"""Grading that was killed part-way is graded again, never skipped and never doubled.

nbgrader skips a submission whose ``autograded/`` folder exists, and it creates that folder
before grading. A run killed mid-notebook would therefore leave that student ungraded on the
next run. While a notebook is graded, a marker naming the grading process and the folder sits
in ``.grading-in-progress/`` at the course root; it is removed once the grades are saved. When
nbgrader next starts (``nbgrader_config.py`` calls :func:`discard_unfinished_grading`), markers
whose process is gone have their half-written folder removed, so that student is graded again.
The gradebook keeps one row per graded cell and nbgrader updates it in place, so nothing is
counted twice.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

MARKER_DIR = ".grading-in-progress"


def _marker(root: Path, student: str, assignment: str) -> Path:
    return Path(root) / MARKER_DIR / f"{assignment}__{student}.json"


def mark_unfinished(root: Path, student: str, assignment: str, autograded_folder: Path) -> None:
    marker = _marker(root, student, assignment)
    marker.parent.mkdir(exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "folder": str(autograded_folder)}), encoding="utf-8")


def mark_finished(root: Path, student: str, assignment: str) -> None:
    _marker(root, student, assignment).unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """True while process ``pid`` exists (also when it belongs to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard_unfinished_grading(root: str | Path) -> list[Path]:
    """Remove the ``autograded/`` folders of gradings whose process died; returns them."""
    root = Path(root).resolve()
    markers = root / MARKER_DIR
    if not markers.is_dir():
        return []
    discarded = []
    for marker in sorted(markers.glob("*.json")):
        try:
            record = json.loads(marker.read_text(encoding="utf-8"))
            pid, folder = int(record["pid"]), Path(record["folder"]).resolve()
        except (OSError, ValueError, KeyError, TypeError):
            marker.unlink(missing_ok=True)
            continue
        if process_alive(pid):
            continue  # still grading (another nbgrader command is running)
        if root in folder.parents and folder.is_dir():
            shutil.rmtree(folder)
            discarded.append(folder)
        marker.unlink(missing_ok=True)
    return discarded
