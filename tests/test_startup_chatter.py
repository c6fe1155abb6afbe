"""TensorFlow's start-up chatter is dropped line by line, and nothing else a cell wrote is.

The lines below are what ``import tensorflow`` (2.21) printed on an AMD EPYC with AVX-512 VNNI and
BF16, with ``TF_CPP_MIN_LOG_LEVEL`` at 2 (the first three) and unset (the rest): copied as they came.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.startup_chatter import (is_startup_chatter, outputs_without_startup_chatter, startup_chatter_hidden,
                                        without_startup_chatter)

ONEDNN = ("I0000 00:00:1796409837.723195    3707 port.cc:153] oneDNN custom operations are on. You may see slightly "
          "different numerical results due to floating-point round-off errors from different computation orders. "
          "To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.")
ABSL = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
CPU_FEATURES = ("I0000 00:00:1796409845.951253    3713 cpu_feature_guard.cc:227] This TensorFlow binary is optimized "
                "to use available CPU instructions in performance-critical operations.")
CPU_FEATURES_MORE = ("To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other "
                     "operations, rebuild TensorFlow with the appropriate compiler flags.")
# As it reads once absl's logging is set up (a date and a wall-clock time), with the source path.
ONEDNN_LATER = ("I1204 18:40:58.123456   12 tensorflow/core/util/port.cc:153] oneDNN custom operations are on. "
                "You may see slightly different numerical results.")
CHATTER = (ABSL, ONEDNN, ABSL, ONEDNN, CPU_FEATURES, CPU_FEATURES_MORE, ONEDNN_LATER)

# What is not chatter and must stay, whatever it looks like.
STUDENTS_OWN = ("my own warning: the loss went up", "oneDNN custom operations are on (I typed this)",
                "W0000 00:00:1796409837.723195    3707 conv_ops.cc:12] a real warning while a cell runs",
                "E0000 00:00:1796409837.723195    3707 port.cc:153] an error is never chatter",
                "  I0000 00:00:1796409837.723195    3707 port.cc:153] indented: not how absl writes",
                "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR, or not")


@pytest.mark.parametrize("line", CHATTER)
def test_each_known_start_up_line_is_chatter(line):
    assert is_startup_chatter(line)
    assert is_startup_chatter(line + "\r")


@pytest.mark.parametrize("line", STUDENTS_OWN)
def test_nothing_else_is_chatter(line):
    assert not is_startup_chatter(line)


def test_only_the_chatter_is_dropped_and_the_rest_kept_byte_for_byte():
    mixed = "\n".join([ABSL, ONEDNN, STUDENTS_OWN[0], ABSL, ONEDNN, *STUDENTS_OWN[1:], CPU_FEATURES,
                       CPU_FEATURES_MORE]) + "\nno newline at the end"
    assert without_startup_chatter(mixed) == "\n".join(STUDENTS_OWN) + "\nno newline at the end"


def test_text_without_chatter_is_returned_as_it_is():
    text = "line one\r\nline two\n\n  \n"
    assert without_startup_chatter(text) == text


def test_a_line_that_arrived_in_two_pieces_is_still_recognised():
    outputs = [{"output_type": "stream", "name": "stderr", "text": ABSL + "\n" + ONEDNN[:40]},
               {"output_type": "stream", "name": "stderr", "text": ONEDNN[40:] + "\nmine\n"},
               {"output_type": "stream", "name": "stdout", "text": ONEDNN + "\n"}]
    assert outputs_without_startup_chatter(outputs) == [
        {"output_type": "stream", "name": "stderr", "text": "mine\n"},
        {"output_type": "stream", "name": "stdout", "text": ONEDNN + "\n"}]  # stdout is never touched


def test_a_stderr_output_of_chatter_alone_disappears_and_other_outputs_stay_in_order():
    figure = {"output_type": "display_data", "data": {"image/png": "..."}, "metadata": {}}
    outputs = [{"output_type": "stream", "name": "stderr", "text": ABSL + "\n" + ONEDNN + "\n"}, figure,
               {"output_type": "stream", "name": "stderr", "text": "mine\n"}]
    assert outputs_without_startup_chatter(outputs) == [figure, {"output_type": "stream", "name": "stderr",
                                                                 "text": "mine\n"}]


FIGURE = {"output_type": "display_data", "data": {"image/png": "..."}, "metadata": {}}
STDOUT = {"output_type": "stream", "name": "stdout", "text": ONEDNN + "\n"}


def test_a_line_cut_on_both_sides_of_another_output_is_still_recognised():
    # ipykernel reads file descriptor 2 1000 bytes at a time: the rest of a cut line can be flushed
    # after the cell's execute_result, with the student's own stderr after it.
    result = {"output_type": "execute_result", "data": {"text/plain": "31"}, "metadata": {}, "execution_count": 1}
    cut = 60
    outputs = [{"output_type": "stream", "name": "stderr", "text": "mine first\n" + ABSL + "\n" + CPU_FEATURES_MORE[:cut]},
               result,
               {"output_type": "stream", "name": "stderr", "text": CPU_FEATURES_MORE[cut:] + "\n" + ONEDNN + "\nmine last\n"}]
    assert outputs_without_startup_chatter(outputs) == [
        {"output_type": "stream", "name": "stderr", "text": "mine first\n"}, result,
        {"output_type": "stream", "name": "stderr", "text": "mine last\n"}]


def test_a_cut_that_is_not_chatter_keeps_both_pieces_where_they_were():
    figure = FIGURE
    outputs = [{"output_type": "stream", "name": "stderr", "text": ONEDNN + "\nTo enable the following"},
               figure, {"output_type": "stream", "name": "stderr", "text": " things, I wrote this\n"}]
    assert outputs_without_startup_chatter(outputs) == [
        {"output_type": "stream", "name": "stderr", "text": "To enable the following"}, figure,
        {"output_type": "stream", "name": "stderr", "text": " things, I wrote this\n"}]


@given(lines=st.lists(st.sampled_from(CHATTER + STUDENTS_OWN + ("", "mine\r", "x" * 1200)), max_size=12),
       cuts=st.lists(st.tuples(st.integers(0, 4000), st.sampled_from([None, FIGURE, STDOUT])), max_size=6))
def test_however_stderr_is_cut_and_interleaved_what_is_kept_is_the_stream_without_its_chatter(lines, cuts):
    stream = "".join(line + "\n" for line in lines)
    outputs, last = [], 0
    for cut, between in sorted(cuts, key=lambda item: item[0]):
        cut = min(cut, len(stream))
        outputs.append({"output_type": "stream", "name": "stderr", "text": stream[last:cut]})
        if between is not None:
            outputs.append(dict(between))
        last = cut
    outputs.append({"output_type": "stream", "name": "stderr", "text": stream[last:]})
    others = [output for output in outputs if output["output_type"] != "stream" or output["name"] != "stderr"]
    kept = outputs_without_startup_chatter([dict(output) for output in outputs])
    stderr = [output for output in kept if output["output_type"] == "stream" and output["name"] == "stderr"]
    assert "".join(output["text"] for output in stderr) == without_startup_chatter(stream)
    assert all(output["text"] for output in stderr)  # no empty stderr output is left
    assert [output for output in kept if output not in stderr] == others  # the rest, in order, untouched
    assert all(not (a in stderr and b in stderr) for a, b in zip(kept, kept[1:]))  # adjacent ones joined


def test_the_set_up_cells_guard_passes_on_everything_but_the_chatter(capsys):
    # What the released notebooks' set-up cell does around `import tensorflow`: the C++ side writes
    # to file descriptor 2 directly, as absl does.
    with startup_chatter_hidden():
        os.write(2, ("\n".join(CHATTER) + "\n").encode())
        os.write(2, b"a C library's own complaint\n")
        print("python's own stderr goes through as usual", file=sys.stderr)
    captured = capsys.readouterr()
    assert captured.err == "python's own stderr goes through as usual\na C library's own complaint\n"


def test_the_guard_gives_file_descriptor_2_back(capfd):
    with startup_chatter_hidden():
        pass
    os.write(2, b"after the guard\n")
    assert capfd.readouterr().err == "after the guard\n"


def test_the_guard_lets_an_import_error_through():
    with pytest.raises(ModuleNotFoundError):
        with startup_chatter_hidden():
            import week12_no_such_module  # noqa: F401
