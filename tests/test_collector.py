"""``zip_collect``'s collector (``autograder.collect.collector``): student, notebook and time from
each file of a download, trusting nothing in the name.

Each test puts files in a course's extracted folder as the course's LMS names them (or unpacks a
real zip, ``tests/zip_collect.py``) and asks the collector nbgrader's app made, for each file, what
it collects; then reads the collect report. The pure rules behind it (which ids are safe, which
names are variants of a notebook, who is refused) have their own tests in
tests/test_collect_names_and_files.py and tests/test_names_are_data.py.
"""

from __future__ import annotations

import pytest

from tests.zip_collect import (NOTEBOOK, NameWithoutUtf8Flag, archive_folder, download_name, extracted_folder,
                               problems, write_zip, zip_collect_app)


def collect(app, *names: str) -> dict[str, dict | None]:
    """What the collector makes of each file of the download, in nbgrader's (sorted) order."""
    folder = extracted_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("{}", encoding="utf-8")
    return {name: app.collector_plugin_inst.collect(str(folder / name)) for name in sorted(names)}


def reported(app) -> list[tuple[str, str]]:
    return [(problem.kind, problem.student) for problem in problems(app)]


def test_each_students_notebook_is_collected_with_the_downloads_time(tmp_path):
    app = zip_collect_app(tmp_path)
    alice, bob = download_name("alice"), download_name("bob", when="20260525T150000Z")
    assert collect(app, alice, bob) == {
        alice: {"student_id": "alice", "file_id": NOTEBOOK, "timestamp": "20260525T140000Z"},
        bob: {"student_id": "bob", "file_id": NOTEBOOK, "timestamp": "20260525T150000Z"}}
    assert problems(app) == []


@pytest.mark.parametrize("second", [download_name("alice", "edge_filter (1).ipynb"),
                                    download_name("alice", "Copy of edge_filter.ipynb"),
                                    download_name("alice", when="20260525T141500Z")])
def test_a_student_twice_for_one_notebook_is_refused_with_both_files_named(tmp_path, second):
    app = zip_collect_app(tmp_path)
    first, bob = download_name("alice"), download_name("bob")
    collected = collect(app, first, second, bob)
    assert collected[first] is None and collected[second] is None and collected[bob]["student_id"] == "bob"
    (duplicate,) = problems(app)
    assert (duplicate.kind, duplicate.student) == ("duplicate", "alice")
    assert first in duplicate.detail and second in duplicate.detail


@pytest.mark.parametrize("handed_in", ["Copy of edge_filter.ipynb", "edge_filter (1).ipynb", "edge_filter-2.ipynb",
                                       "Edge_Filter.ipynb", "edge_filter(3).ipynb"])
def test_a_common_variant_is_collected_as_the_expected_notebook_and_reported(tmp_path, handed_in):
    app = zip_collect_app(tmp_path)
    name = download_name("alice", handed_in)
    assert collect(app, name)[name]["file_id"] == NOTEBOOK
    (renamed,) = problems(app)
    assert (renamed.kind, renamed.student) == ("renamed", "alice")
    assert handed_in in renamed.detail and NOTEBOOK in renamed.detail


@pytest.mark.parametrize("student", ["..", ".hidden", "x..y", "a b", "a" * 65, "-rf"])
def test_an_unsafe_student_id_is_refused(tmp_path, student):
    app = zip_collect_app(tmp_path)
    name, bob = download_name(student), download_name("bob")
    collected = collect(app, name, bob)
    assert collected[name] is None and collected[bob]["student_id"] == "bob"
    assert reported(app) == [("unsafe_id", "(refused)")]


def test_an_unknown_notebook_is_reported_with_the_one_expected(tmp_path):
    app = zip_collect_app(tmp_path)
    name = download_name("alice", "homework.ipynb")
    assert collect(app, name) == {name: None}
    (unknown,) = problems(app)
    assert (unknown.kind, unknown.student) == ("unknown_notebook", "alice")
    assert "homework.ipynb" in unknown.detail and NOTEBOOK in unknown.detail


def test_a_file_not_named_as_the_lms_names_them_is_reported_for_nobody(tmp_path):
    app = zip_collect_app(tmp_path)
    assert collect(app, "edge_filter.ipynb", download_name("bob"))["edge_filter.ipynb"] is None
    assert reported(app) == [("unrecognised", "(unknown)")]


# --- with the extractor, from a real zip ---------------------------------------------------------------

def test_a_korean_name_from_a_zip_without_the_utf8_flag_is_that_student(tmp_path):
    app = zip_collect_app(tmp_path)
    name = download_name("김민지")
    write_zip(archive_folder(app) / "download.zip", [(NameWithoutUtf8Flag(name), b"{}")])
    app.extract_archive_files()
    unpacked = [path for path in extracted_folder(app).rglob("*") if path.is_file()]
    assert [app.collector_plugin_inst.collect(str(path))["student_id"] for path in unpacked] == ["김민지"]

