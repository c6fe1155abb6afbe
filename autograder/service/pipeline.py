"""One hand-in's way through the grading service, in the service's own process.

The stages, in order (each a method, each testable alone):

1. :meth:`HandinPipeline.attribute`: who handed it in and when it arrived, from the folder's owner
   and the change times of its files (``autograder.collect.attribution``), never its name;
2. :meth:`HandinPipeline.collect`: its files into ``submitted/<student>/<assignment>/`` with the
   arrival in ``timestamp.txt`` (``collect.exchange.place_handin``); a notebook that is not the
   assignment's, or is not valid JSON, is not graded (and uses no attempt);
3. :meth:`HandinPipeline.run_ahead`: each notebook put through nbgrader's sanitizing steps and run
   in its own sandbox (warm-started) by this worker, outside the writer's lock, so that several
   hand-ins run at once; the run is kept by its key (``run.prefetch``), as the batch pool does;
4. :meth:`HandinPipeline.grade`, under the one writer's lock: nbgrader's ``Autograde`` in this
   process (``nbgrader.apps.api.NbGraderAPI``), whose ``SandboxedExecute`` takes the run by key,
   judges it and records the grades;
5. :meth:`HandinPipeline.release`, under the same lock: nbgrader's ``GenerateFeedback`` and the
   course's one feedback route (``lms.release``), for this student only.

No new process is started per hand-in: the warm parents and the judge live as long as the service.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from autograder.collect.attribution import Handin as AttributedHandin
from autograder.collect.attribution import attribute_handin
from autograder.collect.exchange import place_handin
from autograder.collect.messages import handin_detail, shown
from autograder.course import Course
from autograder.grading.pool import Submission, failure_reason, sanitized, threads_per_notebook
from autograder.record.progress import read_progress
from autograder.run.prefetch import PrefetchedRuns

log = logging.getLogger("autograder.service")


class NotGradable(Exception):
    """This hand-in cannot be graded, for a reason of the student's (it uses no attempt)."""


class GraderFault(Exception):
    """This hand-in could not be graded for a reason on the grader's side (tried again)."""


@dataclass(frozen=True)
class Graded:
    score: float
    max_score: float
    late_seconds: float


def _seconds(when) -> float:
    return when.replace(tzinfo=timezone.utc).timestamp()


