"""A young person's conference in the browser: the IRO marks it, and Ana, 14, answers their own conversation and menu on a
phone in Arabic, and on the IRO's tablet in English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import PHONE, TABLET, assert_accessible, sign_in
from tests.browser.test_i18n import check_arabic_step
from tests.conftest import PASSWORD
from voice_app.models import Answer, AnswerChoice, FlowVersion, Review, ReviewKind, ReviewStage, Role, Statement


def _answer(page) -> None:
    """Answer the current question with its first card (several cards: the first two), a number or words."""
    step = page.locator("#step")
    before = page.locator("#question-title").inner_text()
    kind = step.get_attribute("data-kind")
    if kind == "scale":
        step.locator(".scale__n").nth(6).click()
    elif kind == "text":
        step.locator("textarea").fill("أريد أن أتكلم أولاً" if page.locator("html").get_attribute("dir") == "rtl" else "I want to speak first")
        step.locator("button.button-main").click()
    elif step.locator("button.card[name=choice]").count():
        step.locator("button.card[name=choice]").first.click()
    else:
        cards = step.locator("label.card")
        cards.nth(0).click()
        if kind == "multi" and cards.count() > 2:
            cards.nth(1).click()
        step.locator("button.button-main").click()
    expect(page.locator("#question-title")).not_to_have_text(before)


@pytest.mark.parametrize(
    ("viewport", "arabic"), [(PHONE, True), (TABLET, False)], ids=["phone-in-arabic", "iro-tablet-in-english"]
)
def test_a_young_person_shapes_their_conference(browser, live_url, make, db, viewport, arabic):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ana = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=14 * 366), cared_for=False, on_cp_plan=True)
    review = make.review(ana, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE, days_ahead=14)
    make.visit(review, iro=iro)
    context = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB")
    page = context.new_page()

    # The IRO makes it Ana's young person's conference, then hands the phone over (the older version, the menu too).
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{ana.id}")
    expect(page.locator("#young-person-title")).to_be_visible()
    assert_accessible(page, context="the child's page with the young person's conference card")
    page.get_by_role("button", name="Make it a young person’s conference").click()
    expect(page.get_by_role("status")).to_contain_text("It is now a young person's conference.")
    page.get_by_role("link", name="Hand the tablet to Ana").first.click()
    expect(page.get_by_text("This is Ana’s young person’s conference.")).to_be_visible()
    assert_accessible(page, context="hand-over for a young person's conference")
    page.get_by_role("button", name="Start: hand the tablet to Ana").click()
    expect(page.locator("#step")).to_be_visible()

    # Ana answers everything; every young person's step is accessible (in Arabic: right to left and translated).
    if arabic:
        page.get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    asked = []
    while page.locator("#step").get_attribute("data-kind") not in ("sharing", "done"):
        question = page.locator("#step").get_attribute("data-question")
        asked.append(question)
        if question.startswith("yp-"):
            if arabic:
                check_arabic_step(page, f"the young person's question {question}")
            else:
                assert_accessible(page, context=f"the young person's question {question} on the IRO's tablet")
        _answer(page)
    for question in ("yp-unsafe-places", "yp-online", "yp-money-gifts", "yp-missing", "yp-helps",
                     "yp-where-when", "yp-parts", "yp-out-for-part", "yp-trusted-adult", "yp-plan-words", "menu-meet-chair"):
        assert question in asked
    assert "menu-chair" not in asked
    page.locator("#step button.card").first.click()
    expect(page.locator("#question-title")).to_have_text("شكراً يا Ana!" if arabic else "Thank you, Ana!")
    context.close()

    db.expire_all()
    statement = db.exec(select(Statement)).one()
    assert statement.version == FlowVersion.OLDER and statement.language == ("ar" if arabic else "en-GB")
    assert db.get(Review, review.id).young_persons
    parts = db.exec(select(Answer).where(Answer.statement_id == statement.id, Answer.question_id == "yp-parts")).one()
    assert sorted(db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == parts.id)).all()) == ["open", "present_views"]
