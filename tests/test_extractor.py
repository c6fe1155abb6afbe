"""``zip_collect``'s extractor for an LMS download (``autograder.collect.extractor``), on real zips.

Each test writes a real zip file into a course's archive folder (``tests/zip_collect.py``), runs
nbgrader's own extract step with this course's extractor, and reads what was written and what the
collect report says. The fast tier of tests/test_lms_hostile_names.py, which runs the commands.
"""

from __future__ import annotations

import os
import stat
import zipfile

import pytest

from tests.zip_collect import (NameWithoutUtf8Flag, archive_folder, download_name, extracted_files,
                               extracted_folder, problems, write_zip, zip_collect_app)

NOTEBOOK_BYTES = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
ALICE, BOB = download_name("alice"), download_name("bob")


def kinds(app) -> list[tuple[str, str]]:
    return [(problem.kind, problem.student) for problem in problems(app)]


def extract(app, *members, name: str = "download.zip") -> dict[str, bytes]:
    write_zip(archive_folder(app) / name, members)
    app.extract_archive_files()
    return extracted_files(app)


def member(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


def test_every_notebook_of_a_download_is_unpacked_as_it_was_and_nothing_is_reported(tmp_path):
    app = zip_collect_app(tmp_path)
    assert extract(app, (ALICE, NOTEBOOK_BYTES), (BOB, b"bob's")) == {ALICE: NOTEBOOK_BYTES, BOB: b"bob's"}
    assert problems(app) == []


# --- archives in archives ------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".zip", ".tar.gz", ".tgz", ".7z", ".rar"])
def test_an_archive_in_the_download_is_not_unpacked_and_is_reported_for_its_student(tmp_path, suffix):
    app = zip_collect_app(tmp_path)
    inner = write_zip(tmp_path / "inner.zip", [(BOB, b"forged for bob")]).read_bytes()
    upload = download_name("alice", "edge_filter" + suffix)
    assert extract(app, (upload, inner), (BOB, b"bob's")) == {BOB: b"bob's"}
    assert kinds(app) == [("archive_in_upload", "alice")]


def test_an_archive_put_in_the_archive_folder_by_hand_is_not_unpacked(tmp_path):
    app = zip_collect_app(tmp_path)
    (archive_folder(app) / download_name("alice", "edge_filter.tar.gz")).write_bytes(b"\x1f\x8b not unpacked")
    (archive_folder(app) / BOB).write_bytes(b"bob's")
    app.extract_archive_files()
    assert extracted_files(app) == {BOB: b"bob's"}
    assert kinds(app) == [("archive_in_upload", "alice")]


# --- paths that lead elsewhere -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../" + ALICE, "/tmp/" + ALICE, "folder/../../" + ALICE, "..\\..\\" + ALICE,
                                  "\\" + ALICE])
def test_a_member_with_an_absolute_or_parent_path_is_skipped(tmp_path, name):
    app = zip_collect_app(tmp_path / "course")
    assert extract(app, (name, b"escaped"), (BOB, b"bob's")) == {BOB: b"bob's"}
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path.read_bytes() == b"escaped"]
    assert written == [] and [kind for kind, _ in kinds(app)] == ["unsafe_member"]


def test_a_member_that_is_a_link_is_skipped(tmp_path):
    app = zip_collect_app(tmp_path)
    link = member(ALICE, stat.S_IFLNK | 0o777)
    assert extract(app, (link, b"/etc/passwd"), (BOB, b"bob's")) == {BOB: b"bob's"}
    assert not os.path.lexists(extracted_folder(app) / ALICE)
    assert kinds(app) == [("unsafe_member", "alice")]


# --- limits ----------------------------------------------------------------------------------------

def test_a_download_with_too_many_members_takes_nothing(tmp_path):
    app = zip_collect_app(tmp_path, max_members=3)
    students = [download_name(f"s{number}") for number in range(4)]
    assert extract(app, *((name, b"x") for name in students)) == {}
    assert [kind for kind, _ in kinds(app)] == ["archive_too_large"]


