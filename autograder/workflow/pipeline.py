"""``week12 grade``: the whole loop for one or more assignments, in one command.

collect -> autograde (parallel, with a progress bar) -> feedback -> release feedback, per
assignment; then one CSV of every grade and the class report. Each step is its own module and
its own ``week12`` verb; this only runs them in order and says where everything went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from autograder.console import output_console
from autograder.course import Course
from autograder.service.writer_lock import refuse_if_serving
from autograder.start_up import begin_run
from autograder.workflow.autograde import AutogradeResult, autograde_assignments
from autograder.workflow.collect import collect
from autograder.workflow.export import export_for_lms, export_grades
from autograder.workflow.generate_feedback import generate_feedback
from autograder.workflow.release_feedback import release_feedback
from autograder.workflow.summary import late_submissions, summary_tables


@dataclass
class ClassGrading:
    results: list[AutogradeResult] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    released: list = field(default_factory=list)  # ReleasedFeedback per assignment
    grades_csv: Path | None = None
    lms_grades: list[Path] = field(default_factory=list)  # the grade files for the LMS's import
    report: Path | None = None


def grade_class(course: Course, assignments: list[str] | None = None, *, workers: int | None = None,
                force: bool = False, console: Console | None = None, show_progress: bool = True,
                scheduler: str | None = None) -> ClassGrading:
    from autograder.workflow.report import write_class_report

    console = console or output_console()
    outcome = ClassGrading()
    assignments = assignments or course.assignments
    refuse_if_serving(course.root, "week12 grade")  # before the start-up step touches any folder
    # One run: its start-up step first, then what collecting and grading find, told with the results.
    run_id = begin_run(course)
    for assignment in assignments:
        collected = collect(course, assignment, run_id=run_id)
        console.print(f"[bold]{assignment}[/bold]: {collected.students} submissions ({collected.source})")
        for problem in collected.refused:  # one line each, as written: names are data, not markup
            console.out(f"  not collected: {problem.student}: {problem.detail}", highlight=False)
    # One pool for every assignment: no core idles while one assignment's last notebooks finish.
    outcome.results = autograde_assignments(course, assignments, workers=workers, force=force,
                                            show_progress=show_progress, run_id=run_id,
                                            scheduler=scheduler)
    late = [entry for assignment in assignments for entry in late_submissions(course, assignment)]
    for assignment in assignments:
        outcome.feedback += generate_feedback(course, assignment)
        outcome.released.append(release_feedback(course, assignment))
    outcome.grades_csv = export_grades(course)
    outcome.lms_grades = export_for_lms(course)
    outcome.report = write_class_report(course.root)
    for table in summary_tables(outcome.results, late):
        console.print(table)
    return outcome


def describe_gradebook(url: str, shown=str) -> str:
    """The gradebook as a person reads it: an SQLite file's path, else the URL without its password."""
    if url.startswith("sqlite:///"):
        return shown(Path(url[len("sqlite:///"):]))
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def print_locations(course: Course, outcome: ClassGrading, console: Console) -> None:
    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    console.print(f"feedback pages:  {shown(course.folder('feedback'))}/<student>/<assignment>/*.html "
                  f"({len(outcome.feedback)} pages)")
    for released in outcome.released:
        if released.to_exchange:
            console.print(f"  released:      {len(released.to_exchange)} {released.assignment} pages to the exchange "
                          f"({shown(course.exchange_root)}; students run nbgrader fetch_feedback)")
        if released.lms_archive:
            console.print(f"  for the LMS:   {shown(released.lms_archive)} ({len(released.in_lms_archive)} pages)")
    console.print(f"grades (CSV):    {shown(outcome.grades_csv)}")
    for path in outcome.lms_grades:
        console.print(f"  for the LMS:   {shown(path)} (its gradebook import)")
    console.print(f"gradebook:       {describe_gradebook(course.db_url(), shown)}")
    console.print(f"class report:    {shown(outcome.report)}")
