"""A child talks on the IRO's tablet: whole conversations from hand-over to hand-back, with axe on every kind of step."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import (
    PHONE,
    TABLET_LANDSCAPE,
    assert_accessible,
    no_horizontal_scroll,
    sign_in,
)
from tests.child_support import make_statement
from tests.conftest import PASSWORD
from voice_app.models import (
    Answer,
    AnswerChoice,
    ChildResponse,
    DecisionOutcome,
    MenuDecision,
    Role,
    Statement,
    StatementEnd,
    Visit,
    VisitStatus,
)

SPEECH_STUB = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  const voices = %s;
  const synth = {
    speaking: false, pending: false, paused: false,
    getVoices: () => voices,
    speak: (u) => spoken.push({text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null}),
    cancel: () => {}, addEventListener: () => {}, removeEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""
ENGLISH = '[{name: "Test English", lang: "en-GB", localService: true}, {name: "Test French", lang: "fr-FR", localService: true}]'
FRENCH_ONLY = '[{name: "Test French", lang: "fr-FR", localService: true}]'


@pytest.fixture
def service(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    ana = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=8 * 366))
    ben = make.child(iro, name="Ben", date_of_birth=date.today() - timedelta(days=14 * 366), on_cp_plan=True)
    visits = {child.preferred_name: make.visit(make.review(child), iro=iro) for child in (ana, ben)}
    return dict(iro=iro, ana=ana, ben=ben, visits=visits)


def hand_over(page, live_url, child, *, version="Younger", parts="Their views, then", scribing=False, pin=""):
    """Sign in as Jo, open the child's page and hand the tablet over with these choices."""
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{child.id}")
    page.get_by_role("link", name=f"Hand the tablet to {child.preferred_name}").first.click()  # the visit made first
    page.get_by_label(version).check()
    page.get_by_label(parts).check()
    if scribing:
        page.get_by_label("I will type what the child says").check()
    if pin:
        page.get_by_label("Hand-back PIN (optional)").fill(pin)
    page.get_by_role("button", name=f"Start: hand the tablet to {child.preferred_name}").click()
    expect(page.locator("#step")).to_be_visible()


def title(page):
    return page.locator("#question-title")


def answer_current(page, *, words=None):
    """Answer whatever the current question is with its first card (or a number, or words)."""
    step = page.locator("#step")
    before = title(page).inner_text()
    kind = step.get_attribute("data-kind")
    if kind == "scale":
        step.locator(".scale__n").nth(5).click()
    elif kind == "text":
        step.locator("textarea").fill(words or "I like my new bike.")
        step.get_by_role("button", name="That's my answer").click()
    elif step.locator("button.card[name=choice]").count():
        step.locator("button.card[name=choice]").first.click()
    else:
        step.locator("label.card").first.click()
        if words and step.locator("textarea").count():
            step.locator("textarea").fill(words)
        step.locator("button.button-main").click()
    expect(title(page)).not_to_have_text(before)


def answer_until_sharing(page, *, check_kinds=None, words=None, check_questions=()):
    """Answer question after question until "who can see it"; axe once on each kind of question (and on these questions)."""
    seen = set()
    while page.locator("#step").get_attribute("data-kind") not in ("sharing", "done"):
        kind = page.locator("#step").get_attribute("data-kind")
        mode = "tap" if page.locator("#step button.card[name=choice]").count() else "pick"
        question = page.locator("#step").get_attribute("data-question")
        if check_kinds is not None and (kind, mode) not in seen:
            seen.add((kind, mode))
            assert_accessible(page, context=f"{kind} question ({mode})")
        elif question in check_questions:
            assert_accessible(page, context=f"the {question} step")
        answer_current(page, words=words)
    return seen


def hand_back(page, *, secret=PASSWORD):
    page.get_by_role("link", name="Give the tablet back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Taking the tablet back")
    page.get_by_label("Password or PIN").fill(secret)
    page.get_by_role("button", name="Take the tablet back").click()


