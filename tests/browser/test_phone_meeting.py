"""Getting ready for the next meeting on the child's own phone (360 x 640): the tablet's conversation, the quick exit
in the middle of it, resuming after the secret, finishing, and the IRO reading it; axe-core on every kind of page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.phone_helpers import join as _join
from tests.browser.phone_helpers import pick as _pick
from tests.browser.test_child_conversation import answer_current, title
from tests.conftest import PASSWORD
from tests.phone_support import new_code
from voice_app.models import Answer, GivenVia, Role, Statement, StatementEnd

pytest_plugins = ["tests.browser.phone_helpers"]  # the phone fixture


@pytest.fixture
def service(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    aisha = make.child(iro, name="Aisha", date_of_birth=date.today() - timedelta(days=9 * 366))
    review = make.review(aisha, days_ahead=12)
    return dict(iro=iro, aisha=aisha, review=review)


def _current_question(phone) -> str | None:
    return phone.locator("#step").get_attribute("data-question")


def test_the_child_gets_ready_on_their_phone_leaves_quickly_resumes_and_the_iro_reads_it(app, page, phone, live_url, service, db):
    app.config["VOICE_APP"].quick_exit_url = f"{live_url}/healthz"  # no internet here: a page with nothing of the child
    _join(phone, live_url, new_code(db, child=service["aisha"], iro=service["iro"]))
    expect(phone.get_by_text("Your next meeting is on")).to_be_visible()
    phone.get_by_role("button", name="Get ready for my next meeting").click()
    expect(phone.locator("#step")).to_be_visible()
    assert phone.title() == "Notes"
    assert_accessible(phone, context="the conversation's first question on the phone")
    assert no_horizontal_scroll(phone)
    # A few answers of their views...
    for _ in range(3):
        answer_current(phone)
    # ...then on to the Child's Menu, and one choice there.
    while not (_current_question(phone) or "").startswith("menu-"):
        answer_current(phone)
    assert_accessible(phone, context="a Child's Menu question on the phone")
    answer_current(phone)
    where_they_were = title(phone).inner_text()
    question = _current_question(phone)
    # The quick exit is on the conversation's screen too; it leaves, and Back does not bring the conversation back.
    expect(phone.get_by_role("link", name="Leave quickly")).to_be_visible()
    phone.get_by_role("link", name="Leave quickly").click()
    phone.wait_for_url(f"{live_url}/healthz")
    phone.go_back()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your secret")
    _pick(phone)
    phone.get_by_role("button", name="Open").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Tell Jo something")
    # Getting ready again resumes the same statement where they were.
    phone.get_by_role("button", name="Get ready for my next meeting").click()
    expect(title(phone)).to_have_text(where_they_were)
    assert _current_question(phone) == question
    phone.get_by_role("link", name="I've finished").click()
    phone.get_by_role("button", name="My review meeting").click()
    expect(title(phone)).to_have_text("Thank you, Aisha!")
    assert_accessible(phone, context="the end of the conversation on the phone")
    assert phone.get_by_role("link", name="Give the tablet back").count() == 0
    phone.get_by_role("link", name="Back to the start").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Tell Jo something")
    statement = db.exec(select(Statement)).one()
    db.refresh(statement)
    assert statement.given_via == GivenVia.OWN_PHONE and statement.end_reason == StatementEnd.FINISHED
    assert any(answer.question_id.startswith("menu-") for answer in db.exec(select(Answer).where(Answer.statement_id == statement.id)).all())
    # The IRO sees it before the meeting, marked as given on the phone.
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/caseload")
    expect(page.get_by_text("1 new from Aisha")).to_be_visible()
    page.goto(f"{live_url}/children/{service['aisha'].id}")
    expect(page.locator("#phone-views")).to_contain_text("finished")
    expect(page.get_by_text("Views given on their own phone before this meeting")).to_be_visible()
    assert_accessible(page, context="the child page with views from the phone")
    page.get_by_role("link", name="Read the statement").click()
    expect(page.locator("#given-via")).to_contain_text("Given on their own phone")
    assert_accessible(page, context="a statement given on the phone")


def test_no_meeting_booked_is_said_kindly(phone, live_url, make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ben = make.child(iro, name="Ben")
    _join(phone, live_url, new_code(db, child=ben, iro=iro))
    expect(phone.get_by_text("There is no meeting booked for you yet.")).to_be_visible()
    expect(phone.get_by_role("button", name="Get ready for my next meeting")).to_have_count(0)
    assert_accessible(phone, context="the phone's start page with no meeting booked")
