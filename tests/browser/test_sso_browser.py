"""Single sign-on in Chromium: an admin sets up the council's provider, a new IRO asks, is approved and signs in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.sso_support import DOMAIN, GROUPS
from voice_app.models import Role

pytest_plugins = ["tests.sso_fixtures"]


def _set_up_the_council(page, live_url, issuer: str) -> None:
    page.goto(f"{live_url}/admin/staff")
    page.get_by_role("link", name="Sign-in with the council's account").click()
    assert_accessible(page, context="single sign-on settings")
    page.get_by_label("Staff can sign in with the council's account").check()
    page.get_by_label("Council's name, as on the sign-in button").fill("Example Council")
    page.get_by_label("Issuer URL").fill(issuer)
    page.get_by_label("Client ID", exact=True).fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Allowed email domains").fill(DOMAIN)
    page.get_by_label("Claim that holds groups or app roles").fill("groups")
    page.get_by_label("IRO: group IDs or app role values").fill(GROUPS[Role.IRO])
    page.get_by_label("Manager: group IDs or app role values").fill(GROUPS[Role.MANAGER])
    page.get_by_label("Wait for an admin to approve them").check()
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The council's sign-in settings are saved.")).to_be_visible()
    assert_accessible(page, context="single sign-on settings, saved")


def _through_the_council(page, live_url, email: str) -> None:
    page.goto(f"{live_url}/sign-in")
    page.get_by_role("link", name="Sign in with Example Council").click()
    expect(page.get_by_role("heading", name="Council sign-in")).to_be_visible()  # the provider's own page
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_an_iro_signs_in_through_the_council_after_an_admin_approves(browser, live_url, make, oidc, viewport):
    make.staff(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]], name="Jo Reviewer")

    admin = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB").new_page()
    sign_in(admin, live_url, "ada@example.org", PASSWORD)
    _set_up_the_council(admin, live_url, oidc.issuer)

    jo = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB").new_page()
    jo.goto(f"{live_url}/sign-in")
    assert_accessible(jo, context="sign-in page with the council's button")
    _through_the_council(jo, live_url, f"jo@{DOMAIN}")
    expect(jo.get_by_role("heading", name="You could not sign in")).to_be_visible()
    expect(jo.get_by_text("An admin has been asked to let you in.")).to_be_visible()
    assert_accessible(jo, context="refused sign-in page")

    admin.goto(f"{live_url}/admin/single-sign-on/approvals")
    expect(admin.locator("td[data-label='Name']")).to_have_text("Jo Reviewer")
    assert no_horizontal_scroll(admin)
    assert_accessible(admin, context="approvals page")
    admin.get_by_role("button", name="Approve Jo Reviewer").click()
    expect(admin.get_by_text("Jo Reviewer can now sign in with the council's account, as IRO.")).to_be_visible()
    assert_accessible(admin, context="approvals page, nobody waiting")

    _through_the_council(jo, live_url, f"jo@{DOMAIN}")
    expect(jo).to_have_url(f"{live_url}/caseload")
    jo.goto(f"{live_url}/account/sessions")
    expect(jo.get_by_text("You could not sign in")).to_have_count(0)


def test_an_iro_signed_in_through_the_council_takes_the_tablet_back_through_it(page, live_url, make, db, oidc):
    from sqlmodel import select

    from tests.sso_support import configure
    from voice_app.models import StaffUser

    configure(db, oidc)
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]], name="Jo Reviewer")
    _through_the_council(page, live_url, f"jo@{DOMAIN}")
    expect(page).to_have_url(f"{live_url}/caseload")
    jo = db.exec(select(StaffUser).where(StaffUser.email == f"jo@{DOMAIN}")).one()
    ana = make.child(jo, name="Ana")
    make.visit(make.review(ana), iro=jo)
    page.goto(f"{live_url}/children/{ana.id}")
    page.get_by_role("link", name="Hand the tablet to Ana").click()
    page.get_by_role("button", name="Start: hand the tablet to Ana").click()
    expect(page.locator("#step")).to_be_visible()
    page.goto(f"{live_url}/child/give-back")  # what the grown-ups' link opens
    expect(page.get_by_role("heading", level=1)).to_have_text("Taking the tablet back")
    assert_accessible(page, context="give back with the council's sign-in")
    page.get_by_role("link", name="Take the tablet back by signing in with Example Council").click()
    page.get_by_label("Email").fill(f"jo@{DOMAIN}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back. Ana's answers are saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana's statement")
