"""The whole class graded on a PostgreSQL gradebook, as several TAs would share one.

A real PostgreSQL server (tests/postgres.py: Debian's, a cluster made by ``initdb`` in a temporary
folder by an ordinary account, loopback only) holds the gradebook; the course's
``nbgrader_config.py`` points ``c.CourseDirectory.db_url`` at it; ``week12 sample-class`` and, after
a rubric change, ``week12 regrade`` run as commands. Every grade, every lateness and the class
report equal those of the same work on the embedded SQLite gradebook, and no SQLite file appears.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import Course, nbgrader_environment
from autograder.demo.sample_class import ASSIGNMENTS
from autograder.workflow.regrade import regrade
from autograder.report.data import load_class_data
from autograder.workflow.summary import late_submissions
from tests.conftest import copy_course
from tests.postgres import postgres_server
from tests.submissions import class_cell_scores, set_rubric

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

HOMEWORK = "week12-homework"
NEW_RUBRIC = {"localisation_weight": 0.8, "flatness_weight": 0.2, "selectivity_weight": 0.0}
WEEK12 = str(Path(sys.executable).parent / "week12")


def _week12(course: Course, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WEEK12, *args], cwd=course.root, env=nbgrader_environment(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)


def _state(course: Course) -> dict:
    """What the instructor reads: every cell score, who was late by how much, the report's data."""
    report = load_class_data(course.root)
    return {
        "scores": class_cell_scores(course, ASSIGNMENTS),
        "late": {assignment: [(entry.student, entry.seconds_late) for entry in late_submissions(course, assignment)]
                 for assignment in ASSIGNMENTS},
        "report": {"students": report.students, "assignments": report.assignments,
                   "submissions": sorted(report.submissions, key=lambda row: (row.assignment, row.student)),
                   "homework": sorted(report.homework, key=lambda answer: answer.student)},
    }


def _sqlite_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and path.read_bytes()[:16] == b"SQLite format 3\x00":
            found.append(path)
    return found


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory):
    with postgres_server() as server:
        course = copy_course(tmp_path_factory.mktemp("postgres-course"))
        url = server.create_database("week12_gradebook")
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
        graded = _week12(course, "sample-class", "--workers", "2")
        before = _state(course)
        set_rubric(course, **NEW_RUBRIC)
        regraded = _week12(course, "regrade", HOMEWORK)
        after = _state(course)
        yield {"course": course, "url": url, "graded": graded, "regraded": regraded, "before": before,
               "after": after, "sqlite_files": _sqlite_files(course.root)}


@pytest.fixture(scope="module")
def on_sqlite(graded_class, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("sqlite-copy") / "course")
    shutil.copytree(graded_class[0].root, course.root, symlinks=True)
    before = _state(course)
    set_rubric(course, **NEW_RUBRIC)
    result = regrade(course, HOMEWORK)
    return {"before": before, "after": _state(course), "changed": len(result.changed)}


def test_the_commands_succeed_on_postgres(on_postgres):
    assert on_postgres["graded"].returncode == 0, on_postgres["graded"].stdout[-4000:]
    assert on_postgres["regraded"].returncode == 0, on_postgres["regraded"].stdout[-4000:]


def test_every_grade_equals_the_sqlite_run(on_postgres, on_sqlite):
    assert on_postgres["before"]["scores"] and on_postgres["before"]["scores"] == on_sqlite["before"]["scores"]


def test_lateness_equals_the_sqlite_run(on_postgres, on_sqlite):
    assert any(on_sqlite["before"]["late"].values())  # the sample class has late students
    assert on_postgres["before"]["late"] == on_sqlite["before"]["late"]


def test_the_class_report_equals_the_sqlite_run(on_postgres, on_sqlite):
    ours, theirs = on_postgres["before"]["report"], on_sqlite["before"]["report"]
    assert len(ours["students"]) == 32
    assert {key: [dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in value]
            for key, value in ours.items()} == {
        key: [dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in value]
        for key, value in theirs.items()}


def test_regrade_after_a_rubric_change_writes_the_same_grades(on_postgres, on_sqlite):
    assert on_sqlite["changed"] > 0
    assert on_postgres["after"]["scores"] == on_sqlite["after"]["scores"]
    assert on_postgres["after"]["scores"] != on_postgres["before"]["scores"]
    assert f"{on_sqlite['changed']} cell scores changed" in on_postgres["regraded"].stdout


def test_no_sqlite_file_is_created(on_postgres):
    assert on_postgres["sqlite_files"] == []


def test_the_output_names_the_real_gradebook_without_its_password(on_postgres):
    from sqlalchemy.engine import make_url

    url = make_url(on_postgres["url"])
    printed = on_postgres["graded"].stdout
    assert f"127.0.0.1:{url.port}/week12_gradebook" in printed
    assert url.password not in printed and "gradebook.db" not in printed
