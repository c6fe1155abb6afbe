"""``week12 serve --scheduler``: the grading service sends its runs to a real Dask cluster.

A real ``dask scheduler`` and ``dask worker`` on loopback, a real ``week12 serve`` process and
hand-ins written into the exchange as ``nbgrader submit`` writes them. Every notebook is run by
the cluster's worker (the start events workers log on the scheduler say which), and every
per-cell grade is the local pool's (``graded_class``). A cluster whose only worker refuses (no
sandbox on it) costs nothing but that worker: the service runs the notebooks in its own sandbox,
with the same grades, and nothing runs unsandboxed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.course import nbgrader_environment
from autograder.demo.main_job import release_with_due_date
from autograder.demo.sample_class import ASSIGNMENTS, SAMPLE_STUDENTS, write_sample_class
from autograder.run.cluster_task import EVENT_TOPIC
from autograder.service.state import FINAL, RELEASED, ServiceState, state_path
from tests.conftest import copy_course
from tests.dask_cluster import dask_cluster
from tests.submissions import class_cell_scores

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1200)]

WEEK12 = str(Path(sys.executable).parent / "week12")
HOMEWORK, LAB = "week12-homework", "week12-lab"
STUDENTS = [student.student_id for student in SAMPLE_STUDENTS[:3]]


def _served(folder: Path, worker_settings: dict) -> dict:
    """Three students' lab and homework handed in to ``week12 serve --scheduler`` with one worker
    (``worker_settings``: its ``DASK_WEEK12__*`` settings); what the service and cluster did."""
    writer = copy_course(folder / "writer")
    release_with_due_date(writer)
    write_sample_class(writer, [s for s in SAMPLE_STUDENTS if s.student_id in STUDENTS])
    course = copy_course(folder / "course")
    release_with_due_date(course)
    for assignment in (HOMEWORK, LAB):
        course.nbgrader("release_assignment", assignment, "--force")
    inbound = course.exchange_root / course.course_id / "inbound"
    with dask_cluster(folder / "dask") as cluster:
        cluster.start_worker("worker-1", **worker_settings)
        log = folder / "serve.log"
        with log.open("w") as out:
            service = subprocess.Popen([WEEK12, "serve", "--scheduler", cluster.address], cwd=course.root,
                                       env=nbgrader_environment(), stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            folders, contents = set(), set()
            for student in STUDENTS:
                for assignment in (HOMEWORK, LAB):
                    name = f"{student}+{assignment}+{time.strftime('%Y-%m-%d %H:%M:%S')}.000000 UTC"
                    handin = inbound / name
                    handin.mkdir()
                    notebook = writer.folder("submitted", student, assignment) / ASSIGNMENTS[assignment]
                    contents.add(notebook.read_bytes())
                    (handin / ASSIGNMENTS[assignment]).write_bytes(notebook.read_bytes())
                    (handin / "timestamp.txt").write_text(name.split("+")[2])
                    (handin / "submission_secret.txt").write_text(os.urandom(8).hex())
                    folders.add(name)
            deadline = time.monotonic() + 900
            while True:
                assert service.poll() is None, log.read_text(errors="replace")[-4000:]
                handins = []
                if state_path(course.root).exists():
                    state = ServiceState(state_path(course.root), read_only=True)
                    handins = [h for h in state.handins() if h.folder in folders]
                    state.close()
                if len(handins) == len(folders) and all(h.state in FINAL for h in handins):
                    break
                assert time.monotonic() < deadline, [(h.folder, h.state) for h in handins]
                time.sleep(0.5)
            with cluster.client() as client:
                started = [event["by"] for _, event in client.get_events(EVENT_TOPIC)]
        finally:
            service.terminate()
            service.wait(timeout=120)
    return {"course": course, "handins": handins, "started": started, "distinct_notebooks": len(contents),
            "log": log.read_text(errors="replace")}


def test_the_services_runs_are_made_by_the_clusters_worker(tmp_path, graded_class):
    served = _served(tmp_path, {})
    assert "on the workers of the Dask cluster at tcp://127.0.0.1:" in served["log"]
    assert all(h.state == RELEASED for h in served["handins"]), [(h.folder, h.state, h.reason) for h in served["handins"]]
    # Every distinct notebook was started on the worker (its start events), none here: students
    # who handed in byte-identical notebooks share one run.
    assert len(served["started"]) == served["distinct_notebooks"]
    assert all(by.startswith("worker-1 (tcp://127.0.0.1:") for by in served["started"]), served["started"]
    assert "runs here" not in served["log"]
    ours = class_cell_scores(served["course"], [HOMEWORK, LAB])
    assert ours and ours == class_cell_scores(graded_class[0], [HOMEWORK, LAB], set(STUDENTS))


def test_a_worker_that_refuses_costs_only_that_worker(tmp_path, graded_class):
    served = _served(tmp_path, {"bwrap_path": "/nonexistent/bwrap"})
    assert all(h.state == RELEASED for h in served["handins"]), [(h.folder, h.state, h.reason) for h in served["handins"]]
    assert served["started"] == []  # the worker ran nothing
    assert "no bwrap binary at /nonexistent/bwrap" in served["log"] and "runs here" in served["log"]
    ours = class_cell_scores(served["course"], [HOMEWORK, LAB])
    assert ours and ours == class_cell_scores(graded_class[0], [HOMEWORK, LAB], set(STUDENTS))
