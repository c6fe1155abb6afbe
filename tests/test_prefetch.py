"""The hand-over of sandbox runs from the worker pool to nbgrader's grading step."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from autograder.run.prefetch import PrefetchedRuns
from autograder.run.run_records import NotebookRun, run_key

RUN = NotebookRun('{"cells": []}', None, {"edge_kernel_score": '{"kernel": [[1, 1], [0, 0]]}'})


def test_the_key_changes_with_any_part_of_the_input():
    assert run_key(b"notebook", b"settings") == run_key(b"notebook", b"settings")
    assert run_key(b"notebook", b"settings") != run_key(b"notebook ", b"settings")
    assert run_key(b"ab", b"c") != run_key(b"a", b"bc")  # parts cannot slide into each other


def test_a_finished_run_is_taken_back_intact(tmp_path):
    runs = PrefetchedRuns(tmp_path)
    runs.mark_pending("k")
    runs.put("k", RUN)
    assert runs.take("k", timeout=1) == RUN


def test_an_unknown_input_finds_no_run_at_once(tmp_path):
    started = time.monotonic()
    assert PrefetchedRuns(tmp_path).take("never-prepared", timeout=30) is None
    assert time.monotonic() - started < 5


def test_a_run_in_progress_is_waited_for(tmp_path):
    runs = PrefetchedRuns(tmp_path)
    runs.mark_pending("k")
    threading.Timer(0.5, runs.put, args=("k", RUN)).start()
    assert runs.take("k", timeout=30) == RUN


def test_a_run_whose_worker_died_is_not_waited_for(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    runs = PrefetchedRuns(tmp_path)
    runs.mark_pending("k", owner_pid=int(dead.stdout))
    started = time.monotonic()
    assert runs.take("k", timeout=30) is None
    assert time.monotonic() - started < 5


def test_an_abandoned_run_is_left_to_nbgrader(tmp_path):
    runs = PrefetchedRuns(tmp_path)
    runs.mark_pending("k")
    runs.abandon("k")
    assert runs.take("k", timeout=30) is None


def test_a_key_not_prepared_yet_is_waited_for_while_preparing(tmp_path):
    runs = PrefetchedRuns(tmp_path)
    runs.start_preparing()

    def prepare_then_run():
        runs.mark_pending("k")
        runs.done_preparing()
        time.sleep(0.3)
        runs.put("k", RUN)

    threading.Timer(0.5, prepare_then_run).start()
    assert runs.take("k", timeout=30) == RUN


def test_once_preparing_is_over_an_unknown_key_is_not_waited_for(tmp_path):
    runs = PrefetchedRuns(tmp_path)
    runs.start_preparing()
    threading.Timer(0.3, runs.done_preparing).start()
    started = time.monotonic()
    assert runs.take("other", timeout=30) is None
    assert time.monotonic() - started < 5
