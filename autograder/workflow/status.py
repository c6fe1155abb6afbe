"""``week12 status``: what the grading service has done and is doing, from its record.

Each hand-in's state (queued with its place, grading, graded with its score, feedback released,
over the limit until T, not graded and why, refused and why), the queue, the last hour's
throughput and latency, and the failures. Read-only: it opens the service's record for reading.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course
from autograder.service import policy
from autograder.record.service_lock import writer_lock_holder
from autograder.service.settings import GradingService
from autograder.service.state import NOT_GRADED, WAITING, Handin, ServiceState, Throughput, state_path, throughput


@dataclass
class ServiceStatus:
    running: dict | None  # who holds the writer lock (pid, host, since), None when the service is not running
    handins: list[Handin] = field(default_factory=list)
    queue: list[Handin] = field(default_factory=list)  # waiting, in the order they would be graded
    recent: Throughput | None = None
    failures: list[Handin] = field(default_factory=list)
    paused: bool = False


def service_status(course: Course, assignment: str | None = None, student: str | None = None) -> ServiceStatus | None:
    """The service's record, filtered; None when no service has ever run in this course."""
    settings = GradingService(config=course.config)
    path = Path(settings.state_file) if settings.state_file else state_path(course.root)
    if not path.exists():
        return None
    state = ServiceState(path, read_only=True)
    try:
        everything = state.handins()
        handins = [h for h in everything if (assignment is None or h.assignment == assignment)
                   and (student is None or h.student == student or h.named == student)]
        last_served = {h.student: h.started for h in everything if h.student and h.started}
        queue = [h for h in policy.queue_order([h for h in everything if h.state in WAITING], last_served)
                 if h in handins]
        return ServiceStatus(writer_lock_holder(course.root), handins, queue, throughput(everything, time.time()),
                             [h for h in handins if h.state == NOT_GRADED], state.paused())
    finally:
        state.close()


def _when(seconds: float | None) -> str:
    return time.strftime("%m-%d %H:%M:%S", time.gmtime(seconds)) if seconds else "–"


def _state(handin: Handin, place: dict[int, int]) -> str:
    if handin.id in place:
        return f"queued, {place[handin.id]} in line" if handin.state == "queued" else handin.state.replace("_", " ")
    if handin.state == "released":
        return "graded, feedback released"
    return handin.state.replace("_", " ")


def status_tables(status: ServiceStatus):
    """The status as rich renderables: a line on the service, the hand-ins, the last hour."""
    from rich.table import Table
    from rich.text import Text

    if status.running:
        running = (f"the grading service is running (pid {status.running.get('pid')} on {status.running.get('host')}, "
                   f"since {_when(status.running.get('since'))} UTC)" + ("; grading is PAUSED" if status.paused else ""))
    else:
        running = "the grading service is not running: hand-ins wait in the exchange until `week12 serve` starts"
    place = {handin.id: index + 1 for index, handin in enumerate(status.queue)}
    table = Table(title="Hand-ins (times UTC)")
    for column in ("student", "assignment", "arrived", "state", "score", "why"):
        table.add_column(column, overflow="fold")
    for handin in status.handins:
        score = "" if handin.score is None else f"{handin.score:g} / {handin.max_score:g}"
        cells = (handin.student or f"({handin.owner or '?'})", handin.assignment, _when(handin.arrived or handin.seen),
                 _state(handin, place), score, handin.reason)
        table.add_row(*(Text(str(cell)) for cell in cells))  # names and reasons are data, never markup
    recent = status.recent

    def seconds(value):
        return "–" if value is None else f"{value:.2f} s"

    hour = (f"last hour: {recent.released} released ({recent.per_minute:.1f}/min), hand-in to feedback median "
            f"{seconds(recent.median_seconds)}, p95 {seconds(recent.p95_seconds)}; {recent.failures} not graded; "
            f"{len(status.queue)} waiting")
    return [running, table, hour]
