"""A practitioner gathers a child's views for a conference: invited by email (read from the local SMTP server),
runs the conversation on their own phone in child mode, and loses access once the conference is held."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import PHONE, assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.test_child_conversation import answer_current, title
from tests.conftest import PASSWORD
from tests.feedback_helpers import conference
from tests.mail_support import mail_settings
from voice_app import create_app
from voice_app.models import GivenVia, Review, ReviewStatus, Role, Statement

pytest_plugins = ["tests.mail_support"]

NEW_PASSWORD = "sam's own long password"


@pytest.fixture
def app(database_url, smtp_server):
    """The app sending email through the local SMTP server."""
    app = create_app(settings=mail_settings(database_url, smtp_server))
    yield app
    app.extensions["voice_app_engine"].dispose()


@pytest.fixture
def service(make):
    manager = make.staff(Role.MANAGER, name="Mo Manager", email="mo@example.org")
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ana = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=9 * 366), on_cp_plan=True)
    upcoming = conference(make, ana, day=date.today() + timedelta(days=7), status=ReviewStatus.SCHEDULED)
    return dict(manager=manager, iro=iro, ana=ana, upcoming=upcoming)


def test_a_practitioner_is_invited_gathers_views_and_loses_access_after_the_conference(page, browser, live_url, service, smtp_server, db):
    # The manager invites a social worker from the child's page.
    sign_in(page, live_url, "mo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['ana'].id}")
    page.get_by_role("link", name=re.compile("Practitioners gathering views")).click()
    assert_accessible(page, context="a conference's practitioners")
    page.get_by_label("Their name").fill("Sam Worker")
    page.get_by_label("Their work email address").fill("sam.worker@example.org")
    page.get_by_label("Social worker").check()
    page.get_by_label("Their team, school or service (optional)").fill("Riverside team")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation emailed to sam.worker@example.org")).to_be_visible()
    expect(page.get_by_text("Link sent")).to_be_visible()
    assert_accessible(page, context="practitioners after inviting")

    # The email arrives at the local SMTP server; its link opens on the practitioner's own phone.
    [message] = smtp_server.received
    assert message["X-Envelope-To"] == "sam.worker@example.org"
    link = re.search(r"(http://127\.0\.0\.1:\d+/practitioner/join/\S+)", message.get_content()).group(1)
    phone = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    sam = phone.new_page()
    sam.goto(link)
    expect(sam.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_accessible(sam, context="choosing a password")
    no_horizontal_scroll(sam)
    sam.get_by_label("Choose a password").fill(NEW_PASSWORD)
    sam.get_by_label("Type the password again").fill(NEW_PASSWORD)
    sam.get_by_role("button", name="Set the password and continue").click()

    # Their page: the child's name and the conference's day, nothing else.
    expect(sam.get_by_role("heading", level=2, name="Ana")).to_be_visible()
    expect(sam.get_by_text(service["upcoming"].scheduled_for.strftime("%A %-d %B %Y"))).to_be_visible()
    expect(sam.get_by_role("link", name="Caseload")).to_have_count(0)
    assert_accessible(sam, context="the practitioner's page")
    no_horizontal_scroll(sam)

    # They hand their phone to Ana, exactly as an IRO hands over a tablet.
    sam.get_by_role("link", name="Hand your device to Ana").click()
    assert_accessible(sam, context="the practitioner's hand-over")
    sam.get_by_label("Younger").check()
    sam.get_by_label("Their views only").check()
    sam.get_by_role("button", name="Start: hand your device to Ana").click()
    expect(title(sam)).to_have_text("How do you feel today?")
    answer_current(sam)
    answer_current(sam)
    sam.get_by_role("link", name=re.compile(r"For Sam\W+take the tablet back")).click()
    sam.get_by_label("Password or PIN").fill(NEW_PASSWORD)
    sam.get_by_role("button", name="Take the tablet back").click()
    expect(sam.get_by_text("2 answers")).to_be_visible()
    statement = db.exec(select(Statement)).one()
    assert statement.given_via == GivenVia.PRACTITIONER

    # The IRO (the conference's chair) reads it, marked as gathered by Sam.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{statement.id}")
    expect(page.locator("#gathered-by")).to_contain_text("gathered by Sam Worker (Social worker, Riverside team), invited by Mo Manager")
    assert_accessible(page, context="a statement gathered by a practitioner")

    # The conference is held: Sam's next page is the sign-in page, and signing in again opens nothing.
    review = db.get(Review, service["upcoming"].id)
    review.status, review.held_on = ReviewStatus.HELD, date.today()
    db.add(review)
    db.commit()
    sam.reload()
    expect(sam.get_by_text("Your access for that conference has ended")).to_be_visible()
    sign_in(sam, live_url, "sam.worker@example.org", NEW_PASSWORD)
    expect(sam.get_by_text("Your access for that conference has ended")).to_be_visible()
    assert "/sign-in" in sam.url
    phone.close()
