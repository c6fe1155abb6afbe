"""Nothing a student hands in runs in anyone's browser: every page, opened in real Chromium.

A homework submission carrying every script vector of ``tests/hostile/script_vectors.py`` (HTML,
Markdown, JavaScript, SVG and LaTeX outputs, display metadata, Markdown and raw cells, widget
state) and the right filter is graded by the course's real pipeline. Then the feedback page, its
copy in the LMS zip, the class report and the formgrader's view of the submission (a real Jupyter
server, a TA logged in with a token, as on a hub) are opened in headless Chromium: no vector's
script runs, no request from the page reaches a server, nothing is written through Jupyter's
contents API, and the course's own overview, verdict table and figure still render. The graded
notebook itself already holds only inert outputs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from autograder.contract import HOMEWORK
from autograder.course import nbgrader_environment
from autograder.safe_html import EMBEDDED_IMAGE
from tests.jupyter_server import jupyter_server
from tests.browser import browser  # noqa: F401 - the session's Chromium (a fixture)
from tests.hostile.script_vectors import MARKER, active_markup, add_vectors
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.sandbox]

STUDENT, HONEST = "xss-student", "honest-student"
ASSIGNMENT, NOTEBOOK = HOMEWORK.name, HOMEWORK.notebook
ALLOWED_MEDIA = {"text/plain", "text/html", "image/png", "image/jpeg"}


def week12(course, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "week12"), *args], cwd=course.root,
                          env=nbgrader_environment(), capture_output=True, text=True)


@pytest.fixture(scope="module")
def graded(own_release):
    course = own_release
    nb = answered_notebook(course, ASSIGNMENT, NOTEBOOK)
    add_vectors(nb)
    submit(course, STUDENT, ASSIGNMENT, {NOTEBOOK: nb})
    submit(course, HONEST, ASSIGNMENT, {NOTEBOOK: answered_notebook(course, ASSIGNMENT, NOTEBOOK)})
    for verb in (("autograde", ASSIGNMENT, "--force"), ("feedback", ASSIGNMENT), ("release-feedback", ASSIGNMENT),
                 ("report",)):
        done = week12(course, *verb)
        assert done.returncode == 0, done.stdout + done.stderr
    return course


def _autograded(course):
    return nbformat.read(course.folder("autograded", STUDENT, ASSIGNMENT) / NOTEBOOK, as_version=4)


def test_the_hostile_student_is_graded_like_the_honest_one(graded):
    assert cell_scores(graded, ASSIGNMENT, STUDENT) == cell_scores(graded, ASSIGNMENT, HONEST)
    assert cell_scores(graded, ASSIGNMENT, STUDENT)["edge_kernel_score"] == (10, 10)


def test_the_graded_notebook_holds_only_inert_outputs(graded):
    nb = _autograded(graded)
    vectors = next(cell for cell in nb.cells if cell.get("id") == "student-vectors")
    assert len(vectors.outputs) > 20  # the vectors' outputs are kept, as text or clean HTML
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            assert set(data) <= ALLOWED_MEDIA, (cell.get("id"), set(data))
            html = data.get("text/html", "")
            assert active_markup(html) == [], html[:300]
            for media, sizes in output.get("metadata", {}).items():
                assert media in ("image/png", "image/jpeg")
                assert all(isinstance(value, (int, float)) for value in sizes.values()), sizes
            for image in re.findall(r'<img[^>]*src="([^"]*)"', html):
                assert EMBEDDED_IMAGE.fullmatch(image), image
    raw = next(cell for cell in nb.cells if cell.cell_type == "raw")
    assert "raw_mimetype" not in raw.metadata and "format" not in raw.metadata
    assert "widgets" not in nb.metadata
    # What was set aside is shown as text with a note, not lost.
    texts = "".join(output.get("data", {}).get("text/plain", "") for output in vectors.outputs)
    assert "application/javascript" in texts and "image/svg+xml" in texts and "text/latex" in texts


# --- in the browser -----------------------------------------------------------------------

_REQUESTS = "return performance.getEntriesByType('resource').map(e => e.name)"


def _ran(driver) -> list[str]:
    """Traces of any vector that ran: the console, the title, the requests the page made."""
    traces = [entry["message"] for entry in driver.get_log("browser") if MARKER in entry["message"]]
    if MARKER in (driver.title or ""):
        traces.append(f"title: {driver.title}")
    traces += [f"request: {url}" for url in driver.execute_script(_REQUESTS) if "pwned" in url]
    return traces


def _open_file(driver, path: Path) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    time.sleep(1)  # what a vector would do after load (a failing image, a timer) has had its time


def _course_content_renders(driver) -> None:
    """The course's own overview, verdict table and response figure are on the page, drawn."""
    facts = driver.execute_script("""
        const table = document.querySelector('.week12-kernel-verdict table');
        const figure = document.querySelector('.week12-kernel-verdict img');
        return {rows: document.querySelectorAll('#week12-overview tr.week12-exercise').length,
                table: table ? table.getBoundingClientRect().height : 0,
                border: table ? getComputedStyle(table.querySelector('td')).borderTopStyle : '',
                figure: figure ? [figure.complete, figure.naturalWidth] : null};""")
    assert facts["rows"] >= 1 and facts["table"] > 20 and facts["border"] == "solid", facts
    assert facts["figure"] is not None and facts["figure"][0] and facts["figure"][1] > 100, facts


