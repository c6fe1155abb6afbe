"""What a grading run did, as a table an instructor reads at a glance: graded, failed and why,
late, and notebooks whose run fell short (a cell timed out, the kernel died)."""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.api import MissingEntry
from rich.markup import escape
from rich.table import Table

from autograder.course import Course
from autograder.i18n import format_delay
from autograder.lms.roster import load_roster
from autograder.workflow.autograde import AutogradeResult


@dataclass(frozen=True)
class LateSubmission:
    student: str
    assignment: str
    seconds_late: float | None  # None: the LMS marked it late without saying by how much
    source: str = ""  # "": the gradebook (submission time against the due date); else what the LMS said

    def describe(self) -> str:
        how = "late" if self.seconds_late is None else f"{format_delay(self.seconds_late, 'en')} late"
        return f"{how} (according to {self.source})" if self.source else how


def late_submissions(course: Course, assignment: str) -> list[LateSubmission]:
    """Who handed ``assignment`` in late: by the gradebook (the submission's time against nbgrader's
    due date) and, for work collected from an LMS, by what the LMS itself said (Canvas's LATE mark,
    Moodle's grading worksheet), which nbgrader's due date does not overrule."""
    late = {}
    with course.gradebook() as gradebook:
        try:
            submissions = gradebook.assignment_submissions(assignment)
        except MissingEntry:
            submissions = []
        for submission in submissions:
            if submission.total_seconds_late > 0:
                late[submission.student_id] = LateSubmission(submission.student_id, assignment,
                                                             submission.total_seconds_late)
    for student, entry in load_roster(course.root).get(assignment, {}).items():
        if entry.late and student not in late:
            late[student] = LateSubmission(student, assignment, entry.seconds_late, entry.lateness_source)
    return sorted(late.values(), key=lambda entry: entry.student)


def summary_tables(results: list[AutogradeResult], late: list[LateSubmission]) -> list[Table]:
    unsafe = any(result.unsandboxed for result in results)
    title = "Autograde summary" + (" [red]- UNSANDBOXED: student code ran with your rights[/red]" if unsafe else "")
    overview = Table(title=title, title_justify="left")
    for column in ("assignment", "graded", "failed", "late", "cut short", "skipped", "sandbox", "time"):
        # Folded, never cut with "…", where a terminal is too narrow (console.py: a log is wide enough).
        overview.add_column(column, justify="left" if column in ("assignment", "sandbox") else "right",
                            overflow="fold")
    for result in results:
        sandbox = f"[red]NONE for {len(result.unsandboxed)} (allow_unsandboxed)[/red]" if result.unsandboxed else "yes"
        overview.add_row(result.assignment, str(len(result.graded)), str(len(result.failed) + len(result.not_collected)),
                         str(sum(1 for entry in late if entry.assignment == result.assignment)),
                         str(len(result.run_notes)), str(len(result.skipped)), sandbox,
                         f"done at {result.seconds:.0f} s ({_where(result)})")
    tables = [overview]
    details = Table(title="Needs a look", title_justify="left")
    for column in ("student", "assignment / notebook", "what", "why"):
        details.add_column(column, overflow="fold")
    for result in results:
        for submission, reason in sorted(result.failed.items(), key=lambda item: item[0].student):
            details.add_row(escape(submission.student), f"{submission.assignment}/{submission.notebook}",
                            "[red]failed[/red]", escape(reason + _ran_on(result, submission)))
        for submission, note in sorted(result.run_notes.items(), key=lambda item: item[0].student):
            details.add_row(escape(submission.student), f"{submission.assignment}/{submission.notebook}",
                            "[yellow]cut short[/yellow]", escape(note + _ran_on(result, submission)))
        for submission, notes in sorted(result.cluster_notes.items(), key=lambda item: item[0].student):
            for note in notes:
                details.add_row(escape(submission.student), f"{submission.assignment}/{submission.notebook}",
                                "[yellow]cluster[/yellow]", escape(note))
        for submission, notes in sorted(result.set_aside.items(), key=lambda item: item[0].student):
            for note in notes:
                details.add_row(escape(submission.student), f"{submission.assignment}/{submission.notebook}",
                                "[yellow]set aside[/yellow]", escape(note))
        not_collected = set(result.not_collected)
        for problem in sorted(result.collected, key=lambda p: p.student):
            what = "[red]not collected[/red]" if problem in not_collected else f"[yellow]{escape(problem.kind)}[/yellow]"
            # What collecting found quotes names and file names a student chose: data, never markup.
            details.add_row(escape(problem.student), result.assignment, what, escape(problem.detail))
        for submission in sorted(result.unsandboxed, key=lambda s: s.student):
            details.add_row(escape(submission.student), f"{submission.assignment}/{submission.notebook}",
                            "[red]UNSANDBOXED[/red]", "ran with the grader's rights (c.SandboxedExecute.allow_unsandboxed)")
    for event in dict.fromkeys(event for result in results for event in result.cluster_events):
        details.add_row("", "", "[yellow]cluster[/yellow]", escape(event))
    for entry in late:
        details.add_row(escape(entry.student), entry.assignment, "[yellow]late[/yellow]", escape(entry.describe()))
    if details.row_count:
        tables.append(details)
    return tables


def _where(result: AutogradeResult) -> str:
    if result.cluster:
        return f"{result.workers} workers of the cluster at {result.cluster}"
    return f"{result.workers} workers"


def _ran_on(result: AutogradeResult, submission) -> str:
    worker = result.ran_on.get(submission)
    return f" (ran on worker {worker})" if worker else ""
