"""An LMS download in, the LMS's own import files out: Canvas and Moodle, end to end.

Downloads are built to the layouts the LMSs' own code writes (see autograder/lms/canvas.py and
moodle.py for the sources): Korean names, a late submission, a re-uploaded file name. The course
chooses the LMS with ``c.Lms.preset``; ``week12 grade`` collects (real ``nbgrader zip_collect``),
grades in the sandbox, releases feedback and exports. Every student must be collected with the
lateness the LMS gave, and the grade and feedback files must have the LMS's documented layout.
"""

from __future__ import annotations

import csv
import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.contract import HOMEWORK
from autograder.course import Course, nbgrader_environment
from autograder.lms import canvas, moodle
from autograder.lms.roster import load_roster
from autograder.workflow.summary import late_submissions
from tests.conftest import copy_course
from tests.submissions import answered_notebook, cell_scores

ASSIGNMENT, NOTEBOOK = HOMEWORK.name, HOMEWORK.notebook
STEM = Path(NOTEBOOK).stem
WEEK12 = str(Path(sys.executable).parent / "week12")
WRONG = "kernel = [[-1, 1], [-1, 1]]"


def _without_utf8_flags(data: bytes) -> bytes:
    """The zip with the "names are UTF-8" flag cleared everywhere, as Canvas's rubyzip writes it."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        infos, start = archive.infolist(), archive.start_dir
    for info in infos:
        flags = struct.unpack_from("<H", data, info.header_offset + 6)[0]
        struct.pack_into("<H", data, info.header_offset + 6, flags & ~0x800)
    position = start
    for _ in infos:
        flags = struct.unpack_from("<H", data, position + 8)[0]
        struct.pack_into("<H", data, position + 8, flags & ~0x800)
        name, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name + extra + comment
    return bytes(data)


def _zip(members: dict[str, bytes], utf8_flag: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, 26, 0, 0, 0)), content)
    return out.getvalue() if utf8_flag else _without_utf8_flags(out.getvalue())


def _answer(course: Course, source: str | None = None) -> bytes:
    overrides = {"edge_kernel": source} if source else {}
    return nbformat.writes(answered_notebook(course, ASSIGNMENT, NOTEBOOK, overrides)).encode()


def _course(tmp_path_factory, name: str, settings: str) -> Course:
    course = copy_course(tmp_path_factory.mktemp(name))
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\n" + settings + "\n")
    course.lms_archive(ASSIGNMENT).mkdir(parents=True)
    return course


def _grade(course: Course) -> subprocess.CompletedProcess:
    return subprocess.run([WEEK12, "grade", ASSIGNMENT, "--workers", "2"], cwd=course.root, env=nbgrader_environment(),
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)


def _submitted(course: Course) -> set[str]:
    return {student for student, folder in course.student_folders("submitted", ASSIGNMENT).items()
            if (folder / NOTEBOOK).is_file()}


# --- Canvas -------------------------------------------------------------------------------------

CANVAS_STUDENTS = {  # Canvas user id -> (file name in the download, answer, late)
    "1001": (f"kimminji_1001_5001_{NOTEBOOK}", None, False),
    "1002": (f"leehaeun_LATE_1002_5002_{NOTEBOOK}", WRONG, True),
    "1003": (f"parkjiho_1003_5003_{STEM}-1.ipynb", None, False),  # a re-upload's name
    "1004": (f"김민지_1004_5004_{NOTEBOOK}", WRONG, False),  # sortable name "김, 민지"
}


@pytest.fixture(scope="module")
def canvas_course(tmp_path_factory):
    course = _course(tmp_path_factory, "canvas", 'c.Lms.preset = "canvas"\n'
                     f'c.Lms.assignment_titles = {{"{ASSIGNMENT}": "12주차 숙제"}}\n'
                     f'c.Lms.assignment_ids = {{"{ASSIGNMENT}": "777"}}')
    members = {name: _answer(course, answer) for name, answer, _ in CANVAS_STUDENTS.values()}
    (course.lms_archive(ASSIGNMENT) / "submissions.zip").write_bytes(_zip(members, utf8_flag=False))
    return course, _grade(course)


@pytest.mark.nbgrader
@pytest.mark.sandbox
class TestCanvas:
    def test_the_command_succeeds(self, canvas_course):
        course, graded = canvas_course
        assert graded.returncode == 0, graded.stdout[-4000:]

    def test_every_student_is_collected_under_their_canvas_id(self, canvas_course):
        course, _ = canvas_course
        assert _submitted(course) == set(CANVAS_STUDENTS)

    def test_lateness_is_canvass(self, canvas_course):
        course, graded = canvas_course
        late = late_submissions(course, ASSIGNMENT)
        assert [entry.student for entry in late] == [s for s, (_, _, is_late) in CANVAS_STUDENTS.items() if is_late]
        assert "LATE" in late[0].source and "according to Canvas" in graded.stdout

    def test_the_korean_name_survives_a_zip_without_the_utf8_flag(self, canvas_course):
        course, _ = canvas_course
        assert load_roster(course.root)[ASSIGNMENT]["1004"].name == "김민지"

    def test_grades_are_in_canvass_import_layout(self, canvas_course):
        course, _ = canvas_course
        rows = list(csv.reader((course.exports_dir / "canvas-grades.csv").read_text(encoding="utf-8").splitlines()))
        assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "12주차 숙제 (777)"]
        assert "Points Possible" in rows[1][0] and rows[1][5] == "10"
        by_id = {row[1]: row for row in rows[2:]}
        assert set(by_id) == set(CANVAS_STUDENTS)
        for user_id in CANVAS_STUDENTS:
            scores = cell_scores(course, ASSIGNMENT, user_id)
            assert float(by_id[user_id][5]) == pytest.approx(sum(score for score, _ in scores.values()))
        assert float(by_id["1001"][5]) == 10 and float(by_id["1002"][5]) < 10
        assert by_id["1004"][0] == "김민지"

    def test_feedback_is_a_folder_per_student_named_as_in_the_download(self, canvas_course):
        course, _ = canvas_course
        with zipfile.ZipFile(course.exports_dir / f"{ASSIGNMENT}-canvas-feedback.zip") as packed:
            names = set(packed.namelist())
        assert names == {f"{name.split(f'_{uid}_')[0]}_{uid}/{STEM}.html" for uid, (name, _, _) in CANVAS_STUDENTS.items()
                         if "LATE" not in name} | {f"leehaeun_1002/{STEM}.html"}


# --- Moodle -------------------------------------------------------------------------------------

MOODLE_STUDENTS = {  # nbgrader id -> (participant id, full name, file as uploaded, answer, worksheet status)
    "김민지": ("101", "김민지", NOTEBOOK, None, "Submitted for grading - Not graded"),
    "Lee-Haeun": ("102", "Lee Haeun", NOTEBOOK, WRONG, "Submitted for grading - 2 hours 3 mins late - Not graded"),
    "Park-Jiho": ("103", "Park Jiho", f"{STEM} (1).ipynb", None, "Submitted for grading - Not graded"),
}
WORKSHEET = ('"Identifier","Full name","Email address","Status","Grade","Maximum Grade","Grade can be changed",'
             '"Last modified (submission)","Last modified (grade)","Feedback comments"\n')


def _moodle_worksheet() -> str:
    lines = [WORKSHEET]
    for participant, name, _, _, status in MOODLE_STUDENTS.values():
        lines.append(f'"Participant {participant}","{name}","{participant}@example.ac.kr","{status}",,10.00,Yes,'
                     f'"Monday, 25 May 2026, 11:58 PM",-,\n')
    return "".join(lines)


@pytest.fixture(scope="module")
def moodle_course(tmp_path_factory):
    course = _course(tmp_path_factory, "moodle", 'c.Lms.preset = "moodle"')
    members = {f"{name}_{participant}_assignsubmission_file/{file}": _answer(course, answer)
               for participant, name, file, answer, _ in MOODLE_STUDENTS.values()}
    members["Lee Haeun_102_assignsubmission_onlinetext/onlinetext.html"] = b"<p>late, sorry</p>"
    (course.lms_archive(ASSIGNMENT) / "week12-homework-submissions.zip").write_bytes(_zip(members))
    (course.lms_archive(ASSIGNMENT).parent / "Grades-week12-homework.csv").write_text(_moodle_worksheet(),
                                                                                     encoding="utf-8")
    return course, _grade(course)


def _moodle_accepts(member: str) -> bool:
    """Moodle's importziplib.php is_valid_filename_for_import: some path part splits on '_' into
    <name>_<numeric participant id>_<plugin type>_<plugin>..."""
    for part in member.split("/"):
        info = part.split("_", 4)
        if len(info) >= 4 and info[1].isdigit() and (info[2], info[3]) == ("assignsubmission", "file"):
            return True
    return False


@pytest.mark.nbgrader
@pytest.mark.sandbox
class TestMoodle:
    def test_the_command_succeeds(self, moodle_course):
        course, graded = moodle_course
        assert graded.returncode == 0, graded.stdout[-4000:]

    def test_every_student_is_collected_under_their_name(self, moodle_course):
        course, _ = moodle_course
        assert _submitted(course) == set(MOODLE_STUDENTS)

    def test_lateness_is_the_worksheets(self, moodle_course):
        course, _ = moodle_course
        late = late_submissions(course, ASSIGNMENT)
        assert [(entry.student, entry.seconds_late) for entry in late] == [("Lee-Haeun", 2 * 3600 + 3 * 60)]

    def test_grades_are_in_the_grading_worksheets_layout(self, moodle_course):
        course, _ = moodle_course
        text = (course.exports_dir / f"{ASSIGNMENT}-moodle-grading-worksheet.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {"Identifier", "Grade", "Last modified (grade)", "Feedback comments"} <= set(rows[0])
        by_identifier = {row["Identifier"]: row for row in rows}
        assert set(by_identifier) == {f"Participant {p}" for p, *_ in MOODLE_STUDENTS.values()}
        for student, (participant, name, *_) in MOODLE_STUDENTS.items():
            row = by_identifier[f"Participant {participant}"]
            scores = cell_scores(course, ASSIGNMENT, student)
            assert float(row["Grade"]) == pytest.approx(sum(score for score, _ in scores.values()))
            assert row["Full name"] == name and float(row["Maximum Grade"]) == 10

    def test_feedback_files_zip_is_what_moodles_upload_accepts(self, moodle_course):
        course, _ = moodle_course
        with zipfile.ZipFile(course.exports_dir / f"{ASSIGNMENT}-moodle-feedback.zip") as packed:
            names = sorted(packed.namelist())
        assert names == sorted(f"{name}_{participant}_assignsubmission_file/{STEM}.html"
                               for participant, name, *_ in MOODLE_STUDENTS.values())
        assert all(_moodle_accepts(name) for name in names)


# --- reading names, without grading -------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    (f"kimminji_1001_5001_{NOTEBOOK}", ("1001", "kimminji", False, NOTEBOOK)),
    (f"leehaeun_LATE_1002_5002_{NOTEBOOK}", ("1002", "leehaeun", True, NOTEBOOK)),
    (f"leehaeun_late_1002_5002_{NOTEBOOK}", ("1002", "leehaeun", True, NOTEBOOK)),  # older Canvas
    (f"anon_k3J9x_5005_{NOTEBOOK}", ("anon_k3J9x", "", False, NOTEBOOK)),
    (f"LATE_anon_k3J9x_5005_{NOTEBOOK}", ("anon_k3J9x", "", True, NOTEBOOK)),
    (f"김민지_1004_5004_{STEM}_2.ipynb", ("1004", "김민지", False, f"{STEM}_2.ipynb")),
])
def test_canvas_file_names(name, expected):
    found = canvas.read_file_name(f"/x/{name}")
    assert (found.student_id, found.name, found.late, found.file_id) == expected


@pytest.mark.parametrize("path, expected", [
    (f"Kim Minji_12345_assignsubmission_file/{NOTEBOOK}", ("Kim-Minji", "12345", NOTEBOOK, True)),
    (f"Kim Minji_12345_assignsubmission_file_/{NOTEBOOK}", ("Kim-Minji", "12345", NOTEBOOK, True)),  # before 4.1
    (f"Kim Minji_12345_assignsubmission_file_{NOTEBOOK}", ("Kim-Minji", "12345", NOTEBOOK, False)),
    (f"김민지_7_assignsubmission_file/sub/{NOTEBOOK}", ("김민지", "7", NOTEBOOK, True)),
    (f"Participant_88_assignsubmission_file/{NOTEBOOK}", ("participant-88", "88", NOTEBOOK, True)),  # blind
])
def test_moodle_paths(path, expected):
    found = moodle.read_path(path)
    assert (found.student_id, found.lms_id, found.file_id, found.folders) == expected


def test_moodle_online_text_is_not_a_submission_file():
    assert moodle.read_path("Kim Minji_12345_assignsubmission_onlinetext/onlinetext.html") is None


@pytest.mark.parametrize("status, seconds", [
    ("Submitted for grading - 2 hours 3 mins late - Graded", 7380.0),
    ("Submitted for grading - 1 day 4 hours late", 100800.0),
    ("Submitted for grading - 45 secs late", 45.0),
    ("Submitted for grading - Graded", None),
    ("No submission", None),
])
def test_moodle_lateness_from_the_worksheet_status(status, seconds):
    assert moodle.seconds_late(status) == seconds


@pytest.mark.nbgrader
def test_a_flat_moodle_download_is_collected(tmp_path_factory):
    course = _course(tmp_path_factory, "moodle-flat", 'c.Lms.preset = "moodle"')
    members = {f"{name}_{participant}_assignsubmission_file_{file}": _answer(course)
               for participant, name, file, _, _ in MOODLE_STUDENTS.values()}
    (course.lms_archive(ASSIGNMENT) / "download.zip").write_bytes(_zip(members))
    course.nbgrader("zip_collect", ASSIGNMENT, "--force")
    assert _submitted(course) == set(MOODLE_STUDENTS)
    roster = load_roster(course.root)[ASSIGNMENT]
    assert roster["Park-Jiho"].folder == "Park Jiho_103_assignsubmission_file" and not roster["Park-Jiho"].folders


@pytest.mark.nbgrader
def test_the_generic_preset_reads_nothing_of_an_lms_download(tmp_path_factory):
    """Without c.Lms.preset a Canvas download collects nobody, and says so (it does not crash)."""
    course = _course(tmp_path_factory, "generic-canvas", "")
    members = {name: _answer(course) for name, _, _ in CANVAS_STUDENTS.values()}
    (course.lms_archive(ASSIGNMENT) / "submissions.zip").write_bytes(_zip(members))
    graded = _grade(course)
    assert _submitted(course) == set()
    assert graded.returncode != 0 and "c.Lms.preset" in graded.stdout, graded.stdout[-3000:]
