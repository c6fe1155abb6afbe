"""``week12 serve``'s loop: hand-ins found, queued fairly, graded by a few workers, one writer.

- **One writer.** While the service runs it holds the course's writer lock
  (``.week12/service.lock``, ``service.writer_lock``); the batch verbs that grade refuse with
  its name instead of running a second writer. Inside, nbgrader's steps run one at a time under
  the pipeline's lock; collecting and the sandboxed runs happen outside it, ``workers`` at once.
- **Nothing lost.** The exchange is the durable record: at start, every complete hand-in folder
  not in the service's record is taken, and a hand-in the record shows mid-way (grading or graded
  but not released: the service was killed) is taken up again; grading it again writes the same
  grades in place. A hand-in in a final state is never taken again.
- **Fair and rate-limited** (``service.policy``): a newer hand-in supersedes the same student's
  waiting ones; one over the limit waits, saying until when; the least recently served student
  goes next.
- **A grader fault is never a student's score**: it is tried again (``c.GradingService.retries``),
  then reported not graded with the reason, and it uses no attempt.
"""

from __future__ import annotations

import logging
import queue
import signal
import tempfile
import threading
import time
from datetime import timezone
from pathlib import Path

from autograder.collect.exchange import submitted_arrival
from autograder.course import Course
from autograder.grading.cluster import Cluster, ClusterRunner
from autograder.grading.pool import default_workers
from autograder.service import policy
from autograder.service.pipeline import GraderFault, HandinPipeline, NotGradable, refusal_reason
from autograder.service.settings import GradingService
from autograder.service.state import (FINAL, GRADED, GRADING, NOT_GRADED, OVER_LIMIT, QUEUED, REFUSED, RELEASED,
                                      SUPERSEDED, WAITING, Handin, ServiceState, state_path)
from autograder.service.watcher import new_complete_handins, recorded_name
from autograder.service.writer_lock import take_writer_lock
from autograder.start_up import begin_run

log = logging.getLogger("autograder.service")
IN_FLIGHT_PER_WORKER = 4


class Superseded(Exception):
    """A newer hand-in of the same student is graded already: this older one is not."""


