"""From Submit to feedback on a real JupyterHub: two students hand in from JupyterLab's
Assignments panel and read their grade on the grading service's page, as the course's hub runs it.

One hub for the module (``tests/hub.py``, the repository's ``jupyterhub_config.py``) with real
single-user servers (JupyterLab with nbgrader's extensions, from the course's environment as a hub
installs it: ``tests/accounts.hub_environment``) for two student accounts and an instructor the
test makes with ``useradd``, spawned as those accounts (LocalProcessSpawner, as root), an exchange
every account reaches, and the grading service ``week12 serve --hub`` as the hub-managed service.
Each student logs in, opens JupyterLab, fetches the homework in the Assignments panel, writes their
filter into the notebook (through their own server's contents API, as the editor saves it) and
presses Submit. Their page, reached from the hub's Services menu, must then show the graded
hand-in with its score within seconds; the panel's Fetch Feedback brings the feedback page; the
other student's page never shows it; the instructor's page shows the job's phases.

Until ``week12 serve`` (the grading service, issue 21) is on the branch, the hub runs the pages
alone (``python -m autograder.service.web``): the steps up to Submit run, and the tests that need
a grade are skipped with that reason.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from autograder.authoring import week12_homework as homework
from autograder.scoring import score_kernel
from autograder.scoring.verdict import points_for
from tests.accounts import hub_environment, ordinary_account, shared_folder, system_account
from tests.browser import browser  # noqa: F401 - the session's Chromium (a fixture)
from tests.conftest import copy_course
from tests.hub import log_in, start_hub, stop_hub

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(1200)]

HW, NOTEBOOK = homework.ASSIGNMENT, homework.NOTEBOOK
FEEDBACK_PAGE = Path(NOTEBOOK).with_suffix(".html").name
KERNELS = {"week12-hub-alice": [[-1, -1], [1, 1]], "week12-hub-bob": [[-1, 0], [0, 1]]}  # 10 and 7 points
ALICE, BOB = KERNELS
INSTRUCTOR = "week12-hub-prof"
GRADE_SECONDS = 30  # "within seconds", with room for a loaded 2-core CI machine
SERVICE_READY = importlib.util.find_spec("autograder.service.server") is not None
needs_service = pytest.mark.skipif(not SERVICE_READY, reason="week12 serve (the grading service, issue 21) is not on "
                                                             "this branch: nothing grades the hand-ins yet")

STUDENT_CONFIG = """
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
"""


def expected_points(student: str) -> float:
    return points_for(score_kernel(KERNELS[student]).fraction, homework.SCORE_POINTS)


def score_text(points: float) -> str:
    return f"{points:g} / {homework.SCORE_POINTS:g}"


@pytest.fixture(scope="module")
def hub_course(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the student accounts are made with useradd and their servers spawned as them: needs root")
    accounts = {name: system_account(name) for name in [*KERNELS, INSTRUCTOR]}
    venv = hub_environment(ordinary_account())  # world-readable: the students' servers run from it
    base = shared_folder("week12-hub-")
    try:
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o777)  # nbgrader's exchange root: every account writes into it
        course = copy_course(base / "course")
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"\nc.Exchange.root = {str(exchange)!r}  # the hub's shared exchange\n")
        course.nbgrader("generate_assignment", HW, "--force")
        course.nbgrader("release_assignment", HW, "--force")
        students_config = base / "students-jupyter"
        students_config.mkdir()
        (students_config / "nbgrader_config.py").write_text(
            STUDENT_CONFIG.format(course_id=course.course_id, exchange=str(exchange)), encoding="utf-8")
        for name in KERNELS:  # the accounts outlive one run of the tests
            shutil.rmtree(accounts[name].home / HW, ignore_errors=True)
            shutil.rmtree(accounts[name].home / ".local" / "share" / "jupyter" / "nbgrader_cache", ignore_errors=True)
        command = ([str(Path(sys.executable).parent / "week12"), "serve", "--hub"] if SERVICE_READY
                   else [sys.executable, "-m", "autograder.service.web", "--course", str(course.root)])
        spawner = (f"c.Spawner.cmd = [{str(venv / 'bin' / 'jupyterhub-singleuser')!r}]\n"
                   f"c.Spawner.environment = {{'PATH': {str(venv / 'bin') + ':/usr/bin:/bin'!r}, "
                   f"'JUPYTER_CONFIG_PATH': {str(students_config)!r}, 'TF_CPP_MIN_LOG_LEVEL': '2'}}\n"
                   "c.Spawner.start_timeout = 180\nc.Spawner.http_timeout = 180\n")
        hub = start_hub(tmp_path_factory.mktemp("hub-e2e"), course=course.root, service_command=command,
                        users=[*KERNELS, INSTRUCTOR], instructors=[INSTRUCTOR], extra_config=spawner)
        try:
            yield SimpleNamespace(hub=hub, course=course, exchange=exchange, accounts=accounts)
        finally:
            stop_hub(hub)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def open_lab(browser, hub_course, student: str) -> None:
    """Log in; the hub starts the student's server and opens JupyterLab."""
    log_in(browser, hub_course.hub, student, f"/hub/spawn/{student}")
    WebDriverWait(browser, 240).until(lambda d: d.find_elements(By.ID, "jp-mainmenu-nbgrader")
                                      or d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item"))
    WebDriverWait(browser, 60).until(lambda d: any(item.text == "Nbgrader" for item in
                                                   d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")))


def open_assignments_panel(browser) -> None:
    """Nbgrader → Assignments, as a student finds it in JupyterLab's menu bar."""
    if browser.find_elements(By.ID, "released_assignments_list") and \
            browser.find_element(By.ID, "released_assignments_list").is_displayed():
        return
    next(item for item in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item") if item.text == "Nbgrader").click()
    WebDriverWait(browser, 10).until(lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, ".lm-Menu-item")
                                               if "Assignment" in i.text])
    next(i for i in browser.find_elements(By.CSS_SELECTOR, ".lm-Menu-item") if "Assignment" in i.text).click()
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "released_assignments_list"))


