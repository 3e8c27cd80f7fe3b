"""Setting up an authenticator app and signing in with it, in a real browser, with axe-core on every page."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from voice_app.mfa.policy import set_rule
from voice_app.models import Role, SecondFactorRule


@pytest.fixture
def service(make, db):
    manager = make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    admin = make.staff(Role.ADMIN, name="Alex Admin", email="alex@example.org")
    set_rule(db, rule=SecondFactorRule.MANAGERS_AND_ADMINS, acting=admin, now=datetime.now(UTC))
    return dict(manager=manager, admin=admin)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_manager_sets_up_an_app_then_signs_in_with_it(page, live_url, service):
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    # The service requires it for managers: the first page is setting it up.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code for setting up your authenticator app")).to_be_visible()
    assert_accessible(page, context="set-up")
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)

    page.get_by_label("Code from your authenticator app").fill("000000" if app.now() != "000000" else "111111")
    page.get_by_role("button", name="Switch on the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    assert_accessible(page, context="set-up with a wrong code")

    page.get_by_label("Code from your authenticator app").fill(app.now())
    page.get_by_role("button", name="Switch on the second factor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, context="recovery codes")
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your second factor")
    assert_accessible(page, context="overview")
    sign_out(page)

    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page, context="code page")
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    assert_accessible(page, context="code page with an error")
    page.get_by_label("Code from your authenticator app").fill(app.at(time.time() + 30))  # a step the set-up did not use
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("caseload")
    sign_out(page)

    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    assert_accessible(page, context="recovery code page")
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("caseload")


def test_the_set_up_page_fits_a_phone(page, live_url, service):
    page.set_viewport_size(PHONE)
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="set-up on a phone")


def test_an_admin_chooses_the_rule_and_resets_a_lost_app(page, live_url, service):
    sign_in(page, live_url, "alex@example.org", PASSWORD)
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Switch on the second factor").click()
    page.goto(f"{live_url}/admin/two-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factors")
    assert_accessible(page, context="second factor rule")
    page.get_by_label("Required for everyone").check()
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_role("status")).to_contain_text("Required for everyone")
    expect(page.get_by_text("Another admin resets yours")).to_be_visible()
    assert_accessible(page, context="second factor rule after saving")
