"""Two real students hand in through a shared exchange as themselves: nobody hands in as the other,
and nobody hands in earlier than they did.

Two accounts made with ``useradd`` each fetch and ``nbgrader submit`` the homework as themselves,
into an exchange every account can reach, after the due date (an hour ago). Then one of them, Bob,
writes a copy of his own hand-in in Alice's name with a later time, puts a file into Alice's hand-in
(nbgrader leaves it 0777), leaves a folder with no student in its name, and backdates his own
hand-in: an earlier time in its name and in ``timestamp.txt``, and old modification times. The
grader collects (``nbgrader collect --student``, then ``week12 collect``) and grades
(``week12 autograde``), once as root and once as an ordinary grader account
(``tests/accounts.py``). Each grade is checked against the course's scorer on that student's own
filter, and lateness against the gradebook nbgrader wrote.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograder.authoring import week12_homework as homework
from autograder.collect.report import read_problems, report_path
from autograder.scoring import score_kernel
from autograder.scoring.verdict import points_for
from tests.accounts import Account, hub_environment, ordinary_account, shared_folder, system_account
from tests.conftest import copy_course

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1800)]

HW, NOTEBOOK = homework.ASSIGNMENT, homework.NOTEBOOK
COURSE_ID = "dl-week12-conv"
KERNELS = {"week12-alice": [[-1, -1], [1, 1]], "week12-bob": [[-1, 0], [0, 1]]}  # 10 and 7 points
ALICE, BOB = KERNELS
CLOCK_SLACK = timedelta(seconds=1)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # naive UTC, as nbgrader keeps times


def nbgrader_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@pytest.fixture(scope="module")
def students() -> dict[str, Account]:
    if os.geteuid() != 0:
        pytest.skip("two student accounts are made with useradd, which needs root")
    return {name: system_account(name) for name in KERNELS}


@pytest.fixture(scope="module")
def venv() -> Path:
    return hub_environment(ordinary_account())  # world-readable: the students run nbgrader from it too


def as_student(student: Account, venv: Path, *args: str) -> None:
    student.run([str(venv / "bin" / "python"), "-m", "nbgrader", *args, f"--course={COURSE_ID}"],
                cwd=student.home, env=student.environment(venv))


def hand_in(student: Account, venv: Path, exchange: Path) -> None:
    """Fetch, answer and submit the homework as ``student`` (the answer written as the student's own file)."""
    shutil.rmtree(student.home / HW, ignore_errors=True)  # the accounts outlive one run of the tests
    as_student(student, venv, "fetch_assignment", HW, f"--Exchange.root={exchange}")
    path = student.home / HW / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    answer = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "edge_kernel")
    answer.source = f"kernel = {KERNELS[student.name]}"
    nbformat.write(nb, path)  # rewritten in place: still the student's file
    as_student(student, venv, "submit", HW, f"--Exchange.root={exchange}")


BOBS_TRICKS = r'''
set -eu
cd "$INBOUND"
cp -r "$BOB" "$FORGED"
printf %s "$LATER" > "$FORGED/timestamp.txt"
echo "put here by bob" > "$ALICE/notes.txt"
mkdir "+$HW+nameless"
cp "$BOB/$NOTEBOOK" "+$HW+nameless/"
mv "$BOB" "$BACKDATED"
printf %s "$EARLIER" > "$BACKDATED/timestamp.txt"
touch -d "@$EARLIER_EPOCH" "$BACKDATED"/* "$BACKDATED"
'''


def bobs_names(exchange: Path, due: datetime) -> dict[str, str]:
    """What Bob's tricks (``BOBS_TRICKS``) work with: the hand-ins' folders, his forged and
    backdated names and times."""
    inbound = exchange / COURSE_ID / "inbound"
    handed_in = {name.split("+")[0]: name for name in os.listdir(inbound)}
    earlier = due - timedelta(days=1)
    return {"INBOUND": str(inbound), "HW": HW, "NOTEBOOK": NOTEBOOK, "BOB": handed_in[BOB],
            "ALICE": handed_in[ALICE], "FORGED": f"{ALICE}+{HW}+{nbgrader_time(utc_now() + timedelta(days=1))}+x",
            "LATER": nbgrader_time(utc_now() + timedelta(days=1)),
            "BACKDATED": f"{BOB}+{HW}+{nbgrader_time(earlier)}+backdated", "EARLIER": nbgrader_time(earlier),
            "EARLIER_EPOCH": str(int(earlier.replace(tzinfo=timezone.utc).timestamp()))}


