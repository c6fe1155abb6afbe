"""What the hub's pages show, as plain data: one student's hand-ins, and the queue for instructors.

Pure functions over the service's record (:class:`~autograder.service.state.Handin` rows), the
rate limit's numbers and the time now; no file, no database, no wording (``web_text`` words it).
The same data is the JSON API's and the pages' first paint, so a page that updates itself from
the API shows exactly what a reload would.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.service.state import (FINAL, GRADED, GRADING, NOT_GRADED, OVER_LIMIT, QUEUED, REFUSED, RELEASED,
                                      Handin, throughput)

RECENT_JOBS = 50  # finished jobs kept on the instructor's live queue, newest first
LIVE = (QUEUED, OVER_LIMIT, GRADING, GRADED)  # a page showing one of these keeps asking


@dataclass(frozen=True)
class RateLimit:
    """``c.GradingService.graded_per_window`` graded hand-ins per student and assignment within
    ``window_seconds``; ``per_window`` 0 means no limit."""

    per_window: int
    window_seconds: float


def queue_places(handins: list[Handin]) -> dict[int, int]:
    """Each queued hand-in's place in the queue (1: graded next), by hand-in id.

    The service keeps at most one queued hand-in per student and assignment (a newer one
    supersedes it), so taking them in the order they were seen is the fair order: nobody's many
    hand-ins stand in front of another student's one. Over-the-limit hand-ins have no place:
    they wait for a time, not for others.
    """
    queued = sorted((h for h in handins if h.state == QUEUED), key=lambda h: (h.seen, h.id))
    return {handin.id: place for place, handin in enumerate(queued, start=1)}


def _attempt_time(handin: Handin) -> float:
    """When a graded attempt was used: its grading's end (else start, else when it was seen)."""
    return next(t for t in (handin.graded, handin.started, handin.seen) if t is not None)


def attempts_left(handins: list[Handin], limit: RateLimit, now: float) -> tuple[int | None, float | None]:
    """``(attempts left now, when the next one frees up)`` for one student's hand-ins of one
    assignment: the limit minus the graded attempts (``counted``) inside the window. ``(None,
    None)`` with no limit; the second is None while attempts are left."""
    if limit.per_window <= 0:
        return None, None
    used = sorted(_attempt_time(h) for h in handins if h.counted and _attempt_time(h) > now - limit.window_seconds)
    left = max(0, limit.per_window - len(used))
    frees_at = used[len(used) - limit.per_window] + limit.window_seconds if left == 0 else None
    return left, frees_at


def handin_data(handin: Handin, places: dict[int, int]) -> dict:
    """One hand-in as the pages and the API give it (no folder name: it holds what a student typed)."""
    return {"id": handin.id, "assignment": handin.assignment, "student": handin.student, "state": handin.state,
            "place": places.get(handin.id), "arrived": handin.arrived, "seen": handin.seen,
            "started": handin.started, "graded": handin.graded, "released": handin.released,
            "not_before": handin.not_before, "reason": handin.reason, "score": handin.score,
            "max_score": handin.max_score, "late_seconds": handin.late_seconds}


def student_view(student: str, assignments: list[str], handins: list[Handin], feedback: dict[str, list[str]],
                 limit: RateLimit, now: float, paused: bool) -> dict:
    """One student's page: for each assignment (the course's, then any other they handed in),
    their hand-ins newest first, attempts left and their feedback pages (notebook names).

    ``handins`` are every hand-in of the course (places in the queue are counted among all);
    only ``student``'s are shown.
    """
    places = queue_places(handins)
    own = [h for h in handins if h.student == student]
    names = list(dict.fromkeys([*assignments, *sorted({h.assignment for h in own})]))
    sections = []
    for assignment in names:
        mine = [h for h in own if h.assignment == assignment]
        left, frees_at = attempts_left(mine, limit, now)
        sections.append({
            "assignment": assignment,
            "handins": [handin_data(h, places) for h in sorted(mine, key=lambda h: (h.seen, h.id), reverse=True)],
            "attempts_left": left, "next_attempt_at": frees_at, "graded_per_window": limit.per_window,
            "window_minutes": limit.window_seconds / 60, "feedback": list(feedback.get(assignment, [])),
        })
    return {"student": student, "now": now, "paused": paused, "assignments": sections,
            "live": any(h.state in LIVE for h in own)}


def _latest(handins: list[Handin]) -> Handin:
    return max(handins, key=lambda h: (h.seen, h.id))


def roster(handins: list[Handin], assignments: list[str], limit: RateLimit, now: float) -> list[dict]:
    """Per assignment, each student who handed in: how many times, their latest hand-in's state,
    their last score, attempts left and until when they are over the limit."""
    places = queue_places(handins)
    names = list(dict.fromkeys([*assignments, *sorted({h.assignment for h in handins})]))
    result = []
    for assignment in names:
        of_assignment = [h for h in handins if h.assignment == assignment and h.student is not None]
        students = []
        for student in sorted({h.student for h in of_assignment}):
            theirs = [h for h in of_assignment if h.student == student]
            scored = [h for h in theirs if h.score is not None and h.state in (GRADED, RELEASED)]
            waiting = [h.not_before for h in theirs if h.state == OVER_LIMIT and h.not_before is not None]
            left, _ = attempts_left(theirs, limit, now)
            students.append({"student": student, "handins": len(theirs),
                             "latest": handin_data(_latest(theirs), places),
                             "score": _latest(scored).score if scored else None,
                             "max_score": _latest(scored).max_score if scored else None,
                             "attempts_left": left, "over_limit_until": max(waiting) if waiting else None})
        result.append({"assignment": assignment, "students": students,
                       "submitted": len(students),
                       "graded": sum(1 for s in students if s["score"] is not None),
                       "over_limit": sum(1 for s in students if s["over_limit_until"] is not None)})
    return result


def instructor_view(handins: list[Handin], assignments: list[str], limit: RateLimit, now: float,
                    paused: bool, window: float = 3600.0) -> dict:
    """The instructor's page: the live queue (every job not finished, then the latest finished
    ones) with each job's phases, the last hour's throughput and latency, failures with their
    reasons, and who has handed in each assignment."""
    places = queue_places(handins)
    newest_first = sorted(handins, key=lambda h: (h.seen, h.id), reverse=True)
    open_jobs = [h for h in newest_first if h.state not in FINAL]
    finished = [h for h in newest_first if h.state in FINAL][:RECENT_JOBS]
    failures = [h for h in newest_first if h.state in (NOT_GRADED, REFUSED) and (h.graded or h.seen) >= now - window]
    rate = throughput(handins, now=now, window=window)
    return {
        "now": now, "paused": paused,
        "throughput": {"window_seconds": rate.window, "released": rate.released, "per_minute": rate.per_minute,
                       "median_seconds": rate.median_seconds, "p95_seconds": rate.p95_seconds,
                       "failures": rate.failures},
        "counts": {state: sum(1 for h in handins if h.state == state) for state in (QUEUED, OVER_LIMIT, GRADING)},
        "queue": [handin_data(h, places) for h in open_jobs + finished],
        "failures": [handin_data(h, places) for h in failures],
        "assignments": roster(handins, assignments, limit, now),
        "live": True,
    }
