"""The course directory and the real nbgrader commands run in it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.settings import CONFIG_FILENAME, find_course_config


class NbgraderCommandFailed(RuntimeError):
    def __init__(self, args: list[str], returncode: int, output: str):
        self.args_run, self.returncode, self.output = args, returncode, output
        super().__init__(f"nbgrader {' '.join(args)} exited {returncode}:\n{output[-4000:]}")


def find_course_root(start: Path | None = None) -> Path:
    config = find_course_config(start)
    if config is None:
        raise SystemExit(f"error: no {CONFIG_FILENAME} here or above: run this from the course directory.")
    return config.parent


def assignment_names(course_root: Path) -> list[str]:
    """Assignments are the folders under ``assignments/`` (nbgrader's source directory)."""
    source = course_root / "assignments"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))


def nbgrader_environment() -> dict[str, str]:
    env = dict(os.environ)
    # TensorFlow's C++ start-up lines are noise in every kernel nbgrader starts.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Kernels must run this interpreter (the course's virtual environment), whatever PATH says.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


@dataclass(frozen=True)
class Course:
    root: Path

    def nbgrader(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a real ``nbgrader`` command in the course root; its log is captured."""
        command = [sys.executable, "-m", "nbgrader", *args]
        done = subprocess.run(command, cwd=self.root, env=nbgrader_environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check and done.returncode != 0:
            raise NbgraderCommandFailed(list(args), done.returncode, done.stdout)
        return done

    @property
    def assignments(self) -> list[str]:
        return assignment_names(self.root)

    def notebooks(self, assignment: str) -> list[str]:
        folder = self.root / "assignments" / assignment
        return sorted(p.name for p in folder.glob("*.ipynb"))

    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"


# nbgrader's own autograde steps, student code and tests in one kernel: what a course gets when
# it opts out of trusted grading, and the baseline the benchmarks and the hostile corpus compare
# against. Appended to a course's nbgrader_config.py.
IN_KERNEL_GRADING_CONFIG = """
from nbgrader.converters import Autograde
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
"""
