"""Grading on a real Dask cluster: ``dask scheduler`` and ``dask worker`` processes on loopback.

One worker is started from this environment; the other as another machine would be: from a
folder of its own, with its own copy of the course environment (the package installed, not
editable: ``tests/accounts.py``), as an ordinary account. The sample class graded through them
has every per-cell grade of the local pool's run (``graded_class``); a worker killed while it runs
a notebook costs nothing but time; an unreachable scheduler and a worker that cannot make a
sandbox are told, and nothing is graded unsandboxed or twice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.course import Course, nbgrader_environment
from autograder.demo.main_job import release_with_due_date
from autograder.demo.sample_class import ASSIGNMENTS, SAMPLE_STUDENTS, write_sample_class
from autograder.workflow.autograde import autograde_assignments
from tests.accounts import hub_environment, ordinary_account, shared_folder
from tests.conftest import copy_course
from tests.dask_cluster import dask_cluster
from tests.postgres import _free_port
from tests.submissions import class_cell_scores

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(2400)]

WEEK12 = str(Path(sys.executable).parent / "week12")
LAB = "week12-lab"


def _week12(course: Course, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    # Wide enough that rich does not wrap the summary's sentences across table lines.
    return subprocess.run([WEEK12, *args], cwd=course.root, env={**nbgrader_environment(), "COLUMNS": "400"},
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)


def _summary(results) -> str:
    """The summary ``week12 autograde`` prints for ``results``, wide enough for a row a line."""
    import io

    from rich.console import Console

    from autograder.workflow.summary import summary_tables

    out = io.StringIO()
    console = Console(file=out, width=400)
    for table in summary_tables(results, []):
        console.print(table)
    return out.getvalue()


def _row_with(summary: str, *parts: str) -> bool:
    return any(all(part in line for part in parts) for line in summary.splitlines())


def _started_runs(cluster) -> list[tuple[str, str]]:
    """(worker name, run key) for every run a worker started, from the events workers log on the
    scheduler."""
    from autograder.run.cluster_task import EVENT_TOPIC

    with cluster.client() as client:
        return [(event["by"].split(" ")[0], event["key"]) for _, event in client.get_events(EVENT_TOPIC)]


def _runs_by_worker(started: list[tuple[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, _ in started:
        counts[name] = counts.get(name, 0) + 1
    return counts


def _small_class(folder: Path, count: int) -> tuple[Course, set[str]]:
    """A course with the first ``count`` sample students' work in ``submitted/``, ready to autograde."""
    course = copy_course(folder)
    release_with_due_date(course)
    students = [student for student in SAMPLE_STUDENTS if student.student_id not in ("s13-jiwoo", "s32-hana")]
    students = students[:count]
    write_sample_class(course, students)
    return course, {student.student_id for student in students}


@pytest.fixture(scope="module")
def on_the_cluster(tmp_path_factory):
    account = ordinary_account()
    venv = hub_environment(account)
    elsewhere = account.give(shared_folder("week12-dask-worker-"))
    course = copy_course(tmp_path_factory.mktemp("cluster-course"))
    try:
        with dask_cluster(tmp_path_factory.mktemp("dask")) as cluster:
            cluster.start_worker("here", cpu_threads=1)
            cluster.start_worker("elsewhere", environment=venv / "bin", cwd=elsewhere, account=account,
                                 cpu_threads=1)
            graded = _week12(course, "sample-class", "--scheduler", cluster.address)
            yield {"course": course, "graded": graded, "started": _started_runs(cluster), "account": account}
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)


def test_the_sample_class_is_graded_through_the_cluster(on_the_cluster):
    assert on_the_cluster["graded"].returncode == 0, on_the_cluster["graded"].stdout[-5000:]
    assert "workers of the cluster at tcp://127.0.0.1:" in on_the_cluster["graded"].stdout


def test_both_workers_ran_notebooks(on_the_cluster):
    started = on_the_cluster["started"]
    assert set(_runs_by_worker(started)) == {"here", "elsewhere"}, started
    keys = [key for _, key in started]
    handed_in = list(on_the_cluster["course"].root.glob("submitted/*/*/*.ipynb"))
    # Nothing ran twice; the two truncated files cannot be prepared and are never sent.
    assert len(keys) == len(set(keys)) and len(keys) <= len(handed_in) - 2, (len(keys), len(handed_in))


def test_every_grade_equals_the_local_pools(on_the_cluster, graded_class):
    ours = class_cell_scores(on_the_cluster["course"], ASSIGNMENTS)
    theirs = class_cell_scores(graded_class[0], ASSIGNMENTS)
    assert ours and ours == theirs


