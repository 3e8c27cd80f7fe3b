"""A sorting mat for a child who answers with switches or by dwelling, on Playwright's fake clock (no test waits in
real time): one switch over a whole mat, in its fixed order, from the topic to the finished mat; two switches, then
dwell once the IRO changes it mid-mat; focus, the live region and axe-core checked in each scanning state."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_child_conversation import ENGLISH, SPEECH_STUB
from tests.browser.test_child_scanning import (
    DWELL,
    ONE_SWITCH,
    TWO_SWITCHES,
    accessible_now,
    answers_of,
    hand_over,
    highlighted_matches,
    service,  # noqa: F401 (the fixture)
    step_changed,
    until,
)
from tests.conftest import PASSWORD
from voice_app.models import AnswerChoice

SCAN_MS = 1500
# What the highlighted control is on a mat, in the words of the scanning order.
ON_MAT = """() => { const e = document.querySelector('.is-scanned');
  if (!e) return null;
  if (e.matches('button.mat__point')) return 'column:' + e.value;
  if (e.matches('.mat__placed')) return 'card';
  if (e.matches('[data-speak]')) return 'speaker';
  if (e.matches('button[name=skip]')) return 'put aside';
  if (e.closest('.step__back')) return 'another mat';
  if (e.closest('.step__end')) return 'end';
  if (e.closest('.languages')) return 'language';
  return 'other: ' + e.outerHTML.slice(0, 80); }"""
FOCUS_ON_HIGHLIGHT = "() => { const e = document.querySelector('.is-scanned'); return !!e && e === document.activeElement; }"


def column(index: int) -> str:
    return f"#step .mat__column:nth-child({index + 1}) button.mat__point"


PUT_ASIDE = "#step .step__tools button[name=skip]"


def one_round(page) -> list[str]:
    """The highlight over one whole round of the step, one switch moving it by itself; focus is where it is."""
    first = page.evaluate("() => document.querySelector('.is-scanned').outerHTML")
    seen = []
    for _ in range(60):
        seen.append(page.evaluate(ON_MAT))
        assert page.evaluate(FOCUS_ON_HIGHLIGHT), f"focus is not on the highlight at {seen[-1]}"
        page.clock.run_for(SCAN_MS)
        if page.evaluate("() => document.querySelector('.is-scanned').outerHTML") == first:
            return seen
    raise AssertionError(f"the highlight never came back to where it started: {seen}")


def one_switch_chooses(page, selector: str) -> None:
    """Wait (on the fake clock) for the highlight to reach this control, press Space, wait for the next step."""
    page.clock.run_for(600)  # past the moment after a choice when presses are ignored
    for _ in range(60):
        if highlighted_matches(page, selector):
            break
        page.clock.run_for(SCAN_MS)
    else:
        raise AssertionError(f"{selector} never highlighted")
    before = page.locator("#question-title").inner_text()
    page.keyboard.press("Space")
    until(page, step_changed(before))
    page.clock.run_for(100)  # the new step settles (htmx finishes a swap on a timer, and the highlight starts then)


def two_switches_choose(page, selector: str) -> None:
    """Space moves the highlight to this control (focus following it), Enter chooses; wait for the next step."""
    page.clock.run_for(600)
    for _ in range(60):
        if highlighted_matches(page, selector):
            break
        page.keyboard.press("Space")
        assert page.evaluate(FOCUS_ON_HIGHLIGHT)
    else:
        raise AssertionError(f"{selector} never highlighted")
    before = page.locator("#question-title").inner_text()
    page.keyboard.press("Enter")
    until(page, step_changed(before))
    page.clock.run_for(100)  # the new step settles (htmx finishes a swap on a timer, and the highlight starts then)


def placements(db, child, mat: str) -> list[tuple[str, list[str], bool]]:
    """The child's placements on this mat, as stored, in the order they arrived: (card, points, put aside)."""
    stored = sorted((a for a in answers_of(db, child) if a.question_id.startswith(f"mat.{mat}.")), key=lambda a: a.id)
    return [
        (
            answer.question_id.split(".")[2],
            list(db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == answer.id)).all()),
            answer.skipped,
        )
        for answer in stored
    ]


