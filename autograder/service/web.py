"""The grading service's pages on the course's JupyterHub: a hub-managed service's web front.

``week12 serve --hub`` (the grading service, run by JupyterHub as a managed service) calls
:func:`start`, which serves the pages from a thread of its own (its own tornado IOLoop) at the
address JupyterHub gave the service (``JUPYTERHUB_SERVICE_URL``), under its prefix
(``JUPYTERHUB_SERVICE_PREFIX``), with the hub's OAuth settings from the environment JupyterHub
gives every service it starts. The front only reads the service's record (``state``) and the
course's feedback pages; pausing and resuming set ``control.paused`` through a connection of its
own (SQLite in WAL mode lets it write beside the service).

``python -m autograder.service.web --course DIR`` runs the front alone over a course's record,
as a hub-managed service of its own (a course's hub while ``week12 serve`` runs elsewhere, and
the tests of the pages).

Handlers: ``web_pages``; login, headers and errors: ``web_base``; data: ``status_view``; words:
``web_text`` and ``web_display``; page templates: ``templates/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from autograder.course import load_course_config
from autograder.service.settings import GradingService
from autograder.service.state import QUEUED, ServiceState, state_path
from autograder.service.status_view import RateLimit, instructor_view, student_view
from autograder.service.web_display import Links

MAX_BODY_BYTES = 16 * 1024  # the largest request the pages send is a pause or resume form
MAX_HEADER_BYTES = 16 * 1024
SERVICE_URL = "JUPYTERHUB_SERVICE_URL"  # set by JupyterHub for a managed service with a url
REPORT_FILE = "class-report.html"
START_SECONDS = 30


def page_templates():
    """The pages' Jinja2 templates, autoescaped: every name, reason and score in them is data."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("autograder.service", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class WebFront:
    """What the handlers share: the course's folders, the record, the settings, the templates
    and this service's one ``HubOAuth``."""

    def __init__(self, course_root: Path, state: ServiceState, settings: GradingService, hub_auth=None):
        from jupyterhub.services.auth import HubOAuth
        from nbgrader.coursedir import CourseDirectory

        self.course_root = Path(course_root).resolve()
        self.state, self.settings = state, settings
        self.hub_auth = hub_auth if hub_auth is not None else HubOAuth(cache_max_age=60)
        self.links = Links(prefix=self.hub_auth.base_url, hub_prefix=self.hub_auth.hub_prefix)
        config = load_course_config(self.course_root)
        self.coursedir = CourseDirectory(config=config)
        self.language = config.KernelFeedback.get("language", "ko") if "KernelFeedback" in config else "ko"
        self.templates = page_templates()
        self._control: ServiceState | None = None

    # -- the record ------------------------------------------------------------------------------

    @property
    def limit(self) -> RateLimit:
        return RateLimit(self.settings.graded_per_window, self.settings.window_minutes * 60)

    @property
    def assignments(self) -> list[str]:
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", ".")).resolve()
        if not source.is_dir():
            return []
        return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))

    def student_view(self, student: str) -> dict:
        # The student's own hand-ins, and the queue's to count places in it: not the whole class.
        own = self.state.handins(student=student)
        queued = self.state.handins(states=(QUEUED,))
        handins = list({h.id: h for h in own + queued}.values())
        assignments = self.assignments
        feedback = {assignment: self.feedback_pages(student, assignment)
                    for assignment in dict.fromkeys([*assignments, *(h.assignment for h in own)])}
        return student_view(student, assignments, handins, feedback, self.limit, time.time(), self.state.paused())

    def instructor_view(self) -> dict:
        return instructor_view(self.state.handins(), self.assignments, self.limit, time.time(), self.state.paused())

    def set_paused(self, paused: bool) -> None:
        if self._control is None:
            self._control = ServiceState(self.state.path)
        self._control.set_paused(paused)

    # -- the course's pages ----------------------------------------------------------------------

    def _feedback_folder(self, student: str, assignment: str) -> Path | None:
        """``feedback/<student>/<assignment>`` by nbgrader's settings, for names that are one plain
        path part each (a hub user name or a course's assignment), else None."""
        for name in (student, assignment):
            if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
                return None
        root = Path(self.coursedir.root).resolve()
        folder = Path(self.coursedir.format_path(self.coursedir.feedback_directory, student, assignment))
        if folder.is_symlink() or not folder.is_dir() or root not in folder.resolve().parents:
            return None
        return folder

    def feedback_pages(self, student: str, assignment: str) -> list[str]:
        """The feedback pages (file names) of ``student``'s latest graded hand-in of ``assignment``."""
        folder = self._feedback_folder(student, assignment)
        if folder is None:
            return []
        return sorted(entry.name for entry in os.scandir(folder)
                      if entry.name.endswith(".html") and entry.is_file(follow_symlinks=False))

    def feedback_page(self, student: str, assignment: str, page: str) -> Path | None:
        """The file of one feedback page, only if ``page`` is one of the folder's own."""
        if page not in self.feedback_pages(student, assignment):
            return None
        return self._feedback_folder(student, assignment) / page

    def report_path(self) -> Path:
        return self.course_root / "reports" / REPORT_FILE

    def has_report(self) -> bool:
        path = self.report_path()
        return path.is_file() and not path.is_symlink()

    def close(self) -> None:
        if self._control is not None:
            self._control.close()


