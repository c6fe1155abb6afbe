"""An exercise: how to read a graded cell's answer out of a kernel, and how to judge it.

``extract`` runs where the student's code ran (their kernel, or the grading sandbox) and turns
the names the exercise asks for into plain data. ``judge`` runs anywhere on that data alone, so
the same judgement serves a student's own kernel, trusted grading outside the sandbox, and
re-scoring stored answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograder.answers.codec import Unreadable
from autograder.scoring.verdict import points_for

MISSING = "__missing__"


@dataclass(frozen=True)
class Outcome:
    """The judgement of one graded cell.

    ``fraction`` is the share of the cell's points earned; ``message`` says why when not all
    of them were; ``html`` is optional rich feedback (the kernel verdict's table and picture).
    """

    fraction: float
    message: str = ""
    html: str | None = None
    text: str | None = None

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0

    def points(self, out_of: float) -> float:
        return points_for(self.fraction, out_of)


@dataclass(frozen=True)
class Exercise:
    grade_id: str
    names: tuple[str, ...]
    extract: Callable[[Mapping[str, Any]], dict]
    judge: Callable[[dict], Outcome]
    partial_credit: bool = False
    description: str = field(default="")


class AnswerMissing(AssertionError):
    pass


def require(data: Mapping[str, Any], *names: str) -> list[Any]:
    """The values of ``names`` in extracted ``data``; a clear failure if one was not defined."""
    missing = [name for name in names if name in data.get(MISSING, ())]
    if missing:
        raise AnswerMissing(f"변수 {', '.join(missing)}이(가) 정의되지 않았습니다: 답 셀을 실행하지 않았거나, "
                            "셀이 그 전에 오류로 멈췄습니다 (the answer cell was not run, or it stopped with an "
                            "error before defining it).")
    values = [data.get(name) for name in names]
    for name, value in zip(names, values):
        if isinstance(value, Unreadable):
            raise AssertionError(f"{name}을(를) 읽을 수 없습니다: {value.reason}")
    return values


def judge_by_assertions(check: Callable[[dict], None]) -> Callable[[dict], Outcome]:
    """Turn a check that raises ``AssertionError`` into an all-or-nothing judgement."""

    def judge(data: dict) -> Outcome:
        try:
            check(data)
        except AssertionError as failure:
            return Outcome(0.0, str(failure) or "숨은 테스트를 통과하지 못했습니다.")
        except Exception as error:  # noqa: BLE001 - malformed data must not crash grading
            return Outcome(0.0, f"답을 확인할 수 없습니다: {type(error).__name__}: {error}")
        return Outcome(1.0)

    return judge