def press(browser, list_id: str, label: str, wait_list: str, wait_label: str | None = None) -> None:
    """Press the panel's button ``label`` on the homework's row of ``list_id``, then wait for the
    homework's row in ``wait_list`` (with a button ``wait_label``, if given)."""
    def button(d, in_list, text):
        for candidate in d.find_elements(By.CSS_SELECTOR, f"#{in_list} button"):
            if candidate.text == text and candidate.is_enabled():
                return candidate
        return None

    WebDriverWait(browser, 60).until(lambda d: button(d, list_id, label)).click()
    WebDriverWait(browser, 120).until(lambda d: HW in d.find_element(By.ID, wait_list).text
                                      and (wait_label is None or button(d, wait_list, wait_label)))


_WRITE_ANSWER = """
const [student, path, kernel, done] = arguments;
const base = '/user/' + student + '/api/contents/' + path;
const xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]*)/) || [])[1] || '');
fetch(base + '?content=1', {credentials: 'same-origin', headers: {'X-XSRFToken': xsrf}}).then(r => r.json()).then(model => {
  const nb = model.content;
  const cell = nb.cells.find(c => ((c.metadata || {}).nbgrader || {}).grade_id === 'edge_kernel');
  cell.source = 'kernel = ' + kernel;
  return fetch(base, {method: 'PUT', credentials: 'same-origin',
                      headers: {'Content-Type': 'application/json', 'X-XSRFToken': xsrf},
                      body: JSON.stringify({type: 'notebook', format: 'json', content: nb})});
}).then(r => done(r.status)).catch(e => done(String(e)));
"""


@pytest.fixture(scope="module")
def handed_in(browser, hub_course):
    """Each student: log in, JupyterLab, Assignments → Fetch, their filter written, Submit."""
    submitted = {}
    for student in KERNELS:
        open_lab(browser, hub_course, student)
        open_assignments_panel(browser)
        press(browser, "released_assignments_list", "Fetch", "fetched_assignments_list", "Submit")
        status = browser.execute_async_script(_WRITE_ANSWER, student, f"{HW}/{NOTEBOOK}", json.dumps(KERNELS[student]))
        assert status == 200, status
        submitted[student] = time.time()
        press(browser, "fetched_assignments_list", "Submit", "submitted_assignments_list")
    return submitted


def test_each_student_hands_in_from_the_assignments_panel_as_themselves(hub_course, handed_in):
    inbound = hub_course.exchange / hub_course.course.course_id / "inbound"
    folders = {}
    for entry in inbound.iterdir():
        folders.setdefault(entry.name.split("+")[0], []).append(entry)
    assert sorted(folders) == sorted(KERNELS)
    for student, entries in folders.items():
        assert len(entries) == 1  # one hand-in each
        assert entries[0].stat().st_uid == hub_course.accounts[student].uid
        answer = nbformat.read(entries[0] / NOTEBOOK, as_version=4)
        cell = next(c for c in answer.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "edge_kernel")
        assert cell.source == f"kernel = {json.dumps(KERNELS[student])}"


