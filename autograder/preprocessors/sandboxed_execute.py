"""Execute a submission in a sandbox and grade it outside: nbgrader's ``Execute``, made safe.

Takes ``Execute``'s place in ``Autograde.autograde_preprocessors``. For each notebook:

1. every graded code cell is replaced by a call that saves its answer as plain data, and the
   notebook runs in a bubblewrap sandbox (``autograder.sandbox``): no network, no course files,
   a non-root user, limits on memory, CPU, time, processes and file sizes;
2. the saved answers are judged in a fresh process that no student code touched
   (``autograder.trusted.judge``), with the same judgements students' visible checks use;
3. the judgements become the graded cells' outputs (an error for a failed check, the points
   for partial credit) and nbgrader's ``SaveAutoGrades`` records them as usual.

Graded cells keep their visible source only: feedback shows hidden tests' results and messages,
never their code. Other cells get the outputs they produced in the sandbox.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Float, Integer

import autograder
from autograder.sandbox import SANDBOX_JOB_DIR, SandboxLimits, run_sandboxed, sandbox_problem
from autograder.trusted.capture import ANSWERS_DIR_ENV, capture_source
from autograder.trusted.prefetch import NotebookRun, PrefetchedRuns, run_key
from autograder.trusted.recovery import mark_unfinished
from autograder.trusted.runner import RUN_METADATA_KEY
from autograder.trusted.graded_outputs import graded_outputs
from autograder.trusted.untrusted_files import UntrustedFileRejected, read_untrusted
from autograder.scoring.figure import FIGURE_CACHE_ENV
from autograder.workflow import answer_store
from autograder.workflow.answer_store import figure_cache_dir

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
# Source notebooks with solutions are generated from here: never visible to student code.
HIDDEN_PACKAGE_PARTS = ("authoring",)
MAX_ANSWER_BYTES = 4_000_000


class SandboxRequired(RuntimeError):
    pass


@dataclass(frozen=True)
class PreparedRun:
    """The sandbox's input for one notebook; ``key`` names it exactly (see ``trusted.prefetch``)."""

    notebook_text: str
    settings_text: str
    grade_ids: tuple
    sandboxed: bool
    key: str


