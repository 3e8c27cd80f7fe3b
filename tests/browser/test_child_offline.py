"""A conversation on a tablet whose network comes and goes: answers kept (encrypted) and sent once, in order."""

from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible
from tests.browser.test_child_conversation import hand_over, title
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Handover, utcnow

# Everything the tablet holds in the answers queue, as stored (the raw IndexedDB values).
QUEUE = """() => new Promise((resolve, reject) => {
  setTimeout(() => resolve(null), 5000);  // never hang the suite: null means "could not look"
  const open = indexedDB.open("voice-child-queue");
  open.onerror = () => reject(open.error);
  open.onblocked = () => resolve(null);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("answers")) { db.close(); resolve([]); return; }
    const all = db.transaction("answers").objectStore("answers").getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.map(v => ({iv: v.iv.length, bytes: Array.from(new Uint8Array(v.data))})));
    };
  };
})"""
KEYS = """() => new Promise((resolve) => {
  setTimeout(() => resolve(-1), 5000);  // never hang the suite: -1 means "could not look"
  const open = indexedDB.open("voice-child-keys");
  open.onerror = open.onblocked = () => resolve(-1);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("keys")) { db.close(); resolve(0); return; }
    const count = db.transaction("keys").objectStore("keys").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""
KEPT = """() => Promise.race([
  (async () => {
    await navigator.serviceWorker.ready;
    const cache = await caches.open("voice-child-v1");
    // The offline page, and a handful of files: the one script, the one stylesheet, the one sprite of every symbol.
    const kept = (await cache.keys()).map((request) => new URL(request.url).pathname);
    return Boolean(await cache.match("/child/offline")) && ["/js/child.bundle.", "/css/child.bundle.", "/icons/sprite."]
      .every((part) => kept.some((path) => path.includes(part))) && kept.length <= 8;
  })(),
  new Promise((resolve) => setTimeout(() => resolve(false), 15000)),  // never hang the suite
])"""


def without_pack(page):
    """The offline pack never reaches this tablet (a link that drops before it arrives): the answers still
    wait in the queue, and a reload without a network shows the kind offline page."""
    page.route("**/pack/*.json", lambda route: route.abort())


def expire_hand_over(db) -> None:
    """The hand-over's time ran out ten minutes ago (past the grace period)."""
    handover = db.exec(select(Handover)).one()
    handover.expires_at = utcnow() - timedelta(minutes=10)
    db.add(handover)
    db.commit()


def ready_for_offline(page):
    """Wait until the page has prepared the tablet for no network (service worker and kept files)."""
    page.wait_for_function("() => document.body.getAttribute('data-offline-ready') === 'true'", timeout=20000)
    assert page.evaluate(KEPT)


def queued(page, count: int) -> None:
    """Wait until the tablet's queue holds this many answers (wait_for_function cannot await)."""
    for _ in range(100):
        try:
            held = page.evaluate(QUEUE)
            if held is not None and len(held) == count:
                return
        except PlaywrightError:  # the page moved on (back to the conversation) while looking
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"the queue never held {count} answer(s): {page.evaluate(QUEUE)}")


def test_offline_answer_survives_a_reload_and_is_sent_once(page, live_url, service, db):
    without_pack(page)
    hand_over(page, live_url, service["ana"])
    ready_for_offline(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Angry").click()
    expect(page.locator("[data-net-note]")).to_contain_text("No internet right now")
    queued(page, 1)
    stored = page.evaluate(QUEUE)
    assert stored[0]["iv"] == 12 and b"angry" not in bytes(stored[0]["bytes"])  # encrypted, never plain
    assert not db.exec(select(Answer)).all()
    page.reload()  # offline: the kind page, not the browser's own error
    expect(page.get_by_role("heading", name="No internet right now")).to_be_visible()
    expect(page.locator("[data-offline-waiting]")).to_contain_text("Answers waiting to be sent: 1")
    assert "Ana" not in page.content() and "Jo" not in page.locator("body").inner_text()
    assert_accessible(page, context="offline page")
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(title(page)).to_have_text("How is it where you live?", timeout=15000)
    expect(page.locator("#answer-feel-today")).to_contain_text("Angry")
    assert page.evaluate(QUEUE) == []
    chosen = db.exec(select(AnswerChoice.choice_id).join(Answer).where(Answer.question_id == "feel-today")).all()
    assert chosen == ["angry"] and len(db.exec(select(AnswerReceipt)).all()) == 1


def test_an_answer_waiting_on_the_open_page_is_sent_when_the_network_returns(page, live_url, service, db):
    without_pack(page)
    hand_over(page, live_url, service["ana"])
    ready_for_offline(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Happy").click()
    queued(page, 1)
    expect(page.locator("#step")).to_have_attribute("aria-busy", "true")  # still the same step: nothing said saved
    assert_accessible(page, context="waiting to send")
    page.context.set_offline(False)
    expect(title(page)).to_have_text("How is it where you live?", timeout=15000)
    queued(page, 0)
    page.get_by_role("button", name="I like it").click()
    expect(title(page)).to_have_text("Who do you live with?")
    assert [a.question_id for a in db.exec(select(Answer).order_by(Answer.id)).all()] == ["feel-today", "home"]
    # Taking the tablet back with nothing waiting: this hand-over's key goes from the tablet too.
    page.goto(f"{live_url}/child/give-back")
    expect(page.locator("[data-offline-waiting]")).to_be_hidden()
    for _ in range(50):
        if page.evaluate(KEYS) == 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(KEYS) == 0


def test_give_back_with_answers_still_waiting_shows_how_many(page, live_url, service, db):
    without_pack(page)
    hand_over(page, live_url, service["ana"])
    ready_for_offline(page)
    # No answer reaches the server, whatever the timing of going offline on a loaded machine: a tap sent just
    # before the network dropped would be (rightly) stored, and this test is about one that never arrived.
    page.route("**/child/**", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")  # offline really applies before the tap (slow machines)
    page.get_by_role("button", name="Happy").click()
    queued(page, 1)
    page.reload()  # the page that was retrying is gone: the answer waits only in the tablet's queue
    expect(page.get_by_role("heading", name="No internet right now")).to_be_visible()
    expire_hand_over(db)  # time ran out while the tablet was offline: child mode cannot send the answer now
    page.context.set_offline(False)
    page.goto(f"{live_url}/child/give-back")
    expect(page.locator("[data-offline-waiting]")).to_contain_text("Answers waiting to be sent: 1")
    assert_accessible(page, context="give back with answers waiting")
    assert not db.exec(select(Answer)).all()


@pytest.mark.parametrize(
    ("code", "direction", "heading"), [("ar", "rtl", "لا يوجد إنترنت الآن"), ("ti", "ltr", "ሕጂ ኢንተርነት የለን")]
)
def test_the_offline_page_is_in_the_childs_language(page, live_url, service, db, code, direction, heading):
    without_pack(page)
    hand_over(page, live_url, service["ana"])
    page.locator(f"button[name=language][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    ready_for_offline(page)
    page.context.set_offline(True)
    page.locator("#step button.card[name=choice]").first.click()
    queued(page, 1)
    page.reload()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page, context=f"offline page ({code})")
    page.context.set_offline(False)
    expect(page.locator("[data-step][data-question]")).to_be_visible(timeout=15000)  # back in the conversation
    queued(page, 0)
    assert db.exec(select(Answer)).one().question_id == "feel-today"
