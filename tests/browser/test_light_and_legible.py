"""Light and legible on any device: pictures with their step, Tigrinya from the shipped font, parents' targets
and reflow on a phone, right-to-left mirroring, and focus on the first question straight after the hand-over."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_child_conversation import hand_over, service  # noqa: F401 - the service fixture
from tests.feedback_helpers import conference, link
from voice_app.models import ReviewStage, Role

SHIPPED_ETHIOPIC = "Noto Sans Ethiopic"


class RequestLog:
    """Every request the server sees (the wire, not the browser's cache)."""

    def __init__(self, app) -> None:
        self.inner = app.wsgi_app
        self.seen: list[str] = []
        self.lock = threading.Lock()
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        with self.lock:
            self.seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        return self.inner(environ, start_response)

    def take(self) -> list[str]:
        with self.lock:
            taken, self.seen = self.seen, []
        return taken


def _fonts_for(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew this element's text with (CDP), not what the CSS asked for."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def _drawn_from_shipped_font(page, selector: str) -> bool:
    page.evaluate("document.fonts.ready")
    fonts = _fonts_for(page, selector)
    ethiopic = [f for f in fonts if SHIPPED_ETHIOPIC in f["familyName"]]
    return bool(ethiopic) and all(f["isCustomFont"] for f in ethiopic) and sum(f["glyphCount"] for f in ethiopic) >= 4


@pytest.fixture
def parent_link(db, make):
    chair = make.staff(Role.IRO, name="Chris Chair", email="chris@example.org")
    child = make.child(chair, name="Zanzibar", on_cp_plan=True, cared_for=False)
    return link(db, conference(make, child, stage=ReviewStage.REVIEW_CONFERENCE), by=chair).token


# ---- The child's pictures arrive with the step ------------------------------------------------------


def _cards_are_named_by_their_words(step) -> None:
    """A picture adds nothing to what a screen reader says: each card is named by its words alone."""
    cards = step.locator("button.card")
    assert cards.count() >= 3
    for index in range(cards.count()):
        card = cards.nth(index)
        expect(card).to_have_accessible_name(card.locator(".card__label").inner_text().strip())


def _pictures_drawn(locator) -> int:
    """How many of these <svg> pictures have something drawn (inline, or from the sprite once it has loaded)."""
    return locator.evaluate_all("svgs => svgs.filter(s => s.getBBox().width > 0 && s.getBBox().height > 0).length")


def test_the_first_screen_draws_its_pictures_inline(page, live_url, service):  # noqa: F811
    hand_over(page, live_url, service["ana"])
    step = page.locator("#step")
    assert step.locator("svg.card__sym path").count() > 0 and step.locator("use").count() == 0
    assert page.locator("img[src*='/static/icons/']").count() == 0  # no picture is a request of its own
    assert _pictures_drawn(step.locator("svg")) == step.locator("svg").count()
    _cards_are_named_by_their_words(step)


def test_a_steps_pictures_need_no_request_after_the_fragment(app, page, live_url, service):  # noqa: F811
    log = RequestLog(app)
    hand_over(page, live_url, service["ana"])
    # After its load event the page keeps the sprite; from then on a step only names its pictures.
    expect(page.locator("body")).to_have_attribute("data-sprite-kept", "true")
    page.wait_for_load_state("networkidle")
    log.take()
    before = page.locator("#question-title").inner_text()
    page.locator("#step button.card[name=choice]").first.click()
    expect(page.locator("#question-title")).not_to_have_text(before)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert log.take() == [f"POST /child/statements/{page.url.split('/statements/')[1].split('#')[0]}/questions/feel-today"]
    step = page.locator("#step")
    pictures = step.locator("svg")
    assert step.locator("svg.card__sym > use").count() >= 3  # the cards' pictures, named in the step
    assert step.locator("path").count() == 0  # and not one of them drawn inside it
    assert _pictures_drawn(pictures) == pictures.count()  # yet every one is there, from the kept sprite
    assert step.locator("img").count() == 0
    # The picture of the answer just given is in its bubble too.
    assert page.locator("#answer-feel-today .said svg use").count() == 1
    _cards_are_named_by_their_words(step)
    assert_accessible(page, context="a step drawn from the sprite")


# ---- Focus straight after the hand-over ---------------------------------------------------------------


def test_focus_is_on_the_first_question_straight_after_the_hand_over(page, live_url, service):  # noqa: F811
    hand_over(page, live_url, service["ana"])
    expect(page.locator("#question-title")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "question-title"


# ---- Right to left --------------------------------------------------------------------------------------


def _mirrored(locator) -> bool:
    return locator.evaluate("e => getComputedStyle(e).transform").startswith("matrix(-1")


def test_directional_symbols_point_the_way_arabic_reads(page, live_url, service):  # noqa: F811
    hand_over(page, live_url, service["ana"])
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    step = page.locator("#step")
    assert _mirrored(step.locator(".tool .sym"))  # skip
    assert _mirrored(step.locator(".speak .sym"))  # speaker
    assert not _mirrored(step.locator(".sym--topic"))  # pictures that point nowhere stay as drawn
    expect(page.locator("body")).to_have_attribute("data-sprite-kept", "true")
    page.locator("#step button.card[name=choice]").first.click()
    page.locator("#answer-feel-today a.bubble").click()
    expect(page.locator("#step .step__back")).to_be_visible()
    assert page.locator("#step .step__back .sym > use").count() == 1  # drawn from the sprite, and still
    assert _mirrored(page.locator("#step .step__back .sym"))  # back
    assert _mirrored(page.locator("#step .tool .sym"))  # skip


def test_the_parents_speaker_points_the_way_arabic_reads(browser, live_url, parent_link):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_url}/p/{parent_link}?lang=ar")
    page.get_by_role("button").last.click()  # start
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    icon = page.locator(".va-read-aloud__icon")
    page.evaluate("document.querySelectorAll('[data-read-aloud]').forEach(b => b.hidden = false)")
    assert _mirrored(icon)
    context.close()


# ---- Tigrinya from the shipped font --------------------------------------------------------------------


def test_tigrinya_is_drawn_with_the_shipped_font(browser, live_url, parent_link):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    fonts: list[str] = []
    page.on("request", lambda request: fonts.append(request.url) if "/static/fonts/" in request.url else None)
    page.goto(f"{live_url}/p/{parent_link}")
    page.wait_for_load_state("networkidle")
    # An English page downloads only the small font for the language's own name, and draws "ትግርኛ" with it.
    assert len(fonts) == 1 and "NotoSansEthiopic-names." in fonts[0]
    assert _drawn_from_shipped_font(page, 'a[lang="ti"]')
    page.goto(f"{live_url}/p/{parent_link}?lang=ti")
    expect(page.locator("html")).to_have_attribute("lang", "ti")
    assert _drawn_from_shipped_font(page, "h1")
    assert any("NotoSansEthiopic-ti." in url for url in fonts)
    context.close()


def test_the_childs_language_chooser_shows_tigrinya_in_its_own_letters(page, live_url, service):  # noqa: F811
    hand_over(page, live_url, service["ana"])
    assert _drawn_from_shipped_font(page, 'button[lang="ti"]')


# ---- Parents' pages on a phone ---------------------------------------------------------------------------

TARGETS = "main a, main button, main summary, main label.govuk-radios__label, main label.govuk-checkboxes__label, .va-read-aloud__button"


def _small_targets(page) -> list[str]:
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
            .filter(e => e.offsetParent !== null)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 44 || r.height < 44)
            .map(([e, r]) => `${e.tagName} "${e.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TARGETS,
    )


def _parent_pages(page, live_url: str, token: str, lang: str):
    """Yield on the start page, a question, the comment page and the check page, in this language."""
    page.goto(f"{live_url}/p/{token}?lang={lang}")
    yield "start"
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".govuk-back-link")).to_be_visible()
    yield "question 1"
    for _ in range(5):
        page.locator("main form button[name=answer]").first.click()
        page.wait_for_load_state()
    expect(page.locator("textarea")).to_be_visible()
    yield "comment"
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-summary-list")).to_be_visible()
    yield "check"


@pytest.mark.parametrize("lang", ["en-GB", "ps"])
def test_every_target_on_the_parents_pages_is_at_least_44_px(browser, live_url, parent_link, lang):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    for name in _parent_pages(page, live_url, parent_link, lang):
        small = _small_targets(page)
        assert not small, f"{name}: {small}"
    context.close()


@pytest.mark.parametrize("lang", ["pl", "uk", "ti", "ar"])
def test_parents_pages_reflow_at_200_percent_text_on_a_360_px_phone(browser, live_url, parent_link, lang):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    for name in _parent_pages(page, live_url, parent_link, lang):
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})  # the phone's text at 200%
        page.evaluate("document.querySelectorAll('[data-read-aloud]').forEach(b => b.hidden = false)")
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 20)).slice(0, 5)"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{lang} {name}: {wide}"
    context.close()


# ---- Read-aloud: the same rules for a parent as for a child ------------------------------------------------

VOICE_STUB = """
window.__spoken = [];
speechSynthesis.getVoices = () => [{lang: 'en-GB', localService: false, name: 'Network English'},
                                   {lang: 'fr-FR', localService: true, name: 'Amelie'}];
speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.voice && u.voice.name]);
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def test_a_parent_hears_each_answer_as_its_own_phrase_with_the_childs_voice_rules(browser, live_url, parent_link):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.add_init_script(VOICE_STUB)
    page.goto(f"{live_url}/p/{parent_link}")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Read this out loud").click()
    spoken = page.evaluate("window.__spoken")
    # A network voice for the language is used when the device has none of its own, as on the child's pages.
    assert spoken and {name for _text, name in spoken} == {"Network English"}
    texts = [text for text, _name in spoken]
    for answer in ("Strongly agree.", "Agree.", "Disagree.", "Strongly disagree."):
        assert answer in texts, texts  # each answer its own phrase, not one run-on sentence
    context.close()


def test_sentence_ends_of_every_shipped_script_are_recognised(page, live_url, parent_link):
    page.goto(f"{live_url}/p/{parent_link}")
    said = page.evaluate(
        """() => [voiceSpeech.sentence('ሰላም።'), voiceSpeech.sentence('ከመይ ኣሎኹም፧'), voiceSpeech.sentence('هل أنت بخير؟'),
                  voiceSpeech.sentence('Як справи?'), voiceSpeech.sentence('Dzień dobry'),
                  voiceSpeech.pieces(['ሰላም። ' + 'ቃል '.repeat(60) + '። ' + 'ሰላም።']).length]"""
    )
    assert said[:5] == ["ሰላም።", "ከመይ ኣሎኹም፧", "هل أنت بخير؟", "Як справи?", "Dzień dobry."]
    assert said[5] >= 2  # a long Tigrinya text is cut where its sentences end
