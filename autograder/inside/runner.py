"""Runs inside the sandbox: execute a notebook with nbclient, survive what its cells do.

``python -m autograder.inside.runner --input DIR --job DIR --result-fd N`` (or, warm-started,
:func:`run_warm` in a forked process) reads
``DIR/in.ipynb`` and ``DIR/settings.json``, works in the job folder and reports on the result
pipe, one JSON line per event:

- ``started``, as soon as it runs (before any student code);
- ``kernel_started`` once the kernel is up, or ``kernel_failed`` with the error;
- ``answer`` after each graded cell (the answer text its capture displayed, size-capped);
- ``finished`` at the end, with the executed notebook and the run's report.

Each cell's stderr is kept without TensorFlow's start-up chatter (``autograder.startup_chatter``),
which a cold kernel prints and a warm one does not; everything else the cell wrote is kept.

A cell that runs past its time limit is interrupted and the next cell runs; a kernel that dies
ends the run, and the cells executed so far keep their outputs and answers. Each cell's outputs
are capped so that a flood cannot exhaust memory. Everything sent is untrusted on the other side:
student code runs as the same user and could write to the pipe too; the grader re-checks every
size and shape, and a run that never reported ``kernel_started`` is the grader's fault, not the
student's (no student code had run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

# jsonschema (through nbformat) imports rfc3987_syntax when it is installed, which compiles a
# grammar for two seconds; notebooks are never validated against IRI formats here, and this
# start-up cost would be paid once per graded notebook.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402

from autograder.answers.protocol import (ANSWER_MEDIA_TYPE, MAX_ANSWER_BYTES, OUTPUT_MESSAGES,  # noqa: E402
                                         RUN_METADATA_KEY, message_size)
from autograder.startup_chatter import outputs_without_startup_chatter  # noqa: E402


class CappedOutputClient(NotebookClient):
    """An nbclient client that stops recording a cell's outputs past ``cell_output_chars``, and
    takes each graded cell's answer out of its outputs (``capture``)."""

    def __init__(self, nb, cell_output_chars: int, language: str = "ko", **kwargs):
        super().__init__(nb, **kwargs)
        self.cell_output_chars = cell_output_chars
        self.truncation_notice = OUTPUT_MESSAGES.message("output_truncated", language)
        self._recorded = defaultdict(int)
        self.answers: dict[int, str | None] = {}

    def output(self, outs, msg, display_id, cell_index):
        data = msg.get("content", {}).get("data")
        if msg.get("msg_type") == "display_data" and isinstance(data, dict) and ANSWER_MEDIA_TYPE in data:
            answer = data[ANSWER_MEDIA_TYPE]
            fits = isinstance(answer, str) and len(answer.encode("utf-8")) <= MAX_ANSWER_BYTES
            self.answers[cell_index] = answer if fits else None
            return None
        if self._recorded[cell_index] > self.cell_output_chars:
            return None
        self._recorded[cell_index] += message_size(msg.get("content", {}))
        if self._recorded[cell_index] > self.cell_output_chars:
            notice = nbformat.v4.new_output("stream", name="stdout", text=self.truncation_notice)
            outs.append(notice)
            return notice
        return super().output(outs, msg, display_id, cell_index)


class ResultPipe:
    def __init__(self, fd: int):
        self.fd = fd
        os.set_inheritable(fd, False)  # the kernel, where student code runs, does not get it

    def send(self, event: str, **fields) -> None:
        data = memoryview((json.dumps({"event": event, **fields}) + "\n").encode("utf-8"))
        while data:
            data = data[os.write(self.fd, data):]


def run(input_dir: Path, job_dir: Path, pipe: ResultPipe, *, forked_kernel: bool = False) -> None:
    started = time.monotonic()
    pipe.send("started")
    settings = json.loads((input_dir / "settings.json").read_text(encoding="utf-8"))
    nb = nbformat.read(input_dir / "in.ipynb", as_version=4)
    (job_dir / "work").mkdir(exist_ok=True)
    graded = settings.get("graded_cells", {})
    # "seconds": how long the kernel took to be ready and the cells to run, for the benchmarks.
    report = {"finished": False, "kernel_died_at": None, "timed_out_cells": [], "seconds": {}}
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
    if forked_kernel:
        from autograder.inside.forked_kernel import ForkedKernelManager

        client.kernel_manager_class = ForkedKernelManager
    else:
        from autograder.inside.ready_client import ReadyKernelManager

        client.kernel_manager_class = ReadyKernelManager
    try:
        with client.setup_kernel():
            report["seconds"]["kernel_ready"] = round(time.monotonic() - started, 3)
            pipe.send("kernel_started")
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
                finally:
                    # TensorFlow's start-up lines depend on the processor and on whether this
                    # kernel imported it (cold) or was forked with it (warm): never the student's.
                    cell.outputs = outputs_without_startup_chatter(cell.get("outputs", []))
                    if str(index) in graded:
                        pipe.send("answer", grade_id=graded[str(index)], text=client.answers.get(index))
            else:
                report["finished"] = True
            report["seconds"]["cells"] = round(time.monotonic() - started - report["seconds"]["kernel_ready"], 3)
    except DeadKernelError as error:
        report["kernel_died_at"] = report["kernel_died_at"] or str(error)[:200]
    except Exception as error:
        if client.kc is None:  # the kernel never started: nothing of the student's has run
            pipe.send("kernel_failed", error=f"{type(error).__name__}: {error}"[:500])
            raise
        report["error"] = f"{type(error).__name__}: {error}"[:500]
    # Stored last: NotebookNode copies a dict on assignment, later changes would be lost.
    nb.metadata[RUN_METADATA_KEY] = report
    pipe.send("finished", notebook=nbformat.writes(nb), report=report)


def run_warm(result_fd: int, input: str, job: str) -> int:
    """The entry of a warm-started run (``autograder.sandbox.warm_parent``): this process is a
    fork of an interpreter that has this module and TensorFlow imported, and its kernel is forked
    from it too."""
    run(Path(input), Path(job), ResultPipe(result_fd), forked_kernel=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.inside.runner")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--job", type=Path, required=True)
    parser.add_argument("--result-fd", type=int, required=True)
    args = parser.parse_args(argv)
    run(args.input, args.job, ResultPipe(args.result_fd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
