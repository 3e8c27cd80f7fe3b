"""Languages in the browser: a whole conversation in Arabic, right to left; a Welsh parent; a service's own words; no Arabic voice."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import PHONE, TABLET, assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.test_child_conversation import ENGLISH, SPEECH_STUB
from tests.conftest import PASSWORD
from tests.feedback_helpers import conference, link
from voice_app.i18n import LANGUAGES
from voice_app.models import Answer, ParentResponse, ReviewStage, Role, Statement

# The only Latin words an Arabic page may show: the child's and the IRO's names, and the languages
# offered on the first screen, each in its own name.
NAMES = {"Ana", "Jo"} | {word for lang in LANGUAGES for word in re.findall(r"[A-Za-z]{2,}", lang.native_name)}


@pytest.fixture
def ana(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    child = make.child(iro, name="Ana", date_of_birth=date.today() - timedelta(days=8 * 366))
    make.visit(make.review(child), iro=iro)
    return child


def hand_over(page, live_url, child):
    """Jo hands the tablet over in English (the child picks the language on the first screen)."""
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{child.id}")
    page.get_by_role("link", name=f"Hand the tablet to {child.preferred_name}").first.click()
    page.get_by_role("button", name=f"Start: hand the tablet to {child.preferred_name}").click()
    expect(page.locator("#step")).to_be_visible()


def english_left(page) -> list[str]:
    """Latin-script words a child can see or hear on this page (text, labels, alternatives, messages)."""
    words = page.evaluate(
        """() => {
          const seen = [document.body.innerText, document.title];
          for (const el of document.querySelectorAll('[aria-label],[title],[alt],[placeholder],[data-no-voice],[data-no-speech],[data-waiting],[data-retrying],[data-leaving]')) {
            for (const name of ['aria-label','title','alt','placeholder','data-no-voice','data-no-speech','data-waiting','data-retrying','data-leaving']) {
              if (el.hasAttribute(name)) seen.push(el.getAttribute(name));
            }
          }
          return seen.join(' ');
        }"""
    )
    return sorted({word for word in re.findall(r"[A-Za-z]{2,}", words) if word not in NAMES})


def check_arabic_step(page, context: str) -> None:
    assert page.evaluate("() => document.dir") == "rtl"
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    assert english_left(page) == [], f"untranslated on {context}: {english_left(page)}"
    assert_accessible(page, context=context)
    no_horizontal_scroll(page)


def answer_step(page) -> None:
    """Answer the current question with its first card, number or words, without reading any English."""
    step = page.locator("#step")
    before = page.locator("#question-title").inner_text()
    kind = step.get_attribute("data-kind")
    if kind == "scale":
        step.locator(".scale__n").nth(5).click()
    elif kind == "text":
        step.locator("textarea").fill("أحب دراجتي الجديدة")
        step.locator("button.button-main").click()
    elif step.locator("button.card[name=choice]").count():
        step.locator("button.card[name=choice]").first.click()
    else:
        step.locator("label.card").first.click()
        step.locator("button.button-main").click()
    expect(page.locator("#question-title")).not_to_have_text(before)


def test_a_whole_conversation_in_arabic_is_right_to_left_and_translated(page, live_url, ana, db):
    page.set_viewport_size(TABLET)
    hand_over(page, live_url, ana)
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("مرحباً يا Ana!")
    check_arabic_step(page, "first question with the language choice")
    # The first card sits to the right of the second: the grid runs right to left.
    cards = page.locator("#step button.card[name=choice]")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] > second["x"]
    # Symbols that point a way are mirrored.
    steps = 0
    while page.locator("#step").get_attribute("data-kind") not in ("sharing", "done"):
        check_arabic_step(page, f"question {steps + 1} ({page.locator('#step').get_attribute('data-kind')})")
        answer_step(page)
        steps += 1
    assert steps >= 15
    check_arabic_step(page, "who can see it")
    page.locator("#step button.card").first.click()
    expect(page.locator("#question-title")).to_have_text("شكراً يا Ana!")
    check_arabic_step(page, "thank you")
    page.locator("#step a[href$='/child/give-back']").click()
    expect(page.locator("input[name=secret]")).to_be_visible()
    check_arabic_step(page, "give the tablet back")
    page.locator("input[name=secret]").fill(PASSWORD)
    page.locator("form.handback__form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("Every answer Ana gave that reached voice-app is saved")  # staff pages stay English
    statement = db.exec(select(Statement)).one()
    assert statement.language == "ar" and statement.ended_at is not None
    assert len(db.exec(select(Answer)).all()) == steps


def test_the_back_symbol_is_mirrored_in_arabic(page, live_url, ana):
    hand_over(page, live_url, ana)
    page.get_by_role("button", name="العربية").click()
    page.locator("#step button.card[name=choice]").first.click()
    page.locator("#answer-feel-today a").click()
    back = page.locator(".step__back .sym").first  # drawn inside the step (an inline SVG)
    expect(back).to_be_visible()
    assert page.evaluate("(el) => getComputedStyle(el).transform", back.element_handle()) == "matrix(-1, 0, 0, 1, 0, 0)"


def test_read_aloud_with_no_arabic_voice_says_so_kindly_and_does_not_speak(browser, live_url, ana):
    context = browser.new_context(viewport=TABLET, has_touch=True)
    context.add_init_script(SPEECH_STUB % ENGLISH)  # English and French voices only
    page = context.new_page()
    hand_over(page, live_url, ana)
    page.get_by_role("button", name="العربية").click()
    page.locator("#step [data-speak]").click()
    expect(page.locator("#step [data-speak-note]")).to_contain_text("عذراً، هذا الجهاز اللوحي لا يستطيع القراءة بصوت عالٍ بهذه اللغة")
    assert page.evaluate("() => window.__spoken.length") == 0
    context.close()


def test_the_terminology_file_changes_the_words_the_child_sees(page, live_url, ana, tmp_path, monkeypatch, db):
    terms = tmp_path / "terms.toml"
    terms.write_text('[terms]\nmum = "Mam"\nfamily_time = "contact"\n')
    monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(terms))
    hand_over(page, live_url, ana)
    statement = db.exec(select(Statement)).one()
    page.goto(f"{live_url}/child/statements/{statement.id}/questions/home-people")
    expect(page.locator("#step label.card", has_text="Mam")).to_be_visible()
    assert page.locator("#step label.card", has_text="Mum").count() == 0
    page.goto(f"{live_url}/child/statements/{statement.id}/questions/family-time")
    expect(page.locator("#question-title")).to_contain_text("contact")


def test_a_welsh_parent_answers_from_start_to_thank_you(browser, live_url, db, make):
    chair = make.staff(Role.IRO, name="Chris Chair", email="chris@example.org")
    review = conference(make, make.child(chair, name="Zanzibar", on_cp_plan=True, cared_for=False), stage=ReviewStage.REVIEW_CONFERENCE)
    item = link(db, review, by=chair)
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_url}/p/{item.token}")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dywedwch wrthym sut aeth y gynhadledd i chi")
    assert_accessible(page, context="Welsh start page")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Dechrau nawr").click()
    for number in range(1, 6):
        expect(page.get_by_text(f"Cwestiwn {number} o 7")).to_be_visible()
        assert_accessible(page, context=f"Welsh question {number}")
        page.get_by_role("button", name="Cytuno", exact=True).click()
    expect(page.get_by_text("Cwestiwn 6 o 7")).to_be_visible()
    assert_accessible(page, context="Welsh comment")
    page.locator("textarea").fill("Roedd y cadeirydd yn garedig.")
    page.get_by_role("button", name="Parhau").click()
    expect(page.get_by_label("Eich enw (dewisol)")).to_be_visible()
    assert_accessible(page, context="Welsh name")
    page.get_by_role("button", name="Parhau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gwiriwch eich atebion")
    assert_accessible(page, context="Welsh check answers")
    page.get_by_role("button", name="Anfon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diolch")
    assert_accessible(page, context="Welsh thank you")
    assert "Thank you" not in page.locator("main").inner_text()
    (stored,) = db.exec(select(ParentResponse)).all()
    assert [stored.q1, stored.q5] == ["agree", "agree"] and stored.comment == "Roedd y cadeirydd yn garedig."
    context.close()
