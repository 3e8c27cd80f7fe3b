"""In WebKit (the iPad's engine): a child answers with two switches, Space to move and Enter to choose."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import select

from tests.browser.webkit.conftest import assert_accessible, choose, click, fill, sign_in, text_of, wait_for, wait_for_text
from voice_app.models import Answer


def highlighted_is(driver, selector: str) -> bool:
    return bool(
        driver.execute_script("const e = document.querySelector('.is-scanned'); return !!e && e.matches(arguments[0]);", selector)
    )


def press(driver, key: str) -> None:
    ActionChains(driver).send_keys(key).perform()


def test_two_switches_answer_questions_in_webkit(driver, live_url, service, db):
    ana = service["ana"]
    sign_in(driver, live_url, "jo@example.org")
    driver.get(f"{live_url}/children/{ana.id}")
    click(driver, "Hand the tablet to Ana", "a")
    choose(driver, "access", "step")
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    fill(driver, "ignore_s", "0")  # nothing ignored after a choice: the test never waits for time to pass
    click(driver, "Start: hand the tablet to Ana", "button")
    wait_for_text(driver, "#question-title", "How do you feel today?")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".is-scanned"), "the highlight on the first control")
    assert_accessible(driver, context="two switches in WebKit")
    for _ in range(2):
        before = text_of(driver, "#question-title")
        target = (
            "button.card[name=choice], button.scale__n"
            if driver.find_elements(By.CSS_SELECTOR, "#step button.card[name=choice], #step button.scale__n")
            else "label.card"
        )
        for _ in range(30):
            if highlighted_is(driver, target):
                break
            press(driver, " ")
        press(driver, Keys.ENTER)
        if target == "label.card":
            for _ in range(30):
                if highlighted_is(driver, "button.button-main"):
                    break
                press(driver, " ")
            press(driver, Keys.ENTER)
        wait_for(driver, lambda d, before=before: text_of(d, "#question-title") not in ("", before), "the next question")
    db.expire_all()
    assert len(db.exec(select(Answer)).all()) == 2
