"""The runner's client (``autograder.inside.runner.CappedOutputClient``), without a kernel.

What a kernel publishes reaches nbclient as IOPub messages; here they are made with
jupyter_client's own ``Session`` and handed to the client's ``process_message`` as nbclient's
execution loop hands them over. The rest of the runner (starting the kernel, timeouts, a dying
kernel, the result pipe) needs a kernel and a sandbox: tests/sandbox/ and tests/hostile/ run it.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from jupyter_client.session import Session

from autograder.answers.protocol import ANSWER_MEDIA_TYPE, MAX_ANSWER_BYTES, OUTPUT_MESSAGES, message_size
from autograder.inside.runner import CappedOutputClient
from autograder.record.merge import capped_outputs

CAP = 1000
SESSION = Session()
REQUEST = SESSION.msg("execute_request", {"code": ""})  # the parent of what a cell publishes


def published(msg_type: str, **content) -> dict:
    return SESSION.msg(msg_type, content, parent=REQUEST)


def printed(text: str) -> dict:
    return published("stream", name="stdout", text=text)


def displayed(data: dict) -> dict:
    return published("display_data", data=data, metadata={})


@pytest.fixture
def client():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("flood()"), nbformat.v4.new_code_cell("quiet()")])
    return CappedOutputClient(nb, cell_output_chars=CAP, language="en")


def run(client, index: int, *messages) -> list:
    """Hand ``messages`` to the client as nbclient's ``execute_cell`` does for the cell ``index``
    once the kernel was asked to run it (it starts the cell's outputs afresh, then reads IOPub)."""
    cell = client.nb.cells[index]
    cell.outputs, client.clear_before_next_output = [], False
    for message in messages:
        client.process_message(message, cell, index)
    return cell.outputs


def texts(outputs) -> list[str]:
    return [output.get("text") for output in outputs]


def test_output_within_the_cap_is_kept(client):
    assert texts(run(client, 0, printed("a" * 500), printed("b" * 500))) == ["a" * 500, "b" * 500]


def test_a_flood_stops_at_the_cap_with_one_notice(client):
    outputs = run(client, 0, *(printed("x" * 100) for _ in range(1000)))
    notice = OUTPUT_MESSAGES.message("output_truncated", "en")
    assert texts(outputs).count(notice) == 1 and outputs[-1].text == notice
    assert sum(message_size(output) for output in outputs[:-1]) <= CAP


def test_one_message_over_the_cap_is_not_kept(client):
    outputs = run(client, 0, printed("x" * (CAP + 1)))
    assert texts(outputs) == [OUTPUT_MESSAGES.message("output_truncated", "en")]


def test_pictures_count_their_data(client):
    outputs = run(client, 0, displayed({"image/png": "A" * (CAP + 1), "text/plain": "<Figure>"}))
    assert texts(outputs) == [OUTPUT_MESSAGES.message("output_truncated", "en")]


def test_the_cap_is_per_cell(client):
    run(client, 0, *(printed("x" * 100) for _ in range(20)))
    assert texts(run(client, 1, printed("still shown"))) == ["still shown"]


def test_the_notice_is_in_the_course_language():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("flood()")])
    korean = CappedOutputClient(nb, cell_output_chars=CAP, language="ko")
    assert texts(run(korean, 0, printed("x" * (CAP + 1)))) == [OUTPUT_MESSAGES.message("output_truncated", "ko")]


def test_what_the_runner_keeps_the_grader_keeps_too(client):
    """Both sides count output the same way (``message_size``): the grader's cap, applied again,
    leaves what the runner kept as it is."""
    kept = run(client, 0, printed("a" * 300), displayed({"text/plain": "b" * 300}), printed("c" * 500))
    assert capped_outputs(kept, CAP, "en") == kept


# --- a graded cell's answer -------------------------------------------------------------------------

def test_a_graded_cells_answer_is_taken_out_of_its_outputs(client):
    answer = json.dumps({"value": 42})
    outputs = run(client, 0, printed("before"), displayed({ANSWER_MEDIA_TYPE: answer}), printed("after"))
    assert client.answers == {0: answer} and texts(outputs) == ["before", "after"]


def test_an_answer_does_not_count_against_the_output_cap(client):
    outputs = run(client, 0, displayed({ANSWER_MEDIA_TYPE: "x" * (CAP * 10)}), printed("a" * CAP))
    assert texts(outputs) == ["a" * CAP]


def test_an_answer_over_max_answer_bytes_is_none(client):
    run(client, 0, displayed({ANSWER_MEDIA_TYPE: "가" * (MAX_ANSWER_BYTES // 3 + 1)}))
    assert client.answers == {0: None}


@pytest.mark.parametrize("answer", [{"value": 42}, 42, None])
def test_an_answer_that_is_not_text_is_none(client, answer):
    run(client, 0, displayed({ANSWER_MEDIA_TYPE: answer}))
    assert client.answers == {0: None}


def test_a_later_display_of_the_answer_type_replaces_the_earlier(client):
    run(client, 0, displayed({ANSWER_MEDIA_TYPE: "first"}), displayed({ANSWER_MEDIA_TYPE: "second"}))
    assert client.answers == {0: "second"}
