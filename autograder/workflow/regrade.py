"""``week12 regrade``: re-score a whole class from its stored answers, executing nothing.

After a rubric or threshold change in ``nbgrader_config.py`` (``c.KernelRubric...``), every
stored answer (``autograder.answers.store``) is judged again with the same judgement functions
trusted grading uses (``autograder.judging.judge``). Each graded cell of the
autograded notebook gets the new outputs, built exactly as ``SandboxedExecute`` builds them, and
its score is read from those outputs with nbgrader's own rule (``utils.determine_grade``), then
saved as ``SaveAutoGrades`` saves it. So a re-grade gives the grades a full autograde would,
without starting a kernel. This process is the only writer of the gradebook while it runs.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import nbjson
from nbformat.v4.rwbase import rejoin_lines
from nbgrader import utils
from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook

from autograder.answers import store as answer_store
from autograder.course import Course
from autograder.service.writer_lock import refuse_if_serving
from autograder.record.graded_outputs import graded_outputs, no_judgement, record_judgement
from autograder.judging.judge_client import JudgeFailed, JudgeProcess, judge_settings
from autograder.grading.sandboxed_execute import SandboxedExecute

log = logging.getLogger(__name__)


@dataclass
class RegradeResult:
    assignment: str
    notebooks: int = 0
    changed: list = field(default_factory=list)  # (student, notebook, grade_id, old, new)
    missing: list = field(default_factory=list)  # (student, notebook, why)
    seconds: float = 0.0


def regrade(course: Course, assignment: str) -> RegradeResult:
    refuse_if_serving(course.root, "week12 regrade")  # one gradebook writer
    started = time.perf_counter()
    result = RegradeResult(assignment)
    scores: dict[tuple[str, str, str], float | None] = {}
    config = course.config
    settings = judge_settings(config)
    timeout = SandboxedExecute(config=config).judge_seconds
    # The same judge process, and the same time bound per notebook, as trusted grading.
    judge = JudgeProcess(answer_store.figure_cache_dir(course.root))
    try:
        for stored in answer_store.load(course.root, assignment):
            path = course.folder("autograded", stored.student, assignment) / f"{stored.notebook}.ipynb"
            if not path.is_file():
                result.missing.append((stored.student, stored.notebook, "no autograded notebook"))
                continue
            try:
                judgements = judge.judge(stored.answers, settings, timeout=timeout)
            except JudgeFailed as failure:
                result.missing.append((stored.student, stored.notebook, str(failure)))
                judge = JudgeProcess(answer_store.figure_cache_dir(course.root))
                continue
            _rescore(path, stored, judgements, settings.language, scores)
            result.notebooks += 1
    finally:
        judge.close()
    _save_scores(course, assignment, scores, result)
    result.seconds = time.perf_counter() - started
    return result


def _rescore(path, stored, judgements, language: str, scores: dict) -> None:
    """Rewrite the graded cells' outputs of one autograded notebook from ``judgements``; record
    each cell's score as nbgrader would read it."""
    # Read as nbformat.read does, less the schema validation nbgrader did when it wrote it.
    nb = rejoin_lines(nbformat.from_dict(json.loads(path.read_text(encoding="utf-8"))))
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code" or not utils.is_grade(cell):
            continue
        grade_id = cell.metadata.nbgrader.grade_id
        judgement = judgements.get(grade_id) or no_judgement(grade_id, language)
        outputs = graded_outputs(judgement, cell.metadata.nbgrader.get("points", 0), stored.run_note, language)
        changed = changed or outputs != cell.outputs
        cell.outputs = outputs
        record_judgement(cell, judgement)
        scores[(stored.student, stored.notebook, grade_id)] = utils.determine_grade(cell, log)[0]
    if changed:
        _write_over_readonly(path, nb)


def _write_over_readonly(path, nb) -> None:
    """nbgrader leaves autograded notebooks read-only (0444); keep them so."""
    path.chmod(0o644)
    try:
        # nbgrader validated this notebook when it wrote it; only graded outputs changed since.
        path.write_text(nbjson.writes(nb), encoding="utf-8")
    finally:
        path.chmod(0o444)


def _save_scores(course: Course, assignment: str, scores: dict, result: RegradeResult) -> None:
    """Write the new auto scores: one query for the assignment's grades, one commit."""
    with course.gradebook() as gradebook:
        rows = (gradebook.db.query(Grade, BaseCell.name, Notebook.name, SubmittedAssignment.student_id)
                .join(BaseCell, Grade.cell_id == BaseCell.id)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .filter(Assignment.name == assignment).all())
        grades = {(student, notebook, grade_id): grade for grade, grade_id, notebook, student in rows}
        for key, score in scores.items():
            grade = grades.get(key)
            if grade is None:
                result.missing.append((key[0], key[1], f"no gradebook entry for {key[2]}"))
                continue
            if grade.auto_score != score:
                result.changed.append((*key, grade.auto_score, score))
            grade.auto_score = score
            # As SaveAutoGrades: a manual score, or none from the autograder, needs a look.
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        gradebook.db.commit()
