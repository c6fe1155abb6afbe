"""One batch of hostile, broken and honest submissions through real `nbgrader autograde`.

Trusted grading (the course's nbgrader_config.py) must give every hostile submission exactly
what its real answer deserves, leave nothing running, let nothing out of the sandbox and print
no secret back; the same forgeries under stock in-kernel grading must succeed (the corpus has
teeth).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import IN_KERNEL_GRADING_CONFIG
from tests.conftest import copy_course
from tests.hostile.corpus import CANARY, HONEST, HOSTILE, LAB, MALFORMED, SECRETS, HOMEWORK, Case
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

NOTEBOOKS = {HOMEWORK: "edge_filter.ipynb", LAB: "conv_lab.ipynb"}
FAST_LIMITS = """
# Hostile corpus: short limits so that loops, sleeps and floods are cut off quickly.
c.SandboxedExecute.cell_timeout = 20
c.SandboxedExecute.wall_seconds = 300
"""


def _answered(course, case: Case):
    notebook = NOTEBOOKS[case.assignment]
    nb = answered_notebook(course, case.assignment, notebook, case.answers)
    if case.student == "honest-hw-blank":
        released = nbformat.read(course.root / "release" / case.assignment / notebook, as_version=4)
        return {notebook: released}
    return {notebook: nb}


def _prepare(tmp_path_factory, name: str, config_tail: str, cases: list[Case]):
    course = copy_course(tmp_path_factory.mktemp(name))
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(config_tail)
    for assignment in (HOMEWORK, LAB):
        course.nbgrader("generate_assignment", assignment, "--force")
    for case in cases:
        submit(course, case.student, case.assignment, _answered(course, case))
    return course


def _sandbox_processes() -> list[str]:
    listing = subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines()
            if line.split(None, 1)[0].isdigit() and 60000 <= int(line.split(None, 1)[0]) < 61000
            or "sleep 1000" in line]


@pytest.fixture(scope="module")
def trusted_batch(tmp_path_factory):
    Path(CANARY).unlink(missing_ok=True)
    course = _prepare(tmp_path_factory, "hostile-trusted", FAST_LIMITS, HONEST + HOSTILE)
    for student, corrupt in MALFORMED.items():
        good = nbformat.writes(answered_notebook(course, HOMEWORK, NOTEBOOKS[HOMEWORK], {}))
        folder = course.root / "submitted" / student / HOMEWORK
        folder.mkdir(parents=True)
        (folder / NOTEBOOKS[HOMEWORK]).write_text(corrupt(good), encoding="utf-8")
    logs = {}
    for assignment in (HOMEWORK, LAB):
        done = course.nbgrader("autograde", assignment, "--force", check=False)
        logs[assignment] = done.stdout
    return course, logs


def _scores(course, student, assignment):
    return cell_scores(course, assignment, student)


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.student)
def test_hostile_submission_gets_what_its_real_answer_deserves(trusted_batch, case):
    course, _ = trusted_batch
    got = _scores(course, case.student, case.assignment)
    deserved = _scores(course, case.deserves, case.assignment)
    if case.student == "fault-os-exit-late":
        # The kernel dies in the pooling answer: the cells graded before it keep their credit.
        order = [name for name in deserved]
        source = nbformat.read(course.root / "assignments" / LAB / NOTEBOOKS[LAB], as_version=4)
        order = [c.id for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
        cut = order.index("test_pooling")
        deserved = {name: (deserved[name][0] if order.index(name) < cut else 0.0, deserved[name][1])
                    for name in deserved}
    assert got == deserved


@pytest.mark.parametrize("case", HONEST, ids=lambda case: case.student)
def test_honest_submissions_get_their_true_score(trusted_batch, case):
    course, _ = trusted_batch
    scores = _scores(course, case.student, case.assignment)
    total = sum(score for score, _ in scores.values())
    maximum = sum(max_score for _, max_score in scores.values())
    expected = {"honest-hw-correct": maximum, "honest-hw-blank": 0, "honest-lab-reference": maximum}
    if case.student in expected:
        assert total == expected[case.student]
    else:
        assert 0 < total < maximum


def test_a_dead_kernel_is_explained_in_the_graded_cells(trusted_batch):
    course, _ = trusted_batch
    nb = nbformat.read(course.root / "autograded" / "fault-os-exit-late" / LAB / NOTEBOOKS[LAB], as_version=4)
    after = next(cell for cell in nb.cells if cell.get("id") == "test_basic_unit")
    text = "".join(str(out.get("evalue", "")) + str(out.get("text", "")) for out in after.outputs)
    assert "커널" in text and "kernel died" in text


def test_malformed_notebooks_are_refused_and_nobody_else_is_affected(trusted_batch):
    course, logs = trusted_batch
    for student in MALFORMED:
        assert student in logs[HOMEWORK]
        assert not (course.root / "autograded" / student / HOMEWORK / NOTEBOOKS[HOMEWORK]).exists()
    for case in HONEST + HOSTILE:
        assert (course.root / "autograded" / case.student / case.assignment / NOTEBOOKS[case.assignment]).exists()


def test_nothing_is_left_running(trusted_batch):
    # Every grading command has returned; give the kernel a moment to finish reaping, then
    # nothing of any sandbox may remain.
    deadline = time.monotonic() + 15
    while _sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.5)
    leftovers = subprocess.run(["ps", "-eo", "uid=,pid=,ppid=,stat=,etime=,args="], capture_output=True, text=True).stdout
    assert _sandbox_processes() == [], leftovers


def test_nothing_is_written_outside_the_sandbox(trusted_batch):
    course, _ = trusted_batch
    for path in (Path(CANARY), course.root / "escaped.txt", Path("/root/escaped.txt"), Path("/work/escaped.txt")):
        assert not path.exists(), path
    with sqlite3.connect(course.root / "gradebook.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "pwned" not in tables
        assert db.execute("SELECT COUNT(*) FROM grade WHERE manual_score = 999").fetchone()[0] == 0


def test_no_secret_is_printed_back(trusted_batch):
    course, _ = trusted_batch
    for case in HOSTILE:
        path = course.root / "autograded" / case.student / case.assignment / NOTEBOOKS[case.assignment]
        text = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in text, (case.student, secret)


def test_output_floods_are_cut(trusted_batch):
    course, _ = trusted_batch
    for student in ("flood-stdout", "flood-stderr"):
        path = course.root / "autograded" / student / HOMEWORK / NOTEBOOKS[HOMEWORK]
        assert path.stat().st_size < 2_000_000


@pytest.fixture(scope="module")
def in_kernel_batch(tmp_path_factory):
    forgeries = [case for case in HOSTILE if case.forges_in_kernel]
    twins = {case.deserves for case in forgeries}
    cases = [case for case in HONEST if case.student in twins] + forgeries
    course = _prepare(tmp_path_factory, "hostile-in-kernel", IN_KERNEL_GRADING_CONFIG, cases)
    for assignment in (HOMEWORK, LAB):
        course.nbgrader("autograde", assignment, "--force", check=False)
    return course


@pytest.mark.parametrize("case", [c for c in HOSTILE if c.forges_in_kernel], ids=lambda case: case.student)
def test_the_forgery_succeeds_under_stock_in_kernel_grading(in_kernel_batch, case):
    got = _scores(in_kernel_batch, case.student, case.assignment)
    deserved = _scores(in_kernel_batch, case.deserves, case.assignment)
    assert sum(s for s, _ in got.values()) > sum(s for s, _ in deserved.values()), (got, deserved)
