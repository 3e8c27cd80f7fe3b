"""A sorting mat with no network: every card of a mat placed offline, the conversation finished to the thank-you, then,
back online, every placement stored once and in order."""

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible
from tests.browser.test_child_conversation import hand_over, title
from tests.browser.test_child_offline import queued
from tests.browser.test_child_offline_conversation import (
    ON_SCREEN,
    back_online,
    go_offline,
    offline_ready,
    on_the_servers_page,
    stored_in_order,
    wait_until_stored,
)
from voice_app.models import AnswerReceipt, Statement, StatementEnd

# School or college, card by card: where Ana puts it (None: put aside, "I don't want to say").
SCHOOL = [
    ("Lessons", "I don't like it", "not_like"),
    ("My teacher", "I like it", "like"),
    ("Playing with friends", "I like it", "like"),
    ("Eating", None, None),
    ("Homework", "It's OK", "ok"),
    ("Help at school", "I like it", "like"),
]


def test_a_mat_placed_with_no_network_reaches_the_thank_you_and_arrives_once_in_order(page, live_url, service, db):
    hand_over(page, live_url, service["ana"], version="Sorting mat", parts="Their views only")
    offline_ready(page)
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    step = page.locator("#step")
    # The third mat, not the first: offline, its cards still come in its own order.
    step.get_by_role("link", name="School or college").click()
    expect(title(page)).to_have_text("Lessons")
    expect(page.locator("#progress-text")).to_have_text("1 of 6")
    go_offline(page)

    for number, (card, place, _) in enumerate(SCHOOL, start=1):
        expect(title(page)).to_have_text(card)
        expect(page.locator("#progress-text")).to_have_text(f"{number} of 6")
        expect(step).to_have_attribute("data-mat", "school")
        step.get_by_role("button", name=place or "I don't want to say").click()
        if number == 1:
            expect(page.locator("[data-net-note]")).to_contain_text("No internet right now")
            assert_accessible(page, context="offline, a placement waiting to be sent")

    expect(step).not_to_have_attribute("data-mat", "school")  # the mat is done: the next mat's first card, from the pack
    # The mat as the child made it, read back from the tablet: each card and where it went, in order.
    screen = page.evaluate(ON_SCREEN)
    assert [s["question"] for s in screen] == [f"mat.school.{card}" for card in ("lessons", "teacher", "friends", "lunch", "homework", "help")]
    assert [s["choices"] for s in screen] == [[point] if point else [] for _, _, point in SCHOOL]
    for said, (_, place, _) in zip(screen, SCHOOL, strict=True):
        assert (place or "I didn't want to answer this") in said["said"]
    assert not db.exec(select(AnswerReceipt)).all()  # nothing has reached the server yet

    # Ana has sorted what she wanted to: "I've finished", who may see it, and the thank-you, all with no network.
    page.get_by_role("link", name="I've finished").click()
    expect(title(page)).to_have_text("Who can see what you told us today?")
    page.get_by_role("button", name="My review meeting").click()
    expect(title(page)).to_have_text("Thank you, Ana!")
    queued(page, len(SCHOOL) + 1)  # every placement and "who can see it"

    back_online(page)
    wait_until_stored(db, statement_id, len(SCHOOL))
    on_the_servers_page(page)
    expect(title(page)).to_have_text("Thank you, Ana!")  # the server's own thank-you
    queued(page, 0)
    assert stored_in_order(db, statement_id) == [(s["question"], s["choices"]) for s in screen]
    assert len(db.exec(select(AnswerReceipt)).all()) == len(SCHOOL)  # each placement once
    statement = db.get(Statement, statement_id)
    assert statement.end_reason == StatementEnd.FINISHED


def test_the_network_drops_in_the_middle_of_a_mat_and_the_mat_is_read_back_once_it_returns(page, live_url, service, db):
    hand_over(page, live_url, service["ana"], version="Sorting mat", parts="Their views only")
    offline_ready(page)
    statement_id = int(page.url.split("/statements/")[1].split("#")[0].split("/")[0])
    step = page.locator("#step")
    step.get_by_role("link", name="Where I live").click()
    step.get_by_role("button", name="I like it").click()  # My bedroom, with a network
    expect(title(page)).to_have_text("Eating")
    step.get_by_role("button", name="I don't like it").click()
    expect(title(page)).to_have_text("Sleeping")
    go_offline(page)

    placed_online = "() => [...document.querySelectorAll('#step .mat__column')].map(c => c.querySelectorAll('.mat__placed').length)"
    for number, (card, place) in enumerate(
        (("Sleeping", "It's OK"), ("My carer or carers", "I like it"), ("My pet", "I like it"), ("TV and films", "It's OK")), start=3
    ):
        expect(title(page)).to_have_text(card)
        expect(page.locator("#progress-text")).to_have_text(f"{number} of 6")
        assert page.evaluate(placed_online) == [1, 0, 1]  # the cards placed before the network went stay on the mat
        step.get_by_role("button", name=place).click()
        if number == 4:
            expect(title(page)).to_have_text("My pet")
            queued(page, 2)
            page.reload()  # no network: the mat as it was, from what the tablet kept
            expect(page.locator("body")).to_have_attribute("data-offline-restored", "true", timeout=10000)
    expect(step).not_to_have_attribute("data-mat", "home")  # the mat is done: the next mat's first card, from the pack
    queued(page, 4)

    back_online(page)
    wait = 0
    while len(stored_in_order(db, statement_id)) < 6:
        wait += 1
        assert wait < 300, "the placements never reached the server"
        page.wait_for_timeout(100)  # polled with a deadline, as wait_until_stored does (the statement is not ended here)
    on_the_servers_page(page)
    queued(page, 0)
    assert stored_in_order(db, statement_id) == [
        ("mat.home.bedroom", ["like"]), ("mat.home.food", ["not_like"]), ("mat.home.sleep", ["ok"]),
        ("mat.home.carers", ["like"]), ("mat.home.pet", ["like"]), ("mat.home.tv", ["ok"]),
    ]
    assert len(db.exec(select(AnswerReceipt)).all()) == 6
    page.locator("#step").get_by_role("link", name="Where I live").click()  # a finished mat opens at its whole view
    expect(step).to_have_attribute("data-kind", "mat")
    expect(step).to_contain_text("You put Sleeping under It's OK.")
    expect(step).to_contain_text("You put TV and films under It's OK.")
    assert_accessible(page, context="the mat read back after its placements came from the queue")
