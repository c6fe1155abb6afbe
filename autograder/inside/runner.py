"""Runs inside the sandbox: execute a notebook with nbclient, survive what its cells do.

``python -m autograder.inside.runner JOB_DIR`` reads ``JOB_DIR/in.ipynb`` and
``JOB_DIR/settings.json`` and writes ``JOB_DIR/out.ipynb``. A cell that runs past its time
limit is interrupted and the next cell runs; a kernel that dies ends the run, and the cells
executed so far keep their outputs and answers. Each cell's outputs are capped so that a
flood cannot exhaust memory. The outer process treats everything written here as untrusted:
student code runs as the same user and could overwrite it.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

# jsonschema (through nbformat) imports rfc3987_syntax when it is installed, which compiles a
# grammar for two seconds; notebooks are never validated against IRI formats here, and this
# start-up cost would be paid once per graded notebook.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402

from autograder.i18n import Catalogue  # noqa: E402
from autograder.inside import RUN_METADATA_KEY  # noqa: E402

RUNNER_MESSAGES = Catalogue({
    "output_truncated": {"ko": "\n[출력이 너무 길어 여기서 잘랐습니다 / output truncated]\n", "en": "\n[output truncated]\n"},
})


def _message_size(msg: dict) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    return sum(len(str(value)) for value in content.get("data", {}).values()) + len(str(content.get("traceback", "")))


class CappedOutputClient(NotebookClient):
    """An nbclient client that stops recording a cell's outputs past ``cell_output_chars``."""

    def __init__(self, nb, cell_output_chars: int, language: str = "ko", **kwargs):
        super().__init__(nb, **kwargs)
        self.cell_output_chars = cell_output_chars
        self.truncation_notice = RUNNER_MESSAGES.message("output_truncated", language)
        self._recorded = defaultdict(int)

    def output(self, outs, msg, display_id, cell_index):
        if self._recorded[cell_index] > self.cell_output_chars:
            return None
        self._recorded[cell_index] += _message_size(msg)
        if self._recorded[cell_index] > self.cell_output_chars:
            notice = nbformat.v4.new_output("stream", name="stdout", text=self.truncation_notice)
            outs.append(notice)
            return notice
        return super().output(outs, msg, display_id, cell_index)


def run(job_dir: Path) -> None:
    settings = json.loads((job_dir / "settings.json").read_text(encoding="utf-8"))
    nb = nbformat.read(job_dir / "in.ipynb", as_version=4)
    report = {"finished": False, "kernel_died_at": None, "timed_out_cells": []}
    client = CappedOutputClient(
        nb,
        cell_output_chars=settings["cell_output_chars"],
        language=settings.get("language", "ko"),
        timeout=settings["cell_timeout"],
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name=settings.get("kernel_name", "python3"),
        # The sandbox is torn down right after; a graceful kernel shutdown only costs time.
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(job_dir / "work")}},
    )
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    report["timed_out_cells"].append(cell.get("id"))
                except DeadKernelError:
                    report["kernel_died_at"] = cell.get("id")
                    break
            else:
                report["finished"] = True
    except DeadKernelError as error:
        report["kernel_died_at"] = report["kernel_died_at"] or str(error)[:200]
    finally:
        # Stored last: NotebookNode copies a dict on assignment, later changes would be lost.
        nb.metadata[RUN_METADATA_KEY] = report
        nbformat.write(nb, job_dir / "out.ipynb")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    run(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
