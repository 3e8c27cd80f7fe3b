"""A look at every screen, in the suite (issue 28): what a person sees, not only what axe-core reads.

The walk opens every screen a child (every question of the IRO's tablet, younger and older, with the Child's
Menu, the meeting explained and how the last meeting went; every screen of their own phone, getting ready for a
meeting on it included), a parent (every question of the questionnaire) and the staff (IROs, managers, admins and
invited practitioners) reach, at 360 px and 1024 px wide, in English, Arabic and Tigrinya (the staff pages are
English only, so they are walked in English; Arabic and Tigrinya walk each part at one of the two widths, WIDTHS
says which and why), and fails when:

- a control keeps the browser's own look (a grey bevelled button, an inset input: no style of ours reached it);
- a list keeps the browser's default 40 px indent;
- the page, or text or a control in it, is wider than its box (scrollWidth over clientWidth);
- a visible word is a raw code: a language tag, an enum value with an underscore, a question id;
- a target is smaller than 44 x 44 px on a child's or a parent's screen (WCAG 2.5.5), or 24 x 24 px on a staff
  page (WCAG 2.5.8, the size GOV.UK Frontend's radios and links are built to); links inside a sentence excepted.

Every screen is saved as a PNG under test-results/screens/ (or $VOICE_APP_SCREENS) for a person to look
through: README.md, "Looking at every screen". A tablet step is saved as the step itself (the conversation
above it was saved already). The walk is one test per language (one browser session each, its widths in it) and
one for the staff, so pytest-xdist spreads them over the workers; nothing in it waits on a clock.
"""

from __future__ import annotations

import enum
import inspect
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

import voice_app.models as models
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.feedback_helpers import conference, link
from tests.phone_support import new_code
from tests.statement_factories import EVERY_KIND, make_statement
from voice_app.config import PROJECT_ROOT
from voice_app.i18n import LANGUAGES
from voice_app.models import Profession, ReviewStatus, Role, VisitMethod, VisitStatus
from voice_app.practitioners.services import invite
from voice_app.questions.bank import default_bank

# The exhaustive walk: deselect it with -m "not screens" while working on something else (docs/testing.md).
pytestmark = pytest.mark.screens

SIZES = {"360": {"width": 360, "height": 740}, "1024": {"width": 1024, "height": 768}}
CHILD_LANGUAGES = ("en-GB", "ar", "ti")
EVERY_PART = ("tablet-younger", "tablet-older", "phone", "parents")
# What each language walks at each width. English walks every part at both. Arabic (right to left) and Tigrinya (the
# longest words) walk every part once: the child's, phone and parents' styles have no rule for wide screens alone and
# use only logical (direction-free) properties, so a screen that fits at one width in a language differs at the other
# only in how much room its words have. The room that changes is the card grid's: two columns of about 165 px at
# 360 px, five of about 150 px at 1024 px. So each tablet conversation is walked at 360 px in one of the two
# languages and at 1024 px in the other, and the phone (a phone's screen) at 360 px in both, one with the younger
# child's Child's Menu and one with the older's, as English does at its two widths.
WIDTHS = {
    "en-GB": {"360": EVERY_PART, "1024": EVERY_PART},
    "ar": {"360": ("tablet-older", "phone", "parents"), "1024": ("tablet-younger",)},
    "ti": {"360": ("tablet-younger", "phone-older"), "1024": ("tablet-older", "parents")},
}
# The fewest screens each part shows today (a step that stops being reached shows here).
FEWEST = {"tablet-younger": 40, "tablet-older": 49, "phone": 42, "phone-older": 50, "parents": 11}
SCREENS = Path(os.environ.get("VOICE_APP_SCREENS", PROJECT_ROOT / "test-results" / "screens"))


def _raw_codes() -> set[str]:
    """Words that are codes, never words: language tags, underscored enum values, hyphenated question ids."""
    codes = {
        lang.code for lang in LANGUAGES if lang.code not in {"cy", "pl", "ro", "uk", "ar", "fa", "ps"}
    }  # two-letter tags that are also words stay out
    codes |= {"en-GB", "ckb", "ti"}
    for _, kind in inspect.getmembers(models, inspect.isclass):
        if issubclass(kind, enum.Enum):
            codes |= {str(member.value) for member in kind if "_" in str(member.value)}
    codes |= {question.id for question in default_bank().questions if "-" in question.id}
    return codes


RAW_CODES = _raw_codes()

