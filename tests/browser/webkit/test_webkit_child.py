"""In WebKit: an IRO signs in to the demo, hands the tablet over, a child talks (htmx) and the IRO takes it back."""


from selenium.webdriver.common.by import By
from sqlmodel import select

from tests.browser.conftest import start_server
from tests.browser.webkit.conftest import (
    assert_accessible,
    choose,
    click,
    fill,
    hand_over_to,
    sign_in,
    tap,
    text_of,
    wait_for,
    wait_for_text,
)
from tests.conftest import PASSWORD
from voice_app.models import Answer, AnswerChoice, Statement, StatementEnd
from voice_app.serving import stop_in_thread


def question(driver) -> str:
    return text_of(driver, "#question-title")


def wait_for_question(driver, title: str) -> None:
    wait_for_text(driver, "#question-title", title)


def same_page_marker(driver) -> None:
    """Mark this document; if the mark survives a tap, htmx swapped the step in place instead of loading a page."""
    driver.execute_script("window.__stillHere = true;")


def still_same_page(driver) -> bool:
    return bool(driver.execute_script("return window.__stillHere === true;"))


def answer_with_first_card(driver) -> None:
    """Answer the current question with its first card (and "That's all" when cards are picked, not tapped)."""
    before = question(driver)
    step = driver.find_element(By.ID, "step")
    tapped = step.find_elements(By.CSS_SELECTOR, "button.card[name=choice], button.scale__n")
    if tapped:
        tap(driver, tapped[0], "the first card")
    else:
        tap(driver, step.find_element(By.CSS_SELECTOR, "label.card, label.scale__n"), "the first card")
        tap(driver, step.find_element(By.CSS_SELECTOR, "button.button-main"), "That's all")
    wait_for(driver, lambda d: question(d) != before, f"the question after {before!r}")


def test_the_demo_signs_in_over_plain_http_on_127_0_0_1(driver, live_url, service):
    sign_in(driver, live_url, "jo@example.org")
    wait_for(driver, lambda d: "Ana" in d.find_element(By.TAG_NAME, "main").text, "the caseload listing Ana")
    assert_accessible(driver, context="the caseload")
    assert "This form had expired" not in driver.page_source
    (cookie,) = [c for c in driver.get_cookies() if c["name"] == "voice_app_session"]
    assert cookie["httpOnly"] and not cookie["secure"]  # WebKit drops a Secure cookie on http://127.0.0.1
    assert "voice_app_session" not in driver.execute_script("return document.cookie;")


def test_a_wrong_password_is_refused_in_webkit(driver, live_url, service):
    driver.get(f"{live_url}/sign-in")
    fill(driver, "email", "jo@example.org")
    fill(driver, "password", "not the password")
    click(driver, "Sign in", "button")
    wait_for_text(driver, ".govuk-error-summary", "There is a problem")
    assert_accessible(driver, context="sign-in with an error")
    assert "/sign-in" in driver.current_url


