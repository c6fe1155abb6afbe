"""Grade on submit: a running ``week12 serve`` grades each hand-in as it arrives and releases its
feedback to that student only, nobody hands in as someone else or earlier than they did, one
gradebook writer, and a SIGKILL loses and doubles nothing.

Two accounts made with ``useradd`` hand in the homework as themselves with ``nbgrader submit``
(``tests/test_exchange_accounts.py`` makes them), into a shared exchange, after the due date. Then
Bob forges a folder in Alice's name and backdates a copy of his own, as in the exchange's tests.
The service runs as root and as an ordinary grader account; each student fetches their feedback
with ``nbgrader fetch_feedback`` as themselves.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from datetime import timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograder.authoring import week12_homework as homework
from autograder.scoring import score_kernel
from autograder.scoring.verdict import points_for
from autograder.service.state import FINAL, RELEASED, ServiceState, state_path
from tests.accounts import Account, ordinary_account, shared_folder
from tests.conftest import copy_course
from tests.test_exchange_accounts import (ALICE, BOB, BOBS_TRICKS, COURSE_ID, HW, KERNELS, NOTEBOOK, as_student,
                                          bobs_names, hand_in, nbgrader_time, students, utc_now, venv)  # noqa: F401 - fixtures

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1800)]


def expected_points(kernel) -> float:
    return points_for(score_kernel(kernel).fraction, homework.SCORE_POINTS)


class Service:
    """``week12 serve`` as ``account``, in ``course``; started, waited for, killed."""

    def __init__(self, account: Account, venv: Path, course):
        self.account, self.venv, self.course = account, venv, course
        self.process = None
        self.log = course.root.parent / "serve.log"

    def start(self) -> None:
        switch = {} if self.account.is_me else {"user": self.account.uid, "group": self.account.gid, "extra_groups": []}
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([str(self.venv / "bin" / "week12"), "serve"], cwd=self.course.root,
                                            env=self.account.environment(self.venv), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True, **switch)
        deadline = time.monotonic() + 240
        while "week12 serve: grading" not in self.log.read_text(errors="replace"):
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-4000:]
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)

    def kill(self, sig=signal.SIGKILL) -> None:
        os.killpg(self.process.pid, sig)  # the service and its warm parents, as a crash would
        self.process.wait(timeout=60)

    def handins(self):
        state = ServiceState(state_path(self.course.root), read_only=True)
        try:
            return state.handins()
        finally:
            state.close()

    def wait_until_final(self, count: int, timeout: float = 300):
        deadline = time.monotonic() + timeout
        while True:
            handins = self.handins() if state_path(self.course.root).exists() else []
            if len(handins) >= count and all(h.state in FINAL for h in handins):
                return handins
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-4000:]
            assert time.monotonic() < deadline, [(h.folder, h.state, h.reason) for h in handins]
            time.sleep(0.2)


def make_course(grader: Account, due_in: timedelta):
    base = shared_folder("week12-service-")
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = copy_course(base / "course")
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}  # the hub's shared exchange\n")
    course.nbgrader("generate_assignment", HW, "--force")
    due = utc_now() + due_in
    with course.gradebook() as gradebook:
        gradebook.update_or_create_assignment(HW, duedate=due)
    course.nbgrader("release_assignment", HW, "--force")
    grader.give(course.root)
    grader.give(exchange)
    exchange.chmod(0o777)
    (exchange / COURSE_ID / "inbound").chmod(0o2733)  # as nbgrader's release makes it
    course.root.chmod(0o700)  # students reach the exchange, not the course
    return base, exchange, course, due


@pytest.fixture(scope="module", params=["root", "grader account"])
def served(request, students, venv):  # noqa: F811
    grader = Account("root", 0, 0, Path("/root")) if request.param == "root" else ordinary_account()
    base, exchange, course, due = make_course(grader, -timedelta(hours=1))
    service = Service(grader, venv, course)
    try:
        service.start()
        started = utc_now()
        for student in students.values():
            hand_in(student, venv, exchange)
        names = bobs_names(exchange, due)
        time.sleep(1)  # Bob's honest hand-in is being graded when he plays his tricks
        students[BOB].run(["/bin/sh", "-c", BOBS_TRICKS], cwd=students[BOB].home, env=students[BOB].environment(**names))
        # Alice's, Bob's own (graded, then renamed: backdated), the forged one; the nameless one
        # (a notebook alone, never completed as nbgrader submit completes one) is never taken.
        handins = service.wait_until_final(4)
        # Every batch verb that writes the gradebook or the course's folders, while the service runs.
        batch = {verb: grader.run([str(venv / "bin" / "week12"), verb, HW], cwd=course.root,
                                  env=grader.environment(venv), check=False)
                 for verb in ("autograde", "grade", "collect", "feedback", "release-feedback", "regrade")}
        for student in students.values():
            shutil.rmtree(student.home / HW / "feedback", ignore_errors=True)
            as_student(student, venv, "fetch_feedback", HW, f"--Exchange.root={exchange}")
        yield SimpleNamespace(course=course, due=due, started=started, names=names, handins=handins,
                              batch=batch, students=students, service=service)
    finally:
        if service.process is not None and service.process.poll() is None:
            service.kill(signal.SIGTERM)
        shutil.rmtree(base, ignore_errors=True)


def _record(served, folder_prefix: str):
    return [h for h in served.handins if h.folder.startswith(folder_prefix)]


def _gradebook(served, student):
    with served.course.gradebook() as gradebook:
        found = gradebook.find_submission(HW, student)
        return SimpleNamespace(timestamp=found.timestamp, seconds_late=found.total_seconds_late,
                               score=sum(grade.score for notebook in found.notebooks for grade in notebook.grades))


def test_each_student_is_graded_as_they_hand_in_and_exactly(served):
    for student, kernel in KERNELS.items():
        assert _gradebook(served, student).score == pytest.approx(expected_points(kernel)), student
    alice = [h for h in served.handins if h.student == ALICE]
    assert len(alice) == 1 and alice[0].state == RELEASED and alice[0].score == pytest.approx(expected_points(KERNELS[ALICE]))
    assert alice[0].seen <= alice[0].started <= alice[0].graded <= alice[0].released


def test_each_student_fetches_their_own_feedback_and_only_theirs(served):
    for name, student in served.students.items():
        pages = list((student.home / HW / "feedback").glob("*/*.html"))
        assert pages, name
        text = "".join(page.read_text(encoding="utf-8") for page in pages)
        assert str(KERNELS[name]).replace(" ", "") in text.replace(" ", "")
        other = next(k for n, k in KERNELS.items() if n != name)
        assert str(other).replace(" ", "") not in text.replace(" ", "").split("제출한필터:", 1)[-1][:60]


def test_a_folder_in_another_students_name_is_not_graded_as_theirs(served):
    forged = _record(served, served.names["FORGED"])
    assert len(forged) == 1 and forged[0].state == "refused" and forged[0].student is None
    assert forged[0].owner == BOB and forged[0].named == ALICE
    assert _gradebook(served, ALICE).score == pytest.approx(expected_points(KERNELS[ALICE]))


def test_a_backdated_folder_name_or_timestamp_changes_nothing(served):
    backdated = _record(served, served.names["BACKDATED"])
    assert len(backdated) == 1 and backdated[0].state == RELEASED
    arrived = backdated[0].arrived
    assert arrived >= served.started.replace(tzinfo=timezone.utc).timestamp() - 1
    bob = _gradebook(served, BOB)
    assert bob.seconds_late >= (served.started - served.due).total_seconds() - 1
    assert bob.timestamp >= served.started - timedelta(seconds=1)


def test_an_incomplete_folder_is_never_taken_and_stops_no_one(served):
    assert not [h for h in served.handins if "nameless" in h.folder]
    assert {h.student for h in served.handins if h.state == RELEASED} == set(KERNELS)


def test_a_batch_verb_refuses_to_be_a_second_writer_naming_the_service(served):
    for verb, done in served.batch.items():
        assert done.returncode == 2, (verb, done.stdout[-2000:])
        assert f"week12 {verb} would be a second writer" in done.stdout and "week12 serve" in done.stdout, verb


# --- a SIGKILL mid-burst ------------------------------------------------------------------------

BURST = {f"s{i:02d}-burst": kernel for i, kernel in enumerate(
    [[[-1, -1], [1, 1]], [[-1, 0], [0, 1]], [[-1, 1], [-1, 1]], [[1, 1], [1, 1]], [[0, -1], [0, 1]],
     [[-2, -2], [2, 2]], [[-1, 0], [1, 0]], [[1, 0], [0, -1]]])}


def _instructor_handin(course, exchange: Path, student: str, kernel) -> None:
    """A hand-in folder as ``nbgrader submit`` writes it (the notebook, then timestamp.txt, then
    the secret), by the collecting account itself (the instructor's own, naming the student)."""
    released = course.folder("release", assignment=HW) / NOTEBOOK
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "edge_kernel":
            cell.source = f"kernel = {kernel}"
    folder = exchange / COURSE_ID / "inbound" / f"{student}+{HW}+{nbgrader_time(utc_now())}+r{os.getpid()}"
    folder.mkdir()
    nbformat.write(nb, folder / NOTEBOOK)
    (folder / "timestamp.txt").write_text(nbgrader_time(utc_now()))
    (folder / "submission_secret.txt").write_text(os.urandom(8).hex())


@pytest.fixture(scope="module")
def killed_and_restarted(venv):  # noqa: F811
    me = Account("root", 0, 0, Path("/root")) if os.geteuid() == 0 else ordinary_account()
    base, exchange, course, _ = make_course(me, timedelta(days=1))
    service = Service(me, venv, course)
    try:
        service.start()
        for student, kernel in BURST.items():
            _instructor_handin(course, exchange, student, kernel)
        deadline = time.monotonic() + 300
        while not any(h.state == RELEASED for h in service.handins()):
            assert time.monotonic() < deadline, service.log.read_text()[-3000:]
            time.sleep(0.05)
        service.kill()  # mid-burst: some released, some grading, most queued
        at_kill = {h.folder: h.state for h in service.handins()}
        _instructor_handin(course, exchange, "s99-while-down", [[-1, -1], [1, 1]])  # arrives while it is down
        service.start()
        handins = service.wait_until_final(len(BURST) + 1)
        yield SimpleNamespace(course=course, handins=handins, at_kill=at_kill, exchange=exchange)
    finally:
        if service.process is not None and service.process.poll() is None:
            service.kill(signal.SIGTERM)
        shutil.rmtree(base, ignore_errors=True)


def test_the_kill_caught_the_burst_part_way(killed_and_restarted):
    states = set(killed_and_restarted.at_kill.values())
    assert RELEASED in states and states - {RELEASED}, killed_and_restarted.at_kill


def test_after_a_sigkill_every_hand_in_is_graded_exactly_once_from_its_own_notebook(killed_and_restarted):
    handins = killed_and_restarted.handins
    assert len(handins) == len(BURST) + 1 and len({h.folder for h in handins}) == len(handins)
    assert all(h.state == RELEASED for h in handins), [(h.folder, h.state, h.reason) for h in handins]
    expected = {**BURST, "s99-while-down": [[-1, -1], [1, 1]]}
    with killed_and_restarted.course.gradebook() as gradebook:
        for student, kernel in expected.items():
            submission = gradebook.find_submission(HW, student)
            assert submission.score == pytest.approx(expected_points(kernel)), student
    # One feedback page per student in the exchange: released once each, nothing doubled.
    pages = list((killed_and_restarted.exchange / COURSE_ID / "feedback").glob("*.html"))
    assert len(pages) == len(expected)
