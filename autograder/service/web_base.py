"""What every request to the hub's pages goes through: the hub's login, who may see what, the
headers that keep a page's script its own, and error pages that say what to do.

A request is served only to a hub user the hub vouches for: ``HubOAuth`` (JupyterHub's OAuth,
with the scopes JupyterHub grants for access to this service, ``access:services!service=NAME``)
reads the browser's cookie from the service's OAuth login, or a hub API token in the
``Authorization`` header. A page asked for without either sends the browser to the hub's login; an
API call gets 403. A state-changing request (POST) made with the cookie must carry the hub's XSRF
token as well (JupyterHub's own check); one made with a token carries no ambient credential and
needs none. Instructors and TAs are the members of the hub group
``c.GradingService.instructors_group``; everyone else sees only themselves, whatever a URL names.

Every response carries a Content-Security-Policy: the pages run only their own script (a fresh
nonce per response) and reach only this service; a feedback document or the class report is sent
with the ``sandbox`` policy (no script at all, an origin of its own) and shown in a frame that is
sandboxed too.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from jupyterhub.services.auth import HubOAuth, HubOAuthenticated, UserNotAllowed
from tornado.web import HTTPError, RequestHandler

from autograder.i18n import DEFAULT_LANGUAGE, LANGUAGES
from autograder.safe_html import page_csp
from autograder.service import web_text as words
from autograder.service.web_display import Links

# What a page's own script may reach: its JSON API; its frame: the feedback document; its forms:
# pause and resume. Nothing else, and never another origin.
PAGE_REACH = ("connect-src", "frame-src", "form-action")
DOCUMENT_CSP = "sandbox; " + page_csp(header=True)  # a student's page: no script, an opaque origin
ERROR_MESSAGES = {400: "error_400", 403: "error_403", 404: "error_404", 405: "error_405", 413: "error_413"}


class Refused(HTTPError):
    """An answer that is not the page asked for, with the sentence (a ``web_text`` id) to show."""

    def __init__(self, status: int, message_id: str):
        super().__init__(status, message_id)
        self.message_id = message_id


@dataclass(frozen=True)
class Viewer:
    """The hub user making the request."""

    name: str
    instructor: bool


class ServiceHandler(HubOAuthenticated, RequestHandler):
    """The base of every page and API handler. ``front`` (``web.WebFront``) holds the course,
    the record, the settings, the templates and the one ``HubOAuth`` of this service."""

    api = False  # True: answers are JSON, and a missing login is a 403, not a redirect
    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, front) -> None:
        self.front = front
        self.hub_auth: HubOAuth = front.hub_auth

    # -- headers -------------------------------------------------------------------------------

    @property
    def nonce(self) -> str:
        if not getattr(self, "_nonce", None):
            self._nonce = secrets.token_urlsafe(18)
        return self._nonce

    def set_default_headers(self) -> None:
        # Also called again when an error page replaces a half-made answer: same nonce, same rules.
        self.set_header("Content-Security-Policy",
                        page_csp((f"'nonce-{self.nonce}'",), header=True, same_origin=PAGE_REACH))
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cross-Origin-Opener-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")  # one student's grades stay out of shared caches

    # -- who is asking ---------------------------------------------------------------------------

    async def prepare(self) -> None:
        model = await self.hub_auth.get_user(self, sync=False)
        viewer = None
        if model:
            try:
                model = self.check_hub_user(model)  # the access scope of this service, from the hub
            except UserNotAllowed:
                raise Refused(403, "error_403") from None
            if model.get("kind", "user") == "user":
                groups = model.get("groups") or ()
                viewer = Viewer(str(model["name"]), self.front.settings.instructors_group in groups)
        self.current_user = viewer
        if viewer is None:
            if self.request.method not in ("GET", "HEAD"):
                # A cookie without the XSRF token is not accepted as a login (JupyterHub's check).
                raise Refused(403, "error_xsrf")
            if self.api:
                raise Refused(403, "error_login")
            self.redirect(self.get_login_url())
            return
        if self.request.method not in ("GET", "HEAD"):
            try:
                self.check_xsrf_cookie()  # JupyterHub's: skipped for a request made with a token
            except HTTPError:
                raise Refused(403, "error_xsrf") from None

    @property
    def viewer(self) -> Viewer:
        return self.current_user

    def may_see(self, student: str) -> None:
        """Refuse (403) unless ``student`` is the viewer or the viewer is an instructor. The
        answer is the same whether or not such a student exists, so no one can probe for names."""
        if not (self.viewer.instructor or student == self.viewer.name):
            raise Refused(403, "error_403")

    def instructors_only(self) -> None:
        if not self.viewer.instructor:
            raise Refused(403, "error_403_instructors")

    @property
    def language(self) -> str:
        asked = self.get_query_argument("lang", "")
        return asked if asked in LANGUAGES else self.front.language or DEFAULT_LANGUAGE

    @property
    def links(self) -> Links:
        return self.front.links

    # -- answers ---------------------------------------------------------------------------------

    def render_page(self, template: str, **context: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        common = {"language": self.language, "nonce": self.nonce, "t": self._words, "links": self.links,
                  "xsrf": self.page_xsrf(),
                  "viewer": self.current_user, "other_language": "en" if self.language == "ko" else "ko"}
        self.finish(self.front.templates.get_template(template).render(**common, **context))

    def page_xsrf(self) -> str:
        """The hub's XSRF token for this login, which the page's forms and script send back."""
        token = self.xsrf_token
        return token.decode("ascii") if isinstance(token, bytes) else str(token)

    def _words(self, message_id: str, **fields) -> str:
        return words.text(message_id, self.language, **fields)

    def write_json(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def send_document(self, html: bytes) -> None:
        """A page built from a student's notebook (or the class report): no script may run in
        it, whatever it holds, and it gets an origin of its own."""
        self.set_header("Content-Security-Policy", DOCUMENT_CSP)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """An error is a page (or JSON) that says what to do; never a traceback."""
        problem = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(problem, Refused):
            message_id = problem.message_id
        elif status_code >= 500:
            message_id = "error_500"
        else:
            message_id = ERROR_MESSAGES.get(status_code, "error_400")
        message = self._words(message_id)
        if self.api or self.request.path.startswith(self.links.prefix + "api/"):
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"status": status_code, "error": message}, ensure_ascii=False))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        reason = HTTPStatus(status_code).phrase if status_code in HTTPStatus._value2member_map_ else ""
        page = self.front.templates.get_template("error.html.j2").render(
            language=self.language, nonce=self.nonce, t=self._words, links=self.links, xsrf="",
            viewer=getattr(self, "_current_user", None), other_language="en" if self.language == "ko" else "ko",
            status=status_code, reason=reason, message=message)
        self.finish(page)


class NotFound(ServiceHandler):
    """Any address the service does not have: a 404 page, after the same login as the others."""

    async def get(self, *_):
        raise Refused(404, "error_404")