def test_a_download_of_exactly_the_most_members_is_unpacked(tmp_path):
    app = zip_collect_app(tmp_path, max_members=3)
    students = [download_name(f"s{number}") for number in range(3)]
    assert set(extract(app, *((name, b"x") for name in students))) == set(students)


def test_a_download_over_the_total_size_takes_nothing(tmp_path):
    app = zip_collect_app(tmp_path, max_total_bytes=1000)
    assert extract(app, (ALICE, b"a" * 600), (BOB, b"b" * 600)) == {}
    assert [kind for kind, _ in kinds(app)] == ["archive_too_large"]


def test_a_member_over_its_size_limit_is_skipped_and_the_others_kept(tmp_path):
    app = zip_collect_app(tmp_path, max_member_bytes=1000)
    assert extract(app, (ALICE, os.urandom(1001)), (BOB, b"bob's")) == {BOB: b"bob's"}
    assert kinds(app) == [("archive_too_large", "alice")]


def test_a_member_that_expands_past_the_ratio_is_skipped_and_the_others_kept(tmp_path):
    app = zip_collect_app(tmp_path)
    bomb = b"\0" * (2 << 20)  # 2 MiB of zeros deflate to about 2 KiB: a ratio of about 1000
    assert extract(app, (ALICE, bomb), (BOB, b"bob's")) == {BOB: b"bob's"}
    assert kinds(app) == [("archive_too_large", "alice")]


def test_a_large_member_that_does_not_compress_much_is_kept(tmp_path):
    app = zip_collect_app(tmp_path)
    large = os.urandom(2 << 20)
    assert extract(app, (ALICE, large)) == {ALICE: large}


# --- modes and names ---------------------------------------------------------------------------------

@pytest.fixture
def open_umask():
    """A grader whose umask lets everyone write: the modes written must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.parametrize("mode", [0o4755, 0o2755, 0o777, 0o100, 0o000])
def test_every_member_is_written_as_a_plain_0644_file(tmp_path, open_umask, mode):
    app = zip_collect_app(tmp_path)
    extract(app, (member(ALICE, stat.S_IFREG | mode), NOTEBOOK_BYTES))
    assert stat.S_IMODE(os.stat(extracted_folder(app) / ALICE).st_mode) == 0o644


def test_a_file_put_in_the_archive_folder_by_hand_is_copied_as_a_plain_0644_file(tmp_path, open_umask):
    app = zip_collect_app(tmp_path)
    loose = archive_folder(app) / ALICE
    loose.write_bytes(NOTEBOOK_BYTES)
    os.chmod(loose, 0o4777)
    app.extract_archive_files()
    assert stat.S_IMODE(os.stat(extracted_folder(app) / ALICE).st_mode) == 0o644


def test_a_korean_name_without_the_utf8_flag_is_read_as_utf8(tmp_path):
    app = zip_collect_app(tmp_path)
    name = download_name("김민지")
    assert extract(app, (NameWithoutUtf8Flag(name), NOTEBOOK_BYTES)) == {name: NOTEBOOK_BYTES}


def test_a_korean_name_with_the_utf8_flag_is_read_as_it_is(tmp_path):
    app = zip_collect_app(tmp_path)
    name = download_name("김민지")
    assert extract(app, (name, NOTEBOOK_BYTES)) == {name: NOTEBOOK_BYTES}


def test_a_name_without_the_flag_that_is_not_utf8_is_read_as_code_page_437(tmp_path):
    app = zip_collect_app(tmp_path)
    name = download_name("jose", "caf\u00e9.ipynb")  # é is byte 0x82 in code page 437: not valid UTF-8
    assert extract(app, (NameWithoutUtf8Flag(name, encoding="cp437"), NOTEBOOK_BYTES)) == {name: NOTEBOOK_BYTES}
