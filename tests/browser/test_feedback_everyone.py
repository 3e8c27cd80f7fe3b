"""A professional gives feedback on a phone (360 x 640) without a name; staff make a carers' link and read the split results; axe on every page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import PHONE, TABLET, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.feedback_helpers import conference, link, response
from voice_app.models import Agency, FeedbackLink, ParentResponse, RespondentKind, ReviewStage, ReviewStatus, Role


@pytest.fixture
def world(db, make):
    chair = make.staff(Role.IRO, name="Chris Chair", email="chris@example.org")
    manager = make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    child = make.child(chair, name="Zanzibar", on_cp_plan=True, cared_for=True)
    meeting = conference(make, child, stage=ReviewStage.INITIAL_CONFERENCE)
    review = make.review(child, scheduled_for=date.today(), held_on=date.today(), status=ReviewStatus.HELD)
    return dict(chair=chair, manager=manager, child=child, meeting=meeting, review=review)


def _check_page(page, context: str) -> None:
    assert_accessible(page, context=context)
    no_horizontal_scroll(page)
    assert "Zanzibar" not in page.content()


def test_a_professional_answers_on_a_phone_with_agency_and_role_and_no_name(browser, live_url, db, world):
    item = link(db, world["meeting"], by=world["chair"], kind=RespondentKind.PROFESSIONAL)
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_url}/p/{item.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us how the meeting went for you")
    expect(page.get_by_text("There are 3 questions")).to_be_visible()
    _check_page(page, "start page")
    page.get_by_role("button", name="Start now").click()
    for number, words in enumerate(("Agree", "Strongly agree", "Disagree"), start=1):
        expect(page.get_by_text(f"Question {number} of 5")).to_be_visible()
        _check_page(page, f"question {number}")
        page.get_by_role("button", name=words, exact=True).click()
    expect(page.get_by_label("Is there anything else")).to_be_visible()
    _check_page(page, "free text")
    page.get_by_label("Is there anything else").fill("The report came the night before.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Which agency are you from?")
    _check_page(page, "agency and role")
    page.get_by_role("radio", name="School or education").check()
    page.get_by_label("Your role (optional)").fill("Head of year")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("School or education, Head of year")).to_be_visible()
    assert "Your name" not in page.content()
    _check_page(page, "check your answers")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    _check_page(page, "thank you")
    db.expire_all()
    (stored,) = db.exec(select(ParentResponse)).all()
    assert (stored.respondent_kind, stored.agency, stored.role, stored.name) == (
        RespondentKind.PROFESSIONAL,
        Agency.EDUCATION,
        "Head of year",
        None,
    )
    assert (stored.q1, stored.q2, stored.q4) == ("agree", "strongly_agree", "disagree")
    context.close()


def test_staff_make_a_carers_link_for_a_review_and_read_results_split_by_who_answered(browser, live_url, db, world):
    for _ in range(5):
        response(db, world["meeting"], "A A A A")
    response(db, world["review"], "SA D", kind=RespondentKind.CARER)
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_url, "chris@example.org", PASSWORD)
    page.goto(f"{live_url}/feedback/conferences/{world['review'].id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feedback from parents, carers and professionals")
    assert_accessible(page, context="a review's feedback page")
    page.get_by_role("radio", name="Carers").check()
    page.get_by_role("button", name="Make a link").click()
    expect(page.get_by_role("heading", name="Link for carers", exact=False)).to_be_visible()
    assert_accessible(page, context="after making a carers' link")
    (made,) = db.exec(select(FeedbackLink)).all()
    assert made.respondent_kind == RespondentKind.CARER and made.review_id == world["review"].id
    page.get_by_role("link", name="Add a paper questionnaire (professionals)").click()
    expect(page.get_by_text("Their agency")).to_be_visible()
    assert_accessible(page, context="a professional's paper form")
    context.close()

    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.goto(f"{live_url}/feedback/results")
    expect(page.get_by_text("Carers: 1 response, fewer than 5, so the answers are not shown.")).to_be_visible()
    expect(page.get_by_role("table", name="Parents and family (5 responses)")).to_be_visible()
    assert_accessible(page, context="results split by who answered")
    context.close()


def test_a_manager_sets_the_service_questions_and_you_said_we_did_and_a_parent_sees_both(browser, live_url, db, world):
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.goto(f"{live_url}/feedback/questions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your service's own feedback questions")
    assert_accessible(page, context="the service's questions, none yet")
    page.get_by_role("button", name=re.compile(r"Start asking.*report before the meeting")).click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    page.get_by_label("The question, in your service's words").fill("The meeting started on time.")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("heading", name="The meeting started on time.", exact=False)).to_be_visible()
    assert_accessible(page, context="the service's questions, two asked")

    page.goto(f"{live_url}/feedback/you-said-we-did")
    assert_accessible(page, context="you said, we did for families, empty")
    page.get_by_label("You said").fill("Lambton House wasn't an appropriate venue.")
    page.get_by_label("We did").fill("We opened a new conference suite.")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added. People giving feedback see it from now on.")).to_be_visible()
    assert_accessible(page, context="you said, we did for families, one")
    context.close()

    item = link(db, world["meeting"], by=world["chair"])
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_url}/p/{item.token}?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _check_page(page, "start page in Arabic with you said, we did")
    expect(page.get_by_text("We opened a new conference suite.")).to_be_visible()
    page.locator("button.govuk-button--start").click()
    for number in range(1, 5):
        expect(page).to_have_url(re.compile(rf"/q{number}$"))
        page.locator("button.va-answer").first.click()
    expect(page).to_have_url(re.compile(r"/local-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("استلمت تقرير الأخصائي الاجتماعي قبل الاجتماع.")
    _check_page(page, "the service's suggested question in Arabic")
    context.close()
