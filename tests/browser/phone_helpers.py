"""The child's phone in a real browser: a 360 x 640 touch phone, and joining it as a child does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

PICTURES = ("football", "music", "pet")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def pick(page, pictures=PICTURES) -> None:
    """Tap three pictures of the secret, in order."""
    for n, name in enumerate(pictures, 1):
        page.locator(f"label[for='picture{n}-{name}']").click()


def join(phone, live_url, code: str, pictures=PICTURES) -> None:
    """Join with a code and choose a picture secret: the phone ends on its home (the IRO is Jo)."""
    phone.goto(f"{live_url}/phone/join")
    phone.get_by_label("Code").fill(code)
    phone.get_by_role("button", name="Join").click()
    phone.goto(f"{live_url}/phone/secret?kind=pictures")
    pick(phone, pictures)
    phone.get_by_role("button", name="Save my secret").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Tell Jo something")
