"""``week12 serve``: the grading service for this course (``autograder.service``).

Grades each hand-in as it arrives in nbgrader's exchange and releases its feedback to that
student, until stopped (Ctrl-C or SIGTERM). With ``--hub`` it also serves the JupyterHub
service's pages (``autograder.service.web``), where JupyterHub says (a hub-managed service). With a
Dask scheduler (``--scheduler`` or ``c.Cluster.scheduler``) the notebooks run on its workers.
"""

from __future__ import annotations

from autograder.course import Course
from autograder.service.server import GradingServer


def serve(course: Course, workers: int | None = None, hub: bool = False, scheduler: str | None = None,
          announce=print) -> None:
    server = GradingServer(course, workers, scheduler)
    web = None
    if hub:
        from autograder.service.web import start

        web = lambda state, settings: start(course.root, state, settings)  # noqa: E731
    inbound = course.exchange_root / course.course_id / "inbound"
    server.serve(web=web, ready=lambda: announce(
        f"week12 serve: grading hand-ins in {inbound} as they arrive ({server.workers} at once"
        f"{f', on the workers of the Dask cluster at {server.scheduler}' if server.scheduler else ''}); "
        f"record: {server.state.path}; Ctrl-C stops", flush=True))
