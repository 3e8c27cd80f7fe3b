"""A whole sorting mat by touch on a tablet: a topic, each card placed under the scale, one put aside, the mat read back,
a card moved; axe on every kind of mat step, every target at least 48 px, and the columns mirrored in Arabic."""

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.test_child_conversation import ENGLISH, SPEECH_STUB
from tests.conftest import PASSWORD
from voice_app.models import Answer, AnswerChoice, Role


def _small_targets(page) -> list[str]:
    """Every button and link of the step that is under 48 by 48 CSS pixels (WCAG 2.5.5's size for children)."""
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")  # the step has settled
    return page.evaluate(
        """() => [...document.querySelectorAll('#step button, #step a[href]')]
             .filter(e => e.getClientRects().length && !e.closest('[hidden]'))
             .filter(e => { const r = e.getBoundingClientRect(); return r.width < 48 || r.height < 48; })
             .map(e => e.textContent.trim().slice(0, 30) + " " + JSON.stringify(e.getBoundingClientRect()))"""
    )


def _column_x(page, index: int) -> float:
    return page.locator("#step .mat__column").nth(index).bounding_box()["x"]


def open_mat_hand_over(page, live_url, make, *, years: int):
    """Jo's hand-over page for Sam (this many years old), with the sorting mat and their views chosen; read-aloud stubbed."""
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    sam = make.child(iro, name="Sam", date_of_birth=date.today() - timedelta(days=years * 366))
    make.visit(make.review(sam), iro=iro)
    page.add_init_script(SPEECH_STUB % ENGLISH)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{sam.id}")
    page.get_by_role("link", name="Hand the tablet to Sam").first.click()
    page.get_by_label("Sorting mat").check()
    page.get_by_label("Their views only").check()


def test_a_whole_sorting_mat_by_touch_read_back_and_changed_and_mirrored_in_arabic(page, live_url, make, db):
    open_mat_hand_over(page, live_url, make, years=7)
    page.get_by_role("button", name="Start: hand the tablet to Sam").click()

    step = page.locator("#step")
    expect(step).to_have_attribute("data-kind", "topics")
    assert_accessible(page, context="choosing a mat")

    # In Arabic the mat reads from the right: the first point of the scale is the rightmost column.
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    step.locator(".card").nth(2).click()  # the third mat: school
    expect(step).to_have_attribute("data-kind", "mat-card")
    assert _column_x(page, 0) > _column_x(page, 1) > _column_x(page, 2)
    assert_accessible(page, context="a mat card in Arabic")
    no_horizontal_scroll(page)
    page.locator("#step .step__back a").click()  # back to the topics, where the language can still change
    page.locator("button[name=language][value=en-GB]").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    page.get_by_role("link", name="School or college").click()
    expect(page.locator("#question-title")).to_have_text("Lessons")
    expect(page.locator("#progress-text")).to_have_text("1 of 6")
    assert _column_x(page, 0) < _column_x(page, 1)
    assert not _small_targets(page)
    assert_accessible(page, context="a mat card")
    step.locator("[data-speak]").click()  # the card is read aloud, as every step is
    spoken = " ".join(item["text"] for item in page.evaluate("window.__spoken"))
    assert "Lessons" in spoken and "I don't like it" in spoken

    step.get_by_role("button", name="I don't like it").click()
    expect(page.locator("#question-title")).to_have_text("My teacher")
    expect(step.locator(".mat__column").nth(2).locator(".mat__placed")).to_have_text("Lessons Move it")
    step.get_by_role("button", name="I don't want to say").click()
    expect(page.locator("#question-title")).to_have_text("Playing with friends")
    for card in ("Playing with friends", "Eating", "Homework", "Help at school"):
        expect(page.locator("#question-title")).to_have_text(card)
        step.get_by_role("button", name="I like it").click()

    expect(step).to_have_attribute("data-kind", "mat")
    expect(step).to_contain_text("You put Lessons under I don't like it.")
    expect(step).to_contain_text("You didn't want to say about My teacher.")
    assert not _small_targets(page)
    assert_accessible(page, context="the whole mat read back")

    # Sam changes their mind about lessons: the card moves, and the mat says so.
    step.locator(".mat__placed", has_text="Lessons").click()
    expect(page.locator("#question-title")).to_have_text("Lessons")
    step.get_by_role("button", name="It's OK").click()
    expect(step).to_have_attribute("data-kind", "mat")
    expect(step).to_contain_text("You put Lessons under It's OK.")
    step.get_by_role("link", name="Yes, that's right").click()
    expect(step).to_have_attribute("data-kind", "topics")
    expect(step.get_by_role("link", name="School or college")).to_contain_text("Done")

    stored = db.exec(select(Answer).where(Answer.question_id.like("mat.school.%")).order_by(Answer.id)).all()
    assert [a.question_id.split(".")[2] for a in stored] == ["lessons", "teacher", "friends", "lunch", "homework", "help"]
    lessons = db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == stored[0].id)).all()
    assert lessons == ["ok"] and stored[1].skipped
