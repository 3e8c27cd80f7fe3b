"""In WebKit on a phone-sized window: a parent answers the conference questionnaire, goes back, changes and sends."""

from selenium.webdriver.common.by import By
from sqlmodel import select

from tests.browser.webkit.conftest import (
    PHONE,
    assert_accessible,
    click,
    fill,
    no_horizontal_scroll,
    tap,
    wait_for,
    wait_for_text,
)
from tests.feedback_helpers import conference, link
from voice_app.models import ParentResponse, ReviewStage, Role


def answer(driver, question: int, option_id: str) -> None:
    """On question N of 7, check the page fits the phone, then tap the answer."""
    wait_for_text(driver, "main", f"Question {question} of 7")
    no_horizontal_scroll(driver)
    assert_accessible(driver, context=f"question {question}")
    tap(driver, driver.find_element(By.ID, f"answer-{option_id}"), f"{option_id} on question {question}")


def test_a_parent_answers_on_a_phone_changes_an_answer_and_sends(driver, live_url, db, make):
    chair = make.staff(Role.IRO, name="Chris Chair", email="chris@example.org")
    child = make.child(chair, name="Zanzibar", on_cp_plan=True, cared_for=False)
    item = link(db, conference(make, child, stage=ReviewStage.REVIEW_CONFERENCE), by=chair)
    driver.set_window_size(*PHONE)
    # WebKitGTK's window stops at 447 CSS pixels wide (its toolbar), a large phone: still under the 30rem (480px)
    # and GOV.UK (641px) phone breakpoints, so the phone layouts are the ones checked.
    assert driver.execute_script("return window.innerWidth;") < 480

    driver.get(f"{live_url}/p/{item.token}")
    wait_for_text(driver, "h1", "Tell us how the conference went for you")
    no_horizontal_scroll(driver)
    assert_accessible(driver, context="start page")
    click(driver, "Start now", "button")
    answer(driver, 1, "strongly_agree")
    answer(driver, 2, "agree")
    wait_for_text(driver, "main", "Question 3 of 7")
    click(driver, "Back", "a")  # question 2 remembers its answer
    wait_for(driver, lambda d: "va-answer--chosen" in d.find_element(By.ID, "answer-agree").get_attribute("class"), "question 2's answer shown")
    answer(driver, 2, "disagree")
    answer(driver, 3, "agree")
    answer(driver, 4, "not_applicable")
    answer(driver, 5, "strongly_disagree")

    wait_for_text(driver, "main", "Is there anything else")
    fill(driver, "comment", "The chair <b>listened</b>.")
    click(driver, "Continue", "button")
    wait_for(driver, lambda d: d.find_elements(By.ID, "name"), "the name question")
    click(driver, "Continue", "button")
    wait_for_text(driver, "h1", "Check your answers")
    assert "The chair <b>listened</b>." in driver.find_element(By.TAG_NAME, "main").text  # escaped, shown as typed
    no_horizontal_scroll(driver)
    assert_accessible(driver, context="check your answers")
    changes = driver.find_elements(By.CSS_SELECTOR, ".govuk-summary-list__actions a")
    tap(driver, changes[2], "Change your answer to question 3")
    answer(driver, 3, "strongly_agree")
    wait_for_text(driver, "h1", "Check your answers")
    click(driver, "Send", "button")
    wait_for_text(driver, "h1", "Thank you")
    no_horizontal_scroll(driver)
    assert_accessible(driver, context="thank you")

    db.expire_all()
    (stored,) = db.exec(select(ParentResponse)).all()
    assert [stored.q1, stored.q2, stored.q3, stored.q4, stored.q5] == ["strongly_agree", "disagree", "strongly_agree", "not_applicable", "strongly_disagree"]
    assert stored.comment == "The chair <b>listened</b>." and stored.name is None
    assert "Zanzibar" not in driver.page_source
