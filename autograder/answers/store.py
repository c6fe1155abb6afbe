"""The answers extracted from every graded notebook, kept so a class can be re-scored.

Trusted grading (``autograder.grading.sandboxed_execute``) turns each graded cell into plain
JSON data before judging it. Those answers are written here, one file per submitted notebook,
``extracted_answers/<assignment>/<student>/<notebook>.json`` under the course root, by the grading
process (the sandbox never sees this folder). A changed rubric or threshold is then applied to
the whole class from these files (``autograder.workflow.regrade``) without executing any notebook.

Each file holds::

    {"format": 1, "assignment": ..., "student": ..., "notebook": ...,
     "run_note": "why the run fell short" | null,
     "cells": {grade_id: {"answer": "<codec JSON text>" | null, "points": 10.0}}}
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STORE_DIR = "extracted_answers"
FORMAT = 1


@dataclass(frozen=True)
class StoredNotebook:
    assignment: str
    student: str
    notebook: str
    run_note: str | None
    answers: dict  # grade_id -> codec JSON text, or None when the cell left no answer
    points: dict  # grade_id -> the cell's points

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "assignment": self.assignment, "student": self.student,
            "notebook": self.notebook, "run_note": self.run_note,
            "cells": {gid: {"answer": self.answers.get(gid), "points": self.points.get(gid, 0.0)}
                      for gid in self.answers},
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "StoredNotebook":
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown answer-store format {data.get('format')!r}")
        cells = data["cells"]
        return cls(data["assignment"], data["student"], data["notebook"], data.get("run_note"),
                   {gid: cell.get("answer") for gid, cell in cells.items()},
                   {gid: float(cell.get("points", 0.0)) for gid, cell in cells.items()})


def figure_cache_dir(root: Path) -> Path:
    """Where the judge keeps drawn feedback figures by content (``grading.figure_cache``)."""
    return Path(root) / STORE_DIR / ".figures"


def store_path(root: Path, assignment: str, student: str, notebook: str) -> Path:
    return Path(root) / STORE_DIR / assignment / student / f"{notebook}.json"


def save(root: Path, stored: StoredNotebook) -> Path:
    """Write atomically, so a grader killed mid-write leaves the previous file, never half a file."""
    path = store_path(root, stored.assignment, stored.student, stored.notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(stored.to_json())
    os.replace(temporary, path)
    return path


def load(root: Path, assignment: str) -> Iterator[StoredNotebook]:
    """Every stored notebook of ``assignment``, by student then notebook name."""
    folder = Path(root) / STORE_DIR / assignment
    for path in sorted(folder.glob("*/*.json")):
        yield StoredNotebook.from_json(path.read_text(encoding="utf-8"))


def discard(root: Path, assignment: str, student: str) -> None:
    """Forget a student's stored answers (their submission is being graded again)."""
    folder = Path(root) / STORE_DIR / assignment / student
    for path in folder.glob("*.json"):
        path.unlink(missing_ok=True)
