"""One student never stops, steals or corrupts another's grading, and every submission is accounted for.

Real nbgrader and week12 commands on real course copies, each batch graded here and by an ordinary
account with the package installed apart (``tests/accounts.py``):

- copy-pasted, altered, invented, outdated and deleted nbgrader cells are reduced to the release
  and graded against it, and every honest student around them keeps its grade;
- an LMS download with nested archives, an archive bomb, a setuid member, hostile names and a
  student twice: nothing replaced, nobody invented, each problem reported for its student;
- links in submissions, in ``submitted/`` and in the exchange, never carry a file from outside the
  course into ``autograded/``, ``feedback/``, the exchange or the LMS zip;
- notebooks handed in under a common variant of their name are graded as it; others are failures
  that say what was found and what was expected.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import stat
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import Course, nbgrader_environment
from tests.accounts import hub_environment, ordinary_account, shared_folder
from tests.conftest import copy_course
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1800)]

HOMEWORK, HW_NB = "week12-homework", "edge_filter.ipynb"
LAB, LAB_NB = "week12-lab", "conv_lab.ipynb"
CORRECT, ROBERTS, VERTICAL = "kernel = [[-1, -1], [1, 1]]", "kernel = [[-1, 0], [0, 1]]", "kernel = [[-1, 1], [-1, 1]]"
CANARY = f"week12-secret-{uuid.uuid4().hex}"


# --- running the commands here or as the ordinary account ----------------------------------

class Runner:
    """Runs nbgrader and week12 in a course, as this test's user or as the ordinary account."""

    def __init__(self, mode: str):
        self.mode = mode
        self.account = ordinary_account() if mode == "as-account" else None
        self.venv = hub_environment(self.account) if self.account else None

    def new_course(self, tmp_path_factory, name: str) -> Course:
        base = shared_folder(f"week12-{name}-") if self.account else tmp_path_factory.mktemp(name)
        course = copy_course(base / "course")
        for assignment in (HOMEWORK, LAB):
            course.nbgrader("generate_assignment", assignment, "--force")
        return course

    def hand_over(self, course: Course) -> None:
        if self.account:
            self.account.give(course.root.parent)

    def run(self, course: Course, *argv: str) -> subprocess.CompletedProcess:
        if self.account:
            tool = argv[0]
            command = [str(self.venv / "bin" / "python"), "-m", "nbgrader", *argv[1:]] if tool == "nbgrader" else \
                [str(self.venv / "bin" / tool), *argv[1:]]
            return self.account.run(command, cwd=course.root, env=self.account.environment(self.venv, COLUMNS="300"),
                                    check=False)
        command = [sys.executable, "-m", "nbgrader", *argv[1:]] if argv[0] == "nbgrader" else \
            [str(Path(sys.executable).parent / argv[0]), *argv[1:]]
        return subprocess.run(command, cwd=course.root, env={**nbgrader_environment(), "COLUMNS": "300"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module", params=["here", "as-account"])
def runner(request):
    return Runner(request.param)


def _cell(nb, cell_id):
    return next(cell for cell in nb.cells if cell.get("id") == cell_id)


def _index(nb, cell_id):
    return next(i for i, cell in enumerate(nb.cells) if cell.get("id") == cell_id)


# --- copy-pasted and altered cells -----------------------------------------------------------

def _homework(course, answer=CORRECT):
    return answered_notebook(course, HOMEWORK, HW_NB, {"edge_kernel": answer})


def _offenders(course) -> dict:
    """Homework notebooks with one everyday (or hostile) change to the nbgrader cells each."""
    made = {}
    nb = _homework(course, VERTICAL)  # the answer cell copied below, the copy holds the answer
    answer = copy.deepcopy(_cell(nb, "edge_kernel"))
    answer.source, answer.id = CORRECT, "copied-answer"
    nb.cells.insert(_index(nb, "edge_kernel") + 1, answer)
    made["x-dup-answer"] = nb
    nb = _homework(course)  # the graded cell copied above the answer
    graded = copy.deepcopy(_cell(nb, "edge_kernel_score"))
    graded.id = "copied-graded"
    nb.cells.insert(_index(nb, "edge_kernel"), graded)
    made["x-dup-graded"] = nb
    nb = _homework(course)
    _cell(nb, "edge_kernel").metadata.nbgrader["schema_version"] = 1
    made["x-old-schema"] = nb
    nb = _homework(course)
    _cell(nb, "edge_kernel_score").metadata.nbgrader["schema_version"] = 4
    made["x-new-schema"] = nb
    nb = _homework(course)
    empty = nbformat.v4.new_code_cell("x = 1", id="empty-meta")
    empty.metadata["nbgrader"] = {}
    nb.cells.insert(2, empty)
    made["x-empty-meta"] = nb
    nb = _homework(course)
    invented = nbformat.v4.new_code_cell("print('bonus')", id="invented")
    invented.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100, "solution": False,
                                     "locked": False, "schema_version": 3, "task": False}
    nb.cells.append(invented)
    made["x-invented"] = nb
    nb = _homework(course)
    _cell(nb, "edge_kernel_score").metadata.nbgrader["points"] = 1000
    made["x-altered-points"] = nb
    return made


@pytest.fixture(scope="module")
def sanitize_batch(runner, tmp_path_factory):
    """Offenders between honest students, in one homework and one lab batch, graded by plain
    nbgrader in one course and by week12 autograde --workers 2 in another."""
    graded = {}
    for tool in ("nbgrader", "week12"):
        course = runner.new_course(tmp_path_factory, f"sanitize-{tool}")
        submit(course, "h-honest-correct", HOMEWORK, {HW_NB: _homework(course)})
        submit(course, "h-honest-roberts", HOMEWORK, {HW_NB: _homework(course, ROBERTS)})
        for student, nb in _offenders(course).items():
            submit(course, student, HOMEWORK, {HW_NB: nb})
        submit(course, "z-honest-after", HOMEWORK, {HW_NB: _homework(course, VERTICAL)})
        lab = answered_notebook(course, LAB, LAB_NB)
        submit(course, "h-lab-reference", LAB, {LAB_NB: lab})
        deleted = copy.deepcopy(lab)
        deleted.cells = [cell for cell in deleted.cells if cell.get("id") != "test_pooling"]
        submit(course, "x-lab-deleted-graded", LAB, {LAB_NB: deleted})
        submit(course, "z-lab-after", LAB, {LAB_NB: lab})
        runner.hand_over(course)
        if tool == "nbgrader":
            done = [runner.run(course, "nbgrader", "autograde", assignment, "--force") for assignment in (HOMEWORK, LAB)]
        else:
            done = [runner.run(course, "week12", "autograde", HOMEWORK, LAB, "--workers", "2", "--force")]
        graded[tool] = (course, done)
    return graded


@pytest.mark.parametrize("tool", ["nbgrader", "week12"])
def test_offending_cells_are_graded_against_the_release_and_nobody_else_is_touched(sanitize_batch, tool):
    course, done = sanitize_batch[tool]
    for result in done:
        assert result.returncode == 0, result.stdout[-5000:]
    hw = {student: cell_scores(course, HOMEWORK, student) for student in
          ["h-honest-correct", "h-honest-roberts", "z-honest-after", *_offenders(course)]}
    assert hw["h-honest-correct"] == {"edge_kernel_score": (10.0, 10.0)}
    assert 4 <= hw["h-honest-roberts"]["edge_kernel_score"][0] <= 8.5
    assert 0 < hw["z-honest-after"]["edge_kernel_score"][0] < 4  # the lecture's vertical filter
    for student in _offenders(course):
        assert hw[student] == {"edge_kernel_score": (10.0, 10.0)}, student  # as the release grades it
    for student in ("h-lab-reference", "x-lab-deleted-graded", "z-lab-after"):
        scores = cell_scores(course, LAB, student)
        assert len(scores) == 9 and all(score == points for score, points in scores.values()), (student, scores)


def test_the_summary_says_what_was_set_aside(sanitize_batch):
    _, done = sanitize_batch["week12"]
    shown = done[0].stdout
    # In the course's language (Korean here); the grade ids name the cells.
    assert re.search(r"x-dup-answer .*set aside.*'edge_kernel'", shown), shown[-6000:]
    assert re.search(r"x-dup-graded .*set aside.*'edge_kernel_score'", shown)
    assert re.search(r"x-invented .*set aside.*'bonus'", shown)
    assert re.search(r"x-old-schema .*set aside.*'edge_kernel'", shown)
    assert re.search(r"x-lab-deleted-graded .*set aside.*'test_pooling'", shown)
    assert "h-honest-correct" not in shown.split("Needs a look")[-1]


def test_the_feedback_page_says_what_was_set_aside(sanitize_batch, runner):
    course, _ = sanitize_batch["nbgrader"]
    done = runner.run(course, "nbgrader", "generate_feedback", HOMEWORK, "--student", "x-dup-graded", "--force")
    assert done.returncode == 0, done.stdout[-3000:]
    page = (course.root / "feedback" / "x-dup-graded" / HOMEWORK / "edge_filter.html").read_text(encoding="utf-8")
    assert "week12-set-aside" in page and "edge_kernel_score" in page


# --- an LMS download that trusts nothing ------------------------------------------------------

def _member(name: str, data: bytes, mode: int = 0o644) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(2026, 5, 26, 0, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, data


def _zip(members) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def _name(student: str, notebook: str = HW_NB, when: str = "20260525T100000Z") -> str:
    return f"{student}__{when}__{notebook}"


@pytest.fixture(scope="module")
def lms_collected(runner, tmp_path_factory):
    course = runner.new_course(tmp_path_factory, "lms")
    text = lambda answer: nbformat.writes(_homework(course, answer)).encode()  # noqa: E731
    amy, ben = text(CORRECT), text(ROBERTS)
    inner = _zip([_member(_name("amy", when="20260101T000000Z"), text(VERTICAL)),
                  _member(_name("ghost1"), text(CORRECT)), _member(_name("ghost2"), text(CORRECT))])
    bomb = _zip([_member(_name("bob"), b"\0" * (200 << 20))])
    download = _zip([
        _member(_name("amy"), amy), _member(_name("ben"), ben),
        _member(_name("eve", "edge_filter.zip"), inner),  # a student's own zip: others' names inside
        _member(_name("bob", "edge_filter.zip"), bomb),  # a zip bomb inside a student's upload
        _member(_name("zed"), b"\0" * (200 << 20)),  # a bomb at the top level
        _member(_name("cat"), text(CORRECT), mode=stat.S_IFREG | 0o4755),  # setuid
        _member(_name(".."), text(CORRECT)), _member("../../" + _name("escape"), text(CORRECT)),
        _member("/" + _name("absolute"), text(CORRECT)),
        _member(_name("dan"), text(CORRECT)), _member(_name("dan", "Copy of edge_filter.ipynb", "20260525T110000Z"),
                                                      text(VERTICAL)),
        _member(_name("fay"), b"/etc/passwd", mode=stat.S_IFLNK | 0o777),  # a link
    ])
    archive = course.lms_archive(HOMEWORK)
    archive.mkdir(parents=True)
    (archive / "submissions.zip").write_bytes(download)
    runner.hand_over(course)
    done = runner.run(course, "week12", "collect", HOMEWORK)
    return course, done


def test_nothing_in_an_upload_replaces_or_invents_a_student(lms_collected):
    course, done = lms_collected
    assert done.returncode == 1, done.stdout  # some students were not collected
    submitted = course.student_folders("submitted", HOMEWORK)
    assert set(submitted) == {"amy", "ben", "cat"}, done.stdout
    amy = nbformat.read(submitted["amy"] / HW_NB, as_version=4)
    assert _cell(amy, "edge_kernel").source == CORRECT  # amy's own, not the one inside eve's zip
    assert (submitted["amy"] / "timestamp.txt").read_text().startswith("2026-05-25")  # the LMS's time
    assert not (course.root / "escape").exists() and not (course.root.parent / "escape").exists()
    mode = (submitted["cat"] / HW_NB).stat().st_mode
    assert not mode & (stat.S_ISUID | stat.S_ISGID | stat.S_IXUSR)


def test_each_problem_is_reported_for_its_student(lms_collected):
    _, done = lms_collected
    shown = done.stdout
    for student, kind in (("eve", "archive_in_upload"), ("bob", "archive_in_upload"), ("zed", "archive_too_large"),
                          ("fay", "unsafe_member"), ("dan", "duplicate")):
        assert re.search(rf"{student}\s+{kind}", shown), (student, kind, shown)
    assert re.search(r"dan\s+duplicate: .*edge_filter.ipynb.*Copy of edge_filter.ipynb", shown)
    assert "unsafe_id" in shown and "'..'" in shown
    assert shown.count("unsafe_member") >= 3  # the '..' path, the absolute path, the link


# --- links never carry a file from outside the course ------------------------------------------

@pytest.fixture(scope="module")
def linked_course(runner, tmp_path_factory):
    course = runner.new_course(tmp_path_factory, "links")
    secret = shared_folder("week12-secret-") / "secret.txt"
    secret.write_text(CANARY)
    secret.chmod(0o644)
    submit(course, "amy", HOMEWORK, {HW_NB: _homework(course)})
    mallory = course.folder("submitted", "mallory", HOMEWORK)
    mallory.mkdir(parents=True)
    (mallory / HW_NB).symlink_to(course.folder("submitted", "amy", HOMEWORK) / HW_NB)  # another student's
    (mallory / "notes.txt").symlink_to(secret)
    (mallory / "gradebook.db").symlink_to(course.root / "gradebook.db")
    (mallory / "solution.ipynb").symlink_to(course.root / "solutions" / HOMEWORK / HW_NB)
    outside = shared_folder("week12-outside-")
    nbformat.write(_homework(course), outside / HW_NB)
    course.folder("submitted", "nina", ".").mkdir(parents=True)
    course.folder("submitted", "nina", HOMEWORK).symlink_to(outside)  # a whole folder that is a link
    # The exchange, as students' nbgrader submit leaves it, with links planted in it.
    inbound = course.exchange_root / course.course_id / "inbound"
    oscar = inbound / f"oscar+{HOMEWORK}+2026-05-25 10:00:00.000000 UTC+abcd"
    oscar.mkdir(parents=True)
    nbformat.write(_homework(course), oscar / HW_NB)
    (oscar / "secret.txt").symlink_to(secret)
    (oscar / "timestamp.txt").write_text("2026-05-25 10:00:00.000000 UTC")
    (inbound / f"pete+{HOMEWORK}+2026-05-25 10:00:00.000000 UTC+efgh").symlink_to(outside)
    runner.hand_over(course)
    collected = runner.run(course, "nbgrader", "collect", HOMEWORK, "--update")
    graded = runner.run(course, "week12", "grade", HOMEWORK, "--workers", "2")
    return course, collected, graded


def _everything_below(folder: Path) -> bytes:
    data = b""
    for path in sorted(Path(folder).rglob("*")) if Path(folder).exists() else []:
        if path.is_file() and not path.is_symlink():
            data += path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                data += b"".join(archive.read(name) for name in archive.namelist())
    return data


def test_no_link_carries_a_file_from_outside_into_the_course_or_back_out(linked_course):
    course, collected, graded = linked_course
    assert collected.returncode == 0, collected.stdout[-3000:]
    for folder in (course.folder("submitted"), course.folder("autograded"), course.folder("feedback"),
                   course.exchange_root / course.course_id / "feedback", course.exports_dir):
        seen = _everything_below(folder)
        assert CANARY.encode() not in seen, folder
        assert b"SQLite format 3" not in seen, folder
        assert b"### BEGIN SOLUTION" not in seen, folder
    for tree in (course.folder("submitted"), course.folder("autograded"), course.folder("feedback")):
        assert [path for path in tree.rglob("*") if path.is_symlink()] == []


def test_each_dropped_link_is_reported_and_its_student_is_not_a_silent_zero(linked_course):
    course, collected, graded = linked_course
    shown = graded.stdout
    assert graded.returncode == 1, shown[-5000:]
    assert cell_scores(course, HOMEWORK, "amy")["edge_kernel_score"] == (10.0, 10.0)
    assert cell_scores(course, HOMEWORK, "oscar")["edge_kernel_score"] == (10.0, 10.0)  # his real notebook
    assert re.search(r"mallory .*failed.*no edge_filter.ipynb was handed in", shown), shown[-5000:]
    assert not course.folder("submitted", "pete", HOMEWORK).exists()  # his inbound folder was a link
    assert re.search(r"bad_handin pete/week12-homework: .* is not a folder", collected.stdout), collected.stdout[-3000:]
    assert re.search(r"dropped oscar/week12-homework: .*'secret.txt' is not a regular file", collected.stdout)
    with course.gradebook() as gradebook:
        students_graded = {submission.student_id for submission in gradebook.assignment_submissions(HOMEWORK)}
    assert "mallory" not in students_graded and "nina" not in students_graded


# --- misnamed notebooks ------------------------------------------------------------------------

MISNAMED = {"copy-of": "Copy of edge_filter.ipynb", "numbered": "edge_filter (1).ipynb",
            "upper": "EDGE_FILTER.ipynb"}


@pytest.fixture(scope="module")
def misnamed_batch(runner, tmp_path_factory):
    course = runner.new_course(tmp_path_factory, "misnamed")
    for student, name in MISNAMED.items():
        submit(course, student, HOMEWORK, {name: _homework(course)})
    submit(course, "reupload", LAB, {"conv_lab-1.ipynb": answered_notebook(course, LAB, LAB_NB)})
    submit(course, "wrong-lab", HOMEWORK, {LAB_NB: answered_notebook(course, LAB, LAB_NB)})
    submit(course, "unknown-name", HOMEWORK, {"homework.ipynb": _homework(course)})
    submit(course, "both", HOMEWORK, {HW_NB: _homework(course), "Copy of edge_filter.ipynb": _homework(course, VERTICAL)})
    runner.hand_over(course)
    return course, runner.run(course, "week12", "autograde", HOMEWORK, LAB, "--workers", "2")


def test_common_variants_of_a_name_are_graded_as_that_notebook(misnamed_batch):
    course, done = misnamed_batch
    for student, name in MISNAMED.items():
        assert cell_scores(course, HOMEWORK, student)["edge_kernel_score"] == (10.0, 10.0), student
        assert re.search(rf"{student} .*renamed.*handed in as {re.escape(name)}; graded as edge_filter.ipynb",
                         done.stdout), done.stdout[-6000:]
    lab = cell_scores(course, LAB, "reupload")
    assert all(score == points for score, points in lab.values())
    assert cell_scores(course, HOMEWORK, "both")["edge_kernel_score"] == (10.0, 10.0)  # its edge_filter.ipynb


def test_anything_else_is_a_failure_that_says_what_was_found(misnamed_batch):
    course, done = misnamed_batch
    assert done.returncode == 1
    assert re.search(r"wrong-lab .*failed.*found conv_lab.ipynb; expected edge_filter.ipynb", done.stdout)
    assert re.search(r"unknown-name .*failed.*found homework.ipynb; expected edge_filter.ipynb", done.stdout)
    with course.gradebook() as gradebook:
        graded = {submission.student_id for submission in gradebook.assignment_submissions(HOMEWORK)}
    assert not {"wrong-lab", "unknown-name"} & graded  # not a silent zero in the gradebook


def test_an_unknown_assignment_is_one_line_naming_the_known_ones(misnamed_batch, runner):
    course, _ = misnamed_batch
    done = runner.run(course, "week12", "grade", "week12-labb")
    assert done.returncode == 2
    assert done.stdout.strip().splitlines()[-1] == (
        "error: no assignment 'week12-labb' in this course; the assignments are: week12-homework, week12-lab, "
        "week12-learn-kernel")
    assert "Traceback" not in done.stdout
    assert os.path.exists(course.root)  # nothing else happened
    assert shutil.which  # noqa: B018 - the module's imports are used