# One script, run in the page: the problems it finds, as short strings.
LOOK = r"""
([codes, smallest]) => {
  const problems = [];
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && !e.closest('[hidden]'); };
  const name = (e) => (e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')).slice(0, 80)
    + ' "' + (e.innerText || e.value || '').trim().slice(0, 30) + '"';
  // 1. The browser's own look: Chromium draws unstyled buttons grey (239,239,239) with an outset border, inputs with an inset one.
  for (const e of document.querySelectorAll('button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea')) {
    if (!visible(e)) continue;
    const s = getComputedStyle(e);
    if (s.borderTopStyle === 'outset' || s.borderTopStyle === 'inset' || (e.tagName === 'BUTTON' && s.backgroundColor === 'rgb(239, 239, 239)'))
      problems.push('browser look: ' + name(e));
  }
  // 2. The browser's default list indent.
  for (const e of document.querySelectorAll('ul, ol')) {
    if (visible(e) && getComputedStyle(e).paddingInlineStart === '40px') problems.push('default 40px list indent: ' + name(e));
  }
  // 3. Wider than the page, or than its own box.
  const page = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > page + 1) {
    // Name the innermost things that reach past the page's edge: where the fix goes.
    const past = [...document.querySelectorAll('body *')].filter((e) => visible(e) && e.getBoundingClientRect().right > page + 1);
    const innermost = past.filter((e) => !past.some((other) => other !== e && e.contains(other))).slice(0, 2).map(name);
    problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px, by ' + innermost.join(', '));
  }
  for (const e of document.querySelectorAll('main button, main a, main label, main h1, main h2, main p, main td, main dd')) {
    if (!visible(e)) continue;
    const s = getComputedStyle(e);
    if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) continue;
    if (e.scrollWidth > e.clientWidth + 2 && s.display !== 'inline') problems.push('overflows its box: ' + name(e));
  }
  // 4. Raw codes among the visible words.
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const holder = node.parentElement;
    if (!holder || !visible(holder) || holder.closest('script, style, code, .govuk-visually-hidden')) continue;
    for (const w of node.textContent.split(/[\s,.;:()“”"'!?·]+/)) if (codes.includes(w)) problems.push('raw code shown: ' + w + ' in ' + name(holder));
  }
  // 5. Targets under 44 x 44 px; a link inside a sentence is exempt (WCAG 2.5.8).
  for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary')) {
    if (!visible(e)) continue;
    let target = e;
    if ((e.type === 'radio' || e.type === 'checkbox') && e.labels && e.labels.length) target = e.labels[0];
    const r = target.getBoundingClientRect();
    if (r.width >= smallest && r.height >= smallest) continue;
    if (e.tagName === 'A' && getComputedStyle(e).display === 'inline') {
      const block = e.parentElement;
      const text = (block.innerText || '').replace(e.innerText || '', '').trim();
      if (text.length > 0) continue;  // inline in a sentence or a line of text
    }
    if (e.closest('.govuk-skip-link, .govuk-footer, .govuk-header')) continue;  // GOV.UK's own furniture, outside our pages
    problems.push('target ' + Math.round(r.width) + 'x' + Math.round(r.height) + ': ' + name(e));
  }
  return [...new Set(problems)];
}
"""


