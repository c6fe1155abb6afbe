"""What safety costs: seconds per notebook with trusted (sandboxed) grading against stock
`nbgrader autograde` (student code and tests in one kernel), on the same submissions, same run.

Two copies of the course get identical submissions (both assignments, reference answers and a
few wrong ones). Each round autogrades every submission once in each copy, in alternating order
so that machine drift hits both; the script prints per-round times, the median seconds per
notebook of each and their ratio, checks that honest submissions got the same grades, and exits
non-zero if safety costs more than 25%.

    .venv/bin/python benchmarks/sandbox_cost.py [--rounds 3] [--students 3] [--as-ordinary-account]

``--as-ordinary-account`` (as root) runs it as the tests' ordinary account with the package
installed into an environment of its own (``tests/accounts.py``), as a hub grader would.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.course import IN_KERNEL_GRADING_CONFIG, Course
from autograder.demo.submissions import answered_notebook, submit

REPO = Path(__file__).resolve().parents[1]
MAX_RATIO = 1.25
WRONG = {
    "week12-homework": {"edge_kernel": "kernel = [[-1, 0], [0, 1]]"},
    "week12-lab": {"keeps_edge": 'keeps_edge = {"mean->mean": True, "mean->edge": True, "edge->mean": True, "edge->edge": True}'},
}


def make_course(root: Path, extra_config: str, students: int) -> Course:
    root.mkdir(parents=True)
    for name in ("nbgrader_config.py", "assignments", "solutions"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(extra_config)
    course = Course(root)
    for assignment in course.assignments:
        course.nbgrader("generate_assignment", assignment, "--force")
        notebook = course.notebooks(assignment)[0]
        for index in range(students):
            overrides = WRONG[assignment] if index % 2 else {}
            submit(course, f"student-{index:02d}", assignment,
                   {notebook: answered_notebook(course, assignment, notebook, overrides)})
    return course


def grade_all(course: Course) -> float:
    started = time.perf_counter()
    for assignment in course.assignments:
        course.nbgrader("autograde", assignment, "--force")
    return time.perf_counter() - started


def grades(course: Course) -> dict:
    with Gradebook(course.db_url()) as gradebook:
        return {(s.assignment.name, s.student.id): s.score
                for assignment in course.assignments
                for s in gradebook.assignment_submissions(assignment)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--students", type=int, default=3, help="submissions per assignment")
    parser.add_argument("--as-ordinary-account", action="store_true",
                        help="as root: run as the tests' ordinary account, in a hub-like environment")
    args = parser.parse_args()
    if args.as_ordinary_account and os.geteuid() == 0:
        sys.path.insert(0, str(REPO))
        from tests.accounts import hub_environment, ordinary_account

        account = ordinary_account()
        venv = hub_environment(account)
        done = account.run([str(venv / "bin" / "python"), str(Path(__file__).resolve()), "--rounds", str(args.rounds),
                            "--students", str(args.students)], cwd=Path("/tmp"), env=account.environment(venv),
                           check=False)
        print(done.stdout, end="")
        return done.returncode
    print(f"grading as {getpass.getuser()} (uid {os.getuid()})")
    with tempfile.TemporaryDirectory(prefix="week12-bench-") as scratch:
        stock = make_course(Path(scratch) / "stock", IN_KERNEL_GRADING_CONFIG, args.students)
        trusted = make_course(Path(scratch) / "trusted", "", args.students)
        notebooks = args.students * len(stock.assignments)
        stock_times, trusted_times = [], []
        for round_index in range(args.rounds):
            order = [("stock", stock, stock_times), ("trusted", trusted, trusted_times)]
            if round_index % 2:
                order.reverse()
            for name, course, times in order:
                seconds = grade_all(course) / notebooks
                times.append(seconds)
                print(f"round {round_index + 1}: {name:<8} {seconds:6.2f} s per notebook")
        same = grades(stock) == grades(trusted)
        stock_median, trusted_median = statistics.median(stock_times), statistics.median(trusted_times)
    ratio = trusted_median / stock_median
    print(f"\nstock nbgrader autograde (in-kernel): {stock_median:.2f} s per notebook (median of {args.rounds})")
    print(f"trusted grading (sandbox + judge):    {trusted_median:.2f} s per notebook (median of {args.rounds})")
    print(f"ratio trusted / stock: {ratio:.2f} (allowed <= {MAX_RATIO})")
    print(f"same grades for these honest submissions: {same}")
    return 0 if ratio <= MAX_RATIO and same else 1


if __name__ == "__main__":
    sys.exit(main())
