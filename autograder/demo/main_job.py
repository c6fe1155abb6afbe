"""``week12 sample-class``, the main job: grade the bundled sample class end to end.

Releases every assignment (``nbgrader generate_assignment``) with a due date, writes the 32
synthetic students of ``autograder.demo.sample_class`` as an LMS download, and runs ``week12 grade``
on it: zip_collect, parallel autograde, feedback, release, CSV export and the class report, on
the course's own SQLite gradebook. Running it again grades everything again from scratch.
"""

from __future__ import annotations

from rich.console import Console

from autograder.console import output_console
from autograder.course import Course
from autograder.demo.sample_class import ASSIGNMENTS, BROKEN, SAMPLE_DUE_DATE, SAMPLE_STUDENTS, write_sample_download
from autograder.workflow.pipeline import ClassGrading, grade_class, print_locations


def release_with_due_date(course: Course) -> None:
    for assignment in ASSIGNMENTS:
        course.nbgrader("generate_assignment", assignment, "--force")
    with course.gradebook() as gradebook:
        for assignment in ASSIGNMENTS:
            # nbgrader stores naive UTC times.
            gradebook.update_or_create_assignment(assignment, duedate=SAMPLE_DUE_DATE.replace(tzinfo=None))


def grade_sample_class(course: Course, workers: int | None = None, console: Console | None = None,
                       show_progress: bool = True, scheduler: str | None = None) -> ClassGrading:
    console = console or output_console()
    console.print(f"Releasing {', '.join(ASSIGNMENTS)} (due {SAMPLE_DUE_DATE:%Y-%m-%d %H:%M} UTC) and writing "
                  f"{len(SAMPLE_STUDENTS)} students' submissions as an LMS download (downloaded/)")
    release_with_due_date(course)
    write_sample_download(course)
    return grade_class(course, list(ASSIGNMENTS), workers=workers, force=True, console=console,
                       show_progress=show_progress, scheduler=scheduler)


def run(course: Course, workers: int | None = None, scheduler: str | None = None) -> int:
    """0 when exactly the notebooks broken on purpose (the truncated files) failed, else 1."""
    console = output_console()
    outcome = grade_sample_class(course, workers=workers, console=console, scheduler=scheduler)
    print_locations(course, outcome, console)
    failed = {(result.assignment, submission.student) for result in outcome.results for submission in result.failed}
    broken = {(assignment, student.student_id) for student in SAMPLE_STUDENTS for assignment in ASSIGNMENTS
              if student.answers(assignment) is BROKEN}
    if failed != broken:
        console.print(f"[red]Expected only the truncated files to fail; not graded: {sorted(failed - broken)}[/red]")
        return 1
    return 0