class GradingServer:
    def __init__(self, course: Course, workers: int | None = None, scheduler: str | None = None):
        self.course = course
        self.settings = GradingService(config=course.config)
        self.scheduler = Cluster(config=course.config).scheduler if scheduler is None else scheduler
        self._asked_workers = workers or self.settings.workers or None
        self.workers = self._asked_workers or default_workers()
        self.cluster = None  # a grading.cluster.ClusterRunner once serving, when a scheduler is set
        self.state = ServiceState(Path(self.settings.state_file) if self.settings.state_file
                                  else state_path(course.root))
        self.stopping = threading.Event()
        self.dispatch: queue.Queue = queue.Queue()  # hand-ins for the workers (collect, run ahead)
        self.recorded: queue.Queue = queue.Queue()  # (hand-in, why not gradable) for the writer
        self.in_flight: set[int] = set()
        self.last_served: dict[str, float] = {}
        self._lock = threading.Lock()
        self._scratch = tempfile.TemporaryDirectory(prefix="week12-serve-")
        self.pipeline: HandinPipeline | None = None
        self._due: dict[str, float | None] = {}

    # -- start and stop ---------------------------------------------------------------------------

    def serve(self, *, web=None, ready=None) -> None:
        """Run until SIGTERM or SIGINT (or :meth:`stop`). ``web(state, settings)`` starts pages and
        returns their stop function; ``ready()`` is called once the service takes hand-ins."""
        lock = take_writer_lock(self.course.root)
        stop_web = None
        try:
            begin_run(self.course)  # the course's start-up step, as every command that grades runs it
            if self.scheduler:  # refused, before any hand-in is taken, when it cannot be reached
                self.cluster = ClusterRunner.connect(self.course.config, self.scheduler)
                self.workers = self._asked_workers or self.cluster.workers()  # its threads, unless told
            self.pipeline = HandinPipeline(self.course, Path(self._scratch.name), self.workers, self.cluster)
            self._warm_up()
            self._recover()
            if threading.current_thread() is threading.main_thread():  # a benchmark may run it in a thread
                for number in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(number, lambda *_: self.stop())
            threads = [threading.Thread(target=self._work, name=f"week12-worker-{i}", daemon=True)
                       for i in range(self.workers)]
            writer = threading.Thread(target=self._write, name="week12-writer", daemon=True)
            for thread in (*threads, writer):
                thread.start()
            if web is not None:
                stop_web = web(self.state, self.settings)
            if ready is not None:
                ready()
            self._loop()
            for _ in threads:
                self.dispatch.put(None)
            for thread in threads:
                thread.join(timeout=600)
            self.recorded.put(None)
            writer.join(timeout=600)
        finally:
            if stop_web is not None:
                stop_web()
            if self.cluster is not None:
                self.cluster.close()
            self.state.at_rest()
            lock.close()
            self._scratch.cleanup()

    def stop(self) -> None:
        self.stopping.set()

    def _warm_up(self) -> None:
        """Pay the warm parents' and the judge's start before the first hand-in, not during it."""
        from autograder.judging.judge_client import JudgeProcess, judge_settings
        from autograder.answers import store
        from autograder.run import warm_start
        from autograder.run.sandbox_run import run_environment

        settings = self.pipeline.executor_class(config=self.pipeline.config).run_settings()
        if settings.warm_start and self.pipeline.sandboxed and self.cluster is None:  # a cluster's workers warm their own
            env = run_environment(self.pipeline.config.SandboxedExecute.cpu_threads, settings.tensorflow_onednn)
            warm_start.keep_idle(env, self.workers)
        JudgeProcess.shared(store.figure_cache_dir(self.course.root)).judge({}, judge_settings(self.pipeline.config))

    def _recover(self) -> None:
        """Hand-ins the record shows mid-way (the service was killed) are taken up again."""
        for handin in self.state.handins(states=(GRADING, GRADED)):
            self.state.update(handin.id, state=QUEUED if handin.state == GRADING else GRADED)

    # -- the loop: find, queue, dispatch ----------------------------------------------------------

    def _loop(self) -> None:
        inbound = self.course.exchange_root / self.course.course_id / "inbound"
        assignments = self.course.assignments
        while not self.stopping.is_set():
            known = self.state.known_folders()
            for folder, assignment in new_complete_handins(inbound, known, assignments):
                try:
                    self._take(folder, assignment)
                except Exception as error:  # noqa: BLE001 - one odd folder never stops the service
                    log.exception("could not take %r", folder.name)
                    self.state.add(recorded_name(folder.name), assignment or "", seen=time.time(), state=REFUSED,
                                   reason=f"could not be looked at: {type(error).__name__}")
            self._dispatch_ready()
            self.stopping.wait(self.settings.poll_seconds)

    def _due_date(self, assignment: str) -> float | None:
        if assignment not in self._due:
            self._due[assignment] = self.pipeline.due_date(assignment)
        return self._due[assignment]

    def _take(self, folder: Path, assignment: str | None) -> None:
        seen = time.time()
        if recorded_name(folder.name) != folder.name:
            self.state.add(recorded_name(folder.name), assignment or "", seen=seen, state=REFUSED,
                           reason="the folder's name is not valid UTF-8 (nbgrader submit never writes one)")
            return
        if assignment is None:
            self.state.add(folder.name, "", seen=seen, state=REFUSED,
                           reason="not named as a hand-in of this course's assignments (<student>+<assignment>+...)")
            return
        handin = self.pipeline.attribute(folder, assignment)
        if not handin.accepted:
            self.state.add(folder.name, assignment, seen=seen, state=REFUSED, owner=handin.owner, named=handin.named,
                           reason=refusal_reason(handin))
            log.warning("refused %r: %s", folder.name, handin.refusal)
            return
        arrived = handin.arrived.replace(tzinfo=timezone.utc).timestamp()
        added = self.state.add(folder.name, assignment, seen=seen, state=QUEUED, student=handin.student,
                               owner=handin.owner, named=handin.named, arrived=arrived)
        if added is None:
            return
        due = self._due_date(assignment)
        for older in self.state.handins(student=handin.student, assignment=assignment, states=WAITING):
            if older.id != added.id and older.id not in self.in_flight and policy.supersedes(added, older, due):
                self.state.update(older.id, state=SUPERSEDED, reason=f"superseded by the hand-in of {_when(arrived)}")
        self._schedule(self.state.get(added.id))

    def _schedule(self, handin: Handin) -> None:
        """Queued now, or over the limit until the time the policy says."""
        now = time.time()
        graded = [h.graded for h in self.state.handins(student=handin.student, assignment=handin.assignment)
                  if h.counted and h.graded is not None]
        allowed = policy.next_allowed(graded, now, self.settings.graded_per_window, self.settings.window_minutes * 60)
        when = policy.not_before(handin.arrived or now, self._due_date(handin.assignment), now, allowed)
        if when > now:
            self.state.update(handin.id, state=OVER_LIMIT, not_before=when,
                              reason=f"over the limit of {self.settings.graded_per_window} graded hand-ins in "
                                     f"{self.settings.window_minutes:g} minutes: graded at {_when(when)}")
        else:
            self.state.update(handin.id, state=QUEUED, not_before=None, reason="")

    def _dispatch_ready(self) -> None:
        if self.state.paused():
            return
        now = time.time()
        for handin in self.state.handins(states=(OVER_LIMIT,)):
            if handin.not_before is not None and handin.not_before <= now:
                self._schedule(handin)
        with self._lock:
            busy_students = {h.student for h in (self.state.get(i) for i in self.in_flight) if h is not None}
            # Hand-ins run ahead while the writer records earlier ones: more in flight than workers.
            free = IN_FLIGHT_PER_WORKER * self.workers - len(self.in_flight)
            ready = [h for h in self.state.handins(states=(QUEUED, GRADED)) if h.id not in self.in_flight
                     and h.student not in busy_students]  # one student's hand-ins in order, one at a time
            while free > 0 and ready:
                chosen = policy.pick_next(ready, self.last_served)
                ready = [h for h in ready if h.student != chosen.student]
                self.in_flight.add(chosen.id)
                self.last_served[chosen.student or ""] = now
                self.dispatch.put(chosen.id)
                free -= 1

    # -- the workers: collect and run, outside the writer's lock ------------------------------------

    def _work(self) -> None:
        while (handin_id := self.dispatch.get()) is not None:
            handin = self.state.get(handin_id)
            try:
                if handin.state == GRADED:  # graded before (a kill, a failed release): only the feedback is left
                    self.state.update(handin.id, tries=handin.tries + 1)
                    self.recorded.put((self.state.get(handin.id), None))
                    continue
                self.state.update(handin.id, state=GRADING, started=time.time(), tries=handin.tries + 1)
                self.recorded.put((self.state.get(handin.id), self._collect_and_run(handin)))
            except Exception as error:  # noqa: BLE001 - one hand-in never stops the service
                log.exception("grading hand-in %s failed", handin_id)
                self._done(handin, NOT_GRADED, reason=f"not graded: grader fault: {type(error).__name__}: {error}")

    def _collect_and_run(self, handin: Handin) -> Exception | None:
        """Collect the hand-in and run its notebooks ahead; why it cannot be graded, if so."""
        pipeline = self.pipeline
        folder = self.course.exchange_root / self.course.course_id / "inbound" / handin.folder
        try:
            attributed = pipeline.attribute(folder, handin.assignment)
            if not attributed.accepted or attributed.student != handin.student:
                raise NotGradable(refusal_reason(attributed) if not attributed.accepted
                                  else "the hand-in changed owner after it was found")
            # Outside the writer's lock, which would hold this worker for a whole grading: this
            # student's folder in submitted/ is nobody else's now (one hand-in per student in
            # flight), and the writer's conversions never take it (HandinPipeline.collect).
            collected = submitted_arrival(self.course.folder("submitted", handin.student, handin.assignment))
            if collected is not None and collected > attributed.arrived:
                # As nbgrader's collect decides (collect.exchange.replaces): an older hand-in
                # graded later never replaces a newer one.
                raise Superseded(f"superseded by the hand-in that arrived at {collected:%Y-%m-%d %H:%M:%S} UTC")
            submissions = pipeline.collect(attributed)
            pipeline.run_ahead(submissions)
        except (NotGradable, GraderFault, Superseded) as why:
            return why
        return None

    # -- the writer: nbgrader's steps, one batch at a time ---------------------------------------------

    def _write(self) -> None:
        """Grade and release what the workers made ready: everything ready at once, per assignment,
        in one conversion each (a single hand-in alone, at once)."""
        while (first := self.recorded.get()) is not None:
            batch = [first]
            while True:
                try:
                    item = self.recorded.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.recorded.put(None)
                    break
                batch.append(item)
            for assignment in sorted({handin.assignment for handin, _ in batch}):
                try:
                    self._record([(h, why) for h, why in batch if h.assignment == assignment], assignment)
                except Exception as error:  # noqa: BLE001 - a writer fault is never a student's score
                    log.exception("recording %s failed", assignment)
                    for handin, _ in batch:
                        current = self.state.get(handin.id)
                        # Those the batch finished before the fault (not graded, superseded,
                        # released) keep their outcome: taking them again would grade them twice.
                        if handin.assignment == assignment and current is not None and current.state not in FINAL:
                            self._fault(current, GraderFault(f"{type(error).__name__}: {error}"))

    def _record(self, batch: list[tuple[Handin, Exception | None]], assignment: str) -> None:
        pipeline = self.pipeline
        to_release = [handin for handin, _ in batch if handin.state == GRADED]
        to_grade = []
        for handin, why in batch:
            if handin.state == GRADED:
                continue
            if isinstance(why, Superseded):
                self._done(handin, SUPERSEDED, reason=str(why))
            elif isinstance(why, NotGradable):
                self._done(handin, NOT_GRADED, reason=f"not graded: {why}", graded=time.time())
            elif isinstance(why, GraderFault):
                self._fault(handin, why)
            else:
                to_grade.append(handin)
        with pipeline.writer_lock:
            if to_grade:
                outcomes = pipeline.grade(assignment, [handin.student for handin in to_grade])
                for handin in to_grade:
                    outcome = outcomes[handin.student]
                    if isinstance(outcome, NotGradable):
                        self._done(handin, NOT_GRADED, reason=f"not graded: {outcome}", graded=time.time())
                    elif isinstance(outcome, Exception):
                        self._fault(handin, outcome)
                    else:
                        self.state.update(handin.id, state=GRADED, graded=time.time(), score=outcome.score,
                                          max_score=outcome.max_score, late_seconds=outcome.late_seconds, counted=1)
                        to_release.append(handin)
            if to_release:
                try:
                    pipeline.release(assignment, [handin.student for handin in to_release])
                except GraderFault as fault:
                    for handin in to_release:  # graded: the release is tried again, the grade stays
                        self._fault(handin, fault, state_if_retried=GRADED)
                    return
        now = time.time()
        for handin in to_release:
            self._done(handin, RELEASED, released=now)
        pipeline.forget_runs()

    def _fault(self, handin: Handin, fault: Exception, state_if_retried: str = QUEUED) -> None:
        current = self.state.get(handin.id)
        if current.tries <= self.settings.retries:
            log.warning("grader fault on %r, trying again: %s", handin.folder, fault)
            self._done(current, state_if_retried, reason=f"tried again after a grader fault: {fault}")
        else:
            self._done(current, NOT_GRADED, reason=f"not graded: grader fault: {fault}", graded=time.time())

    def _done(self, handin: Handin, state: str, **values) -> None:
        """Record the hand-in's new state; it is no longer in anyone's hands."""
        if "reason" in values:
            values["reason"] = str(values["reason"])[:500]
        self.state.update(handin.id, state=state, **values)
        with self._lock:
            self.in_flight.discard(handin.id)


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))