def test_a_younger_child_from_hand_over_to_hand_back(page, live_url, service, db):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['ana'].id}")
    page.get_by_role("link", name="Hand the tablet to Ana").click()
    assert_accessible(page, context="hand-over setup")
    page.get_by_role("button", name="Start: hand the tablet to Ana").click()
    expect(title(page)).to_have_text("How do you feel today?")
    expect(page.get_by_text("1 of ")).to_be_visible()
    assert page.locator("textarea").count() == 0  # younger: never any typing
    kinds = answer_until_sharing(page, check_kinds=True)
    assert {k for k, _ in kinds} >= {"choice", "people", "multi"}
    expect(title(page)).to_have_text("Who can see what you told us today?")
    assert_accessible(page, context="sharing")
    page.get_by_role("button", name="My review meeting").click()
    expect(title(page)).to_have_text("Thank you, Ana!")
    expect(page.get_by_text("Please give the tablet back to Jo.")).to_be_visible()
    assert_accessible(page, context="thank you")
    page.get_by_role("link", name="Give the tablet back").click()
    assert_accessible(page, context="give back")
    page.get_by_label("Password or PIN").fill("wrong password")
    page.get_by_role("button", name="Take the tablet back").click()
    expect(page.get_by_role("alert")).to_contain_text("That isn't right")
    assert_accessible(page, context="give back, wrong password")
    page.get_by_label("Password or PIN").fill(PASSWORD)
    page.get_by_role("button", name="Take the tablet back").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back. Every answer Ana gave that reached voice-app is saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana's statement")  # the IRO lands on what Ana said
    page.goto(f"{live_url}/children/{service['ana'].id}")
    expect(page.get_by_text("Child's views: finished")).to_be_visible()
    statement = db.exec(select(Statement)).one()
    assert statement.end_reason == StatementEnd.FINISHED and statement.sharing.value == "meeting"
    assert len(db.exec(select(Answer)).all()) >= 20


def test_an_older_child_on_a_plan_with_words_houses_and_the_safety_scale(page, live_url, service, db):
    hand_over(page, live_url, service["ben"], version="Older", parts="Their views only")
    page.locator("label.card", has_text="OK").click()
    page.get_by_label("Do you want to say why?").fill("Tired, but OK.\nSchool trip tomorrow!")
    page.get_by_role("button", name="That's my answer").click()
    expect(title(page)).to_have_text("How is it where you live?")
    expect(page.locator("#answer-feel-today")).to_contain_text("School trip tomorrow!")
    # Who I am (issue 32): the identity card, its follow-up and an older child's own words, each checked with axe.
    seen = answer_until_sharing(page, check_kinds=True, words="My own words", check_questions=("who-i-am", "who-i-am-help", "who-i-am-proud"))
    assert {k for k, _ in seen} >= {"choice", "multi", "people", "scale", "text"}
    page.get_by_role("button", name="Only my IRO").click()
    expect(page.get_by_text("Only your IRO will see what you said.")).to_be_visible()
    hand_back(page)
    expect(page.get_by_role("status")).to_contain_text("Every answer Ben gave that reached voice-app is saved")
    who = page.locator("#who-i-am")  # the IRO lands on the statement: "Who I am" in a section of its own
    expect(who.get_by_role("heading", name="Who I am", exact=True)).to_be_visible()
    expect(who).to_contain_text("My family and where they come from")
    expect(who).to_contain_text("My own words")
    assert_accessible(page, context="the statement page with Who I am")
    ids = {a.question_id for a in db.exec(select(Answer)).all()}
    assert {"house-worries", "house-good", "house-dreams", "safe-scale", "anything-else", "who-i-am", "who-i-am-help", "who-i-am-proud"} <= ids
    assert db.exec(select(Answer).where(Answer.question_id == "safe-scale")).one().scale == 5
    assert db.exec(select(Answer).where(Answer.question_id == "feel-today")).one().text == "Tired, but OK.\nSchool trip tomorrow!"


def test_change_an_answer_and_skip(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="Happy").click()
    expect(title(page)).to_have_text("How is it where you live?")
    page.get_by_role("button", name="I don't want to answer this").click()
    expect(title(page)).to_have_text("Who do you live with?")
    expect(page.locator("#answer-home")).to_contain_text("I didn't want to answer this")
    page.locator("#answer-feel-today a").click()
    expect(title(page)).to_have_text("How do you feel today?")
    expect(page.get_by_role("link", name="Keep my answer")).to_be_visible()
    assert_accessible(page, context="changing an answer")
    page.get_by_role("button", name="Worried").click()
    expect(title(page)).to_have_text("Who do you live with?")
    expect(page.locator("#answer-feel-today")).to_contain_text("Worried")
    chosen = db.exec(select(AnswerChoice.choice_id).join(Answer).where(Answer.question_id == "feel-today")).all()
    assert chosen == ["worried"]
    assert db.exec(select(Answer).where(Answer.question_id == "home")).one().skipped


def test_reload_resumes_and_a_double_tap_answers_once(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="Sad").dblclick()
    expect(title(page)).to_have_text("How is it where you live?")
    page.wait_for_timeout(500)
    assert [a.question_id for a in db.exec(select(Answer)).all()] == ["feel-today"]  # the next question was not answered too
    page.get_by_role("button", name="I like it").tap()
    expect(title(page)).to_have_text("Who do you live with?")
    page.reload()
    expect(title(page)).to_have_text("Who do you live with?")
    expect(page.get_by_text("3 of ")).to_be_visible()
    expect(page.locator("#answer-feel-today")).to_contain_text("Sad")


