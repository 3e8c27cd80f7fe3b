"""WebKit, the iPad's engine: Debian's WebKitGTK driven through its WebDriver (Selenium), on a private Xvfb display.

The app is served as in the Chromium tests (tests/browser/conftest.py: Waitress on a free loopback port), but in the
demo environment, as a newcomer runs it: plain http to 127.0.0.1, where WebKit keeps only cookies without Secure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    JavascriptException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import PASSWORD, make_settings
from voice_app import create_app

WEBDRIVER = shutil.which("WebKitWebDriver")
XVFB = shutil.which("Xvfb")
TABLET = (768, 1024)
PHONE = (360, 640)
WAIT_SECONDS = 10
# axe-core as shipped (and kept current) by the Chromium tests' axe-playwright-python.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/webkit/" in str(item.fspath):
            item.add_marker(pytest.mark.webkit)


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """A private X display (Xvfb picks a free number), so no window opens on a desktop and runs never collide."""
    if not (WEBDRIVER and XVFB):
        pytest.fail(
            "The WebKit tests need Debian's WebKitGTK WebDriver and Xvfb: apt-get install webkit2gtk-driver xvfb "
            '(or leave them out with -m "not webkit").'
        )
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start.")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def app(database_url):
    """The app in the demo environment (the browser reaches it over plain http on 127.0.0.1, as `voice-app demo`)."""
    app = create_app(settings=make_settings(database_url, env="demo"))
    yield app
    app.extensions["voice_app_engine"].dispose()


@pytest.fixture
def driver(x_display) -> Iterator[WebDriver]:
    """A fresh WebKitGTK window per test (cookies for 127.0.0.1 would otherwise carry over between ports)."""
    service = webdriver.WebKitGTKService(executable_path=WEBDRIVER, env={**os.environ, "DISPLAY": x_display})
    browser = webdriver.WebKitGTK(service=service, options=webdriver.WebKitGTKOptions())
    browser.set_window_size(*TABLET)
    yield browser
    browser.quit()


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], object], what: str):
    """Wait until condition(driver) is truthy and return it; fail saying what never happened."""
    try:
        # A page being replaced (a link, a form, an htmx swap) leaves stale elements and half-run scripts: look again.
        ignored = (NoSuchElementException, StaleElementReferenceException, JavascriptException)
        return WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=ignored).until(lambda d: condition(d))
    except TimeoutException:
        pytest.fail(f"WebKit: {what} did not happen within {WAIT_SECONDS}s (at {driver.current_url})")


def by_text(driver: WebDriver, selector: str, text: str) -> WebElement | None:
    """The first element matching the CSS selector whose visible text (spaces collapsed) is exactly text."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".find(e => e.innerText.replace(/\\s+/g, ' ').trim() === arguments[1]) || null;",
        selector,
        text,
    )


def click(driver: WebDriver, text: str, selector: str = "button, a") -> None:
    """Tap the button or link showing this text, waiting (as Playwright does) until it can take a tap.

    WebDriver refuses a click on something that is still scrolling into place or, in the child's conversation,
    on a step that is still arriving (it ignores taps for a moment so a double tap answers once).
    """
    wait_for(driver, lambda d: _tap(by_text(d, selector, text)), f"a tap on a {selector!r} reading {text!r}")


def tap(driver: WebDriver, element: WebElement, what: str) -> None:
    """Tap this element as soon as it can take a tap."""
    wait_for(driver, lambda d: _tap(element), f"a tap on {what}")


def _tap(element: WebElement | None) -> bool:
    if element is None or element.get_attribute("disabled") is not None:
        return False
    if element.parent.execute_script("return !!arguments[0].closest('.is-arriving, [inert]');", element):
        return False
    try:
        element.click()
    except (ElementClickInterceptedException, ElementNotInteractableException):
        return False
    return True


def text_of(driver: WebDriver, selector: str) -> str:
    """The visible text of the first element matching selector, read in one step (htmx may swap it any moment)."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", selector)


def wait_for_text(driver: WebDriver, selector: str, text: str) -> None:
    """Wait until the element's text contains text."""
    wait_for(driver, lambda d: text in text_of(d, selector), f"{selector!r} showing {text!r}")


def fill(driver: WebDriver, field_id: str, value: str) -> None:
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(value)


def choose(driver: WebDriver, name: str, value: str) -> None:
    """Pick a radio button or checkbox by tapping its label (GOV.UK Frontend draws its own, over the real input)."""
    wanted = f"input[name='{name}'][value='{value}']"
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, wanted), f"the choice {name}={value}")  # the page may still be loading
    field = driver.find_element(By.CSS_SELECTOR, wanted)
    tap(driver, driver.find_element(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']"), f"the label of {name}={value}")
    assert field.is_selected(), f"{name}={value} was not picked"


def sign_in(driver: WebDriver, live_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait for the page after it."""
    driver.get(f"{live_url}/sign-in")
    fill(driver, "email", email)
    fill(driver, "password", password)
    click(driver, "Sign in", "button")
    wait_for(driver, lambda d: "/sign-in" not in d.current_url, "leaving the sign-in page")


def hand_over_to(driver: WebDriver, live_url: str, child, *, first_question: str = "How do you feel today?") -> None:
    """Sign in as Jo, hand the tablet to this child with the usual choices and wait for the first question."""
    sign_in(driver, live_url, "jo@example.org")
    driver.get(f"{live_url}/children/{child.id}")
    click(driver, f"Hand the tablet to {child.preferred_name}", "a")
    click(driver, f"Start: hand the tablet to {child.preferred_name}", "button")
    wait_for_text(driver, "#question-title", first_question)


def no_horizontal_scroll(driver: WebDriver) -> None:
    wide = driver.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5);"
    )
    fits = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
    assert fits, f"wider than the screen in WebKit: {wide}"


def assert_accessible(driver: WebDriver, *, context: str) -> None:
    """Run axe-core in WebKit on the page as it is now; fail listing each violation and where it is."""
    driver.execute_script(AXE_SOURCE)
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then((r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at `"
        " + v.nodes.map((n) => n.target.join(' ')).join(', '))), (e) => done([`axe failed: ${e}`]));"
    )
    if violations:
        pytest.fail(f"axe-core in WebKit found {len(violations)} violation(s) on {context}:\n" + "\n".join(violations))
