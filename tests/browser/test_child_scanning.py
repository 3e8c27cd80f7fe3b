"""A child who answers with one switch, two switches or by dwelling: whole conversations on Playwright's fake clock
(no test waits in real time), the highlight and ring checked with axe, focus and the live region followed."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_child_conversation import ENGLISH, SPEECH_STUB
from tests.conftest import PASSWORD
from voice_app.models import Answer, Role, Statement

ONE_SWITCH = "One switch: the highlight moves by itself, a press chooses"
TWO_SWITCHES = "Two switches: one moves the highlight, the other chooses"
DWELL = "Dwell (eye-gaze or head pointer): resting on a picture chooses it"


@pytest.fixture
def service(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ana = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=8 * 366))
    visit = make.visit(make.review(ana), iro=iro)
    return dict(iro=iro, ana=ana, visit=visit)


def hand_over(page, live_url, child, *, access, settings=None, speak=False, language=None, fake_clock=True, version="Younger"):
    """Jo hands the tablet over for the younger views (or another version), with this way of answering; then time
    stands still."""
    if fake_clock:
        page.clock.install()
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{child.id}")
    page.get_by_role("link", name=f"Hand the tablet to {child.preferred_name}").first.click()
    page.get_by_label(version).check()
    page.get_by_label("Their views only").check()
    page.get_by_label(access).check()
    if language:
        page.get_by_label("Language").select_option(language)
    page.get_by_text("Switch and dwell settings").click()
    for label, value in (settings or {}).items():
        page.get_by_label(label).fill(value)
    if speak:
        page.get_by_label("Read each picture aloud as it is highlighted").check()
    page.get_by_role("button", name=f"Start: hand the tablet to {child.preferred_name}").click()
    expect(page.locator("#step")).to_be_visible()
    if fake_clock:
        # From here on, time moves only when the test says. A moment ahead of the page's own clock: a fixed hour
        # of the day is in the past for an hour each evening, and Playwright cannot pause the clock in the past.
        page.clock.pause_at(page_time(page, ahead_ms=1000))


def page_time(page, *, ahead_ms: int) -> datetime:
    """A moment just ahead of the page's own clock (Playwright's Python API reads a bare number as seconds)."""
    return datetime.fromtimestamp((page.evaluate("Date.now()") + ahead_ms) / 1000, UTC)


def accessible_now(page, *, context):
    """axe-core needs its own timers: time runs while it looks, then stands still again a moment later."""
    page.clock.resume()
    assert_accessible(page, context=context)
    page.clock.pause_at(page_time(page, ahead_ms=50))


def highlighted_matches(page, selector):
    return page.evaluate("(s) => { const e = document.querySelector('.is-scanned'); return !!e && e.matches(s); }", selector)


def until(page, condition, *, step_ms=100, tries=300):
    """Let the fake clock run in small steps until the page shows what was expected (the network answers meanwhile)."""
    for _ in range(tries):
        try:
            if page.evaluate(condition):
                return
        except PlaywrightError as error:
            # An answer the server could not take at once (a busy CI machine) waits in the tablet's queue; once
            # it is sent the page reloads to show the conversation as the server has it. Look again once loaded.
            if "context was destroyed" not in str(error):
                raise
            page.wait_for_load_state()
            continue
        page.clock.run_for(step_ms)
    raise AssertionError(f"never true: {condition}")


def target_for(page):
    """What the child means to choose next on this step: a card, a number, then "That's all" on a list."""
    kind = page.locator("#step").get_attribute("data-kind")
    if kind == "scale":
        return "button.scale__n"
    if kind == "sharing":
        return "button.card"
    if page.locator("#step button.card[name=choice]").count():
        return "button.card[name=choice]"
    if page.locator("#step .card__input:checked").count():
        return "button.button-main"
    return "label.card"


def step_changed(before):
    return f"() => {{ const t = document.querySelector('#question-title'); return !!t && t.textContent !== {before!r}; }}"


def answer_with_one_switch(page, *, scan_ms):
    target = target_for(page)
    # Past the moment after a choice when presses are ignored (0.5 s), before the highlight moves on: a new step's
    # first card is highlighted at once, and a press at once would be ignored, as it is meant to be.
    page.clock.run_for(600)
    for _ in range(40):
        if highlighted_matches(page, target):
            break
        page.clock.run_for(scan_ms)
    else:
        raise AssertionError(f"{target} never highlighted")
    before = page.locator("#question-title").inner_text()
    checked = page.locator("#step .card__input:checked").count()
    page.keyboard.press("Space")
    if target == "label.card":
        until(page, f"() => document.querySelectorAll('#step .card__input:checked').length > {checked}")
    else:
        until(page, step_changed(before))


def answers_of(db, child):
    statement = db.exec(select(Statement).where(Statement.child_id == child.id)).one()
    db.expire_all()
    return db.exec(select(Answer).where(Answer.statement_id == statement.id)).all()


def test_one_switch_with_only_space_gets_through_a_younger_conversation(page, live_url, service, db):
    hand_over(page, live_url, service["ana"], access=ONE_SWITCH)
    note = page.locator("[data-scan-note]")
    expect(note).to_have_text("Press your switch when the picture you want is highlighted.")
    # The highlight starts on the step's first control and is where the focus is.
    assert page.evaluate(
        "() => { const e = document.querySelector('.is-scanned'); return e === document.activeElement || e.htmlFor === document.activeElement.id; }"
    )
    first = page.locator(".is-scanned")
    page.clock.run_for(1500)
    expect(first).to_have_count(1)
    accessible_now(page, context="one switch: a card highlighted")
    questions = 0
    while page.locator("#step").get_attribute("data-kind") != "done":
        answer_with_one_switch(page, scan_ms=1500)
        questions += 1
        assert questions < 60
    assert len(answers_of(db, service["ana"])) >= 5
    assert all(not answer.skipped for answer in answers_of(db, service["ana"]))


def test_one_switch_pauses_after_its_rounds_and_a_press_starts_it_again(page, live_url, service):
    hand_over(
        page, live_url, service["ana"], access=ONE_SWITCH, settings={"Rounds of scanning before it pauses (one switch)": "1"}
    )
    count = page.evaluate(
        "() => document.querySelectorAll('#step button:not([hidden]), #step a[href], #step label.card, .languages button:not([aria-current])').length"
    )
    page.clock.run_for(1500 * count)
    expect(page.locator(".is-scanned")).to_have_count(0)
    expect(page.locator("[data-scan-note]")).to_have_text("Scanning has stopped. Press your switch to start again.")
    before = page.locator("#question-title").inner_text()
    page.keyboard.press("Space")  # starts again, chooses nothing
    expect(page.locator(".is-scanned")).to_have_count(1)
    assert page.locator("#question-title").inner_text() == before


def test_acceptance_time_filters_short_presses_and_a_long_press_goes_back(page, live_url, service):
    hand_over(
        page,
        live_url,
        service["ana"],
        access=TWO_SWITCHES,
        settings={"Acceptance time: seconds a press must last to count": "0.3"},
    )
    first = page.evaluate("() => document.querySelector('.is-scanned').outerHTML")
    page.keyboard.down("Space")
    page.clock.run_for(100)
    page.keyboard.up("Space")  # too short: a tremor, not a press
    assert page.evaluate("() => document.querySelector('.is-scanned').outerHTML") == first
    page.keyboard.down("Space")
    page.clock.run_for(400)
    page.keyboard.up("Space")  # long enough: the highlight moves on
    assert page.evaluate("() => document.querySelector('.is-scanned').outerHTML") != first
    page.keyboard.down("Space")
    page.clock.run_for(2500)
    page.keyboard.up("Space")  # held: back one
    assert page.evaluate("() => document.querySelector('.is-scanned').outerHTML") == first


def test_two_switches_space_moves_and_enter_chooses(page, live_url, service, db):
    hand_over(page, live_url, service["ana"], access=TWO_SWITCHES)
    expect(page.locator("[data-scan-note]")).to_have_text("Press one switch to move, the other to choose.")
    for _ in range(4):
        target = target_for(page)
        for _ in range(30):
            if highlighted_matches(page, target):
                break
            page.keyboard.press("Space")
            # Focus follows the highlight, so a screen reader or the iPad's own Switch Control follows it too.
            assert page.evaluate(
                "() => { const e = document.querySelector('.is-scanned'); return e === document.activeElement || e.htmlFor === document.activeElement.id; }"
            )
        before = page.locator("#question-title").inner_text()
        checked = page.locator("#step .card__input:checked").count()
        page.keyboard.press("Enter")
        if target == "label.card":
            until(page, f"() => document.querySelectorAll('#step .card__input:checked').length > {checked}")
        else:
            until(page, step_changed(before))
        page.clock.run_for(600)  # past the moment after a choice when presses are ignored
    accessible_now(page, context="two switches")
    assert len(answers_of(db, service["ana"])) >= 3


# What the highlighted control is, in the words of the scanning order.
HIGHLIGHTED_KIND = """() => { const e = document.querySelector('.is-scanned');
  if (!e) return null;
  if (e.matches('[data-speak]')) return 'speaker';
  if (e.closest('.step__tools')) return 'skip';
  if (e.closest('.step__end')) return 'end';
  if (e.closest('.languages')) return 'language:' + e.lang;
  return 'answer'; }"""


def test_auditory_scanning_reads_each_card_and_reaches_every_control_in_a_fixed_order(page, live_url, service):
    page.add_init_script(SPEECH_STUB % ENGLISH)
    hand_over(page, live_url, service["ana"], access=TWO_SWITCHES, speak=True)
    # One round from the first card: the answers, then the speaker, skip, the two end links, the other languages.
    first = page.evaluate("() => document.querySelector('.is-scanned').outerHTML")
    kinds = []
    for _ in range(60):
        kinds.append(page.evaluate(HIGHLIGHTED_KIND))
        page.keyboard.press("Space")
        if page.evaluate("() => document.querySelector('.is-scanned').outerHTML") == first:
            break
    else:
        raise AssertionError(f"the highlight never came back to the first card: {kinds}")
    groups = [kind.split(":")[0] for kind in kinds]
    assert [g for n, g in enumerate(groups) if n == 0 or groups[n - 1] != g] == ["answer", "speaker", "skip", "end", "language"]
    assert groups.count("end") == 2 and groups.count("language") == page.locator(".languages button").count() - 1
    assert "language:en-GB" not in kinds  # the language they are in is not offered again
    for _ in range(3):
        page.keyboard.press("Space")
    label = page.evaluate("() => document.querySelector('.is-scanned').textContent.replace(/\\s+/g, ' ').trim()")
    assert page.evaluate("() => window.__spoken.map(s => s.text)")[-1] == label
    # A language button is chosen like a card: the conversation goes on in Welsh, still with two switches.
    for _ in range(60):
        if page.evaluate(HIGHLIGHTED_KIND) == "language:cy":
            break
        page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator(".is-scanned")).to_have_count(1)
    assert page.evaluate(HIGHLIGHTED_KIND) == "answer"


def test_dwell_chooses_a_card_the_pointer_rests_on_once(page, live_url, service, db):
    hand_over(
        page, live_url, service["ana"], access=DWELL, settings={"Dwell time: seconds resting on a picture to choose it": "5"}
    )
    expect(page.locator(".is-scanned")).to_have_count(0)
    expect(page.locator("[data-scan-note]")).to_have_text("Rest on a picture to choose it.")
    page.clock.run_for(600)  # past the new step's moment of ignoring taps
    card = page.locator("#step .card").first
    box = card.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.clock.run_for(4000)
    expect(card).to_have_class(re.compile(r"\bis-dwelling\b"))  # the ring fills
    before = page.locator("#question-title").inner_text()
    assert len(answers_of(db, service["ana"])) == 0
    accessible_now(page, context="dwell: a ring filling")
    until(page, step_changed(before))
    assert len(answers_of(db, service["ana"])) == 1
    # The pointer still rests where it was: nothing more is chosen until it moves.
    page.clock.run_for(6000)
    assert len(answers_of(db, service["ana"])) == 1


def test_the_iro_changes_to_two_switches_during_the_conversation(page, live_url, service):
    hand_over(page, live_url, service["ana"], access=ONE_SWITCH)
    page.clock.resume()
    page.get_by_role("link", name="For Jo").click()
    page.get_by_role("link", name="Change how Ana answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How they answer")
    assert_accessible(page, context="the IRO's access settings in child mode")  # time runs here (resumed)
    page.get_by_label(TWO_SWITCHES).check()
    page.get_by_label("Your password or PIN, so that only you can change this").fill(PASSWORD)
    page.get_by_role("button", name="Save and go back to the conversation").click()
    expect(page.locator("#step")).to_be_visible()
    assert page.locator("body").get_attribute("data-access") == "step"


def test_one_switch_in_arabic_follows_the_right_to_left_reading_order(page, live_url, service, db):
    hand_over(page, live_url, service["ana"], access=ONE_SWITCH, language="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    cards = page.locator("#step .card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] > second["x"]  # the first card is on the right
    for _ in range(20):  # the highlight reaches the first card, then the one to its left
        if highlighted_matches(page, "#step .card:nth-child(1), #step .cards__item:nth-child(1) .card"):
            break
        page.clock.run_for(1500)
    page.clock.run_for(1500)
    box = page.locator(".is-scanned").bounding_box()
    assert box["x"] < first["x"]
    accessible_now(page, context="one switch in Arabic")
    for _ in range(10):  # three questions (a list takes two presses: a card, then "That's all")
        if len(answers_of(db, service["ana"])) == 3:
            break
        answer_with_one_switch(page, scan_ms=1500)
    assert len(answers_of(db, service["ana"])) == 3


def test_two_switches_with_no_network_from_a_question_to_the_thank_you(page, live_url, service, db):
    from tests.browser.test_child_offline import queued, ready_for_offline

    # Two switches need no timers: no fake clock here, and nothing is ignored after a choice.
    hand_over(
        page,
        live_url,
        service["ana"],
        access=TWO_SWITCHES,
        fake_clock=False,
        settings={"Seconds after a choice when presses are ignored": "0"},
    )
    ready_for_offline(page)
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine", timeout=5000)

    def choose(target):
        for _ in range(30):
            if highlighted_matches(page, target):
                break
            page.keyboard.press("Space")
        before = page.locator("#question-title").inner_text()
        page.keyboard.press("Enter")
        expect(page.locator("#question-title")).not_to_have_text(before)

    for _ in range(3):
        target = target_for(page)
        if target == "label.card":  # a list: one card, then "That's all"
            for _ in range(30):
                if highlighted_matches(page, target):
                    break
                page.keyboard.press("Space")
            page.keyboard.press("Enter")
            target = "button.button-main"
        choose(target)
    expect(page.locator("[data-net-note]")).to_contain_text("No internet right now")
    page.reload()  # no network: the conversation kept on the tablet, still with two switches
    expect(page.locator("body")).to_have_attribute("data-offline-restored", "true", timeout=10000)
    expect(page.locator(".is-scanned")).to_have_count(1)
    choose("a.end-link")  # "I've finished"
    choose("button.card")  # who may see it
    expect(page.locator("#question-title")).to_have_text("Thank you, Ana!")
    queued(page, 4)
    assert not answers_of(db, service["ana"])
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator('meta[name="csrf-token"]')).to_have_count(1, timeout=20000)
    queued(page, 0)
    assert len(answers_of(db, service["ana"])) == 3


def test_a_passport_written_by_a_manager_chooses_dwell_at_hand_over(page, live_url, service, make):
    make.staff(Role.MANAGER, name="Mo Manager", email="mo@example.org")
    sign_in(page, live_url, "mo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['ana'].id}/edit")
    page.get_by_label("Communication passport: how I say yes and no").fill("I smile for yes, I look away for no")
    page.get_by_label("My best way to choose").fill("Looking at one of two pictures")
    page.get_by_label("How they answer on the tablet (chosen for them at hand-over)").select_option("dwell")
    assert_accessible(page, context="the child's details with a communication passport")
    page.get_by_role("button", name="Save").click()
    page.context.clear_cookies()
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['ana'].id}")
    page.get_by_role("link", name="Hand the tablet to Ana").first.click()
    expect(page.locator("#passport")).to_contain_text("I smile for yes, I look away for no")
    expect(page.get_by_label(DWELL)).to_be_checked()
    assert_accessible(page, context="hand-over with a communication passport")
