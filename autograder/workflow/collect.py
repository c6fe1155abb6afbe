"""``week12 collect``: bring an assignment's submissions into nbgrader's submitted folder.

Two sources, both handled by nbgrader's own commands:

- an LMS download: the files (or zip archives) in ``downloaded/<assignment>/archive/``
  (``c.ZipCollectApp`` folders) go through ``nbgrader zip_collect``, which reads each file's
  student, notebook and submission time from its name (``c.FileNameCollectorPlugin.named_regexp``
  in ``nbgrader_config.py``);
- the exchange (``c.Exchange.root``; students used ``nbgrader submit``): ``nbgrader collect``.

When neither holds anything, the submissions already in the submitted folder are graded as they are.
Both are nbgrader's commands with this course's plugins (``autograder.collect``): nothing in an
upload is trusted, and what they find is reported for each student.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.collect.report import GRADED_ANYWAY, read_problems, report_path, report_size
from autograder.course import Course


@dataclass(frozen=True)
class CollectResult:
    assignment: str
    source: str  # "zip_collect", "collect" or "submitted"
    students: int
    problems: tuple = ()  # CollectProblem: what collecting found, per student (autograder.collect.report)

    @property
    def refused(self) -> list:
        """Problems that kept a student's work out (the command then exits 1)."""
        return [problem for problem in self.problems if problem.kind not in GRADED_ANYWAY]


def collect(course: Course, assignment: str, since: int | None = None) -> CollectResult:
    """Collect ``assignment``; its problems are what the collect report gained from byte ``since``
    (default: from now)."""
    report = report_path(course.root)
    since = report_size(report) if since is None else since
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
    course.config  # the course's checks run as its configuration loads (collect.hygiene)
    problems = tuple(problem for problem in read_problems(report, since) if problem.assignment in (assignment, ""))
    return CollectResult(assignment, source, len(course.student_folders("submitted", assignment)), problems)