def open_own_page_from_the_services_menu(browser, hub_course, student: str) -> None:
    log_in(browser, hub_course.hub, student, "/hub/home")
    browser.get(hub_course.hub.url + "hub/home")
    menu = WebDriverWait(browser, 30).until(lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "a.dropdown-toggle")
                                                      if a.text.strip() == "Services"])
    menu[0].click()
    WebDriverWait(browser, 10).until(lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "a.dropdown-item")
                                                if a.text.strip() == "week12-grading" and a.is_displayed()])[0].click()
    WebDriverWait(browser, 60).until(lambda d: f"/services/week12-grading/students/{student}" in d.current_url)


def test_the_services_menu_leads_each_student_to_their_own_page(browser, hub_course, handed_in):
    for student in KERNELS:
        open_own_page_from_the_services_menu(browser, hub_course, student)
        assert HW in browser.find_element(By.TAG_NAME, "main").text


@needs_service
def test_a_students_page_shows_the_graded_handin_with_its_score_within_seconds(browser, hub_course, handed_in):
    for student in KERNELS:
        open_own_page_from_the_services_menu(browser, hub_course, student)
        section = f'section[data-assignment="{HW}"] tbody'
        WebDriverWait(browser, GRADE_SECONDS).until(
            lambda d: score_text(expected_points(student)) in d.find_element(By.CSS_SELECTOR, section).text)
        frame = browser.find_element(By.CSS_SELECTOR, f'section[data-assignment="{HW}"] iframe')
        WebDriverWait(browser, GRADE_SECONDS).until(lambda d: frame.is_displayed())


@needs_service
def test_the_other_students_page_never_shows_it(browser, hub_course, handed_in):
    open_own_page_from_the_services_menu(browser, hub_course, BOB)
    WebDriverWait(browser, GRADE_SECONDS).until(
        lambda d: score_text(expected_points(BOB)) in d.find_element(By.TAG_NAME, "main").text)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert ALICE not in text and len(browser.find_elements(By.CSS_SELECTOR, f'section[data-assignment="{HW}"] tbody tr')) == 1
    answer = hub_course.hub.request("GET", hub_course.hub.service_prefix + f"api/students/{ALICE}",
                                    token=hub_course.hub.token_for(BOB))
    assert answer.status == 403


@needs_service
def test_fetch_feedback_in_the_panel_brings_the_feedback_page(browser, hub_course, handed_in):
    student = ALICE
    open_lab(browser, hub_course, student)
    open_assignments_panel(browser)
    press(browser, "submitted_assignments_list", "Fetch Feedback", "submitted_assignments_list")
    home = hub_course.accounts[student].home
    deadline = time.monotonic() + GRADE_SECONDS
    pages = []
    while time.monotonic() < deadline and not pages:
        pages = list((home / HW / "feedback").glob(f"*/{FEEDBACK_PAGE}"))
        time.sleep(0.5)
    assert len(pages) == 1
    assert pages[0].stat().st_uid == hub_course.accounts[student].uid  # fetched by the student's own server
    points = expected_points(student)
    number = re.escape(f"{points:g}") + (r"(\.0+)?" if float(points).is_integer() else "0*")
    assert re.search(rf"{number}\s*/\s*{homework.SCORE_POINTS:g}(\.0+)?", pages[0].read_text(encoding="utf-8"))


@needs_service
def test_the_instructors_page_shows_each_jobs_phases(browser, hub_course, handed_in):
    log_in(browser, hub_course.hub, INSTRUCTOR, hub_course.hub.service_prefix + "queue?lang=en")
    WebDriverWait(browser, GRADE_SECONDS).until(lambda d: len([
        row for row in d.find_elements(By.CSS_SELECTOR, 'table[data-table="queue"] tbody tr')
        if "Graded, feedback ready" in row.text]) == len(KERNELS))
    for row in browser.find_elements(By.CSS_SELECTOR, 'table[data-table="queue"] tbody tr'):
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        assert cells[0] in KERNELS and cells[1] == HW
        assert "—" not in cells[3:8], cells  # arrived, started, graded, released and how long it took
        assert cells[8] == score_text(expected_points(cells[0]))