@pytest.fixture(scope="module")
def killed_mid_run(tmp_path_factory):
    course, students = _small_class(tmp_path_factory.mktemp("killed-course"), 4)
    with dask_cluster(tmp_path_factory.mktemp("dask-kill")) as cluster:
        doomed = cluster.start_worker("doomed", cpu_threads=1)
        cluster.start_worker("survivor", cpu_threads=1)
        killed = threading.Event()

        def kill_while_running():
            """SIGKILL the doomed worker once it has been running a notebook for a few seconds."""
            with cluster.client() as client:
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline:
                    busy = [address for address, keys in client.processing().items() if keys]
                    names = {address: info.get("name") for address, info in client.scheduler_info()["workers"].items()}
                    if any(names.get(address) == "doomed" for address in busy):
                        time.sleep(4)  # its sandbox's kernel is running the student's code now
                        doomed.kill()
                        killed.set()
                        return
                    time.sleep(0.1)

        killer = threading.Thread(target=kill_while_running, daemon=True)
        killer.start()
        results = autograde_assignments(course, list(ASSIGNMENTS), scheduler=cluster.address, show_progress=False)
        killer.join(timeout=30)
        runs = _runs_by_worker(_started_runs(cluster))
    return {"course": course, "students": students, "results": results, "killed": killed.is_set(), "runs": runs}


def test_a_killed_worker_costs_no_grade(killed_mid_run, graded_class):
    assert killed_mid_run["killed"], "the doomed worker was never seen running a notebook"
    results = killed_mid_run["results"]
    assert not any(result.ungraded for result in results), _summary(results)
    students = killed_mid_run["students"]
    ours = class_cell_scores(killed_mid_run["course"], ASSIGNMENTS)
    assert ours == class_cell_scores(graded_class[0], ASSIGNMENTS, students)


def test_every_student_is_graded_exactly_once(killed_mid_run):
    from nbgrader.api import Gradebook

    with Gradebook(killed_mid_run["course"].db_url()) as gradebook:
        for assignment in ASSIGNMENTS:
            graded = sorted(s.student_id for s in gradebook.assignment_submissions(assignment))
            assert graded == sorted(killed_mid_run["students"])
            for submission in gradebook.assignment_submissions(assignment):
                assert len(submission.notebooks) == 1
    autograded = killed_mid_run["course"].root / "autograded"
    assert sorted(p.parent.name for p in autograded.glob(f"*/{LAB}")) == sorted(killed_mid_run["students"])
    assert killed_mid_run["runs"].get("doomed", 0) >= 1


def test_the_summary_says_which_worker_was_lost(killed_mid_run):
    results = killed_mid_run["results"]
    notes = [(submission, note) for result in results for submission, notes in result.cluster_notes.items()
             for note in notes]
    # One run was lost: the run of every submission identical to the one it was running.
    assert notes and len({note for _, note in notes}) == 1, notes
    note = notes[0][1]
    assert note.startswith("worker doomed") and "run again on survivor" in note
    summary = _summary(results)
    for submission, _ in notes:
        assert submission.student in killed_mid_run["students"]
        assert _row_with(summary, submission.student, f"{submission.assignment}/{submission.notebook}", "cluster", note)


def test_an_unreachable_scheduler_grades_nothing(tmp_path_factory):
    course, _ = _small_class(tmp_path_factory.mktemp("unreachable-course"), 1)
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.Cluster.connect_seconds = 3\n")
    address = f"tcp://127.0.0.1:{_free_port()}"
    done = _week12(course, "autograde", LAB, "--scheduler", address, timeout=300)
    assert done.returncode == 2, done.stdout[-3000:]
    assert f"cannot reach the Dask scheduler at {address}" in done.stdout
    assert not list((course.root / "autograded").glob("*/*"))
    assert class_cell_scores(course, ASSIGNMENTS) == {}


def test_a_worker_without_a_sandbox_refuses_and_nothing_runs_unsandboxed(tmp_path_factory, graded_class):
    course, students = _small_class(tmp_path_factory.mktemp("refused-course"), 2)
    with dask_cluster(tmp_path_factory.mktemp("dask-refuse")) as cluster:
        cluster.start_worker("nosandbox", bwrap_path="/nonexistent/bwrap")
        [result] = autograde_assignments(course, [LAB], scheduler=cluster.address, show_progress=False)
        runs = _runs_by_worker(_started_runs(cluster))
    assert not result.ungraded, _summary([result])
    [event] = result.cluster_events
    assert event.startswith("worker nosandbox (tcp://127.0.0.1:") and "no bwrap binary at /nonexistent/bwrap" in event
    assert _row_with(_summary([result]), "cluster", event)
    assert runs == {}  # the worker ran nothing
    # nbgrader ran them here, in this machine's sandbox, with the same grades.
    assert result.unsandboxed == [] and len(result.graded) == len(students)
    assert all("nbgrader ran it here" in notes[0] for notes in result.cluster_notes.values())
    ours = class_cell_scores(course, [LAB])
    assert ours == class_cell_scores(graded_class[0], [LAB], students)
