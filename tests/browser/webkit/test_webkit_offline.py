"""In WebKit (the iPad's engine): the encrypted queue and the offline pack carry a conversation while the server is unreachable."""

import pytest
from selenium.webdriver.common.by import By
from sqlmodel import select

from tests.browser.conftest import start_server
from tests.browser.webkit.conftest import WEBDRIVER, XVFB, click, hand_over_to, wait_for, wait_for_text
from voice_app.models import Answer, AnswerReceipt
from voice_app.serving import stop_in_thread

pytestmark = pytest.mark.skipif(not (WEBDRIVER and XVFB), reason="WebKitGTK's WebDriver or Xvfb is not installed")

# The tablet's queue as stored: how many answers, and whether any holds the child's card in plain text.
QUEUE = """
const done = arguments[arguments.length - 1];
setTimeout(() => done(null), 5000);
const open = indexedDB.open("voice-child-queue");
open.onerror = () => done(null);
open.onsuccess = () => {
  const db = open.result;
  if (!db.objectStoreNames.contains("answers")) { db.close(); done({count: 0, plain: false}); return; }
  const all = db.transaction("answers").objectStore("answers").getAll();
  all.onsuccess = () => {
    db.close();
    const text = all.result.map((v) => String.fromCharCode(...new Uint8Array(v.data))).join("");
    done({count: all.result.length, plain: text.includes("angry") || text.includes("happy")});
  };
};
"""
ON_SCREEN = "return [...document.querySelectorAll('#conversation li[id^=\"answer-\"]')].map((li) => li.id.slice(7));"


def test_a_conversation_goes_on_from_the_pack_while_the_server_is_unreachable_then_arrives_in_order(driver, app, service, db):
    # WebDriver cannot switch WebKitGTK's network off, so the server itself goes away and comes back on the same port.
    server, thread = start_server(app)
    port = server.effective_port
    live_url = f"http://127.0.0.1:{port}"
    try:
        hand_over_to(driver, live_url, service["ana"])
        wait_for(
            driver, lambda d: d.execute_script("return document.body.dataset.offlinePack === 'ready';"), "the offline pack kept"
        )
        stop_in_thread(server, thread)
        click(driver, "Happy", "#step button.card")
        wait_for_text(driver, "#question-title", "How is it where you live?")  # from the pack, with no server
        click(driver, "I don't want to answer this", "#step button")
        wait_for_text(driver, "#question-title", "Who do you live with?")
        screen = driver.execute_script(ON_SCREEN)
        assert screen == ["feel-today", "home"]
        held = wait_for(
            driver, lambda d: (q := d.execute_async_script(QUEUE)) and q["count"] == 2 and q, "two answers in the queue"
        )
        assert not held["plain"]  # encrypted in WebKit too
        assert not db.exec(select(Answer)).all()
        server, thread = start_server(app, port=port)
        wait_for(driver, lambda d: (q := d.execute_async_script(QUEUE)) and q["count"] == 0, "the queue sent and emptied")
        db.expire_all()
        assert [a.question_id for a in db.exec(select(Answer).order_by(Answer.id)).all()] == screen
        assert len(db.exec(select(AnswerReceipt)).all()) == 2
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "step").get_attribute("data-question") == "home-people",
            "the server's own page",
        )
    finally:
        stop_in_thread(server, thread)
