"""Grading the whole sample class with one command (``week12 sample-class`` / ``grade_class``).

The ``graded_class`` fixture (tests/conftest.py) runs the real pipeline once: nbgrader's
zip_collect, the parallel autograde (real sandboxes, kernels and TensorFlow), generate_feedback,
release_feedback, export and the class report. The stock comparison grades a few of the same
students with the nbgrader commands run one by one.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from nbgrader.api import Gradebook

from autograder.answers.codec import decode
from autograder.contract import HOMEWORK_SCORE_CELL as SCORE_GRADE_ID
from autograder.demo.sample_class import ASSIGNMENTS, BROKEN, SAMPLE_STUDENTS, write_sample_download
from autograder.scoring import score_kernel
from autograder.scoring.verdict import points_for
from autograder.answers import store as answer_store
from autograder.workflow.regrade import regrade
from autograder.demo.main_job import release_with_due_date
from autograder.workflow.summary import late_submissions
from tests.conftest import copy_course
from tests.submissions import class_cell_scores, set_rubric

pytestmark = [pytest.mark.nbgrader, pytest.mark.sandbox]

HOMEWORK = "week12-homework"
LAB = "week12-lab"
LEARN = "week12-learn-kernel"
# A few students covering on time and late, a crash, a truncated file and a malformed answer.
STOCK_SUBSET = ("s01-minji", "s08-haeun", "s13-minjun", "s19-sora", "s26-yerin", "s30-mingyu")
NEW_RUBRIC = {"localisation_weight": 0.8, "flatness_weight": 0.2, "selectivity_weight": 0.0}


def all_cell_scores(course, students=None) -> dict:
    return class_cell_scores(course, ASSIGNMENTS, students)


def broken_students(assignment: str) -> set[str]:
    return {s.student_id for s in SAMPLE_STUDENTS if s.answers(assignment) is BROKEN}


def result_for(outcome, assignment):
    return next(result for result in outcome.results if result.assignment == assignment)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_student_is_graded_except_truncated_files_which_fail_with_a_reason(graded_class, assignment):
    _, outcome, _ = graded_class
    result = result_for(outcome, assignment)
    graded = {submission.student for submission in result.graded}
    failed = {submission.student: reason for submission, reason in result.failed.items()}
    assert graded | set(failed) == {s.student_id for s in SAMPLE_STUDENTS}
    assert set(failed) == broken_students(assignment)
    assert all("not valid JSON" in reason for reason in failed.values()), failed


def test_each_notebook_ran_once_in_the_worker_pool(graded_class):
    _, outcome, _ = graded_class
    for result in outcome.results:
        assert result.workers == 2
        # The progress record says, for every graded notebook, that nbgrader took the pool's run.
        assert result.graded and {result.prefetch.get(s) for s in result.graded} == {"hit"}, result.prefetch
        assert result.prefetch_misses == 0


def test_the_gradebook_has_one_writer_and_is_never_locked(graded_class):
    _, outcome, _ = graded_class
    for result in outcome.results:
        assert "database is locked" not in result.nbgrader_log
        assert "OperationalError" not in result.nbgrader_log


def test_late_students_are_found_from_the_lms_file_names(graded_class):
    course, _, _ = graded_class
    expected = {(s.student_id, a) for s in SAMPLE_STUDENTS if s.minutes_late for a in ASSIGNMENTS
                if s.answers(a) is not BROKEN}
    found = {(entry.student, entry.assignment) for a in ASSIGNMENTS for entry in late_submissions(course, a)}
    assert found == expected and expected
    for entry in late_submissions(course, HOMEWORK):
        minutes = next(s.minutes_late for s in SAMPLE_STUDENTS if s.student_id == entry.student)
        assert entry.seconds_late == pytest.approx(minutes * 60, abs=1)


def test_summary_names_failures_and_late_students(graded_class):
    _, _, printed = graded_class
    assert "Autograde summary" in printed
    for student in broken_students(LAB) | broken_students(HOMEWORK):
        assert re.search(rf"{student}.*failed.*not valid JSON", printed), printed
    assert re.search(r"s26-yerin.*late.*1 h 35 min late", printed), printed


def test_feedback_is_generated_released_and_grades_exported(graded_class):
    course, outcome, _ = graded_class
    graded = sum(len(result.graded) for result in outcome.results)
    assert len(outcome.feedback) == graded
    # The class came through an LMS download: its pages are packed for the LMS, per student.
    assert sum(len(released.pages) for released in outcome.released) == graded
    for released in outcome.released:
        with zipfile.ZipFile(released.lms_archive) as packed:
            names = set(packed.namelist())
        assert names == {f"{page.parent.parent.name}/{page.name}" for page in released.in_lms_archive}
    with outcome.grades_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_key = {(row["assignment"], row["student_id"]): float(row["raw_score"]) for row in rows}
    with Gradebook(course.db_url()) as gradebook:
        for assignment in ASSIGNMENTS:
            for submission in gradebook.assignment_submissions(assignment):
                assert by_key[(assignment, submission.student_id)] == pytest.approx(submission.score)
    assert outcome.report.is_file()


def test_grades_equal_the_stock_nbgrader_commands_run_one_by_one(graded_class, tmp_path):
    course, _, _ = graded_class
    stock = copy_course(tmp_path / "stock")
    subset = [s for s in SAMPLE_STUDENTS if s.student_id in STOCK_SUBSET]
    release_with_due_date(stock)  # nbgrader generate_assignment, and the due date for lateness
    write_sample_download(stock, subset)
    for assignment in ASSIGNMENTS:
        stock.nbgrader("zip_collect", assignment, "--force")
        stock.nbgrader("autograde", assignment, check=False)  # exits 1: the truncated notebooks fail
        stock.nbgrader("generate_feedback", assignment)
        # (nbgrader release_feedback needs the secret of an exchange submission; LMS ones have none)
    stock.nbgrader("export", "--to", str(tmp_path / "stock.csv"))

    ours = all_cell_scores(course, set(STOCK_SUBSET))
    theirs = all_cell_scores(stock, set(STOCK_SUBSET))
    # Stock nbgrader keeps the submission it opened for a notebook it then could not grade (the
    # truncated one), with empty grades that read as 0; week12 removes it and exits 1 naming the
    # student, so no zero is recorded for work that was never graded. Everything else is equal.
    never_graded = {(assignment, student) for assignment in ASSIGNMENTS for student in STOCK_SUBSET
                    if (stock.root / "submitted" / student / assignment).is_dir()
                    and not (stock.root / "autograded" / student / assignment).is_dir()}
    assert never_graded
    assert not [key for key in ours if key[:2] in never_graded]
    theirs = {key: score for key, score in theirs.items() if key[:2] not in never_graded}
    assert theirs and ours == theirs
    for assignment in ASSIGNMENTS:
        for student in STOCK_SUBSET:
            ours_feedback = course.root / "feedback" / student / assignment
            theirs_feedback = stock.root / "feedback" / student / assignment
            assert ours_feedback.is_dir() == theirs_feedback.is_dir(), (student, assignment)


def _copy_graded(course, target: Path):
    shutil.copytree(course.root, target, symlinks=True)
    from autograder.course import Course

    return Course(target)


def test_regrade_without_a_rubric_change_changes_nothing(graded_class, tmp_path):
    course = _copy_graded(graded_class[0], tmp_path / "copy")
    before = all_cell_scores(course)
    for assignment in ASSIGNMENTS:
        assert regrade(course, assignment).changed == []
    assert all_cell_scores(course) == before


def test_regrade_after_a_rubric_change_rescores_every_stored_kernel(graded_class, tmp_path):
    course = _copy_graded(graded_class[0], tmp_path / "copy")
    before = all_cell_scores(course)
    set_rubric(course, **NEW_RUBRIC)
    result = regrade(course, HOMEWORK)
    after = all_cell_scores(course)
    weights = {"localisation": 0.8, "flatness": 0.2, "selectivity": 0.0}
    checked = 0
    for stored in answer_store.load(course.root, HOMEWORK):
        data = decode(stored.answers[SCORE_GRADE_ID]) if stored.answers[SCORE_GRADE_ID] else None
        if not isinstance(data, dict) or not isinstance(data.get("kernel"), np.ndarray):
            continue
        expected = points_for(score_kernel(data["kernel"], weights=weights).fraction, 10)
        assert after[(HOMEWORK, stored.student, stored.notebook, SCORE_GRADE_ID)] == pytest.approx(expected)
        checked += 1
    assert checked >= 20
    # Selectivity no longer counts: the Roberts filters gain, the intended ones keep full marks.
    assert after[(HOMEWORK, "s12-yejin", "edge_filter", SCORE_GRADE_ID)] > before[(HOMEWORK, "s12-yejin", "edge_filter", SCORE_GRADE_ID)]
    assert after[(HOMEWORK, "s01-minji", "edge_filter", SCORE_GRADE_ID)] == 10
    assert {(student, grade_id) for student, _, grade_id, _, _ in result.changed} == {
        (key[1], key[3]) for key in after if after[key] != before[key]}
    assert {key for key in after if after[key] != before[key]} <= {key for key in after if key[0] == HOMEWORK}


def test_regrade_gives_what_a_full_autograde_gives_under_the_new_rubric(graded_class, tmp_path):
    course = _copy_graded(graded_class[0], tmp_path / "copy")
    set_rubric(course, **NEW_RUBRIC)
    regrade(course, HOMEWORK)
    regraded = all_cell_scores(course, {"s12-yejin", "s15-eunji"})
    regraded_notebook = (course.root / "autograded" / "s12-yejin" / HOMEWORK / "edge_filter.ipynb").read_text()
    for student in ("s12-yejin", "s15-eunji"):
        course.nbgrader("autograde", HOMEWORK, "--student", student, "--force")
    assert all_cell_scores(course, {"s12-yejin", "s15-eunji"}) == regraded
    rerun_notebook = (course.root / "autograded" / "s12-yejin" / HOMEWORK / "edge_filter.ipynb").read_text()
    assert _graded_outputs(regraded_notebook) == _graded_outputs(rerun_notebook)


# What a TA gives each kind of learn-kernel submission (autograder/demo/sample_learned.py).
LEARNED_SCORE = {"correct": lambda score: score == 10, "not_converged": lambda score: 0 < score < 5,
                 "vertical": lambda score: 0 < score <= 5, "not_learning": lambda score: score == 0,
                 "diverged": lambda score: score == 0, "error": lambda score: score == 0,
                 "blank": lambda score: score == 0}


def test_each_learn_kernel_submission_gets_the_verdict_its_kind_deserves(graded_class):
    scores = all_cell_scores(graded_class[0])
    for student in SAMPLE_STUDENTS:
        score = scores[(LEARN, student.student_id, "learn_kernel", "learned_kernel_score")]
        assert LEARNED_SCORE[student.learned_kind](score), (student.student_id, student.learned, score)


def test_regrade_rescores_the_learned_filters_from_their_stored_runs(graded_class, tmp_path):
    from autograder.exercises.base import JudgeSettings
    from autograder.exercises.learned_kernel import verdict_for

    course = _copy_graded(graded_class[0], tmp_path / "copy")
    before = all_cell_scores(course)
    set_rubric(course, **NEW_RUBRIC)
    regrade(course, LEARN)
    after = all_cell_scores(course)
    settings = JudgeSettings(edge_weights={"localisation": 0.8, "flatness": 0.2, "selectivity": 0.0})
    for stored in answer_store.load(course.root, LEARN):
        if stored.answers["learned_kernel_score"] is None:
            continue
        expected = points_for(verdict_for(decode(stored.answers["learned_kernel_score"]), settings).fraction, 10)
        assert after[(LEARN, stored.student, stored.notebook, "learned_kernel_score")] == pytest.approx(expected)
    # Orientation no longer counts: the filter learned toward the lecture's vertical edge gains.
    key = (LEARN, "s16-taeyang", "learn_kernel", "learned_kernel_score")
    assert after[key] > before[key]


def _graded_outputs(text: str) -> list:
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    return [cell.outputs for cell in nb.cells if cell.get("metadata", {}).get("nbgrader", {}).get("grade")]


def test_each_step_is_also_a_command(graded_class, tmp_path):
    course = _copy_graded(graded_class[0], tmp_path / "copy")
    week12 = str(Path(sys.executable).parent / "week12")
    helped = subprocess.run([week12, "--help"], capture_output=True, text=True, check=True).stdout
    for verb in ("collect", "autograde", "feedback", "release-feedback", "export", "report", "regrade",
                 "grade", "sample-class"):
        assert verb in helped
    subprocess.run([week12, "export", "--to", str(tmp_path / "grades.csv")], cwd=course.root, check=True,
                   capture_output=True)
    assert len((tmp_path / "grades.csv").read_text().splitlines()) == 1 + len(SAMPLE_STUDENTS) * len(ASSIGNMENTS)
    (course.root / "reports").mkdir(exist_ok=True)
    subprocess.run([week12, "report", "--to", str(tmp_path / "report.html")], cwd=course.root, check=True,
                   capture_output=True)
    assert "<img" in (tmp_path / "report.html").read_text(encoding="utf-8")
    shown = subprocess.run([week12, "regrade", HOMEWORK], cwd=course.root, check=True, capture_output=True,
                           text=True).stdout
    assert "0 cell scores changed" in shown