class JudgeProcess:
    """One ``autograder.trusted.judge`` process per grading run, fed each notebook's answers.

    Starting Python, numpy and matplotlib for every notebook would cost about a second each;
    the process is separate from both nbgrader and the sandbox, and reads only plain data.
    """

    _shared: "JudgeProcess | None" = None

    def __init__(self, figure_cache: Path | None = None):
        self.figure_cache = figure_cache
        env = {**os.environ, "MPLBACKEND": "Agg"}
        if figure_cache is not None:
            env[FIGURE_CACHE_ENV] = str(figure_cache)
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.trusted.judge"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        atexit.register(self.close)

    @classmethod
    def shared(cls, figure_cache: Path | None = None) -> "JudgeProcess":
        current = cls._shared
        if current is None or current.process.poll() is not None or current.figure_cache != figure_cache:
            if current is not None:
                current.close()
            cls._shared = cls(figure_cache)
        return cls._shared

    def judge(self, answers: dict) -> dict:
        self.process.stdin.write(json.dumps({"answers": answers}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the judge process ended unexpectedly (exit code {self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class SandboxedExecute(NbGraderPreprocessor):
    """Run student code sandboxed; compute every grade outside the sandbox."""

    cell_timeout = Integer(120, help="Seconds a cell may run before it is interrupted.").tag(config=True)
    wall_seconds = Float(900, help="Seconds a whole notebook may run before the sandbox is killed.").tag(config=True)
    memory_bytes = Integer(SandboxLimits.memory_bytes, help="RLIMIT_DATA per sandboxed process.").tag(config=True)
    cpu_seconds = Integer(SandboxLimits.cpu_seconds, help="RLIMIT_CPU per sandboxed process.").tag(config=True)
    max_processes = Integer(SandboxLimits.max_processes, help="RLIMIT_NPROC (processes and threads).").tag(config=True)
    file_size_bytes = Integer(SandboxLimits.file_size_bytes, help="RLIMIT_FSIZE.").tag(config=True)
    scratch_bytes = Integer(SandboxLimits.scratch_bytes, help="Size of each private tmpfs.").tag(config=True)
    cell_output_chars = Integer(200_000, help="Output kept per cell; the rest is dropped.").tag(config=True)
    max_notebook_bytes = Integer(50_000_000, help="Largest executed notebook read back.").tag(config=True)
    slot = Integer(0, help="Sandbox slot (uid 60000 + slot); concurrent runs need different slots.").tag(config=True)
    cpu_threads = Integer(
        0, help="Threads the notebook's numeric libraries may use (TensorFlow, OpenMP, BLAS); 0 leaves "
                "their default, every core. The class-grading command gives each of its parallel "
                "notebooks cores / workers, so that they do not fight over the CPU.").tag(config=True)
    allow_unsandboxed = Bool(
        False,
        help="Run student code WITHOUT a sandbox when none can be made here. Grades are still "
             "computed outside the student's kernel, but student code can read and write the "
             "course files. Off by default: grading stops with an explanation instead.",
    ).tag(config=True)

    def limits(self) -> SandboxLimits:
        return SandboxLimits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                             wall_seconds=self.wall_seconds, max_processes=self.max_processes,
                             file_size_bytes=self.file_size_bytes, scratch_bytes=self.scratch_bytes)

    def preprocess(self, nb: NotebookNode, resources: dict):
        sandboxed = self.require_sandbox()
        self._mark_unfinished(resources)
        graded = [cell for cell in nb.cells if cell.cell_type == "code" and utils.is_grade(cell)]
        prepared = self.prepare(nb, sandboxed)
        run = self._prefetched(prepared) or self.run_prepared(prepared)
        executed, note = None, run.note
        if run.executed_json is not None:
            try:
                executed = nbformat.reads(run.executed_json, as_version=4)
            except Exception as error:  # noqa: BLE001 - whatever came back from the sandbox is untrusted
                self.log.warning("The executed notebook that came back is not a notebook: %s", error)
                note = note or "the notebook run did not finish"
        run = NotebookRun(run.executed_json, note, run.answers)
        judgements = self._judge(run.answers)
        self._store_answers(resources, graded, run)
        self._merge(nb, executed, graded, judgements, run.note)
        return nb, resources

    def require_sandbox(self) -> bool:
        """True if a sandbox can be made; raises unless unsandboxed grading was allowed."""
        problem = sandbox_problem()
        if problem is not None and not self.allow_unsandboxed:
            raise SandboxRequired(
                f"Cannot grade safely: no sandbox can be made on this machine ({problem}). Install "
                "bubblewrap, or set c.SandboxedExecute.allow_unsandboxed = True in nbgrader_config.py "
                "to grade without one (student code can then read and change course files).")
        return problem is None

    def _mark_unfinished(self, resources: dict) -> None:
        """Until ``FinishGrading`` runs, a killed grader's half-written folder is discarded on
        the next start (``autograder.trusted.recovery``) instead of being skipped."""
        info = resources.get("nbgrader", {})
        if "student" not in info or "assignment" not in info:
            return
        coursedir = CourseDirectory(config=self.config)
        folder = coursedir.format_path(coursedir.autograded_directory, info["student"], info["assignment"])
        mark_unfinished(coursedir.root, info["student"], info["assignment"], Path(folder))

    # -- 1. run the student's notebook ------------------------------------------------------

    def prepare(self, nb: NotebookNode, sandboxed: bool) -> PreparedRun:
        """Exactly what the sandbox will be given for ``nb``, and the key naming that input."""
        sandbox_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        grade_ids = []
        for cell in sandbox_nb.cells:
            if cell.cell_type != "code":
                continue
            if utils.is_grade(cell):
                grade_ids.append(cell.metadata.nbgrader.grade_id)
                cell.source = capture_source(cell.metadata.nbgrader.grade_id)
            cell.outputs, cell.execution_count = [], None
        notebook_text = nbformat.writes(sandbox_nb)
        settings_text = json.dumps({
            "cell_timeout": self.cell_timeout, "cell_output_chars": self.cell_output_chars,
            "kernel_name": nb.metadata.get("kernelspec", {}).get("name", "python3"),
        })
        key = run_key(notebook_text.encode(), settings_text.encode(), repr(self.limits()).encode(),
                      json.dumps(grade_ids).encode(), str(sandboxed).encode(),
                      str(self.max_notebook_bytes).encode())
        return PreparedRun(notebook_text, settings_text, tuple(grade_ids), sandboxed, key)

    def _prefetched(self, prepared: PreparedRun) -> NotebookRun | None:
        runs = PrefetchedRuns.from_environment()
        if runs is None:
            return None
        run = runs.take(prepared.key, timeout=self.wall_seconds + 120)
        if run is None:
            self.log.info("No prefetched run for this notebook: running it now")
        return run

    def run_prepared(self, prepared: PreparedRun) -> NotebookRun:
        """Execute a prepared notebook (sandboxed unless that was allowed off) and read back,
        without trusting any of it, the executed notebook and each graded cell's answer."""
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="week12-job-") as job:
            job_dir = Path(job)
            (job_dir / "work").mkdir()
            (job_dir / "answers").mkdir()
            (job_dir / "in.ipynb").write_text(prepared.notebook_text, encoding="utf-8")
            (job_dir / "settings.json").write_text(prepared.settings_text, encoding="utf-8")
            note = self._execute(job_dir, prepared.sandboxed)
            try:
                executed = read_untrusted(job_dir, "out.ipynb", self.max_notebook_bytes).decode("utf-8")
                json.loads(executed)  # well-formed; read as a notebook (and validated) where it is used
            except (OSError, UnicodeDecodeError, ValueError, UntrustedFileRejected) as error:
                self.log.warning("No executed notebook came back from the sandbox: %s", error)
                executed = None
                note = note or "the notebook run did not finish"
            answers = self._answers(job_dir, prepared.grade_ids)
        self.log.info("Ran the notebook in sandbox slot %d in %.1f s", self.slot, time.monotonic() - started)
        return NotebookRun(executed, note, answers)

    def _execute(self, job_dir: Path, sandboxed: bool) -> str | None:
        inside = SANDBOX_JOB_DIR if sandboxed else job_dir
        env = {ANSWERS_DIR_ENV: str(inside / "answers"), "NBGRADER_EXECUTION": "autograde",
               "TF_CPP_MIN_LOG_LEVEL": "2",
               # Figures go inline into the notebook, as in Jupyter (Agg would drop them).
               "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
        if self.cpu_threads > 0:
            threads = str(self.cpu_threads)
            env.update({name: threads for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
                                                   "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
        argv = [sys.executable, "-m", "autograder.trusted.runner", str(inside)]
        if sandboxed:
            result = run_sandboxed(argv, job_dir=job_dir, limits=self.limits(), slot=self.slot, env=env,
                                   readonly_paths=[PACKAGE_DIR],
                                   hidden_paths=[PACKAGE_DIR / part for part in HIDDEN_PACKAGE_PARTS])
            return result.problem
        self.log.warning("Grading WITHOUT a sandbox (c.SandboxedExecute.allow_unsandboxed = True)")
        done = subprocess.run(argv, env={**os.environ, **env}, cwd=job_dir, timeout=self.wall_seconds,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return None if done.returncode == 0 else f"exit code {done.returncode}"

    def _answers(self, job_dir: Path, grade_ids) -> dict:
        answers = {}
        for grade_id in grade_ids:
            try:
                answers[grade_id] = read_untrusted(job_dir / "answers", f"{grade_id}.json",
                                                   MAX_ANSWER_BYTES).decode("utf-8")
            except (OSError, UnicodeDecodeError, UntrustedFileRejected):
                answers[grade_id] = None
        return answers

    def _store_answers(self, resources: dict, graded, run: NotebookRun) -> None:
        """Keep the extracted answers, so a rubric change can re-score them without a run."""
        info = resources.get("nbgrader", {})
        if not all(key in info for key in ("student", "assignment", "notebook")):
            return
        points = {cell.metadata.nbgrader.grade_id: float(cell.metadata.nbgrader.get("points", 0) or 0)
                  for cell in graded}
        answer_store.save(CourseDirectory(config=self.config).root, answer_store.StoredNotebook(
            info["assignment"], info["student"], info["notebook"], run.note,
            {grade_id: run.answers.get(grade_id) for grade_id in points}, points))

    # -- 2. judge outside -------------------------------------------------------------------

    def _judge(self, answers: dict) -> dict:
        """Score the answers in the judge process: nothing of any submission ever ran there."""
        root = CourseDirectory(config=self.config).root
        return JudgeProcess.shared(figure_cache=figure_cache_dir(root)).judge(answers)

    # -- 3. write the judgements into the notebook ------------------------------------------

    def _merge(self, nb, executed, graded, judgements: dict, run_note: str | None) -> None:
        produced, report = {}, {}
        if executed is not None:
            produced = {cell.get("id"): cell for cell in executed.cells if cell.cell_type == "code"}
            report = executed.metadata.get(RUN_METADATA_KEY) or {}
        died_at = report.get("kernel_died_at") if isinstance(report, dict) else None
        if died_at:
            run_note = (f"커널이 셀 '{str(died_at)[:80]}' 실행 중에 종료되었습니다 (메모리 초과나 os._exit 등); "
                        f"그 뒤의 셀은 실행되지 않았습니다 / the kernel died in cell '{str(died_at)[:80]}'")
        if run_note:
            self.log.warning("%s", run_note)
        graded_ids = {id(cell) for cell in graded}
        hidden_tests = ClearHiddenTests()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if id(cell) in graded_ids:
                hidden_tests.preprocess_cell(cell, {}, index)  # feedback never shows hidden tests
                judgement = judgements.get(cell.metadata.nbgrader.grade_id)
                cell.outputs = graded_outputs(judgement, cell.metadata.nbgrader.get("points", 0), run_note)
                cell.execution_count = None
            else:
                ran = produced.get(cell.get("id"))
                same = ran is not None and ran.get("source") == cell.source
                cell.outputs = list(ran.get("outputs", [])) if same else []
                cell.execution_count = ran.get("execution_count") if same else None
