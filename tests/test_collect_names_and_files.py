"""The collect stage's small rules: safe student ids, notebook name variants, regular files only."""

from __future__ import annotations

import os
import stat

import pytest

from autograder.collect.names import expected_notebook, safe_student_id
from autograder.collect.regular_files import copy_regular_tree, drop_non_regular, non_regular

EXPECTED = ["edge_filter.ipynb"]


@pytest.mark.parametrize("name", ["edge_filter.ipynb", "Copy of edge_filter.ipynb", "edge_filter (1).ipynb",
                                  "edge_filter (12).ipynb", "edge_filter-1.ipynb", "edge_filter_2.ipynb",
                                  "EDGE_FILTER.ipynb", "copy of Copy of edge_filter (2).ipynb", "edge_filter.IPYNB"])
def test_common_variants_name_the_expected_notebook(name):
    assert expected_notebook(name, EXPECTED) == "edge_filter.ipynb"


@pytest.mark.parametrize("name", ["conv_lab.ipynb", "edge.ipynb", "edge_filter.txt", "edge_filter.ipynb.zip",
                                  "my edge_filter.ipynb", "edge_filterx.ipynb"])
def test_other_names_are_not_the_expected_notebook(name):
    assert expected_notebook(name, EXPECTED) is None


def test_a_numbered_expected_name_is_still_itself():
    assert expected_notebook("hw_1 (1).ipynb", ["hw_1.ipynb", "hw_2.ipynb"]) == "hw_1.ipynb"
    assert expected_notebook("hw.ipynb", ["hw_1.ipynb", "hw_2.ipynb"]) is None


@pytest.mark.parametrize("student", ["s01-minji", "kim.min@uni", "민지", "20261234", "A+b"])
def test_ordinary_ids_are_safe(student):
    assert safe_student_id(student)


@pytest.mark.parametrize("student", ["..", "a/b", ".hidden", "x..y", "", "a" * 65, "_x", "a\\b", "a b", "a\0b"])
def test_ids_that_would_write_elsewhere_are_not(student):
    assert not safe_student_id(student)


def test_only_regular_files_are_copied_and_with_plain_modes(tmp_path):
    source, outside = tmp_path / "source", tmp_path / "outside.txt"
    (source / "sub").mkdir(parents=True)
    outside.write_text("secret")
    (source / "notebook.ipynb").write_text("{}")
    os.chmod(source / "notebook.ipynb", 0o4755)
    (source / "sub" / "data.csv").write_text("1,2")
    (source / "link.txt").symlink_to(outside)
    (source / "linked-dir").symlink_to(tmp_path)
    os.mkfifo(source / "fifo")
    skipped = copy_regular_tree(source, tmp_path / "copy")
    assert {path.name for path in skipped} == {"link.txt", "linked-dir", "fifo"}
    copied = sorted(str(path.relative_to(tmp_path / "copy")) for path in (tmp_path / "copy").rglob("*"))
    assert copied == ["notebook.ipynb", "sub", "sub/data.csv"]
    assert stat.S_IMODE((tmp_path / "copy" / "notebook.ipynb").stat().st_mode) == 0o644


def test_dropping_removes_the_links_not_their_targets(tmp_path):
    (tmp_path / "tree" / "student").mkdir(parents=True)
    (tmp_path / "target.txt").write_text("keep me")
    (tmp_path / "tree" / "student" / "link").symlink_to(tmp_path / "target.txt")
    os.mkfifo(tmp_path / "tree" / "fifo")
    assert len(non_regular(tmp_path / "tree")) == 2
    assert len(drop_non_regular(tmp_path / "tree")) == 2
    assert non_regular(tmp_path / "tree") == [] and (tmp_path / "target.txt").read_text() == "keep me"
