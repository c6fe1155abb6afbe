"""The grading process's side of the judge: one ``autograder.grading.judge`` process per run.

Starting Python, numpy and matplotlib for every notebook would cost about a second each; the
judge is separate from both nbgrader and the sandbox, and reads only plain data.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from pathlib import Path

from autograder.exercises.base import JudgeSettings, Judgement


class JudgeProcess:
    """A running judge, fed each notebook's answers; :meth:`shared` keeps one per figure cache."""

    _shared: "JudgeProcess | None" = None

    def __init__(self, figure_cache: Path | None = None):
        self.figure_cache = figure_cache
        command = [sys.executable, "-m", "autograder.grading.judge"]
        if figure_cache is not None:
            command += ["--figure-cache", str(figure_cache)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "MPLBACKEND": "Agg"})
        atexit.register(self.close)

    @classmethod
    def shared(cls, figure_cache: Path | None = None) -> "JudgeProcess":
        current = cls._shared
        if current is None or current.process.poll() is not None or current.figure_cache != figure_cache:
            if current is not None:
                current.close()
            cls._shared = cls(figure_cache)
        return cls._shared

    def judge(self, answers: dict, settings: JudgeSettings) -> dict[str, Judgement]:
        request = {"answers": answers, "settings": settings.to_dict()}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the judge process ended unexpectedly (exit code {self.process.wait()})")
        return {grade_id: Judgement.from_dict(data) for grade_id, data in json.loads(line).items()}

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
