"""One batch of hostile, broken and honest submissions through real `nbgrader autograde`.

Trusted grading (the course's nbgrader_config.py) must give every hostile submission exactly
what its real answer deserves, leave nothing running, let nothing out of the sandbox and print
no secret back; the same forgeries under stock in-kernel grading must succeed (the corpus has
teeth). The batch is graded twice: here (the repository's environment, as the test runs, root in
CI) and by an ordinary account with the package installed into an environment of its own, as on
a hub (``tests/accounts.py``); both give the same grade to every cell.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import IN_KERNEL_GRADING_CONFIG, Course
from tests.accounts import hub_environment, ordinary_account, shared_folder
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


def _prepare(tmp_path_factory, name: str, config_tail: str, cases: list[Case], folder: Path | None = None):
    course = copy_course(folder or tmp_path_factory.mktemp(name))
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(config_tail)
    for assignment in (HOMEWORK, LAB):
        course.nbgrader("generate_assignment", assignment, "--force")
    for case in cases:
        submit(course, case.student, case.assignment, _answered(course, case))
    return course


def _sandbox_processes() -> list[str]:
    """Processes of root's sandbox uids, of the test account (it runs nothing else), and the
    corpus's own detached sleepers."""
    account = ordinary_account()
    listing = subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
    found = []
    for line in listing.splitlines():
        uid = int(line.split(None, 1)[0]) if line.split(None, 1)[0].isdigit() else -1
        if 60000 <= uid < 61000 or (uid == account.uid and not account.is_me) or "sleep 1000" in line:
            found.append(line)
    return found


def _submit_malformed(course):
    for student, corrupt in MALFORMED.items():
        good = nbformat.writes(answered_notebook(course, HOMEWORK, NOTEBOOKS[HOMEWORK], {}))
        folder = course.root / "submitted" / student / HOMEWORK
        folder.mkdir(parents=True)
        (folder / NOTEBOOKS[HOMEWORK]).write_text(corrupt(good), encoding="utf-8")


def _leftover_job_folders() -> set[str]:
    return {path.name for folder in {Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp")}
            for path in folder.glob("week12-*") if path.name.startswith(("week12-job-", "week12-input-"))}


@pytest.fixture(scope="module")
def batch_here(tmp_path_factory):
    """Graded by the test's own user with the repository's environment."""
    Path(CANARY).unlink(missing_ok=True)
    before = _leftover_job_folders()
    course = _prepare(tmp_path_factory, "hostile-trusted", FAST_LIMITS, HONEST + HOSTILE)
    _submit_malformed(course)
    logs = {}
    for assignment in (HOMEWORK, LAB):
        done = course.nbgrader("autograde", assignment, "--force", check=False)
        logs[assignment] = done.stdout
    return course, logs, _leftover_job_folders() - before


@pytest.fixture(scope="module")
def batch_as_account(tmp_path_factory):
    """Graded by an ordinary account, the package installed into an environment of its own and the
    course directory a separate copy that the account owns (the hub layout)."""
    Path(CANARY).unlink(missing_ok=True)
    account = ordinary_account()
    venv = hub_environment(account)
    base = shared_folder("week12-hostile-")
    try:
        course = _prepare(None, "", FAST_LIMITS, HONEST + HOSTILE, folder=base / "course")
        _submit_malformed(course)
        account.give(base)
        before = _leftover_job_folders()
        logs = {}
        for assignment in (HOMEWORK, LAB):
            done = account.run([str(venv / "bin" / "python"), "-m", "nbgrader", "autograde", assignment, "--force"],
                               cwd=course.root, env=account.environment(venv), check=False, timeout=1800)
            logs[assignment] = done.stdout
        yield course, logs, _leftover_job_folders() - before, account
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module", params=["here", "as-account"])
def trusted_batch(request):
    if request.param == "here":
        return request.getfixturevalue("batch_here")[:3]
    return request.getfixturevalue("batch_as_account")[:3]


def _scores(course, student, assignment):
    return cell_scores(course, assignment, student)


def test_an_ordinary_account_gives_every_cell_the_same_grade(batch_here, batch_as_account):
    here, there = batch_here[0], batch_as_account[0]
    for case in HONEST + HOSTILE:
        assert _scores(there, case.student, case.assignment) == _scores(here, case.student, case.assignment), case.student


def test_the_batch_leaves_no_job_folder_behind(trusted_batch):
    assert trusted_batch[2] == set()


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.student)
def test_hostile_submission_gets_what_its_real_answer_deserves(trusted_batch, case):
    course, _, _ = trusted_batch
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
    course, _, _ = trusted_batch
    scores = _scores(course, case.student, case.assignment)
    total = sum(score for score, _ in scores.values())
    maximum = sum(max_score for _, max_score in scores.values())
    expected = {"honest-hw-correct": maximum, "honest-hw-blank": 0, "honest-lab-reference": maximum}
    if case.student in expected:
        assert total == expected[case.student]
    else:
        assert 0 < total < maximum


def test_a_dead_kernel_is_explained_in_the_graded_cells(trusted_batch):
    course, _, _ = trusted_batch
    nb = nbformat.read(course.root / "autograded" / "fault-os-exit-late" / LAB / NOTEBOOKS[LAB], as_version=4)
    after = next(cell for cell in nb.cells if cell.get("id") == "test_basic_unit")
    text = "".join(str(out.get("evalue", "")) + str(out.get("text", "")) for out in after.outputs)
    assert "커널" in text and "kernel died" in text


