"""A whole conversation with no network: first question to thank-you from the offline pack, then sent once, in order."""

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible
from tests.browser.test_child_conversation import answer_current, hand_over, title
from tests.browser.test_child_offline import KEYS, QUEUE, expire_hand_over, queued, ready_for_offline
from tests.conftest import PASSWORD
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Statement, StatementEnd

# What the screen shows the child said, question by question, in order.
ON_SCREEN = """() => [...document.querySelectorAll('#conversation li[id^="answer-"]')].map(li => ({
  question: li.id.slice(7), choices: li.dataset.choices.split(' ').filter(Boolean),
  said: li.querySelector('.bubble--child').innerText.replace(/\\s+/g, ' ').trim(),
}))"""


HELD = "() => (document.body.getAttribute('data-offline-languages') || '').split(' ').filter(Boolean)"
# A link that asks to save data (navigator.connection.saveData): no other language comes unasked.
SAVE_DATA = "Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true }) });"


def offline_ready(page):
    """The service worker's files and this conversation's offline pack in the language on screen are on the tablet."""
    ready_for_offline(page)
    page.wait_for_function("() => document.body.getAttribute('data-offline-pack') === 'ready'", timeout=30000)
    language = page.locator("html").get_attribute("lang")
    page.wait_for_function(f"() => ({HELD})().includes('{language}')", timeout=10000)


def idle_until_held(page, code):
    """The tablet left alone on a link that does not ask to save data: the other languages come, one at a time.
    (The page's clock was installed before the hand-over: a few idle seconds are skipped, not waited for.)"""
    for _ in range(30):
        if code in page.evaluate(HELD):
            return
        page.clock.fast_forward(6000)
        try:
            page.wait_for_function(f"() => ({HELD})().includes('{code}')", timeout=1500)
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{code} never came while the tablet was idle: {page.evaluate(HELD)}")


def go_offline(page):
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine", timeout=5000)


def back_online(page):
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")


def on_the_servers_page(page):
    """Wait until the tablet has gone back to the server's own page (the kind offline page it restored has no token)."""
    expect(page.locator('meta[name="csrf-token"]')).to_have_count(1, timeout=20000)
    page.wait_for_load_state()


def stored_in_order(db, statement_id):
    """The answers as stored, in the order they were written: (question, cards)."""
    db.expire_all()
    answers = db.exec(select(Answer).where(Answer.statement_id == statement_id).order_by(Answer.id)).all()
    cards = {}
    for answer_id, choice in db.exec(select(AnswerChoice.answer_id, AnswerChoice.choice_id)).all():
        cards.setdefault(answer_id, []).append(choice)
    return [(a.question_id, sorted(cards.get(a.id, []))) for a in answers]


def wait_until_stored(db, statement_id, count):
    for _ in range(300):
        db.expire_all()
        if len(db.exec(select(Answer).where(Answer.statement_id == statement_id)).all()) >= count:
            statement = db.get(Statement, statement_id)
            if statement.ended_at is not None:
                return
        time.sleep(0.1)
    raise AssertionError("the waiting answers never reached the server")


