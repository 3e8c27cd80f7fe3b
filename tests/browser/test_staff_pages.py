"""An IRO and a manager use the staff pages in a real browser at tablet size, with axe-core on every page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET_LANDSCAPE, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from voice_app.models import Role


@pytest.fixture
def service(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    other = make.staff(Role.IRO, name="Sam Okafor", email="sam@example.org")
    manager = make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    admin = make.staff(Role.ADMIN, name="Alex Admin", email="alex@example.org")
    aisha = make.child(iro, name="Aisha", communication_needs="Likes pictures")
    make.review(aisha, days_ahead=30)
    ben = make.child(iro, name="Ben")
    make.visit(make.review(ben, days_ahead=12), iro=iro)
    make.child(other, name="Zed")
    return dict(iro=iro, manager=manager, admin=admin, aisha=aisha)


def test_sign_in_page_is_accessible(page, live_url):
    page.goto(f"{live_url}/sign-in")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    assert_accessible(page)


def test_wrong_password_shows_an_error_summary(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", "not my password")
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    assert page.get_by_label("Email address").input_value() == "jo@example.org"  # nothing typed is lost
    assert_accessible(page)


def test_an_iro_plans_and_records_a_visit(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_role("link", name="Zed")).to_have_count(0)
    assert_accessible(page, context="caseload")

    page.get_by_role("link", name="Aisha").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aisha")
    assert_accessible(page, context="child page")

    planned = date.today() + timedelta(days=20)
    page.get_by_label("Date of the visit").fill(planned.isoformat())
    page.get_by_label("How you plan to meet").select_option("face_to_face")
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_role("status")).to_contain_text("Visit planned")
    assert_accessible(page, context="child page after planning")

    page.get_by_role("link", name="Record what happened").click()
    assert_accessible(page, context="record visit")
    page.get_by_label("The child did not want a visit", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Write down why the child did not want a visit")
    assert_accessible(page, context="record visit with errors")
    page.get_by_label("The visit happened", exact=True).check()
    page.get_by_label("Date of the visit").fill(date.today().isoformat())
    page.get_by_label("How you met").select_option("video_call")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Visit recorded as done")


def test_caseload_filters_without_reloading(page, live_url, service):
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    expect(page.get_by_role("link", name="Zed")).to_be_visible()
    page.get_by_label("Name or reference").fill("ais")
    expect(page.get_by_role("link", name="Zed")).to_have_count(0)
    expect(page.get_by_role("link", name="Aisha")).to_be_visible()
    assert "q=ais" in page.url  # the filter is in the address, so it can be shared or reloaded
    assert_accessible(page, context="filtered caseload")


def test_an_admin_creates_an_account(page, live_url, service):
    sign_in(page, live_url, "alex@example.org", PASSWORD)
    assert_accessible(page, context="staff list")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("IRO: sees and works with their own children").check()
    page.get_by_label("Temporary password").fill("a long enough password")
    page.get_by_label("Type the password again").fill("a long enough password")
    assert_accessible(page, context="new staff")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("status")).to_contain_text("Account created for Priya Shah")
    expect(page.get_by_role("row", name="Priya Shah")).to_contain_text("Temporary password")
    assert_accessible(page, context="staff list with a temporary password")

    page.get_by_role("link", name="Temporary password for Jo Reviewer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Give a temporary password")
    assert_accessible(page, context="temporary password")
    page.get_by_label("Temporary password").fill("short")
    page.get_by_role("button", name="Set the temporary password").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 12 characters")
    assert_accessible(page, context="temporary password with errors")


def test_a_new_person_chooses_their_own_password_first(page, live_url, service, make):
    from voice_app.admin.services import create_staff_user

    create_staff_user(make.db, email="priya@example.org", display_name="Priya Shah", role=Role.IRO, password="a temporary password", temporary=True)
    sign_in(page, live_url, "priya@example.org", "a temporary password")
    expect(page.get_by_role("heading", level=1)).to_contain_text("password")
    expect(page.get_by_role("status")).to_contain_text("Choose your own password")
    assert_accessible(page, context="change a temporary password")
    page.get_by_label("Your current password").fill("a temporary password")
    page.get_by_label("New password", exact=True).fill("my own long password")
    page.get_by_label("Type the new password again").fill("my own long password")
    page.get_by_role("button", name="Change the password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")


@pytest.mark.parametrize("viewport", [PHONE, TABLET_LANDSCAPE], ids=["phone", "landscape"])
def test_pages_fit_phones_and_landscape_tablets(browser, live_url, service, viewport):
    context = browser.new_context(viewport=viewport, has_touch=True)
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="Aisha").click()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context=f"child page at {viewport}")
    context.close()


def test_account_and_credits_pages_are_accessible(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.get_by_role("link", name="Jo Reviewer (IRO)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page, context="change password")
    page.get_by_role("link", name="Credits and licences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Credits and licences")
    assert_accessible(page, context="credits")


def test_an_iro_records_that_a_review_was_held(page, live_url, service, make):
    past = make.review(make.child(service["iro"], name="Cara"), days_ahead=-2)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{past.child_id}")
    expect(page.get_by_text("Its date has passed")).to_be_visible()
    assert_accessible(page, context="child page with a review to record")
    page.get_by_role("link", name="Record whether it was held").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the review")
    assert_accessible(page, context="record review")

    page.get_by_label("It was held", exact=True).check()
    page.get_by_label("Date it was held").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be in the future")
    assert page.get_by_label("It was held", exact=True).is_checked()  # nothing chosen is lost
    assert_accessible(page, context="record review with errors")

    page.get_by_label("Date it was held").fill(past.scheduled_for.isoformat())
    page.get_by_label("How the meeting was held").select_option("hybrid")
    page.get_by_label("Who chaired it").select_option("child")
    page.get_by_role("group", name="did the IRO attend?").get_by_label("Yes").check()
    page.get_by_label("PN1: The child came and spoke for themselves").check()
    # The child has been cared for since January 2024: this first review is late, so it needs a reason.
    page.get_by_label("Why it was held after its due date").select_option("late_notification")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded as held")
    expect(page.get_by_text("hybrid; chaired by the child; the IRO attended")).to_be_visible()
    expect(page.get_by_text("Its date has passed")).to_have_count(0)


def test_someone_sees_where_they_are_signed_in_and_ends_a_session(page, live_url, service, browser):
    other = browser.new_context(ignore_https_errors=True)
    other_page = other.new_page()
    sign_in(other_page, live_url, "jo@example.org", PASSWORD)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/account/sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    expect(page.get_by_role("button", name="End this session")).to_have_count(1)
    assert_accessible(page, context="sessions")
    page.get_by_role("button", name="End this session").click()
    expect(page.get_by_role("status")).to_contain_text("That session has ended")
    other_page.goto(f"{live_url}/caseload")
    expect(other_page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    other.close()