def _policy(driver) -> str:
    return driver.execute_script(
        "const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]'); return m ? m.content : ''")


def test_the_feedback_page_runs_no_script_of_the_students(graded, browser, tmp_path):  # noqa: F811
    page = graded.folder("feedback", STUDENT, ASSIGNMENT) / NOTEBOOK.replace(".ipynb", ".html")
    _open_file(browser, page)
    assert _ran(browser) == []
    assert "script-src 'none'" in _policy(browser)
    _course_content_renders(browser)
    browser.save_screenshot(str(tmp_path / "feedback.png"))


def test_the_pages_in_the_lms_zip_run_no_script_of_the_students(graded, browser, tmp_path):  # noqa: F811
    archive = next(graded.exports_dir.glob(f"{ASSIGNMENT}*feedback*.zip"))
    with zipfile.ZipFile(archive) as packed:
        member = next(name for name in packed.namelist() if name.startswith(f"{STUDENT}/"))
        packed.extract(member, tmp_path)
    _open_file(browser, tmp_path / member)
    assert _ran(browser) == []
    _course_content_renders(browser)


def test_the_class_report_runs_no_script(graded, browser):  # noqa: F811
    _open_file(browser, graded.reports_dir / "class-report.html")
    assert _ran(browser) == []
    assert "script-src 'none'" in _policy(browser)
    assert STUDENT in browser.find_element(By.TAG_NAME, "body").text


# --- the formgrader, in a TA's logged-in Jupyter server ---------------------------------------

@pytest.fixture(scope="module")
def jupyter(graded):
    log_path = graded.root.parent / "jupyter-inert.log"
    with jupyter_server(graded.root, log_path, "--ServerApp.log_level=DEBUG") as (base, token):
        yield graded, base, token, log_path


def _submission_id(course) -> str:
    with course.gradebook() as gradebook:
        return gradebook.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, STUDENT).id


def test_the_formgrader_view_runs_no_script_of_the_students_and_reaches_nothing(jupyter, browser):  # noqa: F811
    course, base, token, log_path = jupyter
    browser.get(f"{base}/formgrader?token={token}")  # the TA logs in: the session cookie is set
    browser.get_log("browser")
    browser.get(f"{base}/formgrader/submissions/{_submission_id(course)}/")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input.score"))
    time.sleep(2)
    assert _ran(browser) == []
    assert not list(course.root.rglob("pwned-*")), "a vector wrote through the contents API"
    served = log_path.read_text(errors="replace")
    assert "pwned" not in served.lower(), [line for line in served.splitlines() if "pwned" in line.lower()][:5]
    policy = _policy(browser)
    assert "script-src 'nonce-" in policy and "unsafe-inline'" not in policy.split("style-src")[0]
    # nbgrader's own page still works: its scripts ran (the score inputs are wired up).
    assert browser.execute_script("return typeof jQuery === 'function' && typeof Backbone === 'object'")
    _course_content_renders_in_formgrader(browser)


def _course_content_renders_in_formgrader(driver) -> None:
    facts = driver.execute_script("""
        const table = document.querySelector('.week12-kernel-verdict table');
        const figure = document.querySelector('.week12-kernel-verdict img');
        return {table: table ? table.getBoundingClientRect().height : 0,
                figure: figure ? [figure.complete, figure.naturalWidth] : null};""")
    assert facts["table"] > 20 and facts["figure"] and facts["figure"][0] and facts["figure"][1] > 100, facts
