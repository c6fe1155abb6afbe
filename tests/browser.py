"""Pages as a person sees them: open an HTML file in real headless Chromium and read back facts.

Debian's ``chromium`` is driven by Selenium through Debian's matching ``chromedriver``; both are
installed by ``./run.sh test``. The driver's path is given to Selenium, so Selenium Manager is
never run and nothing is downloaded.

Use the session-wide ``browser`` fixture from a test module by importing it::

    from tests.browser import browser, open_page  # noqa: F401  (browser is a fixture)

    pytestmark = pytest.mark.browser

    def test_feedback_shows_the_figure(browser, tmp_path):
        page = open_page(browser, feedback_html)
        assert all(image.loaded for image in page.images)

Where the browser is missing the fixture fails and says how to install it; it skips only when
``WEEK12_SKIP_BROWSER=1`` is set.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.wait import WebDriverWait

SKIP_VARIABLE = "WEEK12_SKIP_BROWSER"

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # we run as root in CI, where Chromium's own sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machines reach no network but package registries: keep Chromium from trying.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--no-first-run",
    "--window-size=1280,1024",
)

# One round trip gathers everything, so the facts describe a single moment of the page.
_READ_FACTS = """
return {
    title: document.title,
    text: document.body ? document.body.innerText : "",
    images: Array.from(document.images).map(img => ({
        alt: img.getAttribute("alt") || "",
        src: img.src,
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
    })),
};
"""

_FINISHED_LOADING = """
return document.readyState === "complete"
    && Array.from(document.images).every(img => img.complete);
"""


@dataclass(frozen=True)
class ImageFacts:
    """One ``<img>`` as the browser ended up with it."""

    alt: str
    src_kind: str  # "data:image/png" for an embedded PNG, else the URL scheme: "file", "https", ...
    loaded: bool  # decoded into a picture: complete and with a natural width above zero
    natural_width: int
    natural_height: int


@dataclass(frozen=True)
class PageFacts:
    """What a person opening the page gets: its title, visible text, pictures and console errors."""

    title: str
    text: str  # document.body.innerText: the rendered text, without markup or hidden elements
    images: list[ImageFacts]
    html: str  # the DOM serialised after loading (driver.page_source)
    console_errors: list[str]  # SEVERE browser-log messages logged while this page loaded


def src_kind(url: str) -> str:
    """``data:<media type>`` for a data URL, otherwise the URL's scheme (``""`` for no URL)."""
    if url.startswith("data:"):
        return url.split(",", 1)[0].split(";", 1)[0]
    scheme, colon, _ = url.partition(":")
    return scheme if colon else ""


def open_page(driver: webdriver.Chrome, path: Path, wait_seconds: float = 10) -> PageFacts:
    """Load ``path`` as a ``file://`` URL, wait until it and all its images finished, read it back."""
    _console_errors(driver)  # drop what earlier pages logged
    driver.set_page_load_timeout(wait_seconds)
    driver.get(Path(path).resolve().as_uri())
    try:
        WebDriverWait(driver, wait_seconds).until(lambda d: d.execute_script(_FINISHED_LOADING))
    except TimeoutException:
        raise TimeoutError(f"{path} had not finished loading its images after {wait_seconds} s") from None
    facts = driver.execute_script(_READ_FACTS)
    images = [
        ImageFacts(
            alt=image["alt"],
            src_kind=src_kind(image["src"]),
            loaded=bool(image["complete"]) and image["naturalWidth"] > 0,
            natural_width=int(image["naturalWidth"]),
            natural_height=int(image["naturalHeight"]),
        )
        for image in facts["images"]
    ]
    return PageFacts(
        title=facts["title"],
        text=facts["text"],
        images=images,
        html=driver.page_source,
        console_errors=_console_errors(driver),
    )


def _console_errors(driver: webdriver.Chrome) -> list[str]:
    # chromedriver hands out each log entry once, so every call returns what was logged since the last.
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def browser_programs() -> tuple[str, str]:
    """Paths of ``chromium`` and ``chromedriver`` on PATH; a RuntimeError naming the set-up if missing."""
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    missing = [name for name, found in (("chromium", chromium), ("chromedriver", chromedriver)) if not found]
    if missing:
        raise RuntimeError(
            f"{' and '.join(missing)} not found on PATH: the browser tests need Debian's chromium and "
            f"chromium-driver, which `./run.sh test` installs (as root, with apt-get). "
            f"Set {SKIP_VARIABLE}=1 to skip these tests instead."
        )
    return chromium, chromedriver


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole session, quit at the end."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: browser tests skipped on request")
    try:
        chromium, chromedriver = browser_programs()
    except RuntimeError as problem:
        missing = str(problem)
    else:
        missing = ""
    if missing:  # failed outside the except block, so the report shows the reason once
        pytest.fail(missing, pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()
