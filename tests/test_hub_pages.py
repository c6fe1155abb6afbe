"""The grading service's pages through a real JupyterHub, in a real browser.

One hub for the module (``tests/hub.py``: the repository's ``jupyterhub_config.py``, the real
proxy, a shared password), with the pages run as the hub-managed service by their own entry
point (``python -m autograder.service.web``) over a course whose service record the test writes,
as the grading service would: two students and an instructor in the instructors' group. The
feedback pages are real ones, from the graded sample class (``graded_class``); one student's lab
feedback is a page that carries every script vector of ``tests/hostile/script_vectors.py`` pasted
in raw, as if nothing had sanitized it, so that the frame and the policy alone must stop it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from autograder.contract import HOMEWORK, LAB
from autograder.service.state import ServiceState, state_path
from tests.browser import browser  # noqa: F401 - the session's Chromium (a fixture)
from tests.conftest import copy_course
from tests.hostile.script_vectors import HTML_VECTORS, MARKER, payload
from tests.hub import log_in, start_hub, stop_hub

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.sandbox, pytest.mark.timeout(900)]

ANA, BEN, TA = "week12-hub-ana", "week12-hub-ben", "week12-hub-ta"
SAMPLE_STUDENT = "s12-yejin"  # partial credit in the sample class: a real feedback page
SCREENSHOTS = os.environ.get("WEEK12_SCREENSHOTS", "")  # also save the pages' screenshots there (README)
PHONE, DESKTOP = (390, 844), (1280, 1000)


def hostile_page() -> str:
    """Every vector, unsanitized, plus script that reaches for the page around the frame and the hub."""
    reach = payload("parent-reach") + (";parent.document.title='%s-parent';fetch('/hub/api/user')"
                                       ".then(function(r){return r.text()}).then(function(t){console.log('%s-hub '+t)});"
                                       % (MARKER, MARKER))
    return ("<!DOCTYPE html><html><head><title>hostile feedback</title></head><body><h1>Feedback</h1>"
            + "".join(HTML_VECTORS.values()) + f"<script>{reach}</script></body></html>")


def record_class(state: ServiceState, now: float) -> dict:
    """The hand-ins of the module's class, as the service records them."""
    def add(folder, student, assignment, seen, status, **values):
        row = state.add(folder, assignment, seen=seen, state=status, student=student, owner=student, arrived=seen)
        if values:
            state.update(row.id, **values)
        return state.get(row.id)

    return {
        "ana_first": add("a1", ANA, HOMEWORK.name, now - 900, "superseded", reason="a newer hand-in arrived"),
        "ana_graded": add("a2", ANA, HOMEWORK.name, now - 600, "released", started=now - 599.2, graded=now - 598.8,
                          released=now - 598.5, score=7.0, max_score=10.0, counted=1),
        "ana_lab": add("a3", ANA, LAB.name, now - 20, "grading", started=now - 19),
        "ben_lab_done": add("b1", BEN, LAB.name, now - 1200, "released", started=now - 1199, graded=now - 1198,
                            released=now - 1197.6, score=31.0, max_score=40.0, counted=1),
        "ben_hw": add("b2", BEN, HOMEWORK.name, now - 15, "queued"),
        "ben_broken": add("b3", BEN, HOMEWORK.name, now - 300, "not_graded", graded=now - 299,
                          reason="the notebook is not valid JSON / 노트북이 올바른 JSON이 아닙니다"),
        "ben_lab_over": add("b4", BEN, LAB.name, now - 10, "over_limit", not_before=now + 1800),
    }


@pytest.fixture(scope="module")
def hub_class(graded_class, tmp_path_factory):
    graded, outcome, _ = graded_class
    base = tmp_path_factory.mktemp("hub-pages")
    course = copy_course(base / "course")
    state = ServiceState(state_path(course.root))
    handins = record_class(state, time.time())
    homework_page = Path(HOMEWORK.notebook).with_suffix(".html").name
    course.folder("feedback", ANA, HOMEWORK.name).mkdir(parents=True)
    shutil.copy(graded.folder("feedback", SAMPLE_STUDENT, HOMEWORK.name) / homework_page,
                course.folder("feedback", ANA, HOMEWORK.name) / homework_page)
    lab_page = Path(LAB.notebook).with_suffix(".html").name
    course.folder("feedback", BEN, LAB.name).mkdir(parents=True)
    (course.folder("feedback", BEN, LAB.name) / lab_page).write_text(hostile_page(), encoding="utf-8")
    course.reports_dir.mkdir(exist_ok=True)
    shutil.copy(outcome.report, course.reports_dir / "class-report.html")
    hub = start_hub(base / "hub", course=course.root, users=[ANA, BEN, TA], instructors=[TA],
                    service_command=[sys.executable, "-m", "autograder.service.web", "--course", str(course.root)])
    try:
        yield SimpleNamespace(hub=hub, course=course, state=state, handins=handins,
                              homework_page=homework_page, lab_page=lab_page,
                              prefix=hub.service_prefix, screenshots=base / "screenshots")
    finally:
        stop_hub(hub)
        state.close()


