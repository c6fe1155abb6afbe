"""Reading back a sandboxed run's report (``autograder.run.readback``), from forged reports.

The runner reports on a pipe, one JSON line per event; student code runs as the same user and can
write lines of its own or cut the report short. Each test here hands the read-back a report such
code could send (broken lines, answers for cells that are not graded, answers and notebooks over
their caps, duplicate lines, a run that never started its kernel) and checks what is kept. No
sandbox, kernel or nbgrader command: the bytes are the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.answers.protocol import MAX_ANSWER_BYTES
from autograder.run.readback import read_report
from autograder.run.run_records import RunSettings
from autograder.run.sandbox_run import NOT_FINISHED, GraderFault, _interpret
from autograder.sandbox import SandboxLimits

GRADED = ("test_answer", "test_ratio")
NOTEBOOK_TEXT = (Path(__file__).parent / "fixtures" / "graded.ipynb").read_text(encoding="utf-8")
SETTINGS = RunSettings(cell_timeout=10, cell_output_chars=1000, max_notebook_bytes=len(NOTEBOOK_TEXT.encode()),
                       limits=SandboxLimits())


def line(event: str, **fields) -> bytes:
    return json.dumps({"event": event, **fields}).encode("utf-8")


def report(*lines: bytes) -> bytes:
    return b"\n".join(lines) + b"\n"


def answer(grade_id, text='{"value": 42}') -> bytes:
    return line("answer", grade_id=grade_id, text=text)


STARTED = (line("started"), line("kernel_started"))
FINISHED = line("finished", notebook=NOTEBOOK_TEXT, report={"finished": True})


def test_a_whole_report_gives_every_answer_and_the_executed_notebook():
    read = read_report(report(*STARTED, answer("test_answer", "1"), answer("test_ratio", "2"), FINISHED),
                       SETTINGS, GRADED)
    assert (read.started, read.kernel_started, read.kernel_error) == (True, True, None)
    assert read.answers == {"test_answer": "1", "test_ratio": "2"}
    assert read.executed_json == NOTEBOOK_TEXT and read.dropped == []


def test_a_graded_cell_that_sent_no_answer_reads_as_none():
    read = read_report(report(*STARTED, answer("test_answer"), FINISHED), SETTINGS, GRADED)
    assert read.answers == {"test_answer": '{"value": 42}', "test_ratio": None}


@pytest.mark.parametrize("broken", [
    b"not json at all",
    b"\xff\xfe\x00 not utf-8",
    b'{"event": "answer", "grade_id": "test_ratio", "text": "cut',  # a line cut short
    b'["answer", "test_ratio", "1"]',  # JSON, but not an event
    b'"answer"',
    b"[" * 100_000 + b"]" * 100_000,  # nested past the parser's recursion limit
    b"",
], ids=["text", "not-utf8", "cut-short", "a-list", "a-string", "deep-nesting", "empty"])
def test_a_broken_line_is_skipped_and_the_rest_is_read(broken):
    read = read_report(report(*STARTED, answer("test_answer", "1"), broken, answer("test_ratio", "2"), FINISHED),
                       SETTINGS, GRADED)
    assert read.answers == {"test_answer": "1", "test_ratio": "2"}
    assert read.executed_json == NOTEBOOK_TEXT


@pytest.mark.parametrize("grade_id", ["setup", "answer", "test_bonus", ""])
def test_an_answer_for_a_cell_that_is_not_graded_is_not_kept(grade_id):
    read = read_report(report(*STARTED, answer(grade_id), FINISHED), SETTINGS, GRADED)
    assert read.answers == {"test_answer": None, "test_ratio": None}


@pytest.mark.parametrize("grade_id", [["test_answer"], {"test_answer": 1}, 5, None])
def test_an_answer_whose_grade_id_is_not_a_name_is_skipped(grade_id):
    read = read_report(report(*STARTED, answer("test_answer", "1"), line("answer", grade_id=grade_id, text="2"),
                              FINISHED), SETTINGS, GRADED)
    assert read.answers == {"test_answer": "1", "test_ratio": None}


def test_an_answer_over_max_answer_bytes_is_dropped_and_the_reason_names_its_cell():
    read = read_report(report(*STARTED, answer("test_ratio", "x" * (MAX_ANSWER_BYTES + 1)), FINISHED),
                       SETTINGS, GRADED)
    assert read.answers["test_ratio"] is None
    assert len(read.dropped) == 1 and "test_ratio" in read.dropped[0]


def test_an_answer_of_exactly_max_answer_bytes_is_kept():
    text = "x" * MAX_ANSWER_BYTES
    read = read_report(report(*STARTED, answer("test_ratio", text), FINISHED), SETTINGS, GRADED)
    assert read.answers["test_ratio"] == text and read.dropped == []


def test_the_answer_cap_counts_utf8_bytes_not_characters():
    text = "가" * (MAX_ANSWER_BYTES // 3 + 1)  # fewer characters than the cap, 3 bytes each
    assert len(text) < MAX_ANSWER_BYTES < len(text.encode("utf-8"))
    read = read_report(report(*STARTED, answer("test_ratio", text), FINISHED), SETTINGS, GRADED)
    assert read.answers["test_ratio"] is None


@pytest.mark.parametrize("text", [{"value": 42}, ["42"], 42])
def test_an_answer_that_is_not_text_is_not_kept(text):
    read = read_report(report(*STARTED, line("answer", grade_id="test_ratio", text=text), FINISHED), SETTINGS, GRADED)
    assert read.answers["test_ratio"] is None


def test_an_executed_notebook_over_the_cap_is_dropped_with_the_reason():
    settings = RunSettings(10, 1000, max_notebook_bytes=SETTINGS.max_notebook_bytes - 1, limits=SandboxLimits())
    read = read_report(report(*STARTED, answer("test_answer", "1"), FINISHED), settings, GRADED)
    assert read.executed_json is None and len(read.dropped) == 1
    assert read.answers["test_answer"] == "1"  # what came before is still read


def test_an_executed_notebook_of_exactly_the_cap_is_kept():
    read = read_report(report(*STARTED, FINISHED), SETTINGS, GRADED)
    assert read.executed_json == NOTEBOOK_TEXT


@pytest.mark.parametrize("notebook", [None, 42, {"cells": []}])
def test_an_executed_notebook_that_is_not_text_is_not_kept(notebook):
    read = read_report(report(*STARTED, line("finished", notebook=notebook)), SETTINGS, GRADED)
    assert read.executed_json is None


def test_a_cells_last_answer_line_is_its_answer_and_no_cell_is_added():
    """A line forged before the runner's own comes first, one forged after it last: the order gives
    student code nothing it could not get by computing that answer in its own cell."""
    forged = (answer("test_answer", "forged"), answer("test_bonus", "forged"))
    read = read_report(report(*STARTED, answer("test_answer", "real"), *forged, FINISHED), SETTINGS, GRADED)
    assert read.answers == {"test_answer": "forged", "test_ratio": None}


def test_a_forged_duplicate_over_the_cap_leaves_the_cell_without_an_answer():
    read = read_report(report(*STARTED, answer("test_answer", "real"),
                              answer("test_answer", "x" * (MAX_ANSWER_BYTES + 1)), FINISHED), SETTINGS, GRADED)
    assert read.answers["test_answer"] is None


def test_a_kernel_failure_sent_after_the_kernel_started_is_ignored():
    read = read_report(report(*STARTED, line("kernel_failed", error="forged"), FINISHED), SETTINGS, GRADED)
    assert read.kernel_error is None


# --- what the run comes to (``sandbox_run._interpret``: the read-back's verdict on the run) ---------

def test_a_report_that_never_said_kernel_started_is_a_grader_fault_whatever_else_it_says():
    forged = report(line("started"), answer("test_answer", "1"), FINISHED)
    with pytest.raises(GraderFault):
        _interpret(read_report(forged, SETTINGS, GRADED), None, "")


def test_a_runner_that_never_said_it_started_is_a_grader_fault():
    with pytest.raises(GraderFault):
        _interpret(read_report(b"", SETTINGS, GRADED), "exit code 1", "")


def test_a_kernel_that_failed_to_start_is_a_grader_fault_with_its_error():
    failed = report(line("started"), line("kernel_failed", error="NoSuchKernel: python3"))
    with pytest.raises(GraderFault, match="NoSuchKernel: python3"):
        _interpret(read_report(failed, SETTINGS, GRADED), None, "")


def test_a_whole_run_comes_back_with_no_note():
    run = _interpret(read_report(report(*STARTED, answer("test_answer", "1"), FINISHED), SETTINGS, GRADED), None, "")
    assert (run.executed_json, run.note, run.answers) == (NOTEBOOK_TEXT, None, {"test_answer": "1", "test_ratio": None})


def test_a_run_cut_short_after_its_kernel_started_keeps_its_answers_and_says_it_did_not_finish():
    run = _interpret(read_report(report(*STARTED, answer("test_answer", "1")), SETTINGS, GRADED), None, "")
    assert (run.executed_json, run.note, run.answers["test_answer"]) == (None, NOT_FINISHED, "1")


def test_what_was_dropped_is_the_runs_note():
    too_big = report(*STARTED, answer("test_ratio", "x" * (MAX_ANSWER_BYTES + 1)), FINISHED)
    read = read_report(too_big, SETTINGS, GRADED)
    assert _interpret(read, None, "").note == read.dropped[0]


def test_the_sandboxs_own_problem_comes_before_what_was_dropped():
    too_big = report(*STARTED, answer("test_ratio", "x" * (MAX_ANSWER_BYTES + 1)), FINISHED)
    run = _interpret(read_report(too_big, SETTINGS, GRADED), "killed after the wall-clock limit of 900 s", "")
    assert run.note == "killed after the wall-clock limit of 900 s"
