"""Runs in the student's kernel, in the sandbox: write a graded cell's answer as plain data.

Whatever student code does to this module or to the files only changes the answers it hands
in; nothing here decides a grade. The folder to write to reaches the kernel in its environment
(``WEEK12_ANSWERS_DIR``), set by the runner: the kernel is a process of its own, started by
nbclient, and nothing else of the runner's reaches it before the first cell.
"""

from __future__ import annotations

import os
from pathlib import Path

ANSWERS_DIR_ENV = "WEEK12_ANSWERS_DIR"


def answer_path(answers_dir: Path, grade_id: str) -> Path:
    return answers_dir / f"{grade_id}.json"


def save(grade_id: str, namespace) -> None:
    from autograder.exercises import extract_answer

    answers_dir = Path(os.environ[ANSWERS_DIR_ENV])
    answers_dir.mkdir(parents=True, exist_ok=True)
    answer_path(answers_dir, grade_id).write_text(extract_answer(grade_id, namespace), encoding="utf-8")


def capture_source(grade_id: str) -> str:
    """The code that replaces a graded cell in the sandboxed notebook."""
    return f'__import__("autograder.inside.capture", fromlist=["save"]).save({grade_id!r}, globals())'
