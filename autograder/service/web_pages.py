"""The hub's pages and their JSON API: a student's hand-ins and feedback, the instructors' queue.

| address (under the service's prefix)          | who                          | what |
|------------------------------------------------|------------------------------|------|
| ``/``                                          | anyone logged in             | to one's own page (instructors: the queue) |
| ``/students/<student>``, ``/api/students/<student>`` | that student, instructors | hand-ins, states, scores, attempts left, feedback |
| ``/feedback/<student>/<assignment>/<page>``    | that student, instructors    | the feedback document, sandboxed |
| ``/queue``, ``/api/queue``                     | instructors                  | the live queue, throughput, failures, who handed in |
| ``/control`` (POST ``action=pause|resume``)    | instructors                  | pause or resume grading |
| ``/report``                                    | instructors                  | the class report, sandboxed |

Ids in addresses are compared with the logged-in user (``ServiceHandler.may_see``), never trusted;
a feedback document is found by listing its folder, never by joining a path from the address.
"""

from __future__ import annotations

from jupyterhub.services.auth import HubOAuthCallbackHandler
from tornado.web import RequestHandler

from autograder.service.web_base import ServiceHandler, Refused
from autograder.service.web_display import instructor_display, student_display

PAUSE, RESUME = "pause", "resume"


class Home(ServiceHandler):
    async def get(self):
        if self.viewer.instructor:
            self.redirect(self.links.queue(self.language))
        else:
            self.redirect(self.links.student(self.viewer.name, self.language))


class _StudentData(ServiceHandler):
    def display(self, student: str) -> dict:
        self.may_see(student)
        return student_display(self.front.student_view(student), self.language, self.links)


class StudentPage(_StudentData):
    async def get(self, student: str):
        shown = self.display(student)
        self.render_page("student.html.j2", page=shown,
                         api_url=self.links.student_api(student, self.language))


class StudentApi(_StudentData):
    api = True

    async def get(self, student: str):
        self.write_json(self.display(student))


class FeedbackDocument(ServiceHandler):
    """One feedback page of a student's latest graded hand-in, as nbgrader generated it (already
    inert: ``autograder.safe_html``), sent so that even a page that was not could run nothing."""

    async def get(self, student: str, assignment: str, page: str):
        self.may_see(student)
        path = self.front.feedback_page(student, assignment, page)
        if path is None:
            raise Refused(404, "error_404")
        self.send_document(path.read_bytes())


class _InstructorData(ServiceHandler):
    def display(self) -> dict:
        self.instructors_only()
        return instructor_display(self.front.instructor_view(), self.language, self.links)


class QueuePage(_InstructorData):
    async def get(self):
        shown = self.display()
        self.render_page("instructor.html.j2", page=shown, api_url=self.links.queue_api(self.language),
                         report=self.front.has_report(),
                         formgrader=self.links.formgrader(self.viewer.name))


class QueueApi(_InstructorData):
    api = True

    async def get(self):
        self.write_json(self.display())


class Control(ServiceHandler):
    """Pause or resume grading. Hand-ins keep arriving while grading is paused; the service
    grades them, in order, once it resumes."""

    SUPPORTED_METHODS = ("POST",)

    async def post(self):
        self.instructors_only()
        action = self.get_body_argument("action", "")
        if action not in (PAUSE, RESUME):
            raise Refused(400, "error_400")
        self.front.set_paused(action == PAUSE)
        self.redirect(self.links.queue(self.language), status=303)


class ClassReport(ServiceHandler):
    async def get(self):
        self.instructors_only()
        path = self.front.report_path()
        if not path.is_file() or path.is_symlink():
            raise Refused(404, "no_report")
        self.send_document(path.read_bytes())


class OAuthCallback(HubOAuthCallbackHandler):
    """JupyterHub's end of the OAuth login, with this service's ``HubOAuth`` and headers."""

    def initialize(self, front) -> None:
        self.front = front
        self.hub_auth = front.hub_auth

    def set_default_headers(self) -> None:
        ServiceHandler.set_default_headers(self)

    @property
    def nonce(self) -> str:
        return ServiceHandler.nonce.fget(self)

    def write_error(self, status_code: int, **kwargs) -> None:
        RequestHandler.write_error(self, status_code)  # tornado's plain page: a status, no traceback


def routes(prefix: str) -> list[tuple]:
    """The service's addresses under ``prefix`` (``JUPYTERHUB_SERVICE_PREFIX``)."""
    segment = r"([^/]+)"
    return [
        (prefix, Home),
        (prefix + "oauth_callback", OAuthCallback),
        (prefix + f"students/{segment}", StudentPage),
        (prefix + f"api/students/{segment}", StudentApi),
        (prefix + f"feedback/{segment}/{segment}/{segment}", FeedbackDocument),
        (prefix + "queue", QueuePage),
        (prefix + "api/queue", QueueApi),
        (prefix + "control", Control),
        (prefix + "report", ClassReport),
    ]
