"""Trusted grading as an ordinary account, in the hub layout, as courses really grade.

The grader is a normal account (made with ``useradd`` when the tests run as root), the package is
installed (``pip install``, not editable) into an environment of its own, and the course directory
is a separate copy the account owns (``tests/accounts.py``). The sandbox tests run again as that
account; a submission that walks every path it can see from inside the sandbox finds no solution,
hidden test or gradebook; ``week12 doctor`` says grading is safe.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid

import nbformat
import pytest

from tests.accounts import REPO_ROOT, hub_environment, ordinary_account, shared_folder
from tests.conftest import copy_course
from tests.submissions import answered_notebook, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1800)]

HOMEWORK, NOTEBOOK = "week12-homework", "edge_filter.ipynb"
CANARY = f"week12-canary-{uuid.uuid4().hex}"
# What no sandbox may ever show: the source notebooks' and the builders' hidden tests, a solution
# line found only in the builders, and a canary planted in the solutions, the gradebook (a
# student's id) and another student's submission. Handed to the walker hex-encoded, so that its
# own notebook does not hold them.
SECRETS = ('run_hidden_check("test_', "np.array(w1).reshape(2, 2, 1, 1)], axis=-1)", CANARY)

WALKER = '''
kernel = [[-1, -1], [1, 1]]

_secrets = [bytes.fromhex(_hex) for _hex in SECRETS]
_seen, _hits = 0, []
for _top in ["/"]:
    for _folder, _dirs, _files in os.walk(_top, onerror=lambda error: None):
        if _folder.startswith(("/proc", "/sys", "/dev")):
            _dirs[:] = []
            continue
        for _name in _files:
            _path = os.path.join(_folder, _name)
            try:
                with open(_path, "rb") as _handle:
                    _data = _handle.read(2_000_000)
            except OSError:
                continue
            _seen += 1
            for _secret in _secrets:
                if _secret in _data:
                    _hits.append((_path, _secret.decode()))
print("files read:", _seen)
print("secrets found:", _hits)
'''.replace("SECRETS", repr([secret.encode().hex() for secret in SECRETS]))


@pytest.fixture(scope="module")
def account():
    return ordinary_account()


@pytest.fixture(scope="module")
def venv(account):
    return hub_environment(account)


@pytest.fixture(scope="module")
def hub_course(account, venv, tmp_path_factory):
    """A course directory (with its own copy of the package, as a clone of the repository has),
    owned by the account, with the walker and an honest student submitted."""
    base = shared_folder("week12-hub-course-")
    course = copy_course(base / "course")
    shutil.copytree(REPO_ROOT / "autograder", course.root / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    course.nbgrader("generate_assignment", HOMEWORK, "--force")
    course.nbgrader("db", "student", "add", CANARY)  # the gradebook holds the canary
    (course.root / "solutions" / "notes.txt").write_text(CANARY)
    submit(course, "walker", HOMEWORK, {NOTEBOOK: answered_notebook(course, HOMEWORK, NOTEBOOK, {"edge_kernel": WALKER})})
    honest = answered_notebook(course, HOMEWORK, NOTEBOOK, {"edge_kernel": "kernel = [[-1, 0], [0, 1]]"})
    honest.cells.append(nbformat.v4.new_markdown_cell(f"my notes: {CANARY}"))
    submit(course, "honest", HOMEWORK, {NOTEBOOK: honest})
    account.give(base)
    yield course
    shutil.rmtree(base, ignore_errors=True)


def _grade(account, venv, course, *extra) -> str:
    done = account.run([str(venv / "bin" / "python"), "-m", "nbgrader", "autograde", HOMEWORK, "--force", *extra],
                       cwd=course.root, env=account.environment(venv), check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    return done.stdout


def _scores(course) -> dict:
    with sqlite3.connect(course.root / "gradebook.db") as db:
        rows = db.execute("SELECT student.id, grade_cell.name, grade.auto_score FROM grade "
                          "JOIN base_cell AS grade_cell ON grade.cell_id = grade_cell.id "
                          "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
                          "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
                          "JOIN student ON submitted_assignment.student_id = student.id").fetchall()
    return {(student, cell): score for student, cell, score in rows}


@pytest.fixture(scope="module")
def graded_by_account(account, venv, hub_course):
    _grade(account, venv, hub_course)
    return hub_course


def test_the_hub_layout_is_graded_by_an_ordinary_account(graded_by_account):
    scores = _scores(graded_by_account)
    assert scores[("walker", "edge_kernel_score")] == 10.0
    assert 4 <= scores[("honest", "edge_kernel_score")] <= 8.5  # the Roberts filter


def test_a_submission_that_walks_every_visible_path_finds_no_secret(graded_by_account):
    nb = nbformat.read(graded_by_account.root / "autograded" / "walker" / HOMEWORK / NOTEBOOK, as_version=4)
    printed = "".join(output.get("text", "") for cell in nb.cells for output in cell.get("outputs", [])
                      if output.get("output_type") == "stream")
    assert "files read:" in printed
    assert int(printed.split("files read:")[1].split()[0]) > 1000  # it did read the system and the environment
    assert "secrets found: []" in printed, printed[-3000:]


def test_the_hub_layout_is_graded_the_same_by_root(account, venv, hub_course, graded_by_account):
    if account.is_me:
        pytest.skip("the tests run as an ordinary account: there is no root run to compare with")
    by_account = _scores(hub_course)
    root_copy = shared_folder("week12-hub-root-") / "course"
    try:
        shutil.copytree(hub_course.root, root_copy, symlinks=True)
        from tests.accounts import Account

        root = Account("root", 0, 0, root_copy.parent)
        done = root.run([str(venv / "bin" / "python"), "-m", "nbgrader", "autograde", HOMEWORK, "--force"],
                        cwd=root_copy, env=root.environment(venv), check=False)
        assert done.returncode == 0, done.stdout[-6000:]
        assert _scores(type(hub_course)(root_copy)) == by_account
    finally:
        shutil.rmtree(root_copy.parent, ignore_errors=True)


def test_week12_doctor_says_an_ordinary_account_can_grade_safely(account, venv, hub_course):
    done = account.run([str(venv / "bin" / "week12"), "doctor"], cwd=hub_course.root, env=account.environment(venv),
                       check=False)
    assert done.returncode == 0, done.stdout
    assert "can grade safely" in done.stdout
    assert ("user namespace" in done.stdout) != (account.uid == 0)


def test_the_sandbox_tests_pass_as_an_ordinary_account(account, venv):
    if account.is_me:
        pytest.skip("the tests already run as an ordinary account")
    done = account.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(REPO_ROOT / "tests" / "sandbox")], cwd=REPO_ROOT,
                       env=account.environment(venv, WEEK12_REQUIRE_SANDBOX="1", PYTHONDONTWRITEBYTECODE="1"),
                       check=False, timeout=1200)
    assert done.returncode == 0, done.stdout[-8000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout


def test_the_sample_class_is_graded_by_an_ordinary_account_as_by_root(account, venv, graded_class):
    """The main job (`week12 sample-class`, warm start on) in the hub layout, every per-cell
    grade equal to this account's own run of it (``graded_class``)."""
    from autograder.demo.sample_class import ASSIGNMENTS
    from tests.submissions import class_cell_scores

    if account.is_me:
        pytest.skip("the tests run as an ordinary account: graded_class is that account's run")
    course = copy_course(shared_folder("week12-hub-sample-") / "course")
    try:
        account.give(course.root.parent)
        done = account.run([str(venv / "bin" / "week12"), "sample-class", "--workers", "2"], cwd=course.root,
                           env=account.environment(venv), check=False, timeout=1200)
        # 0: exactly the two truncated notebooks (broken on purpose) could not be graded.
        assert done.returncode == 0, done.stdout[-6000:]
        ours = class_cell_scores(course, ASSIGNMENTS)
        assert ours and ours == class_cell_scores(graded_class[0], ASSIGNMENTS)
    finally:
        shutil.rmtree(course.root.parent, ignore_errors=True)
