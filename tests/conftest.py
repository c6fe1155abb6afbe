"""Shared fixtures: throw-away copies of the course directory for real nbgrader runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from autograder.course import Course

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE_FILES = ("nbgrader_config.py", "assignments", "solutions")

# In CI the property tests replay the same examples every run, so a landing never depends on
# a lucky draw; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Kernels that nbgrader starts inherit this; it keeps TensorFlow's C++ start-up lines out of logs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def copy_course(target: Path) -> Course:
    """A fresh course directory holding the repository's configuration, sources and solutions."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source, target / name)
    return Course(target)


@pytest.fixture(scope="session")
def repo_course() -> Course:
    """The repository itself, read-only: tests must not write into it."""
    return Course(REPO_ROOT)


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Course:
    """A course copy in which every assignment has been through ``nbgrader generate_assignment``."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    for assignment in course.assignments:
        course.nbgrader("generate_assignment", assignment, "--force")
    return course


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """The main job on a fresh course copy: the whole sample class graded by ``week12``'s
    pipeline (zip_collect, parallel autograde, feedback, release, export, report).

    Returns ``(course, outcome, printed)``: the ``ClassGrading`` and what was printed.
    """
    import io

    from rich.console import Console

    from autograder.workflow.sample_run import grade_sample_class

    course = copy_course(tmp_path_factory.mktemp("graded-class"))
    printed = io.StringIO()
    outcome = grade_sample_class(course, workers=2, console=Console(file=printed, width=200),
                                 show_progress=False)
    return course, outcome, printed.getvalue()
