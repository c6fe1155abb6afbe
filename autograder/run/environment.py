"""What the sandbox will import, found by asking its interpreter, and what it must never see.

The sandbox runs ``python -m autograder.inside.runner`` with the grader's interpreter, a bare
environment and an empty working directory; where that imports the course package from is not
necessarily where this grading process imported it (nbgrader runs in the course directory,
which may hold a copy of the package, while the environment has it installed, as on a hub). So
the interpreter is asked, under the sandbox's conditions, and the mounts follow its answer:

- read-only: the Python installation, the environment, and the package folder it imports;
- hidden: the solution-bearing builders (``authoring/``) in that folder, Jupyter's configuration
  folders inside those trees (a hub's may hold the gradebook's password), and the course
  directory, its gradebook and the exchange should any of them lie inside a mounted tree.

If the package the sandbox would import is not the same as this grader's (say an editable
install of another checkout), grading is refused before any student is graded, naming both.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.run.refusal import GradingRefused
from autograder.sandbox import sandbox_environment

GRADER_PACKAGE = Path(autograder.__file__).resolve().parent
SOLUTION_BEARING = ("authoring",)
JUPYTER_CONFIG = ("etc/jupyter",)

_PROBE = ("import json, sys, autograder; print(json.dumps({'package': autograder.__path__[0], "
          "'prefix': sys.prefix, 'base_prefix': sys.base_prefix}))")


class EnvironmentMismatch(GradingRefused):
    """The sandbox would run another copy of the package than the grader's."""


@dataclass(frozen=True)
class SandboxMounts:
    package_dir: Path
    readonly: tuple[Path, ...]
    hidden: tuple[Path, ...]


def package_fingerprint(folder: Path) -> str:
    """SHA-256 over the package's code (every ``.py`` file's name and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _within(path: Path, roots) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _probe(python: str, cwd: Path | None = None) -> dict:
    """What ``python`` imports as the sandbox does (an empty working directory, a bare
    environment), or as nbgrader does in the course directory ``cwd``."""
    with tempfile.TemporaryDirectory(prefix="week12-probe-") as empty:
        done = subprocess.run([python, "-c", _PROBE], cwd=cwd or empty, env=sandbox_environment(),
                              capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EnvironmentMismatch(f"{python} cannot import the course package as the sandbox will: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _same_package(sandbox: Path, grader: Path) -> None:
    if sandbox != grader and package_fingerprint(sandbox) != package_fingerprint(grader):
        raise EnvironmentMismatch(
            f"the sandbox would import the course package from {sandbox}, but this grader runs {grader} "
            "and the two differ: install the course's own package into the grading environment "
            f"(pip install <course directory>), or grade with the environment that has it")


def check_course_package(course_root: Path, python: str = sys.executable) -> None:
    """Refuse, before anything is graded, a course whose nbgrader (run in the course directory,
    which may hold a copy of the package) would run another package than its sandbox."""
    sandbox = Path(_probe(python)["package"]).resolve()
    _same_package(sandbox, Path(_probe(python, Path(course_root))["package"]).resolve())


@functools.cache
def sandbox_mounts(python: str = sys.executable, protected: tuple[Path, ...] = ()) -> SandboxMounts:
    """The sandbox's read-only and hidden paths for ``python``; ``protected`` are the course's own
    paths (course root, gradebook file, exchange) to hide if they lie inside a mounted tree."""
    found = _probe(python)
    package = Path(found["package"]).resolve()
    _same_package(package, GRADER_PACKAGE)
    trees = tuple(dict.fromkeys(Path(p).resolve() for p in (found["base_prefix"], found["prefix"], package)))
    hidden = [package / part for part in SOLUTION_BEARING]
    hidden += [tree / part for tree in trees[:2] for part in JUPYTER_CONFIG]
    hidden += [Path(p).resolve() for p in protected if _within(Path(p).resolve(), trees)]
    return SandboxMounts(package, trees, tuple(dict.fromkeys(hidden)))