def test_child_mode_refuses_staff_pages_and_leaving_without_the_password(page, live_url, service):
    hand_over(page, live_url, service["ana"], pin="2468")
    conversation = page.url
    page.goto(f"{live_url}/caseload")
    expect(page.get_by_role("heading", level=1)).to_have_text("This tablet is being used by a child right now")
    page.goto(f"{live_url}/children/{service['ana'].id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("being used by a child")
    page.get_by_role("link", name="Go back to the conversation").click()
    expect(title(page)).to_have_text("How do you feel today?")
    page.goto(f"{live_url}/child/give-back")
    page.get_by_label("Password or PIN").fill("1357")
    page.get_by_role("button", name="Take the tablet back").click()
    expect(page.get_by_role("alert")).to_contain_text("That isn't right")
    page.goto(f"{live_url}/caseload")
    expect(page.get_by_role("heading", level=1)).to_contain_text("being used by a child")
    page.get_by_role("link", name="Go back to the conversation").click()
    page.get_by_role("link", name=re.compile(r"For Jo\W+take the tablet back")).click()  # at any time, from the header
    page.get_by_label("Password or PIN").fill("2468")
    page.get_by_role("button", name="Take the tablet back").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana")
    page.goto(conversation)
    assert "How do you feel today?" not in page.content()


def test_the_speaker_reads_the_question_and_its_choices(browser, live_url, service):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    context.add_init_script(SPEECH_STUB % ENGLISH)
    page = context.new_page()
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="Read it to me").click()
    spoken = page.evaluate("() => window.__spoken")
    text = " ".join(item["text"] for item in spoken)
    assert "How do you feel today?" in text and "Happy" in text and "Scared" in text
    assert {item["voice"] for item in spoken} == {"Test English"}  # never the French voice
    context.close()


def test_no_voice_for_the_language_is_said_kindly(browser, live_url, service):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    context.add_init_script(SPEECH_STUB % FRENCH_ONLY)
    page = context.new_page()
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="Read it to me").click()
    expect(page.get_by_role("status").filter(has_text="cannot read out loud in this language")).to_be_visible()
    assert page.evaluate("() => window.__spoken.length") == 0
    context.close()