def test_malformed_notebooks_are_refused_and_nobody_else_is_affected(trusted_batch):
    course, logs, _ = trusted_batch
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
    course, _, _ = trusted_batch
    for path in (Path(CANARY), course.root / "escaped.txt", Path("/root/escaped.txt"), Path("/work/escaped.txt")):
        assert not path.exists(), path
    with sqlite3.connect(course.root / "gradebook.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "pwned" not in tables
        assert db.execute("SELECT COUNT(*) FROM grade WHERE manual_score = 999").fetchone()[0] == 0


def test_no_secret_is_printed_back(trusted_batch):
    course, _, _ = trusted_batch
    for case in HOSTILE:
        path = course.root / "autograded" / case.student / case.assignment / NOTEBOOKS[case.assignment]
        text = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in text, (case.student, secret)


def test_output_floods_and_forged_reports_are_cut(trusted_batch):
    course, _, _ = trusted_batch
    for student in ("flood-stdout", "flood-stderr", "forge-the-run-report"):
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


# --- the same corpus handed in through the exchange to a running `week12 serve` -------------------

def _hand_in_everything(course: Course, inbound: Path) -> set[str]:
    """Each case's notebook as a complete exchange hand-in (as nbgrader submit writes one), by the
    account that grades (the instructor's own folders may name any student); the malformed ones too."""
    folders = set()
    for case in HONEST + HOSTILE:
        for name, nb in _answered(course, case).items():
            folder = inbound / f"{case.student}+{case.assignment}+2026-05-20 10:00:00.000000 UTC+s"
            folder.mkdir()
            nbformat.write(nb, folder / name)
            folders.add(folder.name)
    for student, corrupt in MALFORMED.items():
        folder = inbound / f"{student}+{HOMEWORK}+2026-05-20 10:00:00.000000 UTC+s"
        folder.mkdir()
        good = nbformat.writes(answered_notebook(course, HOMEWORK, NOTEBOOKS[HOMEWORK], {}))
        (folder / NOTEBOOKS[HOMEWORK]).write_text(corrupt(good), encoding="utf-8")
        folders.add(folder.name)
    for name in folders:
        (inbound / name / "timestamp.txt").write_text("2026-05-20 10:00:00.000000 UTC")
        (inbound / name / "submission_secret.txt").write_text(os.urandom(8).hex())
    return folders


@pytest.fixture(scope="module", params=["here", "as-account"])
def served_batch(request):
    """The corpus handed in to the grading service, run by this account or by the ordinary one."""
    from autograder.service.state import FINAL, ServiceState, state_path

    account = ordinary_account() if request.param == "as-account" else None
    if account is not None and account.is_me:
        pytest.skip("the tests already run as an ordinary account")
    venv = hub_environment(account) if account is not None else Path(sys.executable).parent.parent
    base = shared_folder("week12-hostile-served-")
    service = None
    try:
        course = _prepare(None, "", FAST_LIMITS + f"\nc.Exchange.root = {str(base / 'exchange')!r}\n", [],
                          folder=base / "course")
        for assignment in (HOMEWORK, LAB):
            course.nbgrader("release_assignment", assignment, "--force")
        inbound = course.exchange_root / course.course_id / "inbound"
        folders = _hand_in_everything(course, inbound)
        if account is not None:
            account.give(base)
        switch = {"user": account.uid, "group": account.gid, "extra_groups": []} if account is not None else {}
        env = account.environment(venv) if account is not None else None
        with open(base / "serve.log", "w") as log:
            service = subprocess.Popen([str(venv / "bin" / "week12"), "serve"], cwd=course.root, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True, **switch)
        deadline = time.monotonic() + 1800
        while True:
            assert service.poll() is None, (base / "serve.log").read_text(errors="replace")[-4000:]
            handins = []
            if state_path(course.root).exists():
                state = ServiceState(state_path(course.root), read_only=True)
                handins = state.handins()
                state.close()
            if len(handins) == len(folders) and all(h.state in FINAL for h in handins):
                break
            assert time.monotonic() < deadline, [(h.folder, h.state) for h in handins]
            time.sleep(1)
        yield course, {h.folder.split("+")[0]: h for h in handins}, request.param
    finally:
        if service is not None and service.poll() is None:
            os.killpg(service.pid, 15)
            service.wait(timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def test_through_the_service_every_cell_gets_the_batchs_grade(served_batch, request):
    course, handins, who = served_batch
    batch = request.getfixturevalue("batch_here" if who == "here" else "batch_as_account")[0]
    for case in HONEST + HOSTILE:
        assert handins[case.student].state == "released", (case.student, handins[case.student].reason)
        assert _scores(course, case.student, case.assignment) == _scores(batch, case.student, case.assignment), case.student


def test_through_the_service_malformed_notebooks_are_not_graded_and_use_no_attempt(served_batch):
    _, handins, _ = served_batch
    for student in MALFORMED:
        assert handins[student].state == "not_graded" and handins[student].counted == 0, handins[student]
        assert handins[student].reason.startswith("not graded: ")
