"""Shared fixtures (throw-away copies of the course directory for real nbgrader runs) and tiers.

Every test belongs to one tier, by marker: ``unit`` (the default for a test with no other tier:
no nbgrader command, no kernel, no sandbox, no browser; the whole tier runs in well under a
minute), ``nbgrader`` (real nbgrader commands, kernels, TensorFlow), ``sandbox`` (needs a real
bubblewrap sandbox) and ``browser`` (real headless Chromium). ``./run.sh test -m unit`` is the
fast command. A ``sandbox`` test is skipped, with the reason, where no sandbox can be made,
except when ``WEEK12_REQUIRE_SANDBOX=1`` (``./run.sh test`` with no arguments, the whole suite as CI
runs it, sets it): there a missing sandbox fails. A test that takes a session fixture running
nbgrader's commands (``released_course``, ``own_release``; ``graded_class`` also sandboxes) without
that tier's marker stops collection, naming it.

Session fixtures are read-only: a test module that writes (submits, grades) works on a copy of
its own (``own_release``).
"""

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

TIERS = ("nbgrader", "sandbox", "browser")
REQUIRE_SANDBOX = os.environ.get("WEEK12_REQUIRE_SANDBOX") == "1"
# The session fixtures below run nbgrader's commands (graded_class also sandboxes): the tiers a
# test that takes one must carry.
FIXTURE_TIERS = {"released_course": ("nbgrader",), "own_release": ("nbgrader",),
                 "graded_class": ("nbgrader", "sandbox")}


def missing_tiers(item) -> list[str]:
    fixtures = getattr(item, "fixturenames", ())
    needed = {tier for fixture, tiers in FIXTURE_TIERS.items() if fixture in fixtures for tier in tiers}
    return sorted(tier for tier in needed if not item.get_closest_marker(tier))


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config, items):
    mistiered = [f"{item.nodeid} (mark it {', '.join(missing_tiers(item))})" for item in items
                 if missing_tiers(item)]
    if mistiered:
        raise pytest.UsageError("tests whose fixtures run nbgrader or a sandbox lack that tier: "
                                + "; ".join(mistiered))
    sandbox_reason = None
    for item in items:
        if not any(item.get_closest_marker(tier) for tier in TIERS):
            item.add_marker(pytest.mark.unit)
        elif item.get_closest_marker("sandbox") and not REQUIRE_SANDBOX:
            if sandbox_reason is None:
                from autograder.sandbox import sandbox_problem

                sandbox_reason = sandbox_problem() or ""
            if sandbox_reason:
                item.add_marker(pytest.mark.skip(reason=f"no sandbox can be made here: {sandbox_reason}"))


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
    """A course copy in which every assignment has been through ``nbgrader generate_assignment``.
    Read-only: a module that submits or grades takes ``own_release``."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    for assignment in course.assignments:
        course.nbgrader("generate_assignment", assignment, "--force")
    return course


@pytest.fixture(scope="module")
def own_release(released_course, tmp_path_factory) -> Course:
    """A copy of the released course (gradebook included) for one test module to write into."""
    target = tmp_path_factory.mktemp("own-release") / "course"
    shutil.copytree(released_course.root, target, symlinks=True)
    return Course(target)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """The main job on a fresh course copy: the whole sample class graded by ``week12``'s
    pipeline (zip_collect, parallel autograde, feedback, release, export, report).

    Returns ``(course, outcome, printed)``: the ``ClassGrading`` and what was printed.
    """
    import io

    from rich.console import Console

    from autograder.demo.main_job import grade_sample_class

    course = copy_course(tmp_path_factory.mktemp("graded-class"))
    printed = io.StringIO()
    outcome = grade_sample_class(course, workers=2, console=Console(file=printed, width=200),
                                 show_progress=False)
    return course, outcome, printed.getvalue()
