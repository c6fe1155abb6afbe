"""Read-only verbs stay read-only: ``week12 report``, ``doctor`` and ``export`` (each writing its
output outside the course) leave the graded course directory byte-identical, gradebook included.

Loading ``nbgrader_config.py`` only reads it; the course's start-up step (recovery, hygiene, the
exchange) is run by name by the commands that collect or grade (``autograder/start_up.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import Course, nbgrader_environment
from autograder.record.recovery import MARKER_DIR

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]


def tree_checksum(root: Path) -> dict[str, str]:
    """Every entry below ``root`` by relative path: its type, mode, and content (or link target)."""
    entries = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            info = os.lstat(path)
            kind = stat.S_IFMT(info.st_mode)
            if stat.S_ISREG(info.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            else:
                content = ""
            entries[str(path.relative_to(root))] = f"{kind:o} {stat.S_IMODE(info.st_mode):o} {content}"
    return entries


@pytest.fixture(scope="module")
def course_copy(graded_class, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("read-only") / "course")
    shutil.copytree(graded_class[0].root, course.root, symlinks=True)
    # What a killed grading would leave behind: a read-only verb must not act on it either.
    (course.root / MARKER_DIR).mkdir(exist_ok=True)
    (course.root / MARKER_DIR / "week12-lab__s01-minji.json").write_text(
        '{"pid": 999999999, "folder": "%s"}' % (course.root / "autograded" / "s01-minji" / "week12-lab"))
    return course


@pytest.mark.parametrize("verb", [["report", "--to", "{out}/report.html"], ["doctor"],
                                  ["export", "--to", "{out}/grades.csv"]], ids=lambda verb: verb[0])
def test_a_read_only_verb_leaves_the_course_byte_identical(course_copy, verb, tmp_path):
    before = tree_checksum(course_copy.root)
    args = [part.format(out=tmp_path) for part in verb]
    done = subprocess.run([str(Path(sys.executable).parent / "week12"), *args], cwd=course_copy.root,
                          env=nbgrader_environment(), capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # doctor says 1 where it cannot grade
    after = tree_checksum(course_copy.root)
    changed = sorted(set(before.items()) ^ set(after.items()))
    assert changed == [], changed[:10]
    if verb[0] != "doctor":
        assert any(tmp_path.iterdir())  # it did write its output, outside the course


def test_loading_the_configuration_changes_nothing(course_copy):
    before = tree_checksum(course_copy.root)
    course_copy.config  # noqa: B018 - what every read-only verb does first
    assert tree_checksum(course_copy.root) == before


def test_a_grading_command_runs_the_start_up_step_by_name(course_copy, tmp_path):
    """The same marker is acted on by a command that grades: the killed grading's folder is
    discarded, so that student is graded again, and the finding is told under the run's id."""
    from autograder.collect.report import read_problems, report_path
    from autograder.start_up import begin_run

    course = Course(tmp_path / "course")
    shutil.copytree(course_copy.root, course.root, symlinks=True)
    folder = course.root / "autograded" / "s01-minji" / "week12-lab"
    assert folder.is_dir()
    # The copied marker names the fixture's folder; this course's own killed grading is this one.
    (course.root / MARKER_DIR / "week12-lab__s01-minji.json").write_text(
        json.dumps({"pid": 999999999, "folder": str(folder)}))
    run_id = begin_run(course)
    assert not folder.exists() and not list((course.root / MARKER_DIR).glob("*.json"))
    assert [problem.kind for problem in read_problems(report_path(course.root), run_id)] == ["regraded"]
