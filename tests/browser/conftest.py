"""Browser tests: the real app under Waitress, driven by Playwright in Debian's Chromium, checked with axe-core."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from waitress.server import create_server

from voice_app.serving import stop_in_thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TABLET = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 640}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """Browser tests check what a browser shows and does: they run on SQLite only (docs/testing.md).

    The SQL behind each page runs on both databases in the page's own unit tests; the browser cannot tell them apart.
    """
    metafunc.definition.add_marker(pytest.mark.any_database)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A tablet in portrait, with touch, as an IRO holds it during a visit.
    return {**browser_context_args, "viewport": TABLET, "has_touch": True, "locale": "en-GB"}


def start_server(app, *, port: int = 0):
    """Serve the app with Waitress in a thread on a loopback port (0: a free one); stop it with stop_in_thread."""
    server = create_server(app, host="127.0.0.1", port=port, threads=4, ident="voice-app-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app served by Waitress on a free loopback port for the length of one test."""
    server, thread = start_server(app)
    yield f"http://127.0.0.1:{server.effective_port}"
    stop_in_thread(server, thread)


_axe = Axe()


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail with axe's own report if anything is wrong."""
    results = _axe.run(page)
    if results.violations_count:
        pytest.fail(f"axe-core found {results.violations_count} violation(s) on {context or page.url}:\n{results.generate_report()}")


def sign_in(page, live_url: str, email: str, password: str) -> None:
    """Sign in through the real form, like a person."""
    page.goto(f"{live_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    # Wait for the page the form's answer brings: wait_for_load_state alone returns at once while the sign-in
    # page is still loaded, and the test's next goto could cut the sign-in off (the walk's flake under load).
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def no_horizontal_scroll(page) -> bool:
    """True when nothing on the page is wider than the viewport."""
    wide = page.evaluate("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)")
    fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"wider than the screen: {wide}"
    return fits


@pytest.fixture
def service(make):
    """One IRO and Ana (8) with a visit to hand over at; modules that need more people define their own."""
    from datetime import date, timedelta

    from voice_app.models import Role

    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ana = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=8 * 366))
    make.visit(make.review(ana), iro=iro)
    return dict(iro=iro, ana=ana)