class Walk:
    """Looks at each page it is given, saves a screenshot and keeps the problems found."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.seen: list[str] = []
        SCREENS.mkdir(parents=True, exist_ok=True)

    def look(self, page, label: str, *, element: str | None = None) -> None:
        page.wait_for_load_state()
        page.evaluate("() => document.fonts && document.fonts.ready")
        # Read-aloud shows only where the browser can speak; show it, so its look is checked too.
        page.evaluate("() => document.querySelectorAll('[data-read-aloud], [data-speak]').forEach(e => e.hidden = false)")
        smallest = 24 if any(f"-{who}-" in label for who in ("iro", "manager", "admin", "practitioner", "staff")) else 44
        found = page.evaluate(LOOK, [sorted(RAW_CODES), smallest])
        path = str(SCREENS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', label)}.png")
        if element:
            page.locator(element).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
        self.seen.append(label)
        if found:
            self.problems[label] = found

    def report(self) -> str:
        return "\n".join(f"{label}:\n  " + "\n  ".join(found) for label, found in self.problems.items())

    def passed(self) -> None:
        assert not self.problems, (
            f"{len(self.problems)} of {len(self.seen)} screens have problems (screenshots in {SCREENS}):\n{self.report()}"
        )


@pytest.fixture
def world(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    make.staff(Role.MANAGER, name="Mo Manager", email="mo@example.org")
    make.staff(Role.ADMIN, name="Ade Admin", email="ade@example.org")
    children, visits = {}, {}
    for code, (first, second) in zip(CHILD_LANGUAGES, (("Ana", "Ben"), ("Amal", "Bilal"), ("Tesfay", "Bereket")), strict=True):
        younger = make.child(iro, name=first, date_of_birth=date.today() - timedelta(days=8 * 366), preferred_language=code)
        older = make.child(
            iro, name=second, date_of_birth=date.today() - timedelta(days=14 * 366), preferred_language=code, on_cp_plan=True
        )
        # The older child's last review was held: the tablet can first ask how it went.
        make.review(older, days_ahead=-100, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=100))
        for child in (younger, older):
            review = make.review(child)
            # One visit for each width, so each width walks a conversation of its own from the first question.
            visits[child.id] = {size: make.visit(review, iro=iro) for size in SIZES}
        children[code] = (younger, older)
    parent_child = make.child(iro, name="Cal", on_cp_plan=True)
    feedback = link(db, conference(make, parent_child), by=iro)
    upcoming = conference(make, parent_child, day=date.today() + timedelta(days=10), status=ReviewStatus.SCHEDULED)
    invited = invite(
        db, review=upcoming, child=parent_child, email="sam.worker@example.org", name="Sam Worker",
        profession=Profession.SOCIAL_WORKER, organisation="Riverside team", invited_by=iro,
    )
    db.commit()
    done = make.visit(
        make.review(children["en-GB"][0], days_ahead=40),
        iro=iro,
        status=VisitStatus.DONE,
        held_on=date.today(),
        method=VisitMethod.FACE_TO_FACE,
    )
    statement = make_statement(db, child=children["en-GB"][0], visit=done, answers=EVERY_KIND)
    return dict(
        iro=iro, children=children, visits=visits, feedback=feedback, done=done, statement=statement, upcoming=upcoming,
        invited=invited, parent_child=parent_child,
    )


def _answer_step(step, kind: str) -> None:
    """Give the step an answer as a child would: the first picture, a number, or a few words."""
    if kind in ("recap", "stop"):
        step.locator("button.button-main").click()
    elif kind == "sharing":
        step.locator("button.card").first.click()
    elif step.locator("button.card[name=choice]").count():
        step.locator("button.card[name=choice]").first.click()
    elif step.locator("button.scale__n").count():
        step.locator("button.scale__n").nth(7).click()
    else:
        if step.locator("label.scale__n").count():
            step.locator("label.scale__n").nth(7).click()
        elif step.locator("label.card").count():
            step.locator("label.card").first.click()
        if step.locator("textarea").count():
            step.locator("textarea").fill("…")
        step.locator("button.button-main").click()


def _conversation(page, walk: Walk, tag: str) -> None:
    """Every step of a conversation, each answered with its first picture, to the end."""
    for n in range(120):
        step = page.locator("#step")
        expect(step).to_be_visible()
        kind = step.get_attribute("data-kind") or ""
        walk.look(page, f"{tag}-{n:02d}-{step.get_attribute('data-question') or kind}", element="#step")
        if kind == "done":
            return
        step.evaluate("e => e.setAttribute('data-walked', '')")
        _answer_step(step, kind)
        expect(page.locator("#step:not([data-walked])")).to_have_count(1)  # htmx swapped in the next step
    raise AssertionError(f"{tag}: the conversation never ended")


def _tablet(page, live_url, walk: Walk, child, visit, *, version: str, tag: str) -> None:
    """Hand the tablet over in the child's language, with every part, and look at every step to the end."""
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/visits/{visit.id}/hand-over")
    page.get_by_label(version).check()
    page.get_by_label("Their views, then the Child's Menu").check()
    page.get_by_label("Add “What happens at my meeting”", exact=False).check()
    page.get_by_role("button", name=f"Start: hand the tablet to {child.preferred_name}").click()
    expect(page.locator("#step")).to_be_visible()
    walk.look(page, f"{tag}-tablet-{version.lower()}-first")
    _conversation(page, walk, f"{tag}-tablet-{version.lower()}")
    page.locator("#step a[href$='/give-back']").click()
    walk.look(page, f"{tag}-tablet-{version.lower()}-give-back")
    page.context.clear_cookies()


