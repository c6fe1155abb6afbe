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

from autograder.collect.hygiene import keep_course_safe
from autograder.collect.report import GRADED_ANYWAY, read_problems, report_path
from autograder.course import Course
from autograder.service.writer_lock import refuse_if_serving
from autograder.start_up import begin_run


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


def collect(course: Course, assignment: str, run_id: str | None = None) -> CollectResult:
    """Collect ``assignment`` as part of the run ``run_id`` (default: a run of its own, started
    here, ``autograder.start_up``); its problems are what that run recorded for it."""
    refuse_if_serving(course.root, "week12 collect", "the submitted/ folders")
    run_id = run_id or begin_run(course)
    archive = course.lms_archive(assignment)
    exchange = course.exchange_root
    if archive.is_dir() and any(archive.iterdir()):
        course.nbgrader("zip_collect", assignment, "--force", run_id=run_id)
        source = "zip_collect"
    elif exchange.is_dir() and any(exchange.glob(f"*/inbound/*+{assignment}+*")):
        course.nbgrader("collect", assignment, "--update", run_id=run_id)
        source = "collect"
    else:
        source = "submitted"
    keep_course_safe(course.config, course.root, run_id=run_id)  # what was just collected, too
    problems = tuple(problem for problem in read_problems(report_path(course.root), run_id)
                     if problem.assignment in (assignment, ""))
    return CollectResult(assignment, source, len(course.student_folders("submitted", assignment)), problems)
