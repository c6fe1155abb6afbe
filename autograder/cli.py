"""``week12``: the course's command line. Each verb is a thin wrapper over one module's function.

The instructor's loop is ``week12 grade`` (every step below, in order); each step also runs alone:

    week12 collect ASSIGNMENT           submissions -> submitted/ (zip_collect or collect)
    week12 autograde ASSIGNMENT         parallel autograde with a progress bar and a summary
    week12 feedback ASSIGNMENT          HTML feedback pages (nbgrader generate_feedback)
    week12 release-feedback ASSIGNMENT  feedback into the exchange (nbgrader release_feedback)
    week12 export                       every grade as CSV (nbgrader export)
    week12 report                       the class report (one HTML page with figures)
    week12 regrade ASSIGNMENT           re-score stored answers after a rubric change (no kernels)
    week12 sample-class                 the main job: grade the bundled sample class end to end
    week12 serve                        grade each hand-in as it arrives, release its feedback (a service)
    week12 status [ASSIGNMENT]          the grading service's record: each hand-in, the queue, the last hour
    week12 doctor                       can this machine grade safely as this user, and if not, why

A command that could not grade some submission exits with status 1 and names it in its summary.
One that cannot work as things are set up (the gradebook, the exchange, the course's folders, the
sandbox) says what is wrong and what to do in one line and exits with status 2 (``--debug``: with
the traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course import Course, find_course_root
from autograder.environment_check import run_verb

DEBUG_HELP = "show the traceback of an environment error (by default: one line, exit status 2)"


def _build_notebooks(course: Course, args) -> int:
    from autograder.authoring.build import build_notebooks

    for path in build_notebooks(course):
        print(f"wrote {path.relative_to(course.root)}")
    for assignment in course.assignments:
        # The worked solutions come from nbgrader's own solution step (configured in
        # nbgrader_config.py), which needs the assignment in the gradebook.
        course.nbgrader("db", "assignment", "add", assignment)
        course.nbgrader("generate_solution", assignment, "--force")
        print(f"wrote solutions/{assignment}/")
    return 0


def _console():
    from autograder.console import output_console

    return output_console()


def _collect(course: Course, args) -> int:
    from autograder.workflow.collect import collect

    from autograder.start_up import begin_run

    refused = False
    run_id = begin_run(course)
    for assignment in args.assignments:
        result = collect(course, assignment, run_id=run_id)
        print(f"{assignment}: {result.students} submissions in {course.folder('submitted')} ({result.source})")
        for problem in result.problems:
            print(f"  {problem.student:<16} {problem.kind}: {problem.detail}")
        refused = refused or bool(result.refused)
    return 1 if refused else 0


def _autograde(course: Course, args) -> int:
    from autograder.workflow.autograde import autograde_assignments
    from autograder.workflow.summary import late_submissions, summary_tables

    console = _console()
    results = autograde_assignments(course, args.assignments, workers=args.workers, force=args.force,
                                    scheduler=args.scheduler)
    late = [entry for a in args.assignments for entry in late_submissions(course, a)]
    for table in summary_tables(results, late):
        console.print(table)
    return 1 if any(result.ungraded for result in results) else 0


def _feedback(course: Course, args) -> int:
    from autograder.workflow.generate_feedback import generate_feedback

    for assignment in args.assignments:
        pages = generate_feedback(course, assignment)
        print(f"{assignment}: {len(pages)} feedback pages in {course.folder('feedback')}")
    return 0


def _release_feedback(course: Course, args) -> int:
    from autograder.workflow.release_feedback import release_feedback

    for assignment in args.assignments:
        released = release_feedback(course, assignment)
        if released.to_exchange:
            print(f"{assignment}: {len(released.to_exchange)} pages released to the exchange (nbgrader fetch_feedback)")
        if released.lms_archive:
            print(f"{assignment}: {len(released.in_lms_archive)} pages of LMS submissions packed in {released.lms_archive}")
    return 0


def _export(course: Course, args) -> int:
    from autograder.workflow.export import export_for_lms, export_grades

    print(f"grades written to {export_grades(course, args.to)}")
    for path in export_for_lms(course):
        print(f"for the LMS's gradebook import: {path}")
    return 0


def _report(course: Course, args) -> int:
    from autograder.workflow.report import write_class_report

    print(f"class report written to {write_class_report(course.root, args.to)}")
    return 0


def _regrade(course: Course, args) -> int:
    from autograder.workflow.regrade import regrade

    for assignment in args.assignments:
        result = regrade(course, assignment)
        print(f"{assignment}: re-scored {result.notebooks} notebooks from stored answers in "
              f"{result.seconds:.2f} s; {len(result.changed)} cell scores changed")
        for student, notebook, grade_id, old, new in result.changed:
            print(f"  {student:<16} {notebook}/{grade_id}: {old} -> {new}")
        for student, notebook, why in result.missing:
            print(f"  {student:<16} {notebook}: not re-scored ({why})")
    return 0


def _grade(course: Course, args) -> int:
    from autograder.workflow.pipeline import grade_class, print_locations

    console = _console()
    outcome = grade_class(course, args.assignments or None, workers=args.workers, force=args.force, console=console,
                          scheduler=args.scheduler)
    print_locations(course, outcome, console)
    return 1 if any(result.ungraded for result in outcome.results) else 0


def _sample_class(course: Course, args) -> int:
    from autograder.demo import main_job

    return main_job.run(course, workers=args.workers, scheduler=args.scheduler)


def _serve(course: Course, args) -> int:
    from autograder.workflow.serve import serve

    serve(course, workers=args.workers, hub=args.hub, scheduler=args.scheduler)
    return 0


def _status(course: Course, args) -> int:
    from autograder.workflow.status import service_status, status_tables

    console = _console()
    for assignment in args.assignments or [None]:
        status = service_status(course, assignment, args.student)
        if status is None:
            print("no grading service has run in this course yet (`week12 serve` starts one)")
            return 0
        for renderable in status_tables(status):
            console.print(renderable)
    return 0


def _doctor(course: Course, args) -> int:
    from autograder.workflow.doctor import examine, print_report

    report = examine(course)
    print_report(report, _console())
    return 0 if report.ok else 1


def _assignments(parser, required=True):
    parser.add_argument("assignments", nargs="+" if required else "*", metavar="ASSIGNMENT",
                        help="assignment name(s), folders of assignments/" + ("" if required else " (default: all)"))


def _workers(parser):
    parser.add_argument("--workers", type=int, default=None,
                        help="notebooks executed at once, one sandbox each (default: the number of cores)")


def _scheduler(parser):
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the notebooks on the workers of this Dask scheduler (tcp://host:8786) "
                             "instead of here (default: c.Cluster.scheduler; none: here)")


def _force(parser):
    parser.add_argument("--force", action="store_true", help="grade again submissions graded before")


def _to(parser, what):
    parser.add_argument("--to", type=Path, default=None, help=f"where to write the {what}")


VERBS = {
    "collect": (_collect, "bring submissions into submitted/ (nbgrader zip_collect or collect)", [_assignments]),
    "autograde": (_autograde, "autograde in parallel, with a progress bar and a summary", [_assignments, _workers, _scheduler, _force]),
    "feedback": (_feedback, "generate the HTML feedback pages", [_assignments]),
    "release-feedback": (_release_feedback, "release feedback to students (the exchange)", [_assignments]),
    "export": (_export, "export every grade as CSV", [lambda p: _to(p, "CSV file (default exports/grades.csv)")]),
    "report": (_report, "write the class report (HTML)", [lambda p: _to(p, "report (default reports/class-report.html)")]),
    "regrade": (_regrade, "re-score stored answers after a rubric change, without running notebooks", [_assignments]),
    "grade": (_grade, "the whole loop: collect, autograde, feedback, release, export, report",
              [lambda p: _assignments(p, required=False), _workers, _scheduler, _force]),
    "sample-class": (_sample_class, "main job: grade the bundled 32-student sample class end to end", [_workers, _scheduler]),
    "serve": (_serve, "grade each hand-in as it arrives in the exchange and release its feedback (a long-running service)",
              [_workers, _scheduler, lambda p: p.add_argument("--hub", action="store_true",
                                                  help="also serve the JupyterHub service's pages (a hub-managed service)")]),
    "status": (_status, "what the grading service has done and is doing: each hand-in's state, the queue, the last hour",
               [lambda p: _assignments(p, required=False),
                lambda p: p.add_argument("--student", default=None, help="only this student's hand-ins")]),
    "doctor": (_doctor, "say whether this machine can grade safely as this user, and what to change if not", []),
    "build-notebooks": (_build_notebooks, "rewrite assignments/ from autograder/authoring and refresh solutions/", []),
}


def main(argv: list[str] | None = None) -> int:
    # jsonschema (through nbformat) compiles an IRI grammar for ~2 s at import when
    # rfc3987_syntax is installed; no notebook check here uses IRI formats.
    sys.modules.setdefault("rfc3987_syntax", None)
    parser = argparse.ArgumentParser(prog="week12", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="verb", required=True)
    for name, (_, help_text, options) in VERBS.items():
        verb = sub.add_parser(name, help=help_text, description=help_text)
        verb.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        for add in options:
            add(verb)
    args = parser.parse_args(argv)
    course = Course(find_course_root())
    return run_verb(course, args, _run_verb)


def _run_verb(course: Course, args) -> int:
    handler, _, _ = VERBS[args.verb]
    unknown = [name for name in getattr(args, "assignments", None) or [] if name not in course.assignments]
    if unknown:
        print(f"error: no assignment {', '.join(map(repr, unknown))} in this course; the assignments are: "
              f"{', '.join(course.assignments)}", file=sys.stderr)
        return 2
    return handler(course, args)


if __name__ == "__main__":
    sys.exit(main())
