"""What the class report says, computed from its data: pure functions, no files, no figures.

Pass rates per graded cell, score summaries, the homework filters grouped by what they do
(``scoring.describe_kernel``'s kinds), and pairs of students with identical unusual filters.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import numpy as np

from autograder.report.data import AssignmentInfo, ClassData, HomeworkAnswer


KERNEL_GROUPS = ("intended", "single_column", "diagonal", "vertical", "smoothing", "other", "no_filter")
# describe_kernel's kinds (and the reasons there is no filter) -> the report's groups.
_GROUP_OF_KIND = {"intended_horizontal": "intended", "single_column_horizontal": "single_column",
                  "diagonal": "diagonal", "vertical": "vertical", "single_row_vertical": "vertical",
                  "smoothing": "smoothing", "other": "other"}


def kernel_group(kind: str) -> str:
    """The report group of a filter kind; zero, invalid, missing and failed have no usable filter."""
    return _GROUP_OF_KIND.get(kind, "no_filter")


# The answers every student meets: the homework's intended filter and its single-column forms,
# the lecture's vertical filter and the mean filter. Any non-zero multiple of one is common.
COMMON_KERNELS = (((-1, -1), (1, 1)), ((-1, 0), (1, 0)), ((0, -1), (0, 1)), ((-1, 1), (-1, 1)), ((1, 1), (1, 1)))
MAX_SHARED_UNUSUAL = 3  # a filter shared by more students is class-wide knowledge, not copying


def is_common_kernel(kernel) -> bool:
    """True for the zero filter and for any scalar multiple (sign included) of :data:`COMMON_KERNELS`."""
    k = np.asarray(kernel, dtype=np.float64).ravel()
    if not np.any(k):
        return True
    for common in COMMON_KERNELS:
        c = np.asarray(common, dtype=np.float64).ravel()
        scale = k @ c / (c @ c)
        if scale != 0 and np.allclose(k, scale * c, rtol=1e-9, atol=1e-12 * np.abs(k).max()):
            return True
    return False


def identical_unusual_groups(kernels: dict[str, list]) -> list[tuple[list, list[str]]]:
    """Groups of 2 to :data:`MAX_SHARED_UNUSUAL` students who handed in exactly the same
    unusual filter, as ``(kernel, students)``, largest group first.

    Why: the same odd numbers (``[[-3, -1], [2, 2]]``) from two students are worth a look, while
    the same *common* answer is not: the canonical filters of the lecture and the homework, any
    multiple of them (students scale and flip signs freely) and the zero filter are everyone's
    answers, and so is a filter more than ``MAX_SHARED_UNUSUAL`` students chose. Equality is on
    the exact numbers; ``kernels`` maps student -> 2x2 filter (``None`` or other shapes are skipped).
    """
    by_numbers = defaultdict(list)
    for student, kernel in kernels.items():
        try:
            values = np.asarray(kernel, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if values.size == 4 and np.all(np.isfinite(values)):
            by_numbers[tuple(values.ravel().tolist())].append(student)
    groups = [(np.reshape(numbers, (2, 2)).tolist(), sorted(students)) for numbers, students in by_numbers.items()
              if 2 <= len(students) <= MAX_SHARED_UNUSUAL and not is_common_kernel(numbers)]
    return sorted(groups, key=lambda group: (-len(group[1]), group[1]))


def cell_passed(score: float, max_score: float, partial_credit: bool, pass_fraction: float) -> bool:
    """Full points pass a cell; a partial-credit cell passes from ``pass_fraction`` of them."""
    needed = max_score * (pass_fraction if partial_credit else 1.0)
    return score >= needed - 1e-9


def pass_rates(data: ClassData, assignment: AssignmentInfo) -> list[dict]:
    """Per graded cell: how many of the assignment's submissions passed it, and the share."""
    rows = [row for row in data.submissions if row.assignment == assignment.name]
    rates = []
    for cell in assignment.cells:
        passed = sum(cell_passed(row.cell_scores.get(cell.grade_id, 0.0), cell.max_score, cell.partial_credit,
                                 data.pass_fraction) for row in rows)
        rates.append({"grade_id": cell.grade_id, "points": cell.max_score, "partial_credit": cell.partial_credit,
                      "passed": passed, "n": len(rows), "rate": passed / len(rows) if rows else 0.0})
    return rates


def score_summary(data: ClassData, assignment: AssignmentInfo) -> dict:
    """Total scores of an assignment's submissions as shares of its maximum, with their statistics."""
    shares = [row.score / row.max_score if row.max_score else 0.0
              for row in data.submissions if row.assignment == assignment.name]
    if not shares:
        return {"n": 0, "shares": []}
    return {"n": len(shares), "shares": shares, "mean": statistics.fmean(shares),
            "median": statistics.median(shares), "min": min(shares), "max": max(shares)}


def kernel_groups(answers: list[HomeworkAnswer]) -> list[dict]:
    """The homework filters by report group: count, students, and the group's most common filter."""
    members = defaultdict(list)
    for answer in answers:
        members[kernel_group(answer.kind)].append(answer)
    groups = []
    for name in KERNEL_GROUPS:
        found = members.get(name, [])
        usable = [tuple(map(tuple, answer.kernel)) for answer in found if answer.kernel is not None]
        example = [list(row) for row in Counter(usable).most_common(1)[0][0]] if usable else None
        groups.append({"name": name, "count": len(found), "answers": sorted(found, key=lambda a: a.student),
                       "example": None if name == "no_filter" else example})
    return groups