def open_as(browser, hub_class, user: str, path: str = "", language: str = "en") -> None:
    log_in(browser, hub_class.hub, user, hub_class.prefix + path + (f"?lang={language}" if language else ""))
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.TAG_NAME, "main"))


def page_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def traces_of_script(browser, hub_class) -> list[str]:
    """Anything a vector would leave if it ran: console lines, a title, a request to a server."""
    traces = [entry["message"] for entry in browser.get_log("browser") if MARKER in entry["message"]]
    if MARKER in (browser.title or ""):
        traces.append(f"title: {browser.title}")
    traces += [line for line in hub_class.hub.log_text().splitlines() if "pwned" in line.lower()]
    return traces


# --- a student's page -------------------------------------------------------------------------

def test_a_student_sees_each_of_their_handins_with_its_state_score_and_attempts_left(browser, hub_class):
    open_as(browser, hub_class, ANA)
    assert browser.current_url.split("?")[0].endswith(f"/students/{ANA}")  # the service's home sends them there
    text = page_text(browser)
    for expected in ("Graded, feedback ready", "7 / 10", "Being graded", "Replaced by a newer hand-in",
                     "Graded attempts left: 5 of 6 per 60 min", HOMEWORK.name, LAB.name):
        assert expected in text, expected
    assert BEN not in text and "31 / 40" not in text


def test_another_students_queue_place_over_limit_time_and_failure_reason_show_on_their_own_page(browser, hub_class):
    open_as(browser, hub_class, BEN, language="ko")
    text = page_text(browser)
    assert "채점 대기 (1번째)" in text
    assert "한도 초과:" in text and "부터 채점" in text
    assert "채점되지 않음: the notebook is not valid JSON / 노트북이 올바른 JSON이 아닙니다" in text
    assert ANA not in text and "7 / 10" not in text


def test_the_feedback_page_shows_in_a_frame_with_no_script_and_no_origin_of_its_own(browser, hub_class):
    open_as(browser, hub_class, ANA)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.feedback:not([hidden])")
    assert frame.get_attribute("sandbox") == ""
    answer = hub_class.hub.request("GET", frame.get_attribute("src").split("?")[0].replace(hub_class.hub.url[:-1], ""),
                                   token=hub_class.hub.token_for(ANA))
    assert answer.status == 200 and answer.headers["content-security-policy"].startswith("sandbox;")
    assert "script-src 'none'" in answer.headers["content-security-policy"]
    browser.switch_to.frame(frame)
    try:
        shown = browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.switch_to.default_content()
    assert "edge" in shown.lower() and len(shown) > 200  # the real page, drawn: the homework's overview and verdict


def test_a_feedback_page_whose_outputs_carry_script_runs_none_of_it(browser, hub_class):
    open_as(browser, hub_class, BEN)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.feedback:not([hidden])")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "return arguments[0].contentDocument === null || arguments[0].contentDocument.readyState === 'complete'",
        frame))
    time.sleep(1.5)  # what a vector would do after load (a failing image, a timer) has had its time
    assert traces_of_script(browser, hub_class) == []
    # Opened on its own (a student's new tab), the document is sandboxed by its header alone.
    browser.get(hub_class.hub.url[:-1] + hub_class.prefix + f"feedback/{BEN}/{LAB.name}/{hub_class.lab_page}")
    time.sleep(1.5)
    assert traces_of_script(browser, hub_class) == []


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [f"students/{BEN}", f"api/students/{BEN}", f"feedback/{BEN}/{LAB.name}/{Path(LAB.notebook).stem}.html",
                                  "students/nobody-at-all", "api/students/nobody-at-all", "queue", "api/queue",
                                  "report"])