def test_hand_over_a_conversation_with_a_changed_answer_and_the_childs_menu_then_give_back(driver, live_url, service, db):
    ana = service["ana"]
    sign_in(driver, live_url, "jo@example.org")
    driver.get(f"{live_url}/children/{ana.id}")
    click(driver, "Hand the tablet to Ana", "a")
    assert_accessible(driver, context="hand-over setup")
    choose(driver, "version", "younger")
    choose(driver, "parts", "views,menu")
    click(driver, "Start: hand the tablet to Ana", "button")
    wait_for_question(driver, "How do you feel today?")
    assert_accessible(driver, context="the first question")
    same_page_marker(driver)

    # Once the page keeps the symbol sprite, steps name their pictures (<use href="…sprite….svg#id">), and
    # WebKit draws every one of them from it.
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-sprite-kept") == "true", "the sprite kept")
    click(driver, "Happy", "#step button.card")
    wait_for_question(driver, "How is it where you live?")
    pictures = "return [...document.querySelectorAll('#step svg')].map(s => [s.querySelector('use') !== null, s.getBBox().width > 0])"
    wait_for(driver, lambda d: all(drawn for _, drawn in d.execute_script(pictures)), "every picture of the step drawn")
    assert all(named for named, _ in driver.execute_script(pictures)) and len(driver.execute_script(pictures)) >= 4
    click(driver, "I don't want to answer this", "#step button")
    wait_for_question(driver, "Who do you live with?")
    wait_for_text(driver, "#answer-home", "I didn't want to answer this")
    assert still_same_page(driver), "htmx did not swap the steps in WebKit"

    # Ana changes her first answer from the bubble above, then carries on where she was.
    tap(driver, driver.find_element(By.CSS_SELECTOR, "#answer-feel-today a"), "Ana's first answer")
    wait_for_question(driver, "How do you feel today?")
    wait_for(driver, lambda d: d.find_elements(By.LINK_TEXT, "Keep my answer"), "the Keep my answer link")
    assert_accessible(driver, context="changing an answer")
    click(driver, "Worried", "#step button.card")
    wait_for_question(driver, "Who do you live with?")
    wait_for_text(driver, "#answer-feel-today", "Worried")
    assert still_same_page(driver)

    while not (driver.find_element(By.ID, "step").get_attribute("data-question") or "").startswith("menu-"):
        answer_with_first_card(driver)
    wait_for_question(driver, "How would you like your meeting to happen?")
    assert_accessible(driver, context="the Child's Menu")
    click(driver, "Face to face, in a room", "#step button.card")
    wait_for_question(driver, "Where would you like your meeting to be?")
    while driver.find_element(By.ID, "step").get_attribute("data-kind") != "sharing":
        answer_with_first_card(driver)
    click(driver, "My review meeting", "#step button")
    wait_for_question(driver, "Thank you, Ana!")
    assert_accessible(driver, context="thank you")
    assert still_same_page(driver), "the whole conversation ran on one page with htmx"

    click(driver, "Give the tablet back", "a")
    wait_for_text(driver, "h1", "Taking the tablet back")
    fill(driver, "secret", "wrong password")
    click(driver, "Take the tablet back", "button")
    wait_for_text(driver, "[role=alert]", "That isn't right")
    assert_accessible(driver, context="give back, wrong password")
    fill(driver, "secret", PASSWORD)
    click(driver, "Take the tablet back", "button")
    wait_for_text(driver, "h1", "Ana's statement")

    db.expire_all()
    statement = db.exec(select(Statement)).one()
    assert statement.end_reason == StatementEnd.FINISHED and statement.sharing.value == "meeting"
    chosen = dict(db.exec(select(Answer.question_id, AnswerChoice.choice_id).join(AnswerChoice)).all())
    assert chosen["feel-today"] == "worried" and chosen["menu-format"] == "face_to_face"
    assert db.exec(select(Answer).where(Answer.question_id == "home")).one().skipped


def test_an_answer_given_while_the_server_is_unreachable_arrives_when_it_is_back(driver, app, service, db):
    # WebDriver cannot switch WebKitGTK's network off, so the server itself goes away and comes back on the same port.
    server, thread = start_server(app)
    port = server.effective_port
    live_url = f"http://127.0.0.1:{port}"
    try:
        hand_over_to(driver, live_url, service["ana"])
        stop_in_thread(server, thread)
        click(driver, "Angry", "#step button.card")
        wait_for_text(driver, "[data-net-note]", "We'll save your answer when it comes back")
        assert not db.exec(select(Answer)).all()
        server, thread = start_server(app, port=port)
        wait_for_question(driver, "How is it where you live?")  # retried on its own (WebKit has no Background Sync)
        wait_for(driver, lambda d: not d.find_element(By.CSS_SELECTOR, "[data-net-note]").is_displayed(), "the note going")
        db.expire_all()
        assert [a.question_id for a in db.exec(select(Answer)).all()] == ["feel-today"]
    finally:
        stop_in_thread(server, thread)


def test_what_offline_work_relies_on_exists_in_webkit(driver, live_url):
    """Service workers, Cache Storage and IndexedDB on http://127.0.0.1 in this engine (Background Sync is not there)."""
    driver.get(f"{live_url}/sign-in")
    found = driver.execute_script(
        "return {secure: isSecureContext, serviceWorker: 'serviceWorker' in navigator, caches: typeof caches,"
        " indexedDB: typeof indexedDB};"
    )
    assert found == {"secure": True, "serviceWorker": True, "caches": "object", "indexedDB": "object"}
    stored = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open("voice-app-webkit-check", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("queue", {keyPath: "id"});
        open.onerror = () => done("cannot open: " + open.error);
        open.onsuccess = () => {
          const db = open.result;
          const write = db.transaction("queue", "readwrite");
          write.objectStore("queue").put({id: "a1", answer: "happy"});
          write.oncomplete = () => {
            const read = db.transaction("queue").objectStore("queue").get("a1");
            read.onsuccess = () => navigator.serviceWorker.getRegistrations().then(
              (registrations) => done([read.result.answer, registrations.length]),
              (error) => done("no service worker registry: " + error));
          };
        };
        """
    )
    assert stored == ["happy", 0]
