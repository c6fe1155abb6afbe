"""The grading service's rules, as pure functions over its record: when, and in which order.

- **A rate limit that teaches**: at most ``limit`` graded hand-ins per student and assignment in
  any ``window`` seconds (:func:`next_allowed`). A hand-in over the limit is kept, and graded when
  the window allows; one that could not be graded (not the assignment's notebook, not valid JSON,
  a grader fault) used no attempt, since only graded ones are counted.
- **The last hand-in before the deadline is always graded**: one that arrived before the due date
  is graded at the due date at the latest, whatever the limit says (:func:`not_before`), and a
  hand-in that arrived after the due date never supersedes it (:func:`supersedes`).
- **Newest first for one student, in order**: a newer hand-in supersedes that student's older
  ones still waiting; one student's hand-ins are graded in the order they arrived.
- **Fair across students**: of the hand-ins ready now, the one whose student was served least
  recently goes first (:func:`pick_next`), so one student handing in 50 times during a deadline
  rush delays nobody else by more than one grading each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from autograder.service.state import Handin


def next_allowed(graded_times: Iterable[float], now: float, limit: int, window: float) -> float:
    """When a student who was graded at ``graded_times`` may be graded again: ``now`` if fewer
    than ``limit`` of them fall in the last ``window`` seconds, else when the oldest of those
    leaves the window. ``limit`` 0 means no limit."""
    if limit <= 0:
        return now
    recent = sorted(t for t in graded_times if t > now - window)
    if len(recent) < limit:
        return now
    return recent[len(recent) - limit] + window


def not_before(arrived: float, due: float | None, now: float, allowed: float) -> float:
    """When a hand-in that arrived at ``arrived`` is graded at the earliest: when the limit allows
    (``allowed``), but no later than the due date for one that arrived before it."""
    if due is not None and arrived <= due:
        return max(now, min(allowed, due))
    return max(now, allowed)


def supersedes(newer: Handin, older: Handin, due: float | None) -> bool:
    """Whether ``newer`` (accepted) makes ``older`` (of the same student and assignment, still
    waiting) unnecessary: it arrived later, and not across the deadline."""
    if newer.arrived is None or older.arrived is None or newer.arrived < older.arrived:
        return False
    return not (due is not None and older.arrived <= due < newer.arrived)


def attempts_left(graded_times: Iterable[float], now: float, limit: int, window: float) -> int | None:
    """Graded hand-ins the student may still have in the current window (None: no limit)."""
    if limit <= 0:
        return None
    return max(0, limit - sum(1 for t in graded_times if t > now - window))


def pick_next(ready: Iterable[Handin], last_served: Mapping[str, float]) -> Handin | None:
    """The hand-in to grade next: each student's earliest one is a candidate, and of those the one
    whose student was served least recently (never served first), then the earliest seen."""
    earliest: dict[str, Handin] = {}
    for handin in ready:
        key = handin.student or ""
        current = earliest.get(key)
        if current is None or (handin.arrived or 0, handin.id) < (current.arrived or 0, current.id):
            earliest[key] = handin
    if not earliest:
        return None
    return min(earliest.values(), key=lambda h: (last_served.get(h.student or "", float("-inf")), h.seen, h.id))


def queue_order(waiting: Iterable[Handin], last_served: Mapping[str, float]) -> list[Handin]:
    """The order in which the waiting hand-ins would be graded if nothing else arrived (for a
    student's "place in the queue"): :func:`pick_next` repeated."""
    left, served, order = list(waiting), dict(last_served), []
    clock = max(served.values(), default=0.0)
    while left:
        chosen = pick_next(left, served)
        order.append(chosen)
        left.remove(chosen)
        clock += 1
        served[chosen.student or ""] = clock
    return order
