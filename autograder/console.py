"""Where the verbs' output goes, readable on a terminal and in a log alike.

On a terminal, rich draws tables to the terminal's width and tqdm draws one progress bar that
redraws itself. Elsewhere (a CI log, ``| tee``, ``| cat``, a file) rich would cut every table to 80
columns ("week12-…") and tqdm would write a carriage-return update several times a second. There,
tables are as wide as their contents and progress is a plain line now and then, written in order
with the rest of the output on stdout:

    week12-lab: 32/64 notebooks graded (1 min 5 s)
"""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO

# Wide enough for any table a verb prints (its longest cell, a reason, is cut at 500 characters
# where it is recorded), so that rich never has to shorten a column when the output is a log.
LOG_WIDTH = 4096
# A plain progress line when another tenth of the work is done, or after this long without one
# (so that a log shows the run is alive), and at the end: at most 10 lines plus one a minute.
PROGRESS_FRACTION = 0.1
PROGRESS_QUIET_SECONDS = 60.0


def is_terminal(stream: TextIO | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def output_console(file: TextIO | None = None):
    """A rich console on ``file`` (default stdout): the terminal's width on a terminal, else
    :data:`LOG_WIDTH`, so that nothing is cut."""
    from rich.console import Console

    stream = file if file is not None else sys.stdout
    return Console(file=file) if is_terminal(stream) else Console(file=file, width=LOG_WIDTH)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


class LineProgress:
    """Progress as plain lines: ``<label>: <done>/<total> <unit>s <verb> (<elapsed>)``, when
    another tenth of ``total`` is done or a minute went by without a line, and once at the end."""

    def __init__(self, total: int, label: str, unit: str, verb: str, stream: TextIO, clock=time.monotonic):
        self.total, self.label, self.stream, self.clock = total, label, stream, clock
        self.what = f"{unit}s {verb}"
        self.step = max(1, math.ceil(total * PROGRESS_FRACTION))
        self.started = self.last_time = clock()
        self.last_done = self.done = 0
        self.status = ""

    def update(self, done: int, status: str | None = None) -> None:
        self.done = done
        if status is not None:
            self.status = status
        now = self.clock()
        if done >= self.last_done + self.step or now - self.last_time >= PROGRESS_QUIET_SECONDS:
            self._line(now)

    def close(self, note: str = "") -> None:
        if note:
            self.status = note
        if self.last_done != self.done or note:
            self._line(self.clock())

    def _line(self, now: float) -> None:
        extra = f"; {self.status}" if self.status else ""
        self.stream.write(f"{self.label}: {self.done}/{self.total} {self.what} "
                          f"({_duration(now - self.started)}{extra})\n")
        self.stream.flush()
        self.last_done, self.last_time = self.done, now


class BarProgress:
    """tqdm's bar, on a terminal."""

    def __init__(self, total: int, label: str, unit: str, stream: TextIO):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=label, unit=unit, file=stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, done: int, status: str | None = None) -> None:
        if status is not None:
            self.bar.set_postfix_str(status, refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self, note: str = "") -> None:
        if note:
            self.bar.set_postfix_str(note)
        self.bar.close()


class NoProgress:
    def update(self, done: int, status: str | None = None) -> None:
        pass

    def close(self, note: str = "") -> None:
        pass


def progress_display(total: int, label: str, unit: str = "notebook", verb: str = "graded", *, show: bool = True,
                     stdout: TextIO | None = None, stderr: TextIO | None = None):
    """How a verb shows ``done`` of ``total``: a bar on stderr when both stdout and stderr are a
    terminal; else plain lines now and then on stdout, in order with the rest of the output
    (``| tee`` keeps them and a bar beside piped output would garble it); nothing if not ``show``."""
    if not show:
        return NoProgress()
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    if is_terminal(stdout) and is_terminal(stderr):
        return BarProgress(total, label, unit, stderr)
    return LineProgress(total, label, unit, verb, stdout)
