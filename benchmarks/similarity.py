"""The class report's similarity section for a class of 300: seconds from the notebooks on disk
to the ranked pairs, against copydetect's own detector on the same code in the same session.

Writes a generated class (``tests/similarity_class.py``: honest students with varied answers and
five planted copies of one of them, 300 students in all) as real notebooks into ``submitted/`` of a
released course copy, then times, as ``week12 report`` does them, reading every notebook
(``report_notebooks.read_assignment_code``) and comparing the class (``report_similarity.compare_class``),
the median of 3 runs each. The baseline is copydetect's ``CopyDetector`` on the same students'
code, one ``.py`` file per student (its own tokenizer and winnowing, every pair compared, the
released notebook as boilerplate), run once. Prints both, their ratio, and how many pairs each
flags that are not planted copies; exits non-zero if the section takes 30 s or more, or misses a
planted pair, or flags an honest one.

    .venv/bin/python benchmarks/similarity.py [--students 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.report.notebooks import read_assignment_code  # noqa: E402
from autograder.report.similarity import compare_class  # noqa: E402
from tests.conftest import copy_course  # noqa: E402
from tests.similarity_class import COPY_KINDS, planted_class, write_planted_class  # noqa: E402

LAB = "week12-lab"
REPEATS = 3
LIMIT_SECONDS = 30.0


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def copydetect_baseline(folder: Path, code) -> tuple[float, set[frozenset[str]]]:
    """copydetect's detector on one .py file per student; the pairs it reports (display threshold)."""
    from copydetect import CopyDetector

    students = folder / "students"
    boilerplate = folder / "boilerplate"
    for student in code.submissions:
        (students / student.student).mkdir(parents=True)
        sources = [student.answers.get(cell, "") for cell in code.answer_cells] + list(student.other)
        (students / student.student / "lab.py").write_text("\n\n".join(sources), encoding="utf-8")
    boilerplate.mkdir()
    released = [*code.shared.given, *code.shared.released_answers]
    (boilerplate / "released.py").write_text("\n\n".join(released), encoding="utf-8")
    detector = CopyDetector(test_dirs=[str(students)], boilerplate_dirs=[str(boilerplate)], extensions=["py"],
                            autoopen=False, silent=True)
    seconds, _ = timed(detector.run)
    reported = {frozenset((Path(row[2]).parent.name, Path(row[3]).parent.name))
                for row in detector.get_copied_code_list()}
    return seconds, reported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    planted = planted_class(args.seed, honest=args.students - len(COPY_KINDS))
    times = {student: work.submitted_at for student, work in planted.students.items()}
    with tempfile.TemporaryDirectory(prefix="week12-similarity-") as scratch:
        course = copy_course(Path(scratch) / "course")
        course.nbgrader("generate_assignment", LAB, "--force")
        write_planted_class(course, planted)
        reading, comparing = [], []
        for _ in range(REPEATS):
            seconds, code = timed(read_assignment_code, course, LAB)
            reading.append(seconds)
            code = code.with_times(times)
            seconds, result = timed(compare_class, code.submissions, code.answer_cells, code.shared)
            comparing.append(seconds)
        baseline_seconds, baseline_pairs = copydetect_baseline(Path(scratch) / "copydetect", code)
    read_median, compare_median = statistics.median(reading), statistics.median(comparing)
    total = read_median + compare_median
    flagged = {pair.students for pair in result.pairs}
    missed, honest = planted.planted_pairs - flagged, flagged - planted.planted_pairs
    print(f"similarity section, {len(planted.students)} students of week12-lab (median of {REPEATS}):")
    print(f"  reading the notebooks:  {read_median:6.2f} s")
    print(f"  comparing the class:    {compare_median:6.2f} s  ({len(result.pairs)} pairs flagged, "
          f"{len(result.groups)} group(s))")
    print(f"  total:                  {total:6.2f} s  (limit {LIMIT_SECONDS:.0f} s)")
    print(f"  baseline, copydetect's CopyDetector on the same code: {baseline_seconds:6.2f} s; "
          f"this section / baseline: {total / baseline_seconds:.2f}")
    print(f"  planted pairs missed: {len(missed)} of {len(planted.planted_pairs)}; honest pairs flagged: "
          f"{len(honest)} (copydetect reports {len(baseline_pairs - planted.planted_pairs)} honest pairs)")
    return 0 if total < LIMIT_SECONDS and not missed and not honest else 1


if __name__ == "__main__":
    sys.exit(main())
