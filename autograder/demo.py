"""The main job until class grading exists: release every assignment, then autograde its
reference solution and a blank (untouched) release with real nbgrader, and print the scores.

Submissions are laid out as nbgrader expects, ``submitted/<student>/<assignment>/``, for two
pseudo-students: ``reference-solution`` (the worked solutions under ``solutions/``) and
``blank-release`` (the released notebooks, unanswered).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.course import Course

REFERENCE_STUDENT = "reference-solution"
BLANK_STUDENT = "blank-release"


def stage_submission(course: Course, student: str, assignment: str, source_folder: Path) -> None:
    target = course.root / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for notebook in course.notebooks(assignment):
        shutil.copy2(source_folder / notebook, target / notebook)


def release_and_autograde(course: Course, log=print) -> dict[tuple[str, str], tuple[float, float]]:
    """Returns {(assignment, student): (score, max_score)} read back from the gradebook."""
    for assignment in course.assignments:
        log(f"== nbgrader generate_assignment {assignment}")
        course.nbgrader("generate_assignment", assignment, "--force")
        stage_submission(course, REFERENCE_STUDENT, assignment, course.root / "solutions" / assignment)
        stage_submission(course, BLANK_STUDENT, assignment, course.root / "release" / assignment)
        for student in (REFERENCE_STUDENT, BLANK_STUDENT):
            log(f"== nbgrader autograde {assignment} --student {student}")
            course.nbgrader("autograde", assignment, "--student", student, "--force")
    scores = {}
    with Gradebook(course.db_url()) as gradebook:
        for assignment in course.assignments:
            for student in (REFERENCE_STUDENT, BLANK_STUDENT):
                submission = gradebook.find_submission(assignment, student)
                scores[(assignment, student)] = (submission.score, submission.max_score)
    return scores


def run(course: Course) -> int:
    scores = release_and_autograde(course)
    print()
    print(f"{'assignment':<20} {'student':<20} {'score':>12}")
    for (assignment, student), (score, max_score) in scores.items():
        print(f"{assignment:<20} {student:<20} {score:>6.2f} / {max_score:<5.1f}")
    print(f"\nautograded notebooks: {course.root / 'autograded'}\ngradebook: {course.root / 'gradebook.db'}")
    return 0
