"""Writing a judged run back into the notebook nbgrader grades (``autograder.record.merge``).

As nbgrader's per-preprocessor tests do: a small fixture notebook in (``fixtures/graded.ipynb``:
a submission as nbgrader hands it to the grading step, its test cells holding hidden tests), the
sandbox's input made from it by the real ``prepare_run``, an executed notebook forged from that
input as student code could forge it, one merge, the notebook out compared. No sandbox, kernel
or nbgrader command.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.answers.protocol import OUTPUT_MESSAGES, RUN_METADATA_KEY, message_size
from autograder.exercises.base import Judgement
from autograder.judging.messages import GRADING_MESSAGES
from autograder.record.graded_outputs import graded_outputs, no_judgement
from autograder.record.merge import NOT_A_NOTEBOOK, capped_outputs, merge_run, read_executed, run_note_of
from autograder.run.prepare import graded_code_cells, prepare_run
from autograder.run.run_records import RunSettings
from autograder.sandbox import SandboxLimits

FIXTURE = Path(__file__).parent / "fixtures" / "graded.ipynb"
CAP = 1000
SETTINGS = RunSettings(cell_timeout=10, cell_output_chars=CAP, max_notebook_bytes=10_000_000, limits=SandboxLimits())
LANGUAGE = "en"
NOTICE = OUTPUT_MESSAGES.message("output_truncated", LANGUAGE)
PASSED = Judgement("test_answer", 1.0)
HALF = Judgement("test_ratio", 0.5, message="half of it", partial_credit=True)
HIDDEN_TRACES = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "not the answer", "not the ratio")


def stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


@pytest.fixture
def submission():
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture
def sent(submission):
    """The notebook the sandbox was given for ``submission`` (graded cells replaced by captures)."""
    return nbformat.reads(prepare_run(submission, True, SETTINGS).notebook_text, as_version=4)


def cell(nb, cell_id: str):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def merged(submission, executed, judgements=(PASSED, HALF), note=None, cap=CAP):
    """Read ``executed`` back as its text and merge it into ``submission``, as the grading step does."""
    back, invalid = read_executed(nbformat.writes(executed) if executed is not None else None)
    assert invalid is None
    merge_run(submission, back, graded_code_cells(submission), {j.grade_id: j for j in judgements},
              run_note_of(back, note, LANGUAGE), LANGUAGE, cap)
    return submission


# --- the caps, applied again ---------------------------------------------------------------------

def test_outputs_within_the_cap_are_kept_as_they_came(submission, sent):
    outputs = [stream("step 0\n"), stream("step 1\n"), stream("step 2\n")]
    cell(sent, "scratch").outputs = outputs
    assert cell(merged(submission, sent), "scratch").outputs == outputs


def test_outputs_past_cell_output_chars_are_cut_with_the_notice(submission, sent):
    cell(sent, "scratch").outputs = [stream("a" * 400), stream("b" * 400), stream("c" * 400), stream("d" * 400)]
    assert cell(merged(submission, sent), "scratch").outputs == [stream("a" * 400), stream("b" * 400), stream(NOTICE)]


def test_one_output_larger_than_the_cap_is_replaced_by_the_notice(submission, sent):
    cell(sent, "scratch").outputs = [stream("x" * 1_000_000)]
    assert cell(merged(submission, sent), "scratch").outputs == [stream(NOTICE)]


def test_a_picture_counts_its_data(submission, sent):
    picture = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo" * 200})
    cell(sent, "scratch").outputs = [stream("before\n"), picture]
    assert message_size(picture) > CAP
    assert cell(merged(submission, sent), "scratch").outputs == [stream("before\n"), stream(NOTICE)]


def test_an_error_counts_its_traceback(submission, sent):
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=["frame\n" * 200])
    cell(sent, "scratch").outputs = [error]
    assert message_size(error) > CAP
    assert cell(merged(submission, sent), "scratch").outputs == [stream(NOTICE)]


def test_the_cap_is_the_graders_setting_not_what_the_runner_was_told(submission, sent):
    cell(sent, "scratch").outputs = [stream("a" * 400), stream("b" * 400)]
    assert cell(merged(submission, sent, cap=500), "scratch").outputs == [stream("a" * 400), stream(NOTICE)]


def test_capped_outputs_use_the_course_language():
    assert capped_outputs([stream("x" * 20)], 10, "ko") == [stream(OUTPUT_MESSAGES.message("output_truncated", "ko"))]


# --- what a forged executed notebook cannot do ---------------------------------------------------

def test_a_cell_whose_source_differs_from_the_one_sent_gets_none_of_its_outputs(submission, sent):
    forged = cell(sent, "scratch")
    forged.source = 'print("something else")'
    forged.outputs, forged.execution_count = [stream("something else\n")], 3
    scratch = cell(merged(submission, sent), "scratch")
    assert (scratch.outputs, scratch.execution_count) == ([], None)


def test_a_cell_missing_from_the_executed_notebook_gets_no_outputs(submission, sent):
    cell(sent, "answer").outputs = [stream("the answer is 42\n")]
    sent.cells = [c for c in sent.cells if c.get("id") != "scratch"]
    result = merged(submission, sent)
    assert cell(result, "scratch").outputs == [] and cell(result, "answer").outputs == [stream("the answer is 42\n")]


def test_a_cell_that_ran_keeps_its_execution_count(submission, sent):
    cell(sent, "answer").execution_count = 7
    assert cell(merged(submission, sent), "answer").execution_count == 7


def test_an_executed_notebook_that_breaks_nbformats_schema_is_refused_whole(sent):
    cell(sent, "answer").execution_count = 7
    forged = nbformat.writes(sent).replace('"execution_count": 7', '"execution_count": "7; rm -rf /"')
    assert read_executed(forged) == (None, NOT_A_NOTEBOOK)


def test_a_script_a_student_displayed_is_not_kept_as_script(submission, sent):
    cell(sent, "scratch").outputs = [nbformat.v4.new_output("display_data", data={
        "application/javascript": "fetch('/steal')", "text/html": "<script>alert(1)</script><b>hi</b>"})]
    (kept,) = cell(merged(submission, sent), "scratch").outputs
    assert "application/javascript" not in kept.data and "<script" not in kept.data["text/html"]


def test_graded_cells_get_only_the_judged_outputs(submission, sent):
    claims = [nbformat.v4.new_output("execute_result", data={"text/plain": "3.0"}, execution_count=9),
              stream("✓ visible and hidden tests passed\n")]
    for grade_id in ("test_answer", "test_ratio"):
        cell(sent, grade_id).outputs = claims
    result = merged(submission, sent, judgements=(Judgement("test_answer", 0.0, message="wrong"), HALF))
    assert cell(result, "test_answer").outputs == graded_outputs(Judgement("test_answer", 0.0, message="wrong"), 2,
                                                                 None, LANGUAGE)
    assert cell(result, "test_ratio").outputs == graded_outputs(HALF, 3, None, LANGUAGE)


def test_nbgrader_reads_the_judged_points_from_the_graded_cells(submission, sent):
    result = merged(submission, sent, judgements=(Judgement("test_answer", 0.0, message="wrong"), HALF))
    assert determine_grade(cell(result, "test_answer")) == (0, 2)
    assert determine_grade(cell(result, "test_ratio")) == (1.5, 3)


def test_a_graded_cell_with_no_judgement_gets_nothing_and_says_so(submission, sent):
    result = merged(submission, sent, judgements=(HALF,))
    assert cell(result, "test_answer").outputs == graded_outputs(no_judgement("test_answer", LANGUAGE), 2, None,
                                                                 LANGUAGE)
    assert determine_grade(cell(result, "test_answer")) == (0, 2)


def test_graded_cells_never_show_hidden_test_source(submission, sent):
    assert all(trace in cell(submission, "test_answer").source for trace in HIDDEN_TRACES[:3])
    result = merged(submission, sent)
    for grade_id in ("test_answer", "test_ratio"):
        source = cell(result, grade_id).source
        assert [trace for trace in HIDDEN_TRACES if trace in source] == []
        assert source.startswith("assert isinstance(answer, int)" if grade_id == "test_answer" else "assert 0 <= ratio")


def test_no_hidden_test_source_reaches_the_sandbox(submission):
    text = prepare_run(submission, True, SETTINGS).notebook_text
    assert [trace for trace in HIDDEN_TRACES if trace in text] == []


def forged_cell(**fields) -> str:
    cell = {"cell_type": "code", "id": "answer", "metadata": {}, "source": "answer = 42", "execution_count": None,
            "outputs": [], **fields}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize("text", ['{"cells": "forged"', "", "null",
                                  '{"cells": [{"cell_type": "code", "source": 1}], "nbformat": 4}',
                                  forged_cell(outputs=[{"output_type": "forged"}]), forged_cell(cell_type="script")],
                         ids=["cut-short", "empty", "null", "not-nbformat", "unknown-output", "unknown-cell"])
def test_an_executed_notebook_that_is_not_a_valid_notebook_is_refused_and_says_why(text):
    assert read_executed(text) == (None, NOT_A_NOTEBOOK)


def test_without_an_executed_notebook_no_code_cell_shows_outputs_but_graded_cells_are_judged(submission):
    result = merged(submission, None)
    assert [c.outputs for c in result.cells if c.cell_type == "code" and c.id not in ("test_answer", "test_ratio")] == \
        [[], [], [], []]
    assert cell(result, "test_ratio").outputs == graded_outputs(HALF, 3, None, LANGUAGE)


# --- the kernel-died note --------------------------------------------------------------------------

def test_a_kernel_that_died_is_told_on_graded_cells_that_lost_points(submission, sent):
    sent.metadata[RUN_METADATA_KEY] = {"finished": False, "kernel_died_at": "ratio"}
    died = GRADING_MESSAGES.message("kernel_died", LANGUAGE, cell="ratio")
    result = merged(submission, sent, judgements=(PASSED, Judgement("test_ratio", 0.0, message="no ratio",
                                                                    partial_credit=True)))
    assert died in "".join(output.get("text", "") for output in cell(result, "test_ratio").outputs)
    assert cell(result, "test_answer").outputs == graded_outputs(PASSED, 2, died, LANGUAGE)  # full marks: no note


def test_the_kernel_died_note_takes_the_place_of_the_runs_own_note(sent):
    sent.metadata[RUN_METADATA_KEY] = {"kernel_died_at": "ratio"}
    assert run_note_of(sent, "the notebook run did not finish", LANGUAGE) == GRADING_MESSAGES.message(
        "kernel_died", LANGUAGE, cell="ratio")


def test_a_forged_kernel_died_cell_name_is_cut_short(sent):
    sent.metadata[RUN_METADATA_KEY] = {"kernel_died_at": "x" * 10_000}
    assert run_note_of(sent, None, LANGUAGE) == GRADING_MESSAGES.message("kernel_died", LANGUAGE, cell="x" * 80)


@pytest.mark.parametrize("report", [None, "died", ["kernel_died_at"], {"kernel_died_at": None}])
def test_a_run_report_that_says_no_death_leaves_the_runs_note(sent, report):
    sent.metadata[RUN_METADATA_KEY] = report
    assert run_note_of(sent, "the run's own note", LANGUAGE) == "the run's own note"
