"""What a verb prints reads well where it is read: a bar and tables to the width on a terminal; in a
log (a CI job, ``| tee``, ``| cat``) tables at full width, nothing cut with "…", and progress as a
plain line now and then, never a carriage-return redraw."""

from __future__ import annotations

import fcntl
import io
import os
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.console import Console

from autograder.console import PROGRESS_QUIET_SECONDS, LineProgress, output_console, progress_display
from autograder.course import nbgrader_environment
from autograder.workflow.autograde import AutogradeResult, Submission
from autograder.workflow.summary import LateSubmission, summary_tables
from tests.submissions import answered_notebook, submit

HOMEWORK, NOTEBOOK = "week12-homework", "edge_filter.ipynb"
LONG_REASON = ("not graded: grader fault: the notebook's kernel did not start within 60 s "
               "(the course's kernelspec is not installed here: install it with python -m ipykernel install)")


def _results() -> tuple[list[AutogradeResult], list[LateSubmission]]:
    result = AutogradeResult(HOMEWORK, workers=2, seconds=181.0)
    graded = Submission("student-with-a-long-id-01", HOMEWORK, "edge_filter", Path("edge_filter.ipynb"))
    failed = Submission("student-with-a-long-id-02", HOMEWORK, "edge_filter", Path("edge_filter.ipynb"))
    result.graded.append(graded)
    result.failed[failed] = LONG_REASON
    return [result], [LateSubmission("student-with-a-long-id-01", HOMEWORK, 3 * 3600 + 5)]


def _printed(console: Console) -> str:
    for table in summary_tables(*_results()):
        console.print(table)
    return console.file.getvalue()


def test_in_a_log_the_summary_tables_are_printed_at_full_width():
    printed = _printed(output_console(io.StringIO()))
    assert max(len(line) for line in printed.splitlines()) > 80  # wider than rich's guess for a log
    assert "…" not in printed
    for whole in (HOMEWORK, f"{HOMEWORK}/edge_filter", "student-with-a-long-id-02", LONG_REASON):
        assert whole in printed


def _in_order(wanted: str, text: str) -> bool:
    """Whether every character of ``wanted`` is in ``text`` in the same order (other columns and
    borders may come between the pieces of a folded cell)."""
    rest = iter(text)
    return all(character in rest for character in wanted)


def test_on_a_narrow_terminal_a_summary_cell_is_folded_never_cut():
    printed = _printed(Console(file=io.StringIO(), width=60, force_terminal=True, color_system=None))
    assert "…" not in printed
    assert _in_order("".join(LONG_REASON.split()), "".join(printed.split()))


def test_in_a_log_progress_is_a_line_per_tenth_of_the_work():
    out = io.StringIO()
    display = progress_display(64, HOMEWORK, stdout=out, stderr=io.StringIO())
    for done in range(65):
        display.update(done)
    display.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert 9 <= len(lines) <= 11
    assert lines[-1].startswith(f"{HOMEWORK}: 64/64 notebooks graded (")


def test_in_a_log_progress_says_it_is_alive_after_a_quiet_minute():
    now = [0.0]
    out = io.StringIO()
    display = LineProgress(64, HOMEWORK, "notebook", "graded", out, clock=lambda: now[0])
    display.update(2)
    assert out.getvalue() == ""
    now[0] = PROGRESS_QUIET_SECONDS + 1
    display.update(2, "2 workers busy")
    assert out.getvalue() == f"{HOMEWORK}: 2/64 notebooks graded (1 min 1 s; 2 workers busy)\n"


def test_progress_that_ends_short_says_so_in_its_last_line():
    out = io.StringIO()
    display = progress_display(10, HOMEWORK, stdout=out, stderr=io.StringIO())
    display.update(8)
    display.close("2 not graded: see the summary")
    assert out.getvalue().splitlines()[-1].startswith(f"{HOMEWORK}: 8/10 notebooks graded (")
    assert out.getvalue().splitlines()[-1].endswith("; 2 not graded: see the summary)")


def test_on_a_terminal_progress_is_a_bar_that_redraws_itself():
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    terminal = os.fdopen(follower, "w")
    drawn = b""
    try:
        display = progress_display(4, HOMEWORK, stdout=terminal, stderr=terminal)
        for done in range(5):
            display.update(done)
        display.close()
        terminal.flush()
        while select.select([leader], [], [], 0.5)[0]:
            drawn += os.read(leader, 65536)
    finally:
        terminal.close()
        os.close(leader)
    assert b"\r" + HOMEWORK.encode() in drawn and b"4/4" in drawn


def test_nothing_is_shown_when_progress_is_off():
    out = io.StringIO()
    display = progress_display(4, HOMEWORK, show=False, stdout=out, stderr=out)
    display.update(4)
    display.close("done")
    assert out.getvalue() == ""


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_week12_autograde_into_a_pipe_shows_whole_names_and_a_few_progress_lines(own_release):
    course = own_release
    for student, answer in {"ana": "kernel = [[-1, -1], [1, 1]]", "ben": "kernel = [[1, 1], [-1, -1]]",
                            "cho": "kernel = [[-1, 0], [0, 1]]"}.items():
        submit(course, student, HOMEWORK,
               {NOTEBOOK: answered_notebook(course, HOMEWORK, NOTEBOOK, {"edge_kernel": answer})})
    week12 = str(Path(sys.executable).parent / "week12")
    done = subprocess.run([week12, "autograde", HOMEWORK, "--workers", "2", "--force"], cwd=course.root,
                          env={**nbgrader_environment(), "COLUMNS": "80"}, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout + done.stderr
    assert "\r" not in printed and "…" not in printed
    assert f"│ {HOMEWORK} " in done.stdout  # the whole name, in the summary table
    progress = [line for line in done.stdout.splitlines() if line.startswith(f"{HOMEWORK}: ")]
    assert 1 <= len(progress) < 50
    assert progress[-1].startswith(f"{HOMEWORK}: 3/3 notebooks graded (")
