"""An exercise: how to read a graded cell's answer out of a kernel, and how to judge it.

``extract`` runs where the student's code ran (their kernel, or the grading sandbox) and turns
the names the exercise asks for into plain data. ``judge`` runs anywhere on that data alone, so
the same judgement serves a student's own kernel, trusted grading outside the sandbox, and
re-scoring stored answers. A judgement is a :class:`Judgement`: one typed record that the
grader turns into the graded cell's outputs and that the feedback page reads its message from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from autograder.answers.codec import Unreadable
from autograder.contract import GradedCell
from autograder.exercises.messages import CHECK_MESSAGES, CheckFailed, explain_error
from autograder.i18n import DEFAULT_LANGUAGE, Phrase, Wording
from autograder.scoring.verdict import points_for

MISSING = "__missing__"
# How extraction marks an object it could not read with Keras' own methods (a layer that is not
# a layer...): the answer is not the kind of value asked for, not an error in the student's code.
READ_FAILED = "not the kind of value asked for"


@dataclass(frozen=True)
class JudgeSettings:
    """What the course configures about judging (``c.KernelFeedback``, ``c.KernelRubric``)."""

    language: str = DEFAULT_LANGUAGE
    edge_weights: Mapping[str, float] | None = None  # None: the scorer's own weights
    # Where a kernel verdict's response figure comes from (the judge keeps drawn figures by
    # content); None draws it. Not part of the settings' data.
    figures: Callable[[Any], bytes] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"language": self.language,
                "edge_weights": None if self.edge_weights is None else dict(self.edge_weights)}

    @classmethod
    def from_dict(cls, data: Mapping) -> "JudgeSettings":
        weights = data.get("edge_weights")
        return cls(str(data.get("language", DEFAULT_LANGUAGE)),
                   None if weights is None else {str(k): float(v) for k, v in dict(weights).items()})


@dataclass(frozen=True)
class Judgement:
    """The judgement of one graded cell.

    ``fraction`` is the share of the cell's points earned; ``message`` says why when not all of
    them were (a failed check's full text); ``summary`` is the one line the feedback overview
    shows; ``html`` and ``text`` are optional rich feedback (the kernel verdict's table and
    picture); ``partial_credit`` says whether the cell gives a share of its points or all or none.
    """

    grade_id: str
    fraction: float
    message: str = ""
    summary: str = ""
    html: str | None = None
    text: str | None = None
    partial_credit: bool = False

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0

    def points(self, out_of: float) -> float:
        return points_for(self.fraction, out_of)

    def to_dict(self) -> dict:
        return {"grade_id": self.grade_id, "fraction": float(self.fraction), "message": self.message,
                "summary": self.summary, "html": self.html, "text": self.text,
                "partial_credit": bool(self.partial_credit)}

    def to_record(self) -> dict:
        """What the autograded notebook keeps of it (no HTML: that is in the outputs already)."""
        return {key: value for key, value in self.to_dict().items() if key not in ("html", "text")}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Judgement":
        """Rebuild from :meth:`to_dict` or :meth:`to_record` data, with every field type checked."""
        fraction = data.get("fraction", 0.0)
        fraction = float(fraction) if isinstance(fraction, (int, float)) and math.isfinite(fraction) else 0.0

        def text(name):
            value = data.get(name)
            return value if isinstance(value, str) else None

        return cls(str(data.get("grade_id", "")), fraction, text("message") or "", text("summary") or "",
                   text("html"), text("text"), data.get("partial_credit") is True)


def first_line(text: str) -> str:
    """The first non-blank line of ``text``."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@dataclass(frozen=True)
class Exercise:
    """A graded cell of the contract with the code that reads its answer and judges it.

    ``judge_data(data, settings)`` returns a :class:`Judgement` (its ``grade_id`` and
    ``partial_credit`` are filled in from the contract by :meth:`judge`).
    """

    cell: GradedCell
    extract: Callable[[Mapping[str, Any]], dict]
    judge_data: Callable[[dict, JudgeSettings], Judgement]
    description: str = field(default="")

    @property
    def grade_id(self) -> str:
        return self.cell.grade_id

    @property
    def names(self) -> tuple[str, ...]:
        return self.cell.answer_names

    @property
    def partial_credit(self) -> bool:
        return self.cell.partial_credit

    def judge(self, data, settings: JudgeSettings = JudgeSettings()) -> Judgement:
        judgement = self.judge_data(data, settings)
        return replace(judgement, grade_id=self.grade_id, partial_credit=self.partial_credit)


def require(data: Mapping[str, Any], *names: str) -> list[Any]:
    """The values of ``names`` in extracted ``data``; a clear failure if one was not defined."""
    missing = [name for name in names if name in data.get(MISSING, ())]
    if missing:
        raise CheckFailed("not_defined", names=", ".join(missing))
    values = [data.get(name) for name in names]
    for name, value in zip(names, values):
        if isinstance(value, Unreadable):
            if value.reason.startswith(READ_FAILED):
                raise CheckFailed("not_the_kind", name=name, detail=value.reason[len(READ_FAILED):].strip(" ()"))
            if explain_error(value.reason, "en") is not None:  # the student's code raised it
                raise CheckFailed("student_error", name=name, error=value.reason,
                                  explanation=_Explanation(value.reason))
            raise CheckFailed("unreadable", name=name, reason=value.reason)
    return values


class _Explanation(Phrase):
    """An error's explanation, worded in the language the message is shown in."""

    def __init__(self, error_text: str):
        super().__init__(CHECK_MESSAGES, "explain_other")
        self.error_text = error_text

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return explain_error(self.error_text, language) or CHECK_MESSAGES.message("explain_other", language)


def optional(data: Mapping[str, Any], name: str):
    """The value of ``name`` if it was defined and readable, else None (a step that can do
    without it: the correct earlier result is used instead)."""
    value = data.get(name)
    return None if name in data.get(MISSING, ()) or isinstance(value, Unreadable) else value


def judge_by_checks(check: Callable[[dict], None]) -> Callable[[dict, JudgeSettings], Judgement]:
    """Turn a check that raises :class:`CheckFailed` into an all-or-nothing judgement."""

    def judge(data: dict, settings: JudgeSettings) -> Judgement:
        language = settings.language
        try:
            check(data)
        except Wording as failure:  # a visible or a hidden check, worded in the course's language
            message = failure.text(language)
        except AssertionError as failure:  # a check written with a bare assertion
            message = str(failure) or CHECK_MESSAGES.message("failed", language)
        except Exception as error:  # noqa: BLE001 - malformed data must not crash grading
            text = f"{type(error).__name__}: {error}"
            message = CHECK_MESSAGES.message("cannot_check", language, error=text,
                                             explanation=explain_error(text, language))
        else:
            return Judgement("", 1.0)
        return Judgement("", 0.0, message, first_line(message))

    return judge
