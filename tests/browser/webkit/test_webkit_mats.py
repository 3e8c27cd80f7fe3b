"""In WebKit (the iPad's engine): a whole sorting mat by touch, from the topic to the finished mat, with axe-core."""

from selenium.webdriver.common.by import By
from sqlmodel import select

from tests.browser.webkit.conftest import (
    assert_accessible,
    choose,
    click,
    no_horizontal_scroll,
    sign_in,
    text_of,
    wait_for,
    wait_for_text,
)
from voice_app.models import Answer, AnswerChoice

COLUMNS_LEFT = "return [...document.querySelectorAll('#step .mat__column')].map((c) => c.getBoundingClientRect().left);"


def kind(driver) -> str:
    return driver.execute_script("const s = document.getElementById('step'); return s ? s.dataset.kind : '';")


def test_a_whole_sorting_mat_by_touch_in_webkit(driver, live_url, service, db):
    ana = service["ana"]
    sign_in(driver, live_url, "jo@example.org")
    driver.get(f"{live_url}/children/{ana.id}")
    click(driver, "Hand the tablet to Ana", "a")
    choose(driver, "version", "mat")
    choose(driver, "parts", "views")
    click(driver, "Start: hand the tablet to Ana", "button")
    wait_for(driver, lambda d: kind(d) == "topics", "the topics to choose from")

    click(driver, "Where I live", "#step a.card")
    wait_for_text(driver, "#question-title", "My bedroom")
    assert kind(driver) == "mat-card"
    left = driver.execute_script(COLUMNS_LEFT)
    assert len(left) == 3 and left == sorted(left), f"the columns are not side by side from the left: {left}"
    no_horizontal_scroll(driver)
    assert_accessible(driver, context="a mat card in WebKit")

    # Each card under a column, one put aside; the mat grows under the columns as they go.
    for place, next_card in (
        ("I like it", "Eating"),
        ("I don't like it", "Sleeping"),
        ("I don't want to say", "My carer or carers"),
        ("It's OK", "My pet"),
        ("I like it", "TV and films"),
    ):
        click(driver, place, "#step button")
        wait_for_text(driver, "#question-title", next_card)
    placed = driver.execute_script(
        "return [...document.querySelectorAll('#step .mat__column')].map((c) => c.querySelectorAll('.mat__placed').length);"
    )
    assert placed == [2, 1, 1]
    click(driver, "It's OK", "#step button")

    wait_for(driver, lambda d: kind(d) == "mat", "the whole mat read back")
    said = text_of(driver, "#step .mat__said")
    assert "You put My bedroom under I like it." in said
    assert "You didn't want to say about Sleeping." in said
    assert "You put TV and films under It's OK." in said
    no_horizontal_scroll(driver)
    assert_accessible(driver, context="the whole mat read back in WebKit")
    click(driver, "Yes, that's right", "#step a")
    wait_for(driver, lambda d: kind(d) == "topics", "back at the topics")
    home = driver.find_element(By.CSS_SELECTOR, "#step a.card[href$='/mats/home#step']")
    assert "Done" in home.text

    db.expire_all()
    stored = db.exec(select(Answer).where(Answer.question_id.like("mat.home.%")).order_by(Answer.id)).all()
    assert [a.question_id.split(".")[2] for a in stored] == ["bedroom", "food", "sleep", "carers", "pet", "tv"]
    points = [db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == a.id)).all() for a in stored]
    assert points == [["like"], ["not_like"], [], ["ok"], ["like"], ["ok"]]
    assert stored[2].skipped