class HandinPipeline:
    def __init__(self, course: Course, scratch: Path, workers: int):
        from nbgrader.apps.api import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        from autograder.grading.sandboxed_execute import SandboxedExecute

        self.course = course
        self.scratch = Path(scratch)
        self.runs = PrefetchedRuns(self.scratch / "runs")
        self.runs.folder.mkdir(parents=True, exist_ok=True)
        self.progress_file = self.scratch / "progress.jsonl"
        self.writer_lock = threading.Lock()  # the gradebook's one writer: nbgrader's steps, one at a time
        base = course.config
        self.config = copy.deepcopy(base)
        self.config.SandboxedExecute.prefetch_dir = str(self.runs.folder)
        self.config.SandboxedExecute.cpu_threads = threads_per_notebook(workers)
        self.config.GradingProgress.progress_file = str(self.progress_file)
        self.executor_class = SandboxedExecute
        self.sandboxed = SandboxedExecute(config=self.config).require_sandbox()  # refuses to serve unsafely
        self.coursedir = CourseDirectory(config=self.config)
        self.api = NbGraderAPI(coursedir=self.coursedir, config=self.config)
        self.db_url = self.coursedir.db_url
        self._local = threading.local()

    # -- 1. who and when -------------------------------------------------------------------------

    def attribute(self, folder: Path, assignment: str) -> AttributedHandin:
        return attribute_handin(folder, assignment)

    # -- 2. into submitted/ -----------------------------------------------------------------------

    def collect(self, handin: AttributedHandin) -> list[Submission]:
        expected = self.course.notebooks(handin.assignment)
        dest = self.course.folder("submitted", handin.student, handin.assignment)
        problems = []
        arrived = place_handin(handin, dest, expected=expected,
                               report=lambda kind, detail: problems.append((kind, detail)))
        if arrived is None:
            raise NotGradable("; ".join(detail for _, detail in problems) or handin_detail("unreadable", error=""))
        found = {path.stem: path for path in dest.glob("*.ipynb")}
        missing = [name for name in expected if Path(name).stem not in found]
        if missing:
            others = sorted(set(path.name for path in dest.glob("*.ipynb")) - set(expected))
            raise NotGradable(f"found {', '.join(others)}; expected {', '.join(missing)}" if others
                              else f"no {', '.join(missing)} was handed in")
        return [Submission(handin.student, handin.assignment, Path(name).stem, dest / name) for name in expected]

    # -- 3. the sandboxed runs, ahead of the writer ------------------------------------------------

    def _executor(self):
        executor = getattr(self._local, "executor", None)
        if executor is None:
            executor = self._local.executor = self.executor_class(config=self.config,
                                                                  cpu_threads=self.config.SandboxedExecute.cpu_threads)
        return executor

    def run_ahead(self, submissions: list[Submission]) -> list[str]:
        """Sanitize, prepare and run each notebook in a sandbox; returns the runs' keys."""
        keys, executor = [], self._executor()
        for submission in submissions:
            try:
                nb = sanitized(self.config, submission, self.db_url)
            except Exception as error:  # noqa: BLE001 - a notebook nbgrader cannot read is the student's
                raise NotGradable(failure_reason(error)) from None
            prepared = executor.prepare(nb, self.sandboxed)
            self.runs.mark_pending(prepared.key)
            try:
                self.runs.put(prepared.key, executor.run_prepared(prepared))
            except Exception:  # noqa: BLE001 - nbgrader's own step runs it instead, and says why not
                self.runs.abandon(prepared.key)
                log.exception("the run ahead of %s failed; nbgrader's step runs it", submission.key)
            keys.append(prepared.key)
        return keys

    def forget_runs(self, keys: list[str]) -> None:
        for key in keys:
            (self.runs.folder / f"{key}.run").unlink(missing_ok=True)

    # -- 4. graded, by nbgrader, in this process ----------------------------------------------------

    def grade(self, student: str, assignment: str, notebooks: list[str]) -> Graded:
        """nbgrader's Autograde for this student (the caller holds :attr:`writer_lock`)."""
        start = len(read_progress(self.progress_file))
        result = self.api.autograde(assignment, student, force=True, create=True)
        events = [event for event in read_progress(self.progress_file)[start:] if event.student == student
                  and event.assignment == assignment]
        graded = {event.notebook for event in events if event.event == "graded"}
        failed = {event.notebook: event.fields.get("reason", "") for event in events if event.event == "failed"}
        if failed:
            reason = "; ".join(f"{notebook}: {why}" for notebook, why in sorted(failed.items()))
            if "grader fault" in reason or "judge" in reason:
                raise GraderFault(reason)
            raise NotGradable(reason)
        if not result.get("success") or graded != {Path(name).stem for name in notebooks}:
            why = _last_error(result)
            raise NotGradable(why) if "JSON" in why or "not valid" in why else GraderFault(why)
        with self.course.gradebook() as gradebook:
            submission = gradebook.find_submission(assignment, student)
            return Graded(float(submission.score or 0), float(submission.max_score or 0),
                          float(submission.total_seconds_late or 0))

    # -- 5. feedback, to this student -------------------------------------------------------------

    def release(self, student: str, assignment: str) -> None:
        """Feedback pages and their release by the course's one route (caller holds the lock)."""
        for step in (lambda: self.api.generate_feedback(assignment, student, force=True),
                     lambda: self.api.release_feedback(assignment, student)):
            result = step()
            if not result.get("success"):
                raise GraderFault(_last_error(result))

    def due_date(self, assignment: str) -> float | None:
        from nbgrader.api import MissingEntry

        with self.course.gradebook() as gradebook:
            try:
                due = gradebook.find_assignment(assignment).duedate
            except MissingEntry:
                return None
        return _seconds(due) if due is not None else None


def _last_error(result: dict) -> str:
    """nbgrader's own words for why a step failed (its last ERROR line, else the error's last line)."""
    for line in reversed(str(result.get("log", "")).splitlines()):
        if line.startswith("[ERROR]"):
            return line[len("[ERROR]"):].strip()[:300]
    error = str(result.get("error", "")).strip().splitlines()
    return (error[-1] if error else "nbgrader did not say why")[:300]


def refusal_reason(handin: AttributedHandin) -> str:
    """Why an exchange folder was refused, for a person (Korean, then English)."""
    fields = dict(folder=shown(handin.folder.name), owner=handin.owner or f"(uid {handin.owner_uid})",
                  named=shown(handin.named or ""), uid=handin.owner_uid, limit=handin.limit, error=handin.error)
    return handin_detail("not_yours_owner" if handin.refusal == "not_yours" else handin.refusal, **fields)
