"""Running a prepared notebook in the sandbox and reading back, trusting none of it, what it sent.

The runner (``autograder.inside.runner``) gets the prepared input read-only in ``/input``, works
in ``/job`` (a capped tmpfs that vanishes with the sandbox) and reports on a pipe: that it
started, that its kernel started, each graded cell's answer, and the executed notebook. Nothing
it reports is trusted: every size is capped again here (``readback``) and the executed notebook
is validated where it is read. A run that never got as far as a started kernel ran no student
code, so its failure is the grader's: :class:`GraderFault`, never a score.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.run.environment import SandboxMounts
from autograder.run.readback import RunReport, read_report
from autograder.run.run_records import NotebookRun, PreparedRun, RunSettings
from autograder.run.warm_start import WarmStartFailed, run_sandboxed_on_warm_parent
from autograder.sandbox import RESULT_FD, SANDBOX_INPUT_DIR, SANDBOX_JOB_DIR, run_sandboxed
from autograder.sandbox.output import BoundedBuffer, drain

NOT_FINISHED = "the notebook run did not finish"
THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS",
                    "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

log = logging.getLogger(__name__)


class GraderFault(RuntimeError):
    """This notebook could not be run for a reason on the grader's side; no student code ran."""


def run_environment(cpu_threads: int, tensorflow_onednn: bool = True) -> dict[str, str]:
    """The environment a notebook's runner and kernel get (besides the sandbox's minimal one)."""
    env = {"NBGRADER_EXECUTION": "autograde", "TF_CPP_MIN_LOG_LEVEL": "2",
           # Figures go inline into the notebook, as in Jupyter (Agg would drop them).
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if not tensorflow_onednn:
        env["TF_ENABLE_ONEDNN_OPTS"] = "0"  # read as TensorFlow loads: a warm parent is made per environment
    if cpu_threads > 0:
        env.update({name: str(cpu_threads) for name in THREAD_VARIABLES})
    return env


def _runner(input_dir, job_dir, result_fd) -> list[str]:
    return [sys.executable, "-m", "autograder.inside.runner", "--input", str(input_dir), "--job", str(job_dir),
            "--result-fd", str(result_fd)]


def run_prepared(prepared: PreparedRun, settings: RunSettings, *, mounts: SandboxMounts | None,
                 cpu_threads: int = 0, bwrap_path: str | None = None,
                 logger: logging.Logger = log) -> NotebookRun:
    """Execute a prepared notebook (sandboxed unless that was allowed off) and read back,
    without trusting any of it, the executed notebook and each graded cell's answer."""
    started = time.monotonic()
    inputs = {"in.ipynb": prepared.notebook_text, "settings.json": prepared.settings_text}
    env = run_environment(cpu_threads, settings.tensorflow_onednn)
    if prepared.sandboxed:
        sandbox = {"limits": settings.limits, "inputs": inputs, "readonly_paths": mounts.readonly,
                   "hidden_paths": mounts.hidden, "bwrap_path": bwrap_path}
        if settings.warm_start:
            try:
                result = run_sandboxed_on_warm_parent({"input": str(SANDBOX_INPUT_DIR), "job": str(SANDBOX_JOB_DIR)},
                                                      env=env, logger=logger, **sandbox)
            except WarmStartFailed as failed:
                raise GraderFault(f"the warm start failed twice: {failed}") from None
        else:
            result = run_sandboxed(_runner(SANDBOX_INPUT_DIR, SANDBOX_JOB_DIR, RESULT_FD),
                                   env=env, **sandbox)
        report, problem, stderr = read_report(result.result, settings, prepared.grade_ids), result.problem, result.stderr
    else:
        logger.warning("Grading WITHOUT a sandbox (c.SandboxedExecute.allow_unsandboxed = True)")
        report, problem, stderr = _run_unsandboxed(inputs, settings, env, prepared.grade_ids)
    logger.info("Ran the notebook%s in %.1f s", "" if prepared.sandboxed else " UNSANDBOXED",
                time.monotonic() - started)  # warm or cold: the same sandbox, the same report
    return _interpret(report, problem, stderr)


def _interpret(report: RunReport, problem: str | None, stderr: str) -> NotebookRun:
    said = next((line for line in stderr.strip().splitlines() if line.strip()), "") if stderr else ""
    if not report.started:
        raise GraderFault(f"the notebook runner did not start: {problem or said or 'no report came back'}")
    if report.kernel_error is not None:
        raise GraderFault(f"the notebook's kernel did not start: {report.kernel_error}")
    if not report.kernel_started:
        raise GraderFault(f"the runner stopped before its kernel started: {problem or said or 'no reason given'}")
    note = problem or "; ".join(report.dropped) or (None if report.executed_json is not None else NOT_FINISHED)
    return NotebookRun(report.executed_json, note, report.answers)


def _run_unsandboxed(inputs: dict, settings: RunSettings, env: dict[str, str],
                     grade_ids) -> tuple[RunReport, str | None, str]:
    """The runner as a plain child process (``allow_unsandboxed``): same protocol, no protection."""
    with tempfile.TemporaryDirectory(prefix="week12-input-") as input_dir, \
            tempfile.TemporaryDirectory(prefix="week12-job-") as job_dir:
        for name, text in inputs.items():
            Path(input_dir, name).write_text(text, encoding="utf-8")
        read_end, write_end = os.pipe()
        process = subprocess.Popen(_runner(input_dir, job_dir, write_end), cwd=job_dir, pass_fds=(write_end,),
                                   env={**os.environ, **env},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(write_end)
        result, errors = BoundedBuffer(settings.limits.result_bytes), BoundedBuffer(settings.limits.output_bytes)
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            finished = drain({pipe: result, process.stderr: errors}, time.monotonic() + settings.limits.wall_seconds)
        if not finished:
            process.kill()
        returncode = process.wait()
        process.stderr.close()
    problem = None if finished and returncode == 0 else (
        f"exit code {returncode}" if finished else f"killed after the wall-clock limit of {settings.limits.wall_seconds:g} s")
    return read_report(bytes(result.data), settings, grade_ids), problem, errors.text()
