"""``week12 collect``: bring an assignment's submissions into nbgrader's submitted folder.

Two sources, both handled by nbgrader's own commands:

- an LMS download: the files (or zip archives) in ``downloaded/<assignment>/archive/``
  (``c.ZipCollectApp`` folders) go through ``nbgrader zip_collect``, which reads each file's
  student, notebook and submission time from its name (``c.FileNameCollectorPlugin.named_regexp``
  in ``nbgrader_config.py``);
- the exchange (``c.Exchange.root``; students used ``nbgrader submit``): ``nbgrader collect``.

When neither holds anything, the submissions already in the submitted folder are graded as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.course import Course


@dataclass(frozen=True)
class CollectResult:
    assignment: str
    source: str  # "zip_collect", "collect" or "submitted"
    students: int


def collect(course: Course, assignment: str) -> CollectResult:
    archive = course.lms_archive(assignment)
    exchange = course.exchange_root
    if archive.is_dir() and any(archive.iterdir()):
        course.nbgrader("zip_collect", assignment, "--force")
        source = "zip_collect"
    elif exchange.is_dir() and any(exchange.glob(f"*/inbound/*+{assignment}+*")):
        course.nbgrader("collect", assignment, "--update")
        source = "collect"
    else:
        source = "submitted"
    return CollectResult(assignment, source, len(course.student_folders("submitted", assignment)))