def test_a_student_is_refused_another_students_data_and_the_instructors_pages(hub_class, path):
    answer = hub_class.hub.request("GET", hub_class.prefix + path, token=hub_class.hub.token_for(ANA))
    assert answer.status == 403
    assert BEN not in answer.text.replace(path, "") and "31 / 40" not in answer.text and MARKER not in answer.text


def test_a_student_who_opens_another_students_page_is_told_to_go_to_their_own(browser, hub_class):
    open_as(browser, hub_class, ANA, f"students/{BEN}")
    text = page_text(browser)
    assert "each student sees only their own hand-ins" in text and "Traceback" not in browser.page_source
    assert "31 / 40" not in text and "not valid JSON" not in text


@pytest.mark.parametrize("path, refused", [(f"students/{ANA}", 302), (f"api/students/{ANA}", 403),
                                           (f"feedback/{ANA}/{HOMEWORK.name}/{Path(HOMEWORK.notebook).stem}.html", 302),
                                           ("api/queue", 403), ("queue", 302)])
def test_a_request_without_a_hub_token_is_refused(hub_class, path, refused):
    answer = hub_class.hub.request("GET", hub_class.prefix + path)
    assert answer.status == refused
    if refused == 302:  # to the hub's own login, nothing of the page
        assert answer.headers["location"].startswith("/hub/api/oauth2/authorize?")
    assert "7 / 10" not in answer.text and "Feedback" not in answer.text
    forged = hub_class.hub.request("GET", hub_class.prefix + path, token="not-a-token-the-hub-made")
    assert forged.status in (302, 403) and "7 / 10" not in forged.text


def test_pausing_needs_an_instructor_and_with_the_login_cookie_the_hubs_xsrf_token(browser, hub_class):
    student = hub_class.hub.request("POST", hub_class.prefix + "control", token=hub_class.hub.token_for(ANA),
                                    body=b"action=pause", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert student.status == 403
    open_as(browser, hub_class, TA, "queue")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    no_xsrf = hub_class.hub.request("POST", hub_class.prefix + "control", body=b"action=pause",
                                    headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
    assert no_xsrf.status == 403
    assert hub_class.state.paused() is False


def test_the_instructor_pauses_and_resumes_grading_from_the_page(browser, hub_class):
    open_as(browser, hub_class, TA, "queue")
    browser.find_element(By.ID, "pause").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "resume").is_displayed())
    assert hub_class.state.paused() is True
    assert "Grading is paused" in page_text(browser)
    browser.find_element(By.ID, "resume").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "pause").is_displayed())
    assert hub_class.state.paused() is False


def test_a_request_too_large_is_refused_and_the_service_carries_on(hub_class):
    try:
        answer = hub_class.hub.request("POST", hub_class.prefix + "control", token=hub_class.hub.token_for(TA),
                                       body=b"action=pause&x=" + b"a" * 200_000,
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status >= 400
    except ConnectionError:
        pass  # refused before it was read: as good
    assert hub_class.state.paused() is False
    assert hub_class.hub.request("GET", hub_class.prefix + "api/queue", token=hub_class.hub.token_for(TA)).status == 200


def test_an_unknown_address_is_a_page_that_says_what_to_do(hub_class):
    answer = hub_class.hub.request("GET", hub_class.prefix + "no/such/page?lang=en", token=hub_class.hub.token_for(ANA))
    assert answer.status == 404
    assert "There is no such page" in answer.text and "Traceback" not in answer.text
    assert "nonce-" in answer.headers["content-security-policy"]


# --- the instructor's page --------------------------------------------------------------------

def test_the_instructor_sees_each_jobs_phases_throughput_failures_and_who_handed_in(browser, hub_class):
    open_as(browser, hub_class, TA)
    assert browser.current_url.split("?")[0].endswith("/queue")
    text = page_text(browser)
    graded = hub_class.handins["ana_graded"]
    rows = browser.find_elements(By.CSS_SELECTOR, f'table[data-table="queue"] tr[data-handin="{graded.id}"] td')
    cells = [cell.text for cell in rows]
    assert cells[0] == ANA and cells[-1] == "7 / 10" and cells[-2] == "1.50 s"
    assert all(re.fullmatch(r"(\d\d-\d\d )?\d\d:\d\d(:\d\d)?", cell) for cell in cells[3:7]), cells
    assert "Last hour: 2 released" in text and "median" in text and "95th percentile" in text
    assert "the notebook is not valid JSON" in text
    assert "2 handed in · 1 graded · 0 over the limit" in text  # the homework; the lab has Ben over the limit
    assert "2 handed in · 1 graded · 1 over the limit" in text
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".links a")}
    assert links["Open the formgrader"].endswith(f"/user/{TA}/formgrader")
    browser.get(links["Class report"])
    assert "Similar code" in page_text(browser) or "비슷한 코드" in page_text(browser)