@pytest.fixture(scope="module", params=["root", "grader account"])
def exchange_class(request, students, venv):
    grader = Account("root", 0, 0, Path("/root")) if request.param == "root" else ordinary_account()
    base = shared_folder("week12-exchange-")
    try:
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o777)  # nbgrader's exchange root: every account writes into it
        course = copy_course(base / "course")
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"\nc.Exchange.root = {str(exchange)!r}  # the hub's shared exchange\n")
        course.nbgrader("generate_assignment", HW, "--force")
        due = utc_now() - timedelta(hours=1)
        with course.gradebook() as gradebook:
            gradebook.update_or_create_assignment(HW, duedate=due)
        grader.give(course.root)
        course.root.chmod(0o700)  # students reach the exchange, not the course

        def run(*argv, check=True):
            return grader.run([str(venv / "bin" / argv[0]), *argv[1:]], cwd=course.root, env=grader.environment(venv),
                              check=check, timeout=1200)

        run("nbgrader", "release_assignment", HW, "--force")
        started = utc_now()
        for student in students.values():
            hand_in(student, venv, exchange)
        names = bobs_names(exchange, due)
        students[BOB].run(["/bin/sh", "-c", BOBS_TRICKS], cwd=students[BOB].home,
                          env=students[BOB].environment(**names))
        report_start = len(read_problems(report_path(course.root)))
        only_alice = run("nbgrader", "collect", HW, f"--student={ALICE}")
        collected_first = sorted(path.name for path in (course.root / "submitted").iterdir())
        collect = run("week12", "collect", HW, check=False)
        problems = read_problems(report_path(course.root))[report_start:]
        autograde = run("week12", "autograde", HW, check=False)
        yield SimpleNamespace(course=course, due=due, started=started, names=names, only_alice=only_alice,
                              collected_first=collected_first, collect=collect, problems=problems,
                              autograde=autograde)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def problems_of(exchange_class, kind: str) -> dict[str, str]:
    return {problem.student: problem.detail for problem in exchange_class.problems if problem.kind == kind}


def submission(exchange_class, student: str):
    with exchange_class.course.gradebook() as gradebook:
        found = gradebook.find_submission(HW, student)
        return SimpleNamespace(timestamp=found.timestamp, seconds_late=found.total_seconds_late,
                               score=sum(grade.score for notebook in found.notebooks for grade in notebook.grades))


def test_a_folder_in_another_students_name_is_refused_and_reported_for_both(exchange_class):
    refused = problems_of(exchange_class, "not_yours")
    assert set(refused) == {ALICE, BOB}
    forged = exchange_class.names["FORGED"][:20]
    assert all(forged in detail for detail in refused.values())
    assert exchange_class.collect.returncode == 1  # the collect says it refused something, and what
    assert f"{ALICE}" in exchange_class.collect.stdout and "not_yours" in exchange_class.collect.stdout


def test_both_students_own_grades_are_exact(exchange_class):
    assert exchange_class.autograde.returncode == 0, exchange_class.autograde.stdout[-4000:]
    for student, kernel in KERNELS.items():
        expected = points_for(score_kernel(kernel).fraction, homework.SCORE_POINTS)
        assert submission(exchange_class, student).score == pytest.approx(expected), student


def test_a_backdated_name_and_timestamp_txt_change_nothing_about_lateness(exchange_class):
    bob = submission(exchange_class, BOB)
    assert exchange_class.started - CLOCK_SLACK <= bob.timestamp <= utc_now()  # when it really arrived
    assert bob.seconds_late >= (exchange_class.started - exchange_class.due).total_seconds() - 1
    recorded = (exchange_class.course.root / "submitted" / BOB / HW / "timestamp.txt").read_text()
    assert recorded != exchange_class.names["EARLIER"]


def test_a_file_another_account_put_in_a_handin_is_dropped_and_reported_for_its_owner(exchange_class):
    assert not (exchange_class.course.root / "submitted" / ALICE / HW / "notes.txt").exists()
    assert (exchange_class.course.root / "submitted" / ALICE / HW / NOTEBOOK).is_file()
    assert "notes.txt" in problems_of(exchange_class, "dropped")[ALICE]


def test_a_folder_without_a_student_in_its_name_is_reported_for_its_owner_and_stops_no_one(exchange_class):
    assert "nameless" in problems_of(exchange_class, "bad_handin")[BOB]
    assert sorted(path.name for path in (exchange_class.course.root / "submitted").iterdir()) == sorted(KERNELS)


def test_collecting_one_student_collects_only_that_student(exchange_class):
    assert exchange_class.collected_first == [ALICE]
