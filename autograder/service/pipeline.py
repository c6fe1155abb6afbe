"""One hand-in's way through the grading service, in the service's own process.

The stages, in order (each a method, each testable alone):

1. :meth:`HandinPipeline.attribute`: who handed it in and when it arrived, from the folder's owner
   and the change times of its files (``autograder.collect.attribution``), never its name;
2. :meth:`HandinPipeline.collect`: its files into ``submitted/<student>/<assignment>/`` with the
   arrival in ``timestamp.txt`` (``collect.exchange.place_handin``); a notebook that is not the
   assignment's, or is not valid JSON, is not graded (and uses no attempt);
3. :meth:`HandinPipeline.run_ahead`: each notebook put through nbgrader's sanitizing steps and run
   in its own sandbox (warm-started) by this worker, outside the writer's lock, so that several
   hand-ins run at once; the run is kept by its key (``run.prefetch``), as the batch pool does, and
   a byte-identical input (students who handed in the same work) is run once. With a Dask cluster
   (``c.Cluster.scheduler`` or ``week12 serve --scheduler``) the run is made by one of its workers
   (``grading.cluster.ClusterRunner``), and here when the cluster cannot make it;
4. :meth:`HandinPipeline.grade`, under the one writer's lock: nbgrader's ``Autograde`` in this
   process (its converter, as ``nbgrader.apps.api.NbGraderAPI`` runs it), whose
   ``SandboxedExecute`` takes each run by key, judges it and records the grades; the hand-ins whose
   runs are ready together are graded in one conversion, so a deadline burst pays nbgrader's
   set-up once per batch, not per hand-in;
5. :meth:`HandinPipeline.release`, under the same lock: nbgrader's ``GenerateFeedback`` and the
   course's one feedback route (``lms.release``), for those students only.

No new process is started per hand-in: the warm parents and the judge live as long as the service.
"""

from __future__ import annotations