def test_a_whole_younger_conversation_with_no_network_is_stored_once_in_order(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    offline_ready(page)
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    go_offline(page)
    answer_current(page)  # the first question, answered with no network: the next one comes from the pack
    expect(page.locator("[data-net-note]")).to_contain_text("No internet right now")
    assert_accessible(page, context="offline, an answer waiting to be sent")
    for _ in range(4):
        answer_current(page)
    before_reload = page.evaluate(ON_SCREEN)
    current = page.locator("#step").get_attribute("data-question")
    page.reload()  # no network: the conversation as it was, from what the tablet kept (encrypted)
    expect(page.locator("body")).to_have_attribute("data-offline-restored", "true", timeout=10000)
    expect(page.locator("#step")).to_have_attribute("data-question", current)
    assert page.evaluate(ON_SCREEN) == before_reload
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ana!")
    assert_accessible(page, context="offline, back where the child was after a reload")
    while page.locator("#step").get_attribute("data-kind") not in ("sharing", "done"):
        answer_current(page)
    expect(title(page)).to_have_text("Who can see what you told us today?")
    page.get_by_role("button", name="My review meeting").click()
    expect(title(page)).to_have_text("Thank you, Ana!")
    screen = page.evaluate(ON_SCREEN)
    assert len(screen) > 10 and not db.exec(select(Answer)).all()  # nothing reached the server yet
    queued(page, len(screen) + 1)  # every answer and "who can see it", in the tablet's queue
    back_online(page)
    wait_until_stored(db, statement_id, len(screen))
    on_the_servers_page(page)
    expect(title(page)).to_have_text("Thank you, Ana!")  # the server's own thank-you
    queued(page, 0)
    assert stored_in_order(db, statement_id) == [(s["question"], sorted(s["choices"])) for s in screen]
    assert page.evaluate(ON_SCREEN) == screen  # the server shows exactly what the child saw
    assert len(db.exec(select(AnswerReceipt)).all()) == len(screen)  # each once
    statement = db.get(Statement, statement_id)
    assert statement.end_reason == StatementEnd.FINISHED and statement.sharing.value == "meeting"


@pytest.mark.parametrize(
    ("code", "direction", "first", "thanks"),
    [("ar", "rtl", "كيف تشعر اليوم؟", "شكراً يا Ana!"), ("ti", "ltr", "ሎሚ ከመይ ይስምዓካ?", "የቐንየለይ፣ Ana!")],
)
def test_an_offline_conversation_in_arabic_and_tigrinya(page, live_url, service, db, code, direction, first, thanks):
    page.clock.install()
    hand_over(page, live_url, service["ana"])
    offline_ready(page)
    idle_until_held(page, code)  # the child looks at the languages for a while: theirs comes while the tablet is idle
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    go_offline(page)
    page.locator(f"button[name=language][value={code}]").click()  # chosen with no network: from its pack
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(title(page)).to_have_text(first)
    assert_accessible(page, context=f"offline conversation ({code})")
    for _ in range(3):
        answer_current(page)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-offline-restored", "true", timeout=10000)
    expect(page.locator("html")).to_have_attribute("lang", code)
    assert len(page.evaluate(ON_SCREEN)) == 3
    page.locator("#step a.end-link").first.click()  # "I've finished"
    page.locator("#step button.card[name=sharing]").first.click()
    expect(title(page)).to_have_text(thanks)
    queued(page, 5)  # the language, three answers and who may see it
    screen = page.evaluate(ON_SCREEN)
    back_online(page)
    wait_until_stored(db, statement_id, 3)
    on_the_servers_page(page)
    expect(title(page)).to_have_text(thanks)  # the server's own page, in the child's language
    queued(page, 0)
    assert db.get(Statement, statement_id).language == code
    assert stored_in_order(db, statement_id) == [(s["question"], sorted(s["choices"])) for s in screen]
    assert page.evaluate(ON_SCREEN) == screen


def test_answers_still_waiting_at_give_back_are_sent_from_the_iros_next_staff_page(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    offline_ready(page)
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    go_offline(page)
    for _ in range(3):
        answer_current(page)
    screen = page.evaluate(ON_SCREEN)
    queued(page, 3)
    expire_hand_over(db)  # time ran out while the tablet was offline: child mode cannot send them any more
    page.context.set_offline(False)
    page.goto(f"{live_url}/child/give-back")
    waiting_line = page.locator("[data-offline-waiting]")
    expect(waiting_line).to_contain_text("Answers waiting to be sent: 3")
    expect(waiting_line).to_contain_text("They are not saved yet.")
    expect(page.get_by_text("The conversation is saved.")).to_have_count(0)  # never said while answers wait
    assert_accessible(page, context="give back with answers waiting to be sent")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Take the tablet back").click()
    banner = page.locator("[data-waiting-answers]")
    expect(banner).to_have_attribute("data-done", "true", timeout=15000)
    expect(banner).to_contain_text("answers still to send: 0")
    assert_accessible(page, context="staff page, waiting answers sent")
    assert stored_in_order(db, statement_id) == [(s["question"], sorted(s["choices"])) for s in screen]
    receipts = db.exec(select(AnswerReceipt).order_by(AnswerReceipt.id)).all()
    assert len(receipts) == 3 and all(r.given_at is not None for r in receipts)
    assert page.evaluate(QUEUE) == [] and page.evaluate(KEYS) == 0  # nothing of the hand-over stays on the tablet
    page.reload()
    expect(banner).to_be_hidden()


def test_only_the_chosen_language_comes_first_and_one_already_on_the_tablet_works_offline(page, live_url, service, db):
    page.add_init_script(SAVE_DATA)
    packs = []
    page.on("request", lambda request: packs.append(request.url.rsplit("/", 1)[1]) if "/pack/" in request.url else None)
    hand_over(page, live_url, service["ana"])
    offline_ready(page)
    assert packs == ["en-GB.json"]  # English only: ready to go offline without the other nine
    assert page.evaluate(HELD) == ["en-GB"]
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    # The child tries Polish while online: its page comes, and its pack with it; then back to English.
    page.locator("button[name=language][value=pl]").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    offline_ready(page)
    page.locator("button[name=language][value=en-GB]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    offline_ready(page)
    assert page.evaluate(HELD) == ["en-GB", "pl"] and packs == ["en-GB.json", "pl.json"]  # English was kept
    go_offline(page)
    page.locator("button[name=language][value=ar]").click()  # not on the tablet: said kindly, nothing changes
    missing = page.locator("#language-missing")
    expect(missing).to_have_text("That language is not on this tablet yet. You can choose it when the internet is back.")
    expect(missing).to_have_attribute("role", "alert")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(title(page)).to_have_text("How do you feel today?")
    assert_accessible(page, context="offline, a language not on the tablet")
    page.locator("button[name=language][value=pl]").click()  # on the tablet: the conversation in Polish, from its pack
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(title(page)).to_have_text("Jak się dziś czujesz?")
    expect(page.locator("#language-missing")).to_have_count(0)
    for _ in range(3):
        answer_current(page)
    page.locator("#step a.end-link").nth(1).click()  # "I want to stop"
    page.locator("#step form button[type=submit]").first.click()
    expect(title(page)).to_have_text("Nic się nie stało, Ana.")
    queued(page, 5)  # the language, three answers and the stop
    screen = page.evaluate(ON_SCREEN)
    assert packs == ["en-GB.json", "pl.json"]
    back_online(page)
    wait_until_stored(db, statement_id, 3)
    on_the_servers_page(page)
    expect(title(page)).to_have_text("Nic się nie stało, Ana.")
    statement = db.get(Statement, statement_id)
    assert statement.language == "pl" and statement.end_reason == StatementEnd.STOPPED
    assert stored_in_order(db, statement_id) == [(s["question"], sorted(s["choices"])) for s in screen]
