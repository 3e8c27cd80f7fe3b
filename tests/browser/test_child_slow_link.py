"""On a slow link the stored answers always match what the child saw: one answer in flight per step."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible
from tests.browser.test_child_conversation import hand_over, title
from voice_app.models import Answer, AnswerChoice, AnswerReceipt


def slow_link(page, *, latency_ms: int) -> None:
    """Every request takes this long to answer, as on a poor mobile signal (Chromium's own throttling)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1})


def tap_where(page, locator) -> None:
    """A finger on the screen where the element is, whether or not the page lets it be tapped."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_second_tap_on_a_slow_link_never_changes_the_answer(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    slow_link(page, latency_ms=1500)
    happy = page.get_by_role("button", name="Happy")
    ok = page.get_by_role("button", name="OK")
    happy.click()
    expect(happy).to_have_class("card is-pressed")  # shown as chosen at once, before the server answers
    expect(page.locator("#step")).to_have_attribute("aria-busy", "true")
    expect(page.locator("[data-save-note]")).to_have_text("Saving…")
    tap_where(page, ok)  # the child taps another card while the first is on its way
    ok.dispatch_event("click")  # and even a click the page is told about directly
    expect(title(page)).to_have_text("How is it where you live?", timeout=15000)
    expect(page.locator("#answer-feel-today")).to_contain_text("Happy")
    expect(page.locator("[data-save-note]")).to_have_text("")
    page.wait_for_timeout(3500)  # long enough for any stray second request to have arrived
    chosen = db.exec(select(AnswerChoice.choice_id).join(Answer).where(Answer.question_id == "feel-today")).all()
    assert chosen == ["happy"]
    assert len(db.exec(select(AnswerReceipt)).all()) == 1
    # The statement page holds what the child saw.
    page.reload()
    expect(page.locator("#answer-feel-today")).to_contain_text("Happy")


def test_a_very_slow_answer_says_kindly_that_it_is_still_sending(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    slow_link(page, latency_ms=4500)
    page.get_by_role("button", name="Sad").click()
    note = page.locator("[data-save-note]")
    expect(note).to_have_text("Saving…")
    assert_accessible(page, context="saving")
    expect(note).to_contain_text("Still sending your answer", timeout=4000)
    assert "saved" not in note.inner_text().lower()  # never "saved" before the server says so
    assert_accessible(page, context="still sending")
    expect(title(page)).to_have_text("How is it where you live?", timeout=15000)
    expect(note).to_have_text("")
    assert [a.question_id for a in db.exec(select(Answer)).all()] == ["feel-today"]


def test_hand_over_expiring_mid_step_tells_the_truth(page, live_url, service, db):
    from voice_app.child.handover import EXPIRY_GRACE
    from voice_app.models import Handover, utcnow

    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="Happy").click()
    expect(title(page)).to_have_text("How is it where you live?")
    handover = db.exec(select(Handover)).one()
    handover.expires_at = utcnow() - EXPIRY_GRACE - timedelta(seconds=5)
    db.add(handover)
    db.commit()
    page.get_by_role("button", name="I like it").click()
    expect(title(page)).to_have_text("Time for a break!")
    expect(page.get_by_text("Your last answer could not be saved")).to_be_visible()
    expect(page.get_by_text("Everything you told us is saved.")).to_have_count(0)
    assert_accessible(page, context="expired mid-step")
    assert [a.question_id for a in db.exec(select(Answer)).all()] == ["feel-today"]