def test_one_switch_sorts_a_whole_mat_reaching_every_column_in_a_fixed_order(page, live_url, service, db):  # noqa: F811
    page.add_init_script(SPEECH_STUB % ENGLISH)
    hand_over(page, live_url, service["ana"], access=ONE_SWITCH, version="Sorting mat")
    note = page.locator("[data-scan-note]")
    expect(note).to_have_attribute("role", "status")
    expect(note).to_have_text("Press your switch when the picture you want is highlighted.")
    expect(page.locator("#step")).to_have_attribute("data-kind", "topics")
    one_switch_chooses(page, "#step a.card[href$='/mats/feelings#step']")
    expect(page.locator("#step")).to_have_attribute("data-kind", "mat-card")
    expect(page.locator("#question-title")).to_have_text("At home")

    # One round from the first column: the scale's four points from the start of the line, then the speaker, putting
    # the card aside, another mat, the two end links, and the languages the child may still change to.
    page.clock.run_for(600)
    kinds = one_round(page)
    languages = page.locator(".languages button:not([aria-current])").count()
    assert kinds == [
        "column:happy", "column:ok", "column:sad", "column:worried", "speaker", "put aside", "another mat", "end", "end",
    ] + ["language"] * languages
    expect(page.locator(".is-scanned")).to_have_count(1)
    accessible_now(page, context="one switch on a mat card")

    # Each card under a column (the last column too), one put aside.
    for target in (column(0), column(3), PUT_ASIDE, column(1)):
        one_switch_chooses(page, target)
    expect(page.locator("#question-title")).to_have_text("Sleeping")
    # The mat has grown: the cards placed sit under their columns and are read in the same order, each column first.
    kinds = [kind for kind in one_round(page) if kind != "language"]
    assert [k for k in kinds if k != "card"] == [
        "column:happy", "column:ok", "column:sad", "column:worried", "speaker", "put aside", "another mat", "end", "end",
    ]
    assert kinds[:7] == ["column:happy", "card", "column:ok", "card", "column:sad", "column:worried", "card"]
    for target in (column(2), column(3)):
        one_switch_chooses(page, target)

    # The whole mat, read back; "Yes, that's right" is reached and chosen by the switch too.
    step = page.locator("#step")
    expect(step).to_have_attribute("data-kind", "mat")
    expect(step).to_contain_text("You put At home under Happy.")
    expect(step).to_contain_text("You put At school or college under Worried.")
    expect(step).to_contain_text("You didn't want to say about With my family.")
    expect(step).to_contain_text("You put Seeing a doctor or nurse under Worried.")
    expect(page.locator(".is-scanned")).to_have_count(1)
    accessible_now(page, context="one switch on the whole mat read back")
    one_switch_chooses(page, "#step a.button-main")
    expect(step).to_have_attribute("data-kind", "topics")
    expect(step.get_by_role("link", name="How I feel")).to_contain_text("Done")
    expect(note).to_have_text("Press your switch when the picture you want is highlighted.")

    assert placements(db, service["ana"], "feelings") == [
        ("home", ["happy"], False),
        ("school", ["worried"], False),
        ("family", [], True),
        ("friends", ["ok"], False),
        ("bedtime", ["sad"], False),
        ("doctor", ["worried"], False),
    ]


def rest_on(page, selector: str) -> None:
    """The pointer comes to rest in the middle of this control, once the new step has scrolled into place."""
    box = None
    for _ in range(100):  # a new step scrolls smoothly into view (in real time): wait until it stands still
        seen, box = box, page.locator(selector).bounding_box()
        if box == seen:
            break
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert page.evaluate("([s, x, y]) => document.querySelector(s).contains(document.elementFromPoint(x, y))", [selector, x, y])
    page.mouse.move(x, y)


def test_two_switches_then_dwell_once_the_iro_changes_it_finish_a_mat(page, live_url, service, db):  # noqa: F811
    ana = service["ana"]
    hand_over(page, live_url, ana, access=TWO_SWITCHES, version="Sorting mat",
              settings={"Dwell time: seconds resting on a picture to choose it": "2"})
    expect(page.locator("[data-scan-note]")).to_have_text("Press one switch to move, the other to choose.")
    two_switches_choose(page, "#step a.card[href$='/mats/home#step']")
    expect(page.locator("#question-title")).to_have_text("My bedroom")
    for target in (column(2), column(0), PUT_ASIDE):  # Space to move, focus following; Enter to choose
        two_switches_choose(page, target)
    expect(page.locator("#question-title")).to_have_text("My carer or carers")
    accessible_now(page, context="two switches on a mat card")
    assert len(placements(db, ana, "home")) == 3

    # Jo changes it to dwell without taking the tablet back (Ana is tired of pressing).
    page.clock.resume()
    page.get_by_role("link", name="For Jo").click()
    page.get_by_role("link", name="Change how Ana answers").click()
    page.get_by_label(DWELL).check()
    page.get_by_label("Your password or PIN, so that only you can change this").fill(PASSWORD)
    page.get_by_role("button", name="Save and go back to the conversation").click()
    expect(page.locator("#step")).to_be_visible()
    assert page.locator("body").get_attribute("data-access") == "dwell"
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # seconds since 1970, ahead of the running clock
    expect(page.locator("[data-scan-note]")).to_have_text("Rest on a picture to choose it.")

    def dwell_on(selector: str) -> None:
        page.clock.run_for(600)
        before = page.locator("#question-title").inner_text()
        rest_on(page, selector)
        page.clock.run_for(1000)
        expect(page.locator(selector)).to_have_class(re.compile(r"\bis-dwelling\b"))  # the ring fills
        until(page, step_changed(before))

    # Ana carries on where she was: the mat's next card, not the choice of topics.
    expect(page.locator("#step")).to_have_attribute("data-kind", "mat-card")
    expect(page.locator("#question-title")).to_have_text("My carer or carers")
    dwell_on(column(1))
    expect(page.locator("#question-title")).to_have_text("My pet")
    # The next card's columns are where they were, under the resting pointer: nothing more is chosen until it moves.
    page.clock.run_for(6000)
    expect(page.locator("#question-title")).to_have_text("My pet")
    assert len(placements(db, ana, "home")) == 4
    dwell_on(column(0))
    accessible_now(page, context="dwell on a mat card")
    dwell_on(column(2))
    expect(page.locator("#step")).to_have_attribute("data-kind", "mat")
    expect(page.locator("#step")).to_contain_text("You put TV and films under I don't like it.")
    dwell_on("#step a.button-main")  # "Yes, that's right"
    expect(page.locator("#step").get_by_role("link", name="Where I live")).to_contain_text("Done")

    assert placements(db, ana, "home") == [
        ("bedroom", ["not_like"], False),
        ("food", ["like"], False),
        ("sleep", [], True),
        ("carers", ["ok"], False),
        ("pet", ["like"], False),
        ("tv", ["not_like"], False),
    ]
