"""The class report's learned filters: what each student's training learned, grouped by kind.

Read from the answer store, like the homework's filters (``report_data``): the extracted runs of
the learn-kernel exercise, judged by the same verdict function the grader uses
(``exercises.learned_kernel.verdict_for``) so that "did not learn", "diverged" and "timed out" mean
here what they meant in the student's feedback. A student's learned filter is the one learned on
the first hidden image; its kind is the homework's (``describe_kernel``), so the two sections of
the report use the same groups.
"""

from __future__ import annotations

from pathlib import Path

from autograder.answers import store as answer_store
from autograder.answers.codec import decode
from autograder.contract import LEARN_KERNEL, LEARN_SCORE_CELL
from autograder.exercises.learned_kernel import verdict_for
from autograder.report.data import HomeworkAnswer, SubmissionRow


def read_learned_answer(student: str, answer_text: str | None, detail: str = "") -> HomeworkAnswer:
    """What a student's training learned, from the extracted answer (codec JSON, untrusted; never raises).

    ``kind`` is :func:`describe_kernel`'s for the filter learned on the first hidden image, or
    ``'not_learning'`` (the same filter whatever it was trained on), ``'failed'`` (no training
    finished), ``'missing'`` (the functions were not defined, or no answer came back).
    """
    if answer_text is None:
        return HomeworkAnswer(student, "missing", detail=detail or "no answer came back from the run")
    verdict = verdict_for(decode(answer_text))
    kernel = verdict.learned_kernel
    reasons = sorted({case.status for case in verdict.cases if case.status != "ok"})
    if verdict.kind in ("not_learning", "failed", "missing") or kernel is None:
        return HomeworkAnswer(student, verdict.kind if verdict.kind != "no_filter" else "failed",
                              detail=", ".join(reasons))
    return HomeworkAnswer(student, verdict.kind, kernel.tolist())


def learned_answers(root: Path, rows: list[SubmissionRow]) -> list[HomeworkAnswer]:
    """Each graded learn-kernel submission's learned filter (or why there is none)."""
    stored = {s.student: s for s in answer_store.load(root, LEARN_KERNEL.name) if LEARN_SCORE_CELL in s.answers}
    answers = []
    for row in rows:
        if row.assignment != LEARN_KERNEL.name:
            continue
        if row.failed_notebooks:
            answers.append(HomeworkAnswer(row.student, "failed", detail="the notebook could not be graded"))
        elif row.student not in stored:
            answers.append(HomeworkAnswer(row.student, "missing", detail="no extracted answer stored"))
        else:
            found = stored[row.student]
            answers.append(read_learned_answer(row.student, found.answers.get(LEARN_SCORE_CELL), found.run_note or ""))
    return answers
