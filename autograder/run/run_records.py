"""The typed records of one sandboxed run: its settings, its input, and what came back.

``PreparedRun`` is exactly what the sandbox is given for a notebook, named by ``key`` (a SHA-256
over every part of it), so that a run done ahead of nbgrader by the worker pool is found again by
nbgrader's own grading step (``prefetch``). ``NotebookRun`` is what came back: plain, untrusted
data (the executed notebook's text and each graded cell's answer text), checked again wherever
it is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from autograder.sandbox import SandboxLimits


@dataclass(frozen=True)
class RunSettings:
    """How a notebook is run and read back (``c.SandboxedExecute.*``)."""

    cell_timeout: int
    cell_output_chars: int
    max_notebook_bytes: int
    limits: SandboxLimits
    language: str = "ko"
    warm_start: bool = True  # fork each run from a warm parent (``warm_start``); not part of a run's key
    tensorflow_onednn: bool = True  # oneDNN's custom operations in the kernel (``tensorflow_onednn``)


@dataclass(frozen=True)
class PreparedRun:
    """The sandbox's input for one notebook; ``key`` names it exactly."""

    notebook_text: str
    settings_text: str
    grade_ids: tuple
    sandboxed: bool
    key: str


@dataclass(frozen=True)
class NotebookRun:
    """What came back from one sandboxed run of a notebook (all of it untrusted data)."""

    executed_json: str | None  # the executed notebook, or None when none came back
    note: str | None  # why the run fell short, if it did
    answers: dict  # grade_id -> the answer's JSON text, or None

    def to_json(self) -> str:
        return json.dumps({"executed": self.executed_json, "note": self.note, "answers": self.answers})

    @classmethod
    def from_json(cls, text: str) -> "NotebookRun":
        data = json.loads(text)
        return cls(data["executed"], data["note"], data["answers"])


def run_key(*parts: bytes) -> str:
    """SHA-256 over ``parts``, each length-prefixed so that no two inputs can run together."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
