"""The course's start-up step: what a command that collects or grades runs first, by name.

Loading ``nbgrader_config.py`` only reads it: a read-only verb (``week12 report``, ``doctor``,
``export``, ``status``), the formgrader or a script that loads the course's configuration changes
nothing. A command that collects or grades runs :func:`start_up` once, as a named step with a run
id of its own, before it touches anything:

1. a grading that was killed part-way left half-written ``autograded/`` folders that nbgrader
   would skip: they are discarded, so those students are graded again (``record.recovery``);
2. the working folders are made safe: links and other non-regular files dropped, notebooks handed
   in under a common variant of their name renamed, feedback pages that are not a released
   notebook's removed (``collect.hygiene``);
3. the exchange folder is made if missing, as nbgrader makes it (``lms.release``).

While a grading service holds the course's writer lock (``record.service_lock``), the step is the
service's: it ran it when it started, any other process leaves the folders alone, and nbgrader's
own commands that would write beside it are refused.

What the step finds is recorded in the collect report under the run id, with what the command
itself finds (its nbgrader commands are given the same id: ``--CollectReport.run_id``), and the
command tells it with its results. ``week12``'s verbs call :func:`start_up` themselves.
nbgrader's own commands that collect or grade, run from the command line (``nbgrader
autograde`` as a TA types it), run it through :func:`start_up_for_nbgrader_command`, which the
configuration file calls and which does nothing for any other program or command.
"""

from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path

from autograder.collect.hygiene import keep_course_safe
from autograder.collect.report import record_problem, report_path
from autograder.lms.release import ensure_exchange_root
from autograder.record.recovery import discard_unfinished_grading
from autograder.record.service_lock import second_writer_refusal, served_by_another_process

STEP = "start-up"
# nbgrader's commands that collect, grade or release: each runs the step as it starts.
NBGRADER_COMMANDS = ("autograde", "generate_feedback", "release_feedback", "collect", "zip_collect")
RUN_ID_OPTION = "--CollectReport.run_id="

log = logging.getLogger("autograder.start_up")


def new_run_id() -> str:
    """A run id: names one command's run in the collect report."""
    return uuid.uuid4().hex[:12]


def begin_run(course) -> str:
    """A new run of a week12 command on ``course`` (an ``autograder.course.Course``): its run id,
    after the start-up step has run under it."""
    run_id = new_run_id()
    start_up(course.config, course.root, run_id)
    return run_id


def start_up(config, course_root: str | Path, run_id: str) -> None:
    """Recovery, the working folders' hygiene and the exchange folder, for the course at
    ``course_root`` with configuration ``config``; findings recorded under ``run_id``."""
    root = Path(course_root)
    holder = served_by_another_process(root)
    if holder is not None:
        # The running grading service ran this step when it started, and the working folders are
        # its own now: a half-written folder here may be the grading it is doing.
        log.info("the grading service (pid %s on %s) is running: the start-up step is its own",
                 holder.get("pid", "?"), holder.get("host", "?"))
        return
    for folder in discard_unfinished_grading(root):
        parts = folder.relative_to(root).parts
        record_problem(report_path(root), "regraded", parts[-2] if len(parts) >= 2 else "", parts[-1],
                       f"a grading of {folder.relative_to(root)} was killed part-way: it is graded again",
                       log, run_id=run_id)
    keep_course_safe(config, root, run_id=run_id)
    exchange = config.get("Exchange", {}).get("root") if "Exchange" in config else None
    if exchange:
        ensure_exchange_root(exchange, bool(config.get("CourseDirectory", {}).get("groupshared", False)))


def _nbgrader_command(argv: list[str]) -> str | None:
    """The nbgrader subcommand ``argv`` runs, if it is nbgrader's command line."""
    if len(argv) < 2:
        return None
    program = Path(argv[0])
    if program.name != "nbgrader" and program.parts[-2:] != ("nbgrader", "__main__.py"):
        return None
    return argv[1]


def start_up_for_nbgrader_command(config, course_root: str | Path, argv: list[str] | None = None) -> None:
    """Called by ``nbgrader_config.py``: the step, when this process is one of nbgrader's commands
    that collect, grade or release (:data:`NBGRADER_COMMANDS`); nothing otherwise. It stops such
    a command only while a grading service is the course's writer (a second writer, whose folders
    the step would not have made safe); otherwise a failure of the step is logged."""
    argv = sys.argv if argv is None else argv
    command = _nbgrader_command(argv)
    if command not in NBGRADER_COMMANDS:
        return
    holder = served_by_another_process(course_root)
    if holder is not None:
        # SystemExit, not an exception: traitlets logs an exception in a configuration file and
        # carries on without the file.
        raise SystemExit(second_writer_refusal(holder, f"nbgrader {command}", "the gradebook and the course's folders"))
    given = [arg[len(RUN_ID_OPTION):] for arg in argv if arg.startswith(RUN_ID_OPTION)]
    try:
        start_up(config, course_root, given[-1] if given else new_run_id())
    except Exception:  # noqa: BLE001 - the course's checks must never stop nbgrader itself
        log.exception("the course's start-up step failed")
