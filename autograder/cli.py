"""``week12``: the course's command line. Each verb is a thin wrapper over a module's function."""

from __future__ import annotations

import argparse
import sys

from autograder.course import Course, find_course_root


def _build_notebooks(course: Course, args) -> int:
    from autograder.authoring.build import build_notebooks

    for path in build_notebooks(course.root):
        print(f"wrote {path.relative_to(course.root)}")
    for assignment in course.assignments:
        # The worked solutions come from nbgrader's own solution step (configured in
        # nbgrader_config.py), which needs the assignment in the gradebook.
        course.nbgrader("db", "assignment", "add", assignment)
        course.nbgrader("generate_solution", assignment, "--force")
        print(f"wrote solutions/{assignment}/")
    return 0


def _demo(course: Course, args) -> int:
    from autograder import demo

    return demo.run(course)


VERBS = {
    "build-notebooks": (_build_notebooks, "rewrite assignments/ from autograder/authoring and refresh solutions/"),
    "demo": (_demo, "release the assignments, autograde their reference solutions and a blank release"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="week12", description=__doc__)
    sub = parser.add_subparsers(dest="verb", required=True)
    for name, (_, help_text) in VERBS.items():
        sub.add_parser(name, help=help_text)
    args = parser.parse_args(argv)
    course = Course(find_course_root())
    handler, _ = VERBS[args.verb]
    return handler(course, args)


if __name__ == "__main__":
    sys.exit(main())
