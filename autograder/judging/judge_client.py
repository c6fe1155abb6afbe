"""The grading process's side of the judge: one ``autograder.judging.judge`` process, bounded in time.

Starting Python, numpy and matplotlib for every notebook would cost about a second each; the
judge is separate from both nbgrader and the sandbox, and reads only plain data. Each notebook's
answers get ``timeout`` seconds: a judge that takes longer (an answer built to be slow to
decode) or that dies is killed and replaced, and only that notebook fails, with the reason
(:class:`JudgeFailed`); the next notebook gets a fresh judge.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from autograder.exercises.base import JudgeSettings, Judgement

DEFAULT_TIMEOUT = 60.0


class JudgeFailed(RuntimeError):
    """The judge could not judge this notebook's answers (too slow, or it died)."""


class JudgeProcess:
    """A running judge, fed each notebook's answers; :meth:`shared` keeps one per figure cache."""

    _shared: "JudgeProcess | None" = None

    def __init__(self, figure_cache: Path | None = None):
        self.figure_cache = figure_cache
        command = [sys.executable, "-m", "autograder.judging.judge"]
        if figure_cache is not None:
            command += ["--figure-cache", str(figure_cache)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        env={**os.environ, "MPLBACKEND": "Agg"})
        self._pending = b""
        atexit.register(self.close)

    @classmethod
    def shared(cls, figure_cache: Path | None = None) -> "JudgeProcess":
        current = cls._shared
        if current is None or current.process.poll() is not None or current.figure_cache != figure_cache:
            if current is not None:
                current.close()
            cls._shared = cls(figure_cache)
        return cls._shared

    def judge(self, answers: dict, settings: JudgeSettings, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Judgement]:
        request = {"answers": answers, "settings": settings.to_dict()}
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self.process.stdin.flush()
            line = self._read_line(time.monotonic() + timeout)
        except (BrokenPipeError, OSError) as error:
            self.kill()
            raise JudgeFailed(f"the judge process ended while judging ({error})") from None
        if line is None:
            self.kill()
            raise JudgeFailed(f"the judge did not judge this notebook's answers within {timeout:g} s")
        if not line:
            code = self.process.wait()
            raise JudgeFailed(f"the judge process ended while judging (exit code {code})")
        return {grade_id: Judgement.from_dict(data) for grade_id, data in json.loads(line).items()}

    def _read_line(self, deadline: float) -> bytes | None:
        """One line of the judge's answer; b"" if it ended, None if ``deadline`` passed first."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(timeout=remaining):
                    return None
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    return b""
                self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def judge_settings(config) -> JudgeSettings:
    """The course's language and rubric weights (``c.KernelFeedback``, ``c.KernelRubric``)."""
    from autograder.settings import KernelFeedback, KernelRubric

    return JudgeSettings(KernelFeedback(config=config).language, KernelRubric(config=config).edge_weights())
