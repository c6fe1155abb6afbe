"""The grading service's rules, its record and its watcher, without a service running.

The rate limit, the deadline rule, supersession and the fair order are pure functions over the
service's record (``autograder/service/policy.py``); the record is a real SQLite file; the watcher
looks at real folders. ``tests/test_grading_service.py`` runs the service itself.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autograder.service import policy
from autograder.record.service_lock import writer_lock_holder
from autograder.service.writer_lock import ServiceRunning, refuse_if_serving, take_writer_lock
from autograder.service.state import QUEUED, RELEASED, Handin, ServiceState, percentile, throughput
from autograder.service.watcher import assignment_of, new_complete_handins

HOUR = 3600.0


def handin(id, student, arrived, *, state=QUEUED, seen=None, **values) -> Handin:
    base = dict(id=id, folder=f"{student}+hw+{id}", assignment="hw", student=student, owner=student, named=student,
                arrived=arrived, seen=seen if seen is not None else arrived, state=state, reason="", not_before=None,
                started=None, graded=None, released=None, score=None, max_score=None, counted=0, tries=0,
                late_seconds=None)
    base.update(values)
    return Handin(**base)


# --- the rate limit -----------------------------------------------------------------------------

def test_under_the_limit_a_hand_in_is_graded_now():
    assert policy.next_allowed([100.0, 200.0], now=1000.0, limit=3, window=HOUR) == 1000.0


def test_over_the_limit_it_waits_until_the_oldest_leaves_the_window():
    assert policy.next_allowed([100.0, 200.0, 300.0], now=1000.0, limit=3, window=HOUR) == 100.0 + HOUR
    assert policy.next_allowed([100.0, 200.0, 300.0], now=1000.0, limit=2, window=HOUR) == 200.0 + HOUR


def test_gradings_older_than_the_window_do_not_count():
    assert policy.next_allowed([0.0, 10.0, 5000.0], now=5000.0 + 10, limit=2, window=HOUR) == 5010.0


def test_no_limit_means_now():
    assert policy.next_allowed([1.0] * 50, now=60.0, limit=0, window=HOUR) == 60.0


def test_attempts_left_counts_the_window():
    assert policy.attempts_left([100.0, 200.0], now=1000.0, limit=3, window=HOUR) == 1
    assert policy.attempts_left([100.0, 200.0, 300.0, 400.0], now=1000.0, limit=3, window=HOUR) == 0
    assert policy.attempts_left([], now=1000.0, limit=0, window=HOUR) is None


# --- the deadline -------------------------------------------------------------------------------

def test_the_last_hand_in_before_the_deadline_is_graded_by_the_deadline_whatever_the_limit():
    due = 2000.0
    assert policy.not_before(arrived=1900.0, due=due, now=1950.0, allowed=1950.0 + HOUR) == due
    assert policy.not_before(arrived=2100.0, due=due, now=2100.0, allowed=2100.0 + HOUR) == 2100.0 + HOUR


def test_after_the_deadline_the_limit_alone_decides():
    assert policy.not_before(arrived=2100.0, due=2000.0, now=2100.0, allowed=2100.0) == 2100.0
    assert policy.not_before(arrived=2100.0, due=None, now=2100.0, allowed=2500.0) == 2500.0


def test_a_newer_hand_in_supersedes_a_waiting_older_one_but_not_across_the_deadline():
    older, newer = handin(1, "kim", 1000.0), handin(2, "kim", 1500.0)
    assert policy.supersedes(newer, older, due=None)
    assert policy.supersedes(newer, older, due=2000.0)
    assert not policy.supersedes(newer, older, due=1200.0)  # the older one is the last before the deadline
    assert not policy.supersedes(older, newer, due=None)


# --- fairness -----------------------------------------------------------------------------------

def test_the_student_served_least_recently_goes_first():
    ready = [handin(1, "busy", 10.0), handin(2, "busy", 11.0), handin(3, "quiet", 12.0)]
    assert policy.pick_next(ready, {"busy": 9.0}).student == "quiet"
    assert policy.pick_next(ready, {}).id == 1  # nobody served yet: the earliest


def test_one_students_hand_ins_go_in_the_order_they_arrived():
    ready = [handin(5, "kim", 30.0), handin(4, "kim", 20.0), handin(6, "kim", 40.0)]
    assert policy.pick_next(ready, {}).id == 4


def test_fifty_hand_ins_of_one_student_delay_another_by_at_most_one():
    ready = [handin(i, "flooder", float(i)) for i in range(50)] + [handin(100, "other", 60.0)]
    order = policy.queue_order(ready, {})
    assert [h.student for h in order].index("other") <= 1


# --- the record -----------------------------------------------------------------------------------

def test_the_record_survives_reopening_and_takes_each_folder_once(tmp_path):
    path = tmp_path / "service.sqlite"
    state = ServiceState(path)
    first = state.add("kim+hw+1", "hw", seen=1.0, state=QUEUED, student="kim", arrived=0.5)
    assert first is not None and state.add("kim+hw+1", "hw", seen=2.0, state=QUEUED) is None
    state.update(first.id, state=RELEASED, released=3.0, score=7.0, max_score=10.0, counted=1)
    state.set_paused(True)
    state.close()
    again = ServiceState(path, read_only=True)
    [stored] = again.handins(student="kim")
    assert (stored.state, stored.score, stored.released, stored.counted) == (RELEASED, 7.0, 3.0, 1)
    assert again.paused() and again.known_folders() == {"kim+hw+1"}


def test_an_unknown_column_is_refused(tmp_path):
    state = ServiceState(tmp_path / "s.sqlite")
    added = state.add("a+hw+1", "hw", seen=1.0, state=QUEUED)
    with pytest.raises(ValueError):
        state.update(added.id, **{"state = 'released' --": 1})


def test_throughput_and_latency_percentiles():
    now = 10_000.0
    handins = [handin(i, f"s{i}", now - 100, seen=now - 100, state=RELEASED, released=now - 100 + latency)
               for i, latency in enumerate([1.0, 2.0, 3.0, 4.0, 10.0])]
    recent = throughput(handins, now=now, window=HOUR)
    assert recent.released == 5 and recent.median_seconds == 3.0 and recent.p95_seconds == 10.0
    assert percentile([], 0.5) is None


# --- the watcher and the writer lock --------------------------------------------------------------

def test_a_hand_in_is_taken_only_once_complete(tmp_path):
    folder = tmp_path / "kim+week12-homework+2026-05-25 10:00:00.000000 UTC+abc"
    folder.mkdir()
    (folder / "edge_filter.ipynb").write_text("{}")
    assert new_complete_handins(tmp_path, set(), ["week12-homework"]) == []
    (folder / "timestamp.txt").write_text("x")
    assert new_complete_handins(tmp_path, set(), ["week12-homework"]) == []  # the secret comes last
    (folder / "submission_secret.txt").write_text("x")
    assert new_complete_handins(tmp_path, set(), ["week12-homework"]) == [(folder, "week12-homework")]
    assert new_complete_handins(tmp_path, {folder.name}, ["week12-homework"]) == []


def test_a_link_in_inbound_is_taken_to_be_refused(tmp_path):
    os.symlink("/etc", tmp_path / "kim+week12-lab+x")
    assert new_complete_handins(tmp_path, set(), ["week12-lab"]) == [(tmp_path / "kim+week12-lab+x", "week12-lab")]


def test_the_assignment_is_read_from_the_name_longest_first():
    assert assignment_of("kim+week12-lab-2+t", ["week12-lab", "week12-lab-2"]) == "week12-lab-2"
    assert assignment_of("kim+other+t", ["week12-lab"]) is None


def test_while_the_service_holds_the_writer_lock_a_batch_verb_is_refused_naming_it(tmp_path):
    assert writer_lock_holder(tmp_path) is None
    refuse_if_serving(tmp_path, "week12 autograde")  # nobody serving: nothing said
    lock = take_writer_lock(tmp_path)
    try:
        holder = writer_lock_holder(tmp_path)
        assert holder["pid"] == os.getpid() and holder["since"] <= time.time()
        with pytest.raises(ServiceRunning, match="week12 serve, pid"):
            refuse_if_serving(tmp_path, "week12 autograde")
        with pytest.raises(ServiceRunning):
            take_writer_lock(tmp_path)  # one service per course
    finally:
        lock.close()
    assert writer_lock_holder(tmp_path) is None


def test_a_marker_that_is_a_folder_or_a_link_does_not_complete_a_hand_in(tmp_path):
    folder = tmp_path / "kim+week12-homework+2026-05-25 10:00:00.000000 UTC+abc"
    folder.mkdir()
    (folder / "timestamp.txt").write_text("x")
    (folder / "submission_secret.txt").mkdir()
    assert new_complete_handins(tmp_path, set(), ["week12-homework"]) == []
    (folder / "submission_secret.txt").rmdir()
    os.symlink("timestamp.txt", folder / "submission_secret.txt")
    assert new_complete_handins(tmp_path, set(), ["week12-homework"]) == []


@pytest.mark.nbgrader
@pytest.mark.parametrize("structure", ["{nbgrader_step}/{student_id}/{assignment_id}",
                                       "{nbgrader_step}/{assignment_id}/{student_id}"])
def test_a_writer_conversion_takes_only_its_own_students_whatever_else_is_in_submitted(own_release, structure):
    # The writer tells nbgrader whom to exclude before nbgrader looks; a student's first hand-in
    # collected in between (not excluded) must still not be converted with the batch, whatever
    # the course's folder layout.
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.converters import Autograde, GenerateFeedback

    from autograder.course import Course
    from autograder.demo.submissions import submit_blank
    from autograder.feedback.page_exporter import FeedbackPageExporter
    from autograder.service.pipeline import _these_students_only

    course = Course(own_release.root)
    config_file = course.root / "nbgrader_config.py"
    original = config_file.read_text()
    config_file.write_text(original + f"\nc.CourseDirectory.directory_structure = {structure!r}\n")
    try:
        for student in ("kim", "lee", "park"):
            submit_blank(course, student, "week12-homework")
        api = NbGraderAPI(config=course.config)
        api.coursedir.assignment_id, api.coursedir.student_id = "week12-homework", "*"
        converter = _these_students_only(Autograde)(coursedir=api.coursedir, parent=api)
        converter.only_students = frozenset({"kim", "park"})
        converter.init_notebooks()
        assert sorted(Path(folder) for folder in converter.assignments) == [
            course.folder("submitted", "kim", "week12-homework"), course.folder("submitted", "park", "week12-homework")]
        # Still the course's converter as far as its configuration goes (sections by class name).
        feedback = _these_students_only(GenerateFeedback)(coursedir=api.coursedir, parent=api)
        assert feedback.exporter_class is FeedbackPageExporter
    finally:
        config_file.write_text(original)


def test_while_another_process_serves_the_start_up_step_leaves_the_folders_to_it(tmp_path):
    import subprocess
    import sys

    from autograder.start_up import begin_run
    from tests.conftest import copy_course

    course = copy_course(tmp_path / "course")
    submitted = course.folder("submitted", "kim", "week12-homework")
    submitted.mkdir(parents=True)
    link = submitted / "edge_filter.ipynb"
    link.symlink_to("/etc/hostname")  # what the start-up step drops from a working folder
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from autograder.service.writer_lock import "
                               "take_writer_lock; lock = take_writer_lock(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(120)", str(course.root)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        begin_run(course)
        assert link.is_symlink()  # the service's folders, left alone
    finally:
        holder.kill()
        holder.wait()
    begin_run(course)
    assert not link.is_symlink() and not link.exists()


@pytest.mark.nbgrader
def test_while_another_process_serves_nbgraders_own_commands_are_refused_naming_it(tmp_path):
    import subprocess
    import sys

    from tests.conftest import copy_course

    course = copy_course(tmp_path / "course")
    submitted = course.folder("submitted", "kim", "week12-homework")
    submitted.mkdir(parents=True)
    link = submitted / "edge_filter.ipynb"
    link.symlink_to("/etc/hostname")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from autograder.service.writer_lock import "
                               "take_writer_lock; lock = take_writer_lock(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(120)", str(course.root)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in ("autograde", "collect", "generate_feedback"):
            done = course.nbgrader(command, "week12-homework", check=False)
            assert done.returncode != 0, done.stdout[-2000:]
            assert f"nbgrader {command} would be a second writer" in done.stdout and "week12 serve" in done.stdout
        assert link.is_symlink()  # nothing was copied or graded beside the service
        assert not course.folder("autograded", "kim", "week12-homework").exists()
    finally:
        holder.kill()
        holder.wait()