import copy
import functools
import logging
import os
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
    def __init__(self, course: Course, scratch: Path, workers: int, cluster=None):
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
        self.cluster = cluster  # a grading.cluster.ClusterRunner, or None: runs are made here
        self._local = threading.local()

    # -- 1. who and when -------------------------------------------------------------------------

    def attribute(self, folder: Path, assignment: str) -> AttributedHandin:
        return attribute_handin(folder, assignment)

    # -- 2. into submitted/ -----------------------------------------------------------------------

    def collect(self, handin: AttributedHandin) -> list[Submission]:
        """The hand-in into ``submitted/``, without the writer's lock: the folder appears whole (it is
        staged beside its place and renamed), and a conversion running meanwhile takes only its own
        students' folders (:meth:`_convert`). The caller makes sure that no hand-in of the same
        student is in the writer's hands meanwhile."""
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
            keys.append(prepared.key)
            if self.runs.has(prepared.key):
                continue  # a byte-identical input was run already: its run is this one's too
            self.runs.mark_pending(prepared.key)
            try:
                self.runs.put(prepared.key, self._run(executor, prepared, submission))
            except Exception:  # noqa: BLE001 - nbgrader's own step runs it instead, and says why not
                self.runs.abandon(prepared.key)
                log.exception("the run ahead of %s failed; nbgrader's step runs it", submission.key)
        return keys

    def _run(self, executor, prepared, submission: Submission):
        if self.cluster is not None:
            from autograder.grading.cluster import ClusterRunFailed

            try:
                return self.cluster.run(prepared)
            except ClusterRunFailed as why:
                log.warning("the cluster did not run %s (%s): it runs here", submission.key, why)
        return executor.run_prepared(prepared)

    def forget_runs(self, keep: int = 2000) -> None:
        """Keep the ``keep`` newest runs (others' identical inputs reuse them), drop the rest."""
        runs = sorted(self.runs.folder.glob("*.run"), key=lambda path: path.stat().st_mtime)
        for path in runs[: max(0, len(runs) - keep)]:
            path.unlink(missing_ok=True)

    # -- 4. graded, by nbgrader, in this process ----------------------------------------------------

    @staticmethod
    def _scope(assignment: str, students: list[str], exclude: str = "") -> dict:
        """nbgrader's course-directory settings for one step of ``assignment`` on ``students``."""
        return dict(assignment_id=assignment, student_id="*" if len(students) > 1 else students[0],
                    student_id_exclude=exclude)

    def _convert(self, converter_class, assignment: str, students: list[str], **settings) -> dict:
        """nbgrader's ``converter_class`` on exactly ``students``' folders of ``assignment``
        (:class:`_TheseStudentsOnly`: others collected meanwhile are never taken)."""
        from nbgrader.utils import capture_log, temp_attrs

        with temp_attrs(self.coursedir, **self._scope(assignment, students)):
            converter = _these_students_only(converter_class)(coursedir=self.coursedir, parent=self.api)
            converter.only_students = frozenset(students)
            for name, value in settings.items():
                setattr(converter, name, value)
            return capture_log(converter)

    def grade(self, assignment: str, students: list[str]) -> dict[str, Graded | Exception]:
        """nbgrader's Autograde for ``students`` of ``assignment``, in one conversion (the caller
        holds :attr:`writer_lock`): each student's :class:`Graded`, or why not
        (:class:`NotGradable`, :class:`GraderFault`)."""
        from nbgrader.converters import Autograde

        start = len(read_progress(self.progress_file))
        result = self._convert(Autograde, assignment, students, force=True, create_student=True)
        events = [event for event in read_progress(self.progress_file)[start:] if event.assignment == assignment]
        expected = {Path(name).stem for name in self.course.notebooks(assignment)}
        outcomes: dict[str, Graded | Exception] = {}
        for student in students:
            mine = [event for event in events if event.student == student]
            failed = {event.notebook: event.fields.get("reason", "") for event in mine if event.event == "failed"}
            graded = {event.notebook for event in mine if event.event == "graded"}
            if failed:
                reason = "; ".join(f"{notebook}: {why}" for notebook, why in sorted(failed.items()))
                outcomes[student] = (GraderFault(reason) if "grader fault" in reason or "judge" in reason
                                     else NotGradable(reason))
            elif graded != expected:
                why = _last_error(result, student)
                outcomes[student] = NotGradable(why) if "JSON" in why or "not valid" in why else GraderFault(why)
        with self.course.gradebook() as gradebook:
            for student in students:
                if student not in outcomes:
                    submission = gradebook.find_submission(assignment, student)
                    outcomes[student] = Graded(float(submission.score or 0), float(submission.max_score or 0),
                                               float(submission.total_seconds_late or 0))
        return outcomes

    # -- 5. feedback, to these students -----------------------------------------------------------

    def release(self, assignment: str, students: list[str]) -> None:
        """Feedback pages and their release by the course's one route, for ``students`` only
        (caller holds the lock); raises :class:`GraderFault` when either step failed."""
        from nbgrader.converters import GenerateFeedback

        from autograder.lms.release import ReleaseFeedbackByRoute

        result = self._convert(GenerateFeedback, assignment, students, force=True)
        if not result.get("success"):
            raise GraderFault(_last_error(result))
        from nbgrader.utils import capture_log, temp_attrs

        # nbgrader's release step is no converter: every other student with pages in feedback/ is
        # excluded, which is exact, since feedback/ is written by this writer alone, under its lock.
        others = set(self.course.student_folders("feedback", assignment)) - set(students)
        with temp_attrs(self.coursedir, **self._scope(assignment, students, ",".join(sorted(others)))):
            result = capture_log(ReleaseFeedbackByRoute(coursedir=self.coursedir, authenticator=self.api.authenticator,
                                                        parent=self.api))
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


class _TheseStudentsOnly:
    """An nbgrader converter that converts only ``only_students``' folders of those it finds: the
    workers collect into ``submitted/`` while the writer converts, so a list of students to exclude,
    made before nbgrader looks, would miss a student whose first hand-in arrives in between. The
    folders are named as nbgrader names them (``c.CourseDirectory.directory_structure``)."""

    only_students: frozenset = frozenset()

    def init_notebooks(self) -> None:
        super().init_notebooks()
        theirs = {os.path.normpath(self._format_source(self.coursedir.assignment_id, student))
                  for student in self.only_students}
        self.assignments = {folder: notebooks for folder, notebooks in self.assignments.items()
                            if os.path.normpath(folder) in theirs}


@functools.lru_cache(maxsize=None)
def _these_students_only(converter_class):
    return type(converter_class.__name__, (_TheseStudentsOnly, converter_class), {})


def _last_error(result: dict, about: str = "") -> str:
    """nbgrader's own words for why a step failed (its last ERROR line, naming ``about`` when
    given, else the error's last line)."""
    for line in reversed(str(result.get("log", "")).splitlines()):
        if line.startswith("[ERROR]") and about in line:
            return line[len("[ERROR]"):].strip()[:300]
    error = str(result.get("error", "")).strip().splitlines()
    return (error[-1] if error else "nbgrader did not say why")[:300]


def refusal_reason(handin: AttributedHandin) -> str:
    """Why an exchange folder was refused, for a person (Korean, then English)."""
    fields = dict(folder=shown(handin.folder.name), owner=handin.owner or f"(uid {handin.owner_uid})",
                  named=shown(handin.named or ""), uid=handin.owner_uid, limit=handin.limit, error=handin.error)
    return handin_detail("not_yours_owner" if handin.refusal == "not_yours" else handin.refusal, **fields)