def test_the_students_page_follows_a_handin_being_graded_without_reloading(browser, hub_class):
    open_as(browser, hub_class, ANA)
    browser.execute_script("window.week12SamePage = true")
    state, now = hub_class.state, time.time()
    row = state.add("a4", HOMEWORK.name, seen=now, state="queued", student=ANA, owner=ANA, arrived=now)
    section = f'section[data-assignment="{HOMEWORK.name}"]'

    def shows(words):
        return lambda d: words in d.find_element(By.CSS_SELECTOR, f'{section} tr[data-handin="{row.id}"]').text \
            if d.find_elements(By.CSS_SELECTOR, f'{section} tr[data-handin="{row.id}"]') else False

    WebDriverWait(browser, 10).until(shows("Queued (2 in line)"))  # Ben's hand-in is ahead
    state.update(row.id, state="grading", started=time.time())
    WebDriverWait(browser, 10).until(shows("Being graded"))
    state.update(row.id, state="released", graded=time.time(), released=time.time(), score=9.5, max_score=10.0, counted=1)
    WebDriverWait(browser, 10).until(shows("9.5 / 10"))
    assert "Graded attempts left: 4 of 6" in page_text(browser)
    assert browser.execute_script("return window.week12SamePage === true")  # never reloaded


# --- how the pages look -----------------------------------------------------------------------

_LAYOUT = """
const overflow = document.documentElement.scrollWidth - window.innerWidth;
const clipped = [];
for (const element of document.querySelectorAll('h1, h2, h3, p, a, button, th, td')) {
  if (element.closest('.scroll') || element.offsetParent === null) continue;
  if (element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== 'visible')
    clipped.push(element.textContent.slice(0, 40));
  const box = element.getBoundingClientRect();
  if (box.right > window.innerWidth + 1) clipped.push('beyond the screen: ' + element.textContent.slice(0, 40));
}
return {overflow: overflow, clipped: clipped};
"""

PAGES = {
    ("student", "en"): (ANA, "", ["Hand-ins and grades of " + ANA, "Graded, feedback ready", "7 / 10", "Feedback"]),
    ("student", "ko"): (ANA, "", [ANA + "님의 제출과 채점", "채점됨, 피드백 있음", "7 / 10", "피드백"]),
    ("instructor", "en"): (TA, "queue", ["Grading queue", "Queue and the time of each phase", "Who has handed in",
                                         "Pause grading", "Not graded:"]),
    ("instructor", "ko"): (TA, "queue", ["채점 대기열", "대기열과 단계별 시각", "과제별 제출 현황", "채점 멈추기",
                                         "채점되지 않음:"]),
    ("refusal", "en"): (ANA, f"students/{BEN}", ["This request cannot be served (403)", "Go to your own page"]),
    ("refusal", "ko"): (ANA, f"students/{BEN}", ["요청을 처리할 수 없습니다 (403)", "내 페이지로 가세요"]),
}


@pytest.mark.parametrize("width, height", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("page, language", list(PAGES), ids=[f"{p}-{lang}" for p, lang in PAGES])
def test_each_page_fits_phones_and_desktops_in_korean_and_english(browser, hub_class, page, language, width, height):
    user, path, expected = PAGES[(page, language)]
    browser.set_window_size(width, height)
    try:
        open_as(browser, hub_class, user, path, language)
        time.sleep(0.5)  # the fonts and the frame have settled
        text = page_text(browser)
        missing = [words for words in expected if words not in text]
        layout = browser.execute_script(_LAYOUT)
        name = f"hub-{page}-{language}-{'phone' if width == PHONE[0] else 'desktop'}.png"
        hub_class.screenshots.mkdir(exist_ok=True)
        browser.save_screenshot(str(hub_class.screenshots / name))
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copy(hub_class.screenshots / name, Path(SCREENSHOTS) / name)
    finally:
        browser.set_window_size(*DESKTOP)
    assert missing == []
    assert layout["overflow"] <= 0 and layout["clipped"] == [], layout
