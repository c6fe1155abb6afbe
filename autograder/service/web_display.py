"""The views of ``status_view`` made ready to show: every value worded, every table a list of rows.

One function per page builds what both the page's template (its first paint) and the JSON API
(the page's own script, which updates the page while a hand-in is graded) hand out, so a page
updated live shows exactly what a reload would. A cell is a string or ``{"text", "href"}``; the
template escapes it and the script sets it as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from autograder.i18n import format_delay
from autograder.service import web_text as words


@dataclass(frozen=True)
class Links:
    """The service's addresses under its hub prefix (``JUPYTERHUB_SERVICE_PREFIX``) and the hub's."""

    prefix: str  # e.g. /services/week12-grading/
    hub_prefix: str = "/hub/"

    def _path(self, *parts: str) -> str:
        return self.prefix + "/".join(quote(part, safe="") for part in parts)

    def student(self, student: str, language: str) -> str:
        return self._path("students", student) + f"?lang={language}"

    def student_api(self, student: str, language: str) -> str:
        return self._path("api", "students", student) + f"?lang={language}"

    def feedback(self, student: str, assignment: str, notebook: str) -> str:
        return self._path("feedback", student, assignment, notebook)

    def queue(self, language: str) -> str:
        return self._path("queue") + f"?lang={language}"

    def queue_api(self, language: str) -> str:
        return self._path("api", "queue") + f"?lang={language}"

    def control(self) -> str:
        return self._path("control")

    def report(self) -> str:
        return self._path("report")

    def formgrader(self, instructor: str) -> str:
        # nbgrader's formgrader is a server extension of the instructor's own Jupyter server.
        return self.hub_prefix.rstrip("/").rsplit("/", 1)[0] + "/user/" + quote(instructor, safe="") + "/formgrader"


def _state_cell(handin: dict, language: str, now: float) -> str:
    sentence = words.state(handin, language, now)
    if handin.get("late_seconds"):
        sentence += " · " + words.text("late", language, delay=format_delay(handin["late_seconds"], language))
    return sentence


def student_display(view: dict, language: str, links: Links) -> dict:
    """``view`` (``status_view.student_view``) with the words of ``language``."""
    now = view["now"]
    sections = []
    for section in view["assignments"]:
        rows = [{"state": h["state"], "id": h["id"],
                 "cells": [words.clock(h["arrived"] or h["seen"], now), _state_cell(h, language, now), words.score(h)]}
                for h in section["handins"]]
        feedback = [{"notebook": notebook, "url": links.feedback(view["student"], section["assignment"], notebook)}
                    for notebook in section["feedback"]]
        sections.append({"assignment": section["assignment"], "rows": rows,
                         "attempts": words.attempts(section, language, now), "feedback": feedback,
                         "feedback_version": max((h["released"] or 0 for h in section["handins"]), default=0)})
    return {"student": view["student"], "language": language, "paused": view["paused"], "live": view["live"],
            "sections": sections, "zone": words.zone(now), "data": view}


def _student_link(student: str | None, language: str, links: Links):
    return {"text": student, "href": links.student(student, language)} if student else "—"


def _phase_row(handin: dict, language: str, links: Links, now: float) -> dict:
    latency = handin["released"] - handin["seen"] if handin["released"] is not None else None
    return {"state": handin["state"], "id": handin["id"],
            "cells": [_student_link(handin["student"], language, links), handin["assignment"],
                      _state_cell(handin, language, now), words.clock(handin["arrived"] or handin["seen"], now),
                      words.clock(handin["started"], now), words.clock(handin["graded"], now),
                      words.clock(handin["released"], now), words.duration(latency), words.score(handin)]}


def instructor_display(view: dict, language: str, links: Links) -> dict:
    """``view`` (``status_view.instructor_view``) with the words of ``language``."""
    now, rate = view["now"], view["throughput"]
    throughput = words.text("throughput", language, released=rate["released"],
                            per_minute=f"{rate['per_minute']:.2f}" if rate['per_minute'] < 1 else f"{rate['per_minute']:.1f}", median=words.duration(rate["median_seconds"]),
                            p95=words.duration(rate["p95_seconds"]), failures=rate["failures"])
    failures = [{"state": h["state"], "id": h["id"],
                 "cells": [_student_link(h["student"], language, links), h["assignment"],
                           words.clock(h["arrived"] or h["seen"], now), _state_cell(h, language, now)]}
                for h in view["failures"]]
    roster = []
    for assignment in view["assignments"]:
        rows = [{"state": s["latest"]["state"], "id": s["latest"]["id"],
                 "cells": [_student_link(s["student"], language, links), str(s["handins"]),
                           _state_cell(s["latest"], language, now),
                           words.score({"score": s["score"], "max_score": s["max_score"]}),
                           "—" if s["attempts_left"] is None else str(s["attempts_left"])]}
                for s in assignment["students"]]
        roster.append({"assignment": assignment["assignment"], "rows": rows,
                       "counts": words.text("roster_counts", language, submitted=assignment["submitted"],
                                            graded=assignment["graded"], over_limit=assignment["over_limit"])})
    return {"language": language, "paused": view["paused"], "live": True, "throughput": throughput,
            "counts": words.text("waiting_counts", language, **view["counts"]),
            "queue": [_phase_row(h, language, links, now) for h in view["queue"]],
            "failures": failures, "roster": roster, "zone": words.zone(now), "data": view}