def _phone(page, live_url, db, walk: Walk, world, child, *, tag: str) -> None:
    code = new_code(db, child=child, iro=world["iro"])
    page.goto(f"{live_url}/phone/join")
    walk.look(page, f"{tag}-phone-join")
    page.locator("input[name=code]").fill(code)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_url}/phone/secret?kind=pictures")
    walk.look(page, f"{tag}-phone-secret")
    for n, name in enumerate(("football", "music", "pet"), 1):
        page.locator(f"label[for='picture{n}-{name}']").click()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/phone/$"))
    walk.look(page, f"{tag}-phone-home")
    for kind in ("feeling", "good", "talk", "wrong"):
        page.goto(f"{live_url}/phone/tell/{kind}")
        walk.look(page, f"{tag}-phone-tell-{kind}")
    page.locator("label[for='safety-not_safe']").click()
    page.locator("form button[type=submit]").last.click()
    walk.look(page, f"{tag}-phone-sent-not-safe")
    page.goto(f"{live_url}/phone/tell/good")
    page.locator("textarea").first.fill("…")
    page.locator("form button[type=submit]").last.click()
    walk.look(page, f"{tag}-phone-sent")
    page.goto(f"{live_url}/phone/replies")
    walk.look(page, f"{tag}-phone-replies")
    # Getting ready for the next meeting, on the phone: the Child's Menu, step by step.
    page.goto(f"{live_url}/phone/")
    page.locator("form button.button-main").first.click()
    _conversation(page, walk, f"{tag}-phone-meeting")
    page.goto(f"{live_url}/phone/off")
    walk.look(page, f"{tag}-phone-off")
    page.locator("main form button[type=submit]").last.click()
    walk.look(page, f"{tag}-phone-ended")
    page.context.clear_cookies()


def _parents(page, live_url, walk: Walk, world, *, code: str, tag: str) -> None:
    """Every step of the questionnaire, in the parent's language, to the thank-you page."""
    token = world["feedback"].token
    page.goto(f"{live_url}/p/{token}?lang={code}")
    walk.look(page, f"{tag}-parents-start")
    page.locator("main form button[type=submit]").first.click()
    for n in range(20):
        main = page.locator("main")
        if page.locator("#thanks-title").count():
            walk.look(page, f"{tag}-parents-thanks")
            break
        if main.locator("button[name=answer]").count():
            walk.look(page, f"{tag}-parents-{n:02d}-question")
            main.locator("button[name=answer]").first.click()
            continue
        name = "check" if page.locator("#check-title").count() else "words"
        walk.look(page, f"{tag}-parents-{n:02d}-{name}")
        if main.locator("input[type=radio]").count():
            main.locator("input[type=radio]").first.check()
        main.locator("form button[type=submit]").last.click()
    else:
        raise AssertionError(f"{tag}: the questionnaire never ended")
    page.goto(f"{live_url}/p/not-a-link?lang={code}")
    walk.look(page, f"{tag}-parents-closed")
    page.context.clear_cookies()


def _staff_pages(world) -> dict[str, list[tuple[str, str]]]:
    child = world["children"]["en-GB"][0]
    statement, done, upcoming = world["statement"], world["done"], world["upcoming"]
    review = world["feedback"].review_id
    return {
        "jo@example.org": [
            ("iro-caseload", "/caseload"),
            ("iro-child", f"/children/{child.id}"),
            ("iro-hand-over", f"/visits/{world['visits'][child.id]['360'].id}/hand-over"),
            ("iro-record-visit", f"/visits/{done.id}/record"),
            ("iro-record-review", f"/reviews/{done.review_id}/record"),
            ("iro-letter", f"/children/{child.id}/letter"),
            ("iro-statement", f"/statements/{statement.id}"),
            ("iro-statement-response", f"/statements/{statement.id}/responses/feel-today"),
            ("iro-statement-release", f"/statements/{statement.id}/release"),
            ("iro-invite-practitioners", f"/conferences/{upcoming.id}/practitioners"),
            ("iro-feedback-conferences", "/feedback/conferences"),
            ("iro-feedback-conference", f"/feedback/conferences/{review}"),
            ("iro-feedback-paper", f"/feedback/conferences/{review}/paper"),
            ("iro-feedback-card", f"/feedback/links/{world['feedback'].id}/card"),
            ("iro-long-plans", "/plans-over-a-year"),
            ("iro-escalations", "/escalations"),
            ("iro-profile", "/profile"),
            ("iro-sessions", "/account/sessions"),
            ("iro-password", "/account/password"),
            ("iro-two-factor", "/account/two-factor"),
            ("iro-two-factor-set-up", "/account/two-factor/set-up"),
            ("iro-away", "/account/away"),
            ("iro-credits", "/credits"),
        ],
        "mo@example.org": [
            ("manager-caseload", "/caseload"),
            ("manager-child-audit", f"/children/{child.id}/audit"),
            ("manager-reports", "/reports/"),
            ("manager-escalations", "/escalations"),
            ("manager-feedback-results", "/feedback/results"),
            ("manager-feedback-questions", "/feedback/questions"),
            ("manager-you-said-we-did", "/feedback/you-said-we-did"),
            ("manager-records", "/records"),
            ("manager-record", f"/records/children/{child.id}"),
        ],
        "ade@example.org": [
            ("admin-staff", "/admin/staff"),
            ("admin-new-staff", "/admin/staff/new"),
            ("admin-service-contact", "/admin/service-contact"),
            ("admin-single-sign-on", "/admin/single-sign-on"),
            ("admin-two-factor", "/admin/two-factor"),
        ],
    }