def test_an_answer_given_offline_arrives_when_the_internet_comes_back(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    page.context.set_offline(True)
    page.get_by_role("button", name="Angry").click()
    expect(page.locator("[data-net-note]")).to_contain_text("We'll save your answer when it comes back")
    assert not db.exec(select(Answer)).all()
    page.context.set_offline(False)
    expect(title(page)).to_have_text("How is it where you live?", timeout=10000)
    expect(page.locator("[data-net-note]")).to_be_hidden()
    assert [a.question_id for a in db.exec(select(Answer)).all()] == ["feel-today"]


def test_the_whole_childs_menu_with_chairing_survives_a_reload(page, live_url, service, db):
    hand_over(page, live_url, service["ben"], version="Older", parts="The Child's Menu only")
    expect(title(page)).to_have_text("How would you like your meeting to happen?")
    assert_accessible(page, context="menu item with I don't mind")
    page.get_by_role("button", name="Face to face, in a room").click()
    expect(title(page)).to_have_text("Where would you like your meeting to be?")
    page.locator("label.card", has_text="Somewhere else").click()
    page.get_by_label("If it's somewhere else, where?").fill("The library near school")
    page.get_by_role("button", name="That's my answer").click()
    expect(title(page)).to_have_text("When would you like your meeting to be?")
    page.get_by_role("button", name="After school").click()
    expect(title(page)).to_have_text("Who would you like at your meeting?")
    page.reload()
    expect(title(page)).to_have_text("Who would you like at your meeting?")
    for person in ("Mum", "My teacher", "An advocate"):
        page.locator("label.card", has_text=person).click()
    page.get_by_role("button", name="That's all").click()
    expect(title(page)).to_have_text("Is there anyone you do not want at your meeting?")
    page.locator("label.card", has_text="Dad").click()
    page.get_by_role("button", name="That's all").click()
    expect(title(page)).to_have_text("Would you like to come to your meeting?")
    page.get_by_role("button", name="Yes, all of it").click()
    expect(title(page)).to_have_text("Who would you like to run (chair) your meeting?")
    page.get_by_role("button", name="Me", exact=True).click()
    expect(title(page)).to_have_text("How would you like your views to be shared?")
    page.locator("label.card", has_text="I will say them myself").click()
    page.get_by_role("button", name="That's all").click()
    expect(title(page)).to_have_text("Would you like a chat with your IRO before the meeting?")
    page.get_by_role("button", name="Yes, please").click()
    expect(title(page)).to_have_text("Would any help make the meeting easier for you?")
    page.get_by_role("button", name="I don't mind").click()
    expect(title(page)).to_have_text("Is there anything you don't want talked about in front of everyone?")
    page.get_by_role("button", name="I don't want to say").click()
    expect(title(page)).to_have_text("Who can see what you told us today?")
    page.get_by_role("button", name="My review meeting").click()
    expect(title(page)).to_have_text("Thank you, Ben!")

    def chosen(question_id):
        return sorted(db.exec(select(AnswerChoice).join(Answer).where(Answer.question_id == question_id)).all(), key=lambda c: c.choice_id)

    assert [c.choice_id for c in chosen("menu-chair")] == ["child"]
    assert [(c.choice_id, c.position) for c in chosen("menu-who")] == [("advocate", 0), ("mum", 0), ("teacher", 0)]
    assert [(c.choice_id, c.position) for c in chosen("menu-not-wanted")] == [("dad", 1)]
    assert [c.choice_id for c in chosen("menu-help")] == ["dont_mind"]
    assert db.exec(select(Answer).where(Answer.question_id == "menu-where")).one().text == "The library near school"


def test_the_next_visit_opens_with_you_said_we_did(page, live_url, service, db):
    ana, iro = service["ana"], service["iro"]
    earlier = Visit(review_id=service["visits"]["Ana"].review_id, iro_id=iro.id, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=180))
    db.add(earlier)
    db.commit()
    old = make_statement(db, earlier, ana, started_at=Statement().started_at - timedelta(days=180))
    for question_id, choice in (("menu-format", "virtual"), ("menu-chair", "child")):
        answer = Answer(statement_id=old.id, question_id=question_id)
        db.add(answer)
        db.commit()
        db.add(AnswerChoice(answer_id=answer.id, choice_id=choice))
    db.add(MenuDecision(statement_id=old.id, item_id="menu-format", outcome=DecisionOutcome.AGREED, decided_by_id=iro.id))
    db.add(MenuDecision(statement_id=old.id, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="This time the judge asked me to chair it. Next time it can be you.", decided_by_id=iro.id))
    db.add(ChildResponse(statement_id=old.id, question_id="worries", we_did="We asked your school to help at lunch times.", written_by_id=iro.id))
    db.commit()
    hand_over(page, live_url, ana)
    expect(title(page)).to_have_text("Last time, you told us what you wanted. This is what happened.")
    step = page.locator("#step")
    expect(step).to_contain_text("On a video call")
    expect(step).to_contain_text("We did what you asked.")
    expect(step).to_contain_text("We couldn't do that this time, because:")
    expect(step).to_contain_text("This time the judge asked me to chair it.")
    expect(step).to_contain_text("We asked your school to help at lunch times.")
    assert_accessible(page, context="you said, we did")
    page.get_by_role("button", name="Thank you. Let's start").click()
    expect(title(page)).to_have_text("How do you feel today?")
    db.expire_all()
    assert db.exec(select(ChildResponse)).one().shown_to_child_at is not None


def test_stopping_early(page, live_url, service, db):
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="OK", exact=True).click()
    expect(title(page)).to_have_text("How is it where you live?")
    page.get_by_role("link", name="I want to stop").click()
    expect(title(page)).to_have_text("Do you want to stop now?")
    assert_accessible(page, context="stop?")
    page.get_by_role("button", name="Yes, I want to stop").click()
    expect(title(page)).to_have_text("That's OK, Ana.")
    hand_back(page)
    page.goto(f"{live_url}/children/{service['ana'].id}")
    expect(page.get_by_text("Child's views: stopped early, 1 answer")).to_be_visible()


@pytest.mark.parametrize("viewport", [TABLET_LANDSCAPE, PHONE], ids=["landscape", "phone"])
def test_the_conversation_fits_tablets_and_phones(browser, live_url, service, viewport):
    context = browser.new_context(viewport=viewport, has_touch=True)
    page = context.new_page()
    hand_over(page, live_url, service["ben"], version="Older", parts="Their views only")
    for question in ("feel-today", "home-people", "safe-scale", "anything-else"):
        page.goto(f"{live_url}/child/statements/{page.url.split('/statements/')[1].split('/')[0].split('#')[0]}/questions/{question}")
        expect(page.locator("#step")).to_be_visible()
        assert no_horizontal_scroll(page)
    assert_accessible(page, context=f"text question at {viewport}")
    page.get_by_role("link", name="I've finished").click()
    page.get_by_role("button", name="My review meeting").click()
    expect(title(page)).to_have_text("Thank you, Ben!")
    assert no_horizontal_scroll(page)
    context.close()