def application(front: WebFront):
    """The tornado application of the pages (no XSRF cookie of tornado's own: the hub's is
    checked in ``web_base``; no traceback is ever served)."""
    import secrets

    from tornado.web import Application

    from autograder.service.web_base import NotFound
    from autograder.service.web_pages import routes

    return Application(
        [(path, handler, {"front": front}) for path, handler in routes(front.links.prefix)],
        default_handler_class=NotFound, default_handler_args={"front": front},
        # Signs the cookie holding the OAuth token: new on each start, so a restart asks the hub
        # again (without a prompt for this service: oauth_no_confirm in jupyterhub_config.py).
        cookie_secret=secrets.token_bytes(32),
        login_url=front.hub_auth.login_url, cross_origin_protection=True,
        serve_traceback=False, debug=False, autoreload=False, compress_response=True,
    )


def _listen_address() -> tuple[str, int]:
    url = os.environ.get(SERVICE_URL, "")
    parts = urlsplit(url)
    if not url or parts.port is None:
        raise RuntimeError(f"{SERVICE_URL} is not set (or has no port): the hub's pages run as a JupyterHub "
                           "managed service with a url (see jupyterhub_config.py)")
    return parts.hostname or "127.0.0.1", parts.port


def start(course_root: Path, state: ServiceState, settings: GradingService) -> Callable[[], None]:
    """Serve the pages in a thread with its own IOLoop, where JupyterHub says; returns ``stop``.
    Raises (in the caller's thread) if the pages cannot listen."""
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop

    host, port = _listen_address()
    front = WebFront(course_root, state, settings)
    started, outcome = threading.Event(), {}

    def serve() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()
        server = HTTPServer(application(front), xheaders=True, max_body_size=MAX_BODY_BYTES,
                            max_header_size=MAX_HEADER_BYTES, idle_connection_timeout=60)
        try:
            server.listen(port, address=host)
        except OSError as problem:
            outcome["error"] = problem
            started.set()
            return
        outcome["loop"] = loop
        started.set()
        try:
            loop.start()
        finally:
            server.stop()
            loop.close(all_fds=True)
            front.close()

    thread = threading.Thread(target=serve, name="week12-hub-pages", daemon=True)
    thread.start()
    if not started.wait(START_SECONDS) or "error" in outcome:
        raise RuntimeError(f"the hub's pages could not listen on {host}:{port}: {outcome.get('error', 'timed out')}")
    loop = outcome["loop"]

    def stop() -> None:
        loop.add_callback(loop.stop)
        thread.join(START_SECONDS)

    return stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.service.web",
                                     description="Serve the grading service's hub pages alone (a JupyterHub "
                                                 "managed service), over a course's record.")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course directory (default: here)")
    arguments = parser.parse_args(argv)
    root = arguments.course.resolve()
    settings = GradingService(config=load_course_config(root))
    path = root / settings.state_file if settings.state_file else state_path(root)
    if not path.exists():
        ServiceState(path).close()  # an empty record, as the service makes it
    state = ServiceState(path, read_only=True)
    stop = start(root, state, settings)
    finished = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: finished.set())
    print(f"the hub's pages serve {root} at {os.environ.get(SERVICE_URL)}", flush=True)
    finished.wait()
    stop()
    state.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
