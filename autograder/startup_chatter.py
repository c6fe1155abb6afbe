"""TensorFlow's start-up chatter: what its C++ side writes to stderr as it loads, and only that.

On processors where TensorFlow turns on oneDNN's custom operations (AVX-512 VNNI or BF16: many
AMD EPYC and recent Intel servers, Colab's among them), ``import tensorflow`` writes

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796409837.723195    3707 port.cc:153] oneDNN custom operations are on. ...

even with ``TF_CPP_MIN_LOG_LEVEL=2``: absl writes its messages from before its logging is set up
straight to file descriptor 2, whatever the level. With a lower level, ``cpu_feature_guard.cc``
adds which CPU instructions the build could use. None of it is the student's: it depends on the
processor, and it appears in a cold run (the kernel imports TensorFlow) but not in a warm one (the
warm parent imported it), so the same notebook would show different output on different machines
or paths.

Where TensorFlow can be told, it is (``TF_CPP_MIN_LOG_LEVEL=2`` in every kernel the course starts).
What absl prints before that setting can apply is dropped *line by line*, by exact patterns for
these messages only: any other line, a student's own ``print(..., file=sys.stderr)`` included,
is kept byte for byte. Numerics are left alone (oneDNN stays on: grades are the same either way,
``tests/test_onednn_grades.py``).

Used in two places, one code: the notebook runner filters each cell's captured stderr (cold and
warm runs alike), and the released notebooks' set-up cell imports TensorFlow inside
:func:`startup_chatter_hidden`, which holds back what the C++ side writes meanwhile and passes on
everything but the chatter (this file is also embedded in the notebooks' offline-tools cell, so it
works on Colab or a laptop without the course package: standard library only).
"""

import contextlib
import os
import re
import sys
import tempfile

# absl's own notice, written once before its first pre-initialisation message.
_ABSL_NOTICE = r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
# An absl/TensorFlow log line: severity and date (I0000), time, thread, then the source file that
# wrote it. Only the files that report on the machine at start-up are chatter; a log line from any
# other file (a real warning of TensorFlow's while a cell runs) is kept.
_LOG_PREFIX = r"[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ "
_STARTUP_FILES = r"(?:port\.cc|cpu_feature_guard\.cc)"
STARTUP_LINE = re.compile(
    rf"(?:{_ABSL_NOTICE}"
    rf"|{_LOG_PREFIX}(?:[\w./-]*/)?{_STARTUP_FILES}:\d+\] .*"
    # cpu_feature_guard's message goes on over a second line.
    r"|To enable the following instructions: [A-Z0-9_ ,]+, in other operations, rebuild TensorFlow with the "
    r"appropriate compiler flags\.)\r?")


def is_startup_chatter(line):
    """Whether ``line`` (without its newline) is one of TensorFlow's known start-up lines."""
    return STARTUP_LINE.fullmatch(line) is not None


def _startup_line_spans(text):
    """(start, end) of each start-up line in ``text``, its newline included."""
    if "] " not in text and "absl::" not in text and "rebuild TensorFlow" not in text:
        return []  # the common case, checked cheaply
    spans, position = [], 0
    for line in text.splitlines(keepends=True):
        if is_startup_chatter(line.rstrip("\n")):
            spans.append((position, position + len(line)))
        position += len(line)
    return spans


def without_startup_chatter(text):
    """``text`` without TensorFlow's start-up lines; every other line, and every newline of the
    lines kept, exactly as it was."""
    for start, end in reversed(_startup_line_spans(text)):
        text = text[:start] + text[end:]
    return text


def _is_stderr(output):
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


def outputs_without_startup_chatter(outputs):
    """A cell's outputs (nbformat dicts) with the chatter taken out of its stderr streams.

    A cell's stderr is one byte stream, however the kernel cut it into messages: ipykernel forwards
    file descriptor 2 in 1000-byte reads, and a line cut by one of them can be flushed on both sides
    of the cell's other outputs (its ``execute_result`` above all, published at the end). So the
    lines are found in all the cell's stderr text together, and a chatter line is removed from
    every piece it spans. Adjacent stderr outputs are then joined, as Jupyter shows them, and a
    stderr output left empty is dropped. Nothing else is touched."""
    dropped = _startup_line_spans("".join(output.get("text", "") for output in outputs if _is_stderr(output)))
    kept = []
    position = 0
    for output in outputs:
        if not _is_stderr(output):
            kept.append(output)
            continue
        text = output.get("text", "")
        start, end = position, position + len(text)
        position = end
        for cut_start, cut_end in reversed(dropped):
            low, high = max(cut_start, start), min(cut_end, end)
            if low < high:
                text = text[:low - start] + text[high - start:]
        if kept and _is_stderr(kept[-1]):
            kept[-1]["text"] = kept[-1]["text"] + text
        else:
            output["text"] = text
            kept.append(output)
    return [output for output in kept if not _is_stderr(output) or output["text"]]


@contextlib.contextmanager
def startup_chatter_hidden():
    """Run the block (``import tensorflow``) with file descriptor 2 held back; afterwards write
    to ``sys.stderr`` everything the block's C and C++ code wrote there except the start-up
    chatter. Python's own warnings go through ``sys.stderr`` as usual. Where file descriptor 2
    cannot be redirected, the block runs as it is."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    held = tempfile.TemporaryFile()
    try:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            held.seek(0)
            left = without_startup_chatter(held.read().decode("utf-8", errors="replace"))
            if left:
                sys.stderr.write(left)
                sys.stderr.flush()
    finally:
        os.close(saved)
        held.close()
