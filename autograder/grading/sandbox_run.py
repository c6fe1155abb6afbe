"""Running a prepared notebook in the sandbox and reading back, trusting none of it, what it left.

A job folder of its own holds the input (``in.ipynb``, ``settings.json``); the runner
(``autograder.inside.runner``) executes it in the sandbox, each graded cell's capture writes its
answer under ``answers/``, and the executed notebook comes back as ``out.ipynb``. Every file is
read back with ``readback.read_untrusted`` (no symlink followed, size-capped).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import autograder
from autograder.grading.readback import UntrustedFileRejected, read_untrusted
from autograder.grading.run_records import NotebookRun, PreparedRun, RunSettings
from autograder.inside.capture import ANSWERS_DIR_ENV
from autograder.sandbox import SANDBOX_JOB_DIR, run_sandboxed

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
# Source notebooks with solutions are generated from here: never visible to student code.
HIDDEN_PACKAGE_PARTS = ("authoring",)
MAX_ANSWER_BYTES = 4_000_000
NOT_FINISHED = "the notebook run did not finish"
THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS",
                    "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

log = logging.getLogger(__name__)


def run_prepared(prepared: PreparedRun, settings: RunSettings, *, slot: int = 0, cpu_threads: int = 0,
                 logger: logging.Logger = log) -> NotebookRun:
    """Execute a prepared notebook (sandboxed unless that was allowed off) and read back,
    without trusting any of it, the executed notebook and each graded cell's answer."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="week12-job-") as job:
        job_dir = Path(job)
        (job_dir / "work").mkdir()
        (job_dir / "answers").mkdir()
        (job_dir / "in.ipynb").write_text(prepared.notebook_text, encoding="utf-8")
        (job_dir / "settings.json").write_text(prepared.settings_text, encoding="utf-8")
        note = _execute(job_dir, prepared.sandboxed, settings, slot, cpu_threads, logger)
        try:
            executed = read_untrusted(job_dir, "out.ipynb", settings.max_notebook_bytes).decode("utf-8")
            json.loads(executed)  # well-formed; read as a notebook (and validated) where it is used
        except (OSError, UnicodeDecodeError, ValueError, UntrustedFileRejected) as error:
            logger.warning("No executed notebook came back from the sandbox: %s", error)
            executed = None
            note = note or NOT_FINISHED
        answers = _answers(job_dir, prepared.grade_ids)
    logger.info("Ran the notebook in sandbox slot %d in %.1f s", slot, time.monotonic() - started)
    return NotebookRun(executed, note, answers)


def _execute(job_dir: Path, sandboxed: bool, settings: RunSettings, slot: int, cpu_threads: int,
             logger: logging.Logger) -> str | None:
    inside = SANDBOX_JOB_DIR if sandboxed else job_dir
    env = {ANSWERS_DIR_ENV: str(inside / "answers"), "NBGRADER_EXECUTION": "autograde",
           "TF_CPP_MIN_LOG_LEVEL": "2",
           # Figures go inline into the notebook, as in Jupyter (Agg would drop them).
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if cpu_threads > 0:
        env.update({name: str(cpu_threads) for name in THREAD_VARIABLES})
    argv = [sys.executable, "-m", "autograder.inside.runner", str(inside)]
    if sandboxed:
        result = run_sandboxed(argv, job_dir=job_dir, limits=settings.limits, slot=slot, env=env,
                               readonly_paths=[PACKAGE_DIR],
                               hidden_paths=[PACKAGE_DIR / part for part in HIDDEN_PACKAGE_PARTS])
        return result.problem
    logger.warning("Grading WITHOUT a sandbox (c.SandboxedExecute.allow_unsandboxed = True)")
    done = subprocess.run(argv, env={**os.environ, **env}, cwd=job_dir, timeout=settings.limits.wall_seconds,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return None if done.returncode == 0 else f"exit code {done.returncode}"


def _answers(job_dir: Path, grade_ids) -> dict:
    answers = {}
    for grade_id in grade_ids:
        try:
            answers[grade_id] = read_untrusted(job_dir / "answers", f"{grade_id}.json",
                                               MAX_ANSWER_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError, UntrustedFileRejected):
            answers[grade_id] = None
    return answers
