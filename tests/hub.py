"""A real JupyterHub on loopback, configured by the repository's ``jupyterhub_config.py``.

The hub runs from this test environment (``jupyterhub`` from PyPI, a test extra) with its real
proxy, ``configurable-http-proxy`` from npm, which ``./run.sh test`` installs into
``.venv/hub-proxy/``. The test's own configuration file loads the repository's
(``load_subconfig``) and changes only what a test must: free loopback ports, a folder of its own
for the hub's database and secrets, where the grading service runs (the test's course), a shared
password for the accounts the test makes, who is in the instructors' group, and a test-only admin
service whose token makes users' API tokens. Everything the grading service needs from the hub
(the service, its role and scopes, the instructors' group) is the repository's.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
PROXY = REPO_ROOT / ".venv" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE = "week12-grading"
PASSWORD = "week12-" + secrets.token_hex(8)
ADMIN_SERVICE = "week12-test-admin"

TEST_CONFIG = '''
c = get_config()
load_subconfig({repo_config!r})
service = next(entry for entry in c.JupyterHub.services if entry["name"] == {service!r})
service.update(url={service_url!r}, command={command!r}, cwd={course!r})
service["environment"] = {service_env!r}
c.JupyterHub.services.append({{"name": {admin!r}, "api_token": {admin_token!r}}})
c.JupyterHub.load_roles.append({{"name": {admin!r}, "services": [{admin!r}],
                                 "scopes": ["admin:users", "admin:servers", "tokens", "read:users"]}})
c.JupyterHub.load_groups = {{{instructors!r}: {{"users": {instructor_names!r}}}}}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///" + {database!r}
c.JupyterHub.cookie_secret_file = {cookie_secret!r}
c.JupyterHub.pid_file = {pid_file!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
{extra}
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proxy_command() -> Path:
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: the hub tests need configurable-http-proxy from npm, which "
                           "`./run.sh test` installs into .venv/hub-proxy/ (Node.js and npm must be on PATH)")
    return PROXY


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Hub:
    """A running hub: its public address, its log, and a token that can make users' tokens."""

    url: str  # http://127.0.0.1:PORT/
    process: subprocess.Popen
    log: Path
    admin_token: str
    instructors: str
    tokens: dict = field(default_factory=dict)

    @property
    def service_prefix(self) -> str:
        return f"/services/{SERVICE}/"

    def request(self, method: str, path: str, *, token: str | None = None, body: bytes | None = None,
                headers: dict | None = None) -> Answer:
        """One HTTP request through the hub's proxy, redirects not followed."""
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"token {token}"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def api(self, method: str, path: str, data=None) -> Answer:
        body = json.dumps(data).encode() if data is not None else None
        return self.request(method, "/hub/api/" + path, token=self.admin_token, body=body)

    def token_for(self, user: str) -> str:
        """A hub API token of ``user`` (made once), with the user's own permissions."""
        if user not in self.tokens:
            self.api("POST", f"users/{user}")  # 201, or 409 when the user exists already
            made = self.api("POST", f"users/{user}/tokens", {"note": "week12 hub test"})
            if made.status not in (200, 201):
                raise RuntimeError(f"could not make a token for {user}: {made.status} {made.text}")
            self.tokens[user] = made.json()["token"]
        return self.tokens[user]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_hub(folder: Path, *, course: Path, service_command: list[str], users: list[str], instructors: list[str],
              service_env: dict | None = None, extra_config: str = "", wait_seconds: float = 90) -> Hub:
    """Start JupyterHub (and its proxy and the grading service it manages) in ``folder``; return
    once the hub answers and the service's pages are up."""
    from autograder.course import load_course_config
    from autograder.service.settings import GradingService

    folder.mkdir(parents=True, exist_ok=True)
    port, hub_port, proxy_api_port, service_port = (free_port() for _ in range(4))
    admin_token = secrets.token_hex(24)
    instructors_group = GradingService(config=load_course_config(course)).instructors_group
    config = folder / "jupyterhub_test_config.py"
    config.write_text(TEST_CONFIG.format(
        repo_config=str(REPO_ROOT / "jupyterhub_config.py"), service=SERVICE,
        service_url=f"http://127.0.0.1:{service_port}", command=service_command, course=str(course),
        service_env=service_env or {}, admin=ADMIN_SERVICE, admin_token=admin_token,
        instructors=instructors_group, instructor_names=instructors, password=PASSWORD, users=sorted(users),
        port=port, hub_port=hub_port, proxy_api_port=proxy_api_port, proxy=str(proxy_command()),
        proxy_pid=str(folder / "proxy.pid"), database=str(folder / "jupyterhub.sqlite"),
        cookie_secret=str(folder / "cookie_secret"), pid_file=str(folder / "jupyterhub.pid"), extra=extra_config))
    log = folder / "hub.log"
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    with open(log, "wb") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)], cwd=folder,
                                   env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}/", process, log, admin_token, instructors_group)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited {process.returncode}:\n{hub.log_text()[-6000:]}")
        try:
            if (hub.request("GET", "/hub/api/").status == 200
                    and hub.request("GET", hub.service_prefix + "api/queue").status == 403):
                return hub
        except OSError:
            pass
        time.sleep(0.3)
    stop_hub(hub)
    raise RuntimeError(f"JupyterHub or its grading service did not come up in {wait_seconds} s:\n{hub.log_text()[-6000:]}")


def stop_hub(hub: Hub) -> None:
    """Stop the hub (it stops its proxy, the service and the users' servers) and wait for it."""
    if hub.process.poll() is None:
        hub.process.terminate()
        try:
            hub.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(hub.process.pid, 9)
            hub.process.wait(10)


def log_in(driver, hub: Hub, user: str, next_path: str) -> None:
    """Log ``user`` in to the hub in ``driver`` (a fresh session) and land on ``next_path``."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    # Every cookie of every path (the hub's under /hub/, the service's under its prefix): a new session.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(hub.url + "hub/login?next=" + quote(next_path, safe=""))
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "username_input"))
    driver.find_element(By.ID, "username_input").send_keys(user)
    driver.find_element(By.ID, "password_input").send_keys(PASSWORD)
    driver.find_element(By.ID, "login_submit").click()
    WebDriverWait(driver, 60).until(lambda d: "/hub/login" not in d.current_url
                                    and d.execute_script("return document.readyState") == "complete")