def test_every_staff_and_practitioner_page_looks_finished(browser, live_url, world):
    walk = Walk()
    context = browser.new_context(viewport=SIZES["360"], has_touch=True, locale="en-GB")
    page = context.new_page()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"{live_url}/sign-in")
        walk.look(page, f"{size}-en-GB-staff-sign-in")
        for email, pages in _staff_pages(world).items():
            sign_in(page, live_url, email, PASSWORD)
            for name, path in pages:
                response = page.goto(f"{live_url}{path}")
                walk.look(page, f"{size}-en-GB-{name}")
                if response is None or not response.ok:
                    walk.problems.setdefault(f"{size}-en-GB-{name}", []).append(f"{path} answered {response and response.status}")
            page.context.clear_cookies()
        # The invited practitioner: the link, their page, and setting up the hand-over to the child.
        if size == "360":
            page.goto(f"{live_url}/practitioner/join/{world['invited'].token}")
            walk.look(page, f"{size}-en-GB-practitioner-join")
            page.locator("input[type=password]").nth(0).fill(PASSWORD)
            page.locator("input[type=password]").nth(1).fill(PASSWORD)
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_url(re.compile(r"/practitioner/$"))
        else:
            sign_in(page, live_url, "sam.worker@example.org", PASSWORD)
        page.goto(f"{live_url}/practitioner/")
        walk.look(page, f"{size}-en-GB-practitioner-home")
        page.goto(f"{live_url}/practitioner/invitations/{world['invited'].invitation.id}/hand-over")
        walk.look(page, f"{size}-en-GB-practitioner-hand-over")
        page.context.clear_cookies()
    context.close()
    assert len(walk.seen) >= 80, walk.seen
    walk.passed()


@pytest.mark.parametrize("code", CHILD_LANGUAGES)
def test_every_child_and_parent_screen_looks_finished(browser, live_url, db, world, code):
    """One browser session for the language; its widths (WIDTHS) in it."""
    walk = Walk()
    context = browser.new_context(viewport=SIZES["360"], has_touch=True, locale="en-GB")
    page = context.new_page()
    younger, older = world["children"][code]
    fewest = 0
    for size, parts in WIDTHS[code].items():
        page.set_viewport_size(SIZES[size])
        tag = f"{size}-{code}"
        for part in parts:
            if part == "tablet-younger":
                _tablet(page, live_url, walk, younger, world["visits"][younger.id][size], version="Younger", tag=tag)
            elif part == "tablet-older":
                _tablet(page, live_url, walk, older, world["visits"][older.id][size], version="Older", tag=tag)
            elif part.startswith("phone"):
                # A phone of each child: getting ready for the meeting starts afresh on each. English joins the
                # younger child's at 360 px and the older's at 1024 px.
                if code == "en-GB" and size == "1024":
                    part = "phone-older"
                _phone(page, live_url, db, walk, world, older if part == "phone-older" else younger, tag=tag)
            else:
                _parents(page, live_url, walk, world, code=code, tag=tag)
            fewest += FEWEST[part]
    context.close()
    assert len(walk.seen) >= fewest, (len(walk.seen), fewest)
    walk.passed()
