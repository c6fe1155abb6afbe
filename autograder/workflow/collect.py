"""``week12 collect``: bring an assignment's submissions into ``submitted/``.

Two sources, both handled by nbgrader's own commands:

- an LMS download: the files (or zip archives) in ``downloaded/<assignment>/archive/`` go through
  ``nbgrader zip_collect``, which reads each file's student, notebook and submission time from its
  name (``c.FileNameCollectorPlugin.named_regexp`` in ``nbgrader_config.py``);
- the exchange (students used ``nbgrader submit``): ``nbgrader collect``.

When neither holds anything, the submissions already in ``submitted/`` are graded as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.course import Course


@dataclass(frozen=True)
class CollectResult:
    assignment: str
    source: str  # "zip_collect", "collect" or "submitted"
    students: int


def lms_archive(course: Course, assignment: str):
    return course.root / "downloaded" / assignment / "archive"


def collect(course: Course, assignment: str) -> CollectResult:
    archive = lms_archive(course, assignment)
    if archive.is_dir() and any(archive.iterdir()):
        course.nbgrader("zip_collect", assignment, "--force")
        source = "zip_collect"
    elif (course.root / "exchange").is_dir() and any((course.root / "exchange").glob(f"*/inbound/*+{assignment}+*")):
        course.nbgrader("collect", assignment, "--update")
        source = "collect"
    else:
        source = "submitted"
    students = len(list((course.root / "submitted").glob(f"*/{assignment}")))
    return CollectResult(assignment, source, students)
