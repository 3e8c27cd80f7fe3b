"""Parents answer on a phone (360 x 640), with and without JavaScript; staff make links, cards and paper entries; axe on every page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import (
    PHONE,
    TABLET,
    assert_accessible,
    no_horizontal_scroll,
    sign_in,
)
from tests.conftest import PASSWORD
from tests.feedback_helpers import conference, link, response
from voice_app.models import ParentResponse, ResponseSource, ReviewStage, Role

Q5 = "The child protection plan helped my family achieve positive change."


@pytest.fixture
def world(db, make):
    chair = make.staff(Role.IRO, name="Chris Chair", email="chris@example.org")
    manager = make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    child = make.child(chair, name="Zanzibar", on_cp_plan=True, cared_for=False)
    review = conference(make, child, stage=ReviewStage.REVIEW_CONFERENCE)
    initial = conference(make, make.child(chair, name="Yusuf", on_cp_plan=True, cared_for=False), stage=ReviewStage.INITIAL_CONFERENCE)
    return dict(chair=chair, manager=manager, child=child, review=review, initial=initial)


def _phone(browser, *, javascript: bool = True):
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB", java_script_enabled=javascript)
    return context, context.new_page()


def _check_page(page, context: str) -> None:
    assert_accessible(page, context=context)
    no_horizontal_scroll(page)
    assert "Zanzibar" not in page.content() and "Yusuf" not in page.content()


def _answer(page, words: str, context: str, *, question: int) -> None:
    expect(page.get_by_text(f"Question {question} of 7")).to_be_visible()  # the page the tap led to has loaded
    _check_page(page, context)
    page.get_by_role("button", name=words, exact=True).click()


def _tap_through(page, answers: tuple[str, ...], total: int) -> None:
    """Tap one answer per question, waiting for each next page so no tap lands on the page before."""
    for number, words in enumerate(answers, start=1):
        expect(page.get_by_text(f"Question {number} of {total}")).to_be_visible()
        page.get_by_role("button", name=words, exact=True).click()
    expect(page.get_by_text(f"Question {len(answers) + 1} of {total}")).to_be_visible()


def _stored(db) -> list[ParentResponse]:
    db.expire_all()
    return list(db.exec(select(ParentResponse)).all())


def test_a_parent_answers_a_review_conference_and_changes_an_answer(browser, live_url, db, world):
    item = link(db, world["review"], by=world["chair"])
    context, page = _phone(browser)
    page.goto(f"{live_url}/p/{item.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us how the conference went for you")
    expect(page.get_by_text("There are 5 questions")).to_be_visible()
    _check_page(page, "start page")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    _answer(page, "Strongly agree", "question 1", question=1)
    _answer(page, "Agree", "question 2", question=2)
    expect(page.get_by_text("Question 3 of 7")).to_be_visible()
    page.get_by_role("link", name="Back").click()  # back to question 2, which remembers the answer
    expect(page.get_by_role("button", name="Agree Your answer")).to_be_visible()
    _answer(page, "Disagree", "question 2 again", question=2)
    _answer(page, "Agree", "question 3", question=3)
    expect(page.get_by_role("button", name="Not applicable")).to_be_visible()
    _answer(page, "Not applicable", "question 4", question=4)
    expect(page.get_by_role("heading", level=1)).to_contain_text(Q5)
    _answer(page, "Strongly disagree", "question 5", question=5)

    expect(page.get_by_label("Is there anything else")).to_be_visible()
    _check_page(page, "free text")
    page.get_by_label("Is there anything else").fill("The chair <b>listened</b>.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Your name (optional)")).to_be_visible()
    _check_page(page, "name")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("The chair <b>listened</b>.")).to_be_visible()  # escaped, shown as typed
    _check_page(page, "check your answers")
    page.get_by_role("link", name="Change your answer to question 3").click()
    _answer(page, "Strongly agree", "changing question 3", question=3)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    _check_page(page, "thank you")
    (stored,) = _stored(db)
    assert [stored.q1, stored.q2, stored.q3, stored.q4, stored.q5] == ["strongly_agree", "disagree", "strongly_agree", "not_applicable", "strongly_disagree"]
    assert stored.comment == "The chair <b>listened</b>." and stored.name is None
    context.close()


def test_an_initial_conference_never_shows_question_5(browser, live_url, db, world):
    item = link(db, world["initial"], by=world["chair"])
    context, page = _phone(browser)
    page.goto(f"{live_url}/p/{item.token}")
    expect(page.get_by_text("There are 4 questions")).to_be_visible()
    page.get_by_role("button", name="Start now").click()
    _tap_through(page, ("Agree", "Agree", "Strongly agree", "Disagree"), 6)
    expect(page.get_by_label("Is there anything else")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name (optional)").fill("Jordan")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert Q5 not in page.content()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    (stored,) = _stored(db)
    assert stored.q5 is None and stored.name == "Jordan"
    context.close()


@pytest.mark.parametrize("kind", ["used", "expired"])
def test_a_used_or_expired_link_shows_a_kind_page(browser, live_url, db, world, kind):
    item = link(db, world["review"], by=world["chair"], max_responses=1, expired=kind == "expired")
    if kind == "used":
        response(db, world["review"], "A A A A A", link_id=item.id)
    context, page = _phone(browser)
    page.goto(f"{live_url}/p/{item.token}")
    heading = "We already have all the answers for this link" if kind == "used" else "This feedback link has closed"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("ask the chair of the conference for a paper form")).to_be_visible()
    _check_page(page, f"{kind} link")
    context.close()


def test_the_questionnaire_works_without_javascript(browser, live_url, db, world):
    item = link(db, world["review"], by=world["chair"])
    context, page = _phone(browser, javascript=False)
    page.goto(f"{live_url}/p/{item.token}")
    expect(page.get_by_role("button", name="Read this out loud")).to_have_count(0)  # needs a script, so hidden
    page.get_by_role("button", name="Start now").click()
    _tap_through(page, ("Agree", "Agree", "Disagree", "Strongly agree", "Agree"), 7)
    page.get_by_label("Is there anything else").fill("No script here")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Your name (optional)")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.reload()  # nothing is lost on reload: the answers are kept on the server
    expect(page.get_by_text("No script here")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert [r.comment for r in _stored(db)] == ["No script here"]
    context.close()


def test_read_aloud_speaks_in_the_tap_with_a_matching_voice_or_says_kindly_there_is_none(browser, live_url, db, world):
    item = link(db, world["review"], by=world["chair"])
    context, page = _phone(browser)
    # Pretend voices: French only first, so the kind message shows; then an English local voice.
    page.add_init_script(
        """
        window.__spoken = [];
        window.__voices = [{lang: 'fr-FR', localService: true, name: 'Amelie'}];
        speechSynthesis.getVoices = () => window.__voices;
        speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.voice && u.voice.name]);
        window.SpeechSynthesisUtterance = function (text) { this.text = text; };
        """
    )
    page.goto(f"{live_url}/p/{item.token}")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Read this out loud").click()
    expect(page.get_by_role("status")).to_have_text("Sorry, this phone cannot read this language out loud.")
    assert page.evaluate("window.__spoken.length") == 0
    page.evaluate("window.__voices.push({lang: 'en-GB', localService: true, name: 'Daniel'})")
    page.get_by_role("button", name="Read this out loud").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and all(name == "Daniel" for _text, name in spoken)
    assert "The chair explained to me before the meeting what was going to happen" in " ".join(text for text, _name in spoken)
    expect(page.get_by_role("button", name="Stop reading")).to_be_visible()
    assert_accessible(page, context="question with read-aloud shown")
    context.close()


def test_a_chair_makes_a_link_prints_a_card_shows_the_tablet_view_and_enters_a_paper_form(page, live_url, db, world):
    page.set_viewport_size(TABLET)
    sign_in(page, live_url, "chris@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{world['child'].id}")
    page.get_by_role("link", name="Parents' feedback on the conference").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feedback from parents, carers and professionals")
    assert_accessible(page, context="conference feedback page")
    page.get_by_role("button", name="Make a link").click()
    expect(page.get_by_role("status")).to_contain_text("Feedback link made")
    assert_accessible(page, context="conference page with a link")

    page.get_by_role("link", name="Print cards").click()
    expect(page.locator(".va-qr-card")).to_have_count(2)
    assert_accessible(page, context="printable cards")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    page.emulate_media(media="screen")
    page.go_back()

    page.get_by_role("link", name="Show on this tablet").click()
    expect(page.get_by_role("img", name="QR code that opens the feedback questionnaire")).to_be_visible()
    assert_accessible(page, context="tablet QR view")
    page.get_by_role("link", name="Finished: back to the conference page").click()

    page.get_by_role("link", name="Add a paper questionnaire (parents and family)").click()
    assert_accessible(page, context="paper form")
    page.get_by_role("button", name="Add to the results").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the answer to question 1")
    assert_accessible(page, context="paper form with errors")
    for number, words in enumerate(("Agree", "Agree", "Left blank on the form", "Not applicable", "Strongly agree"), start=1):
        page.locator(f"input[name=q{number}][value]").and_(page.get_by_label(words, exact=True)).check()
    page.get_by_label("Anything else they wrote").fill("Written by hand")
    page.get_by_role("button", name="Add to the results").click()
    expect(page.get_by_role("status")).to_contain_text("Paper questionnaire added")
    expect(page.locator("#answers-received")).to_contain_text("0 online, 1 on paper")
    (stored,) = _stored(db)
    assert stored.source == ResponseSource.PAPER and stored.q3 is None and stored.entered_by_id == world["chair"].id

    page.get_by_role("link", name="Parents' feedback", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback on conferences and reviews")
    assert_accessible(page, context="conference list")


def test_the_results_page_shows_the_right_counts(page, live_url, db, make, world):
    year = date.today().year if date.today().month >= 4 else date.today().year - 1
    ann = world["chair"]
    c1 = conference(make, world["child"], stage=ReviewStage.INITIAL_CONFERENCE, day=date(year, 4, 1), chair=ann)
    c2 = conference(make, world["child"], stage=ReviewStage.REVIEW_CONFERENCE, day=date(year, 5, 1), chair=ann)
    for answers in ("SA SA A NA", "A A A A", "D SD A D"):
        response(db, c1, answers)
    response(db, c2, "SA A SA SA A", comment="<i>Thank you</i>")
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.goto(f"{live_url}/feedback/results?year={year}")
    expect(page.get_by_role("img", name=f"Parents' answers, financial year {year}/{(year + 1) % 100:02d}")).to_be_visible()
    table = page.get_by_role("table", name="All responses (4 responses)")
    row = table.get_by_role("row", name="Q1. The chair explained beforehand what would happen")
    expect(row).to_contain_text("2 (50%)")  # strongly agree 2 of 4
    expect(row).to_contain_text("1 (25%)")
    expect(page.get_by_text("<i>Thank you</i>")).to_be_visible()
    expect(page.get_by_text("Other chairs (fewer than 5 responses each)")).to_be_visible()
    assert_accessible(page, context="results")
    no_horizontal_scroll(page)
    page.get_by_label("Quarter").select_option("2")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=f"Results for Q2 {year}/{(year + 1) % 100:02d}")).to_be_visible()
    assert "quarter=2" in page.url
    expect(page.get_by_role("table", name="All responses (0 responses)")).to_be_visible()
    assert_accessible(page, context="results for a quarter")
