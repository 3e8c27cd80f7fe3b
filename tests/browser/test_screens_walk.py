"""A look at every screen, in the suite (issue 28): what a person sees, not only what axe-core reads.

The walk opens the screens a child (on the IRO's tablet, younger and older, and on their own phone), a parent
and the staff reach, at 360 px and 1024 px wide, in English, Arabic and Tigrinya (the staff pages are English
only, so they are walked in English), and fails when:

- a control keeps the browser's own look (a grey bevelled button, an inset input: no style of ours reached it);
- a list keeps the browser's default 40 px indent;
- the page, or text or a control in it, is wider than its box (scrollWidth over clientWidth);
- a visible word is a raw code: a language tag, an enum value with an underscore, a question id;
- a target is smaller than 44 x 44 px on a child's or a parent's screen (WCAG 2.5.5), or 24 x 24 px on a staff
  page (WCAG 2.5.8, the size GOV.UK Frontend's radios and links are built to); links inside a sentence excepted.

Every screen is saved as a PNG under test-results/screens/ (or $VOICE_APP_SCREENS) for a person to look
through: README.md, "Looking at every screen".
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
from voice_app.config import PROJECT_ROOT
from voice_app.i18n import LANGUAGES
from voice_app.models import Role, VisitMethod, VisitStatus
from voice_app.questions.bank import default_bank

SIZES = {"360": {"width": 360, "height": 740}, "1024": {"width": 1024, "height": 768}}
CHILD_LANGUAGES = ("en-GB", "ar", "ti")
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
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  for (const e of document.querySelectorAll('main button, main a, main label, main h1, main h2, main p, main td, main dd')) {
    if (!visible(e)) continue;
    const s = getComputedStyle(e);
    if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) continue;
    if (e.scrollWidth > e.clientWidth + 2 && s.display !== 'inline') problems.push('overflows its box: ' + name(e));
  }
  // 4. Raw codes among the visible words.
  const words = (document.body.innerText || '').split(/[\s,.;:()“”"'!?·]+/);
  for (const w of words) if (codes.includes(w)) problems.push('raw code shown: ' + w);
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

    def look(self, page, label: str) -> None:
        page.wait_for_load_state()
        page.evaluate("() => document.fonts && document.fonts.ready")
        smallest = 24 if "-iro-" in label or "-manager-" in label else 44
        found = page.evaluate(LOOK, [sorted(RAW_CODES), smallest])
        page.screenshot(path=str(SCREENS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', label)}.png"), full_page=True)
        self.seen.append(label)
        if found:
            self.problems[label] = found

    def report(self) -> str:
        return "\n".join(f"{label}:\n  " + "\n  ".join(found) for label, found in self.problems.items())


@pytest.fixture
def world(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    make.staff(Role.MANAGER, name="Mo Manager", email="mo@example.org")
    children = {}
    for code, (first, second) in zip(CHILD_LANGUAGES, (("Ana", "Ben"), ("Amal", "Bilal"), ("Tesfay", "Bereket")), strict=True):
        younger = make.child(iro, name=first, date_of_birth=date.today() - timedelta(days=8 * 366), preferred_language=code)
        older = make.child(
            iro, name=second, date_of_birth=date.today() - timedelta(days=14 * 366), preferred_language=code, on_cp_plan=True
        )
        for child in (younger, older):
            make.visit(make.review(child), iro=iro)
        children[code] = (younger, older)
    parent_child = make.child(iro, name="Cal", on_cp_plan=True)
    feedback = link(db, conference(make, parent_child), by=iro)
    done = make.visit(
        make.review(children["en-GB"][0], days_ahead=40),
        iro=iro,
        status=VisitStatus.DONE,
        held_on=date.today(),
        method=VisitMethod.FACE_TO_FACE,
    )
    return dict(iro=iro, children=children, feedback=feedback, done=done)


def _tablet(page, live_url, walk: Walk, child, *, version: str, tag: str) -> None:
    """Hand the tablet over in the child's language and look at the first questions of the conversation."""
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{child.id}")
    page.get_by_role("link", name=f"Hand the tablet to {child.preferred_name}").first.click()
    page.get_by_label(version).check()
    page.get_by_role("button", name=f"Start: hand the tablet to {child.preferred_name}").click()
    expect(page.locator("#step")).to_be_visible()
    for n in range(3):
        walk.look(page, f"{tag}-tablet-{version.lower()}-{n}")
        step = page.locator("#step")
        before = page.locator("#question-title").inner_text()
        if step.locator("button.card[name=choice]").count():
            step.locator("button.card[name=choice]").first.click()
        elif step.locator("label.card").count():
            step.locator("label.card").first.click()
            step.locator("button.button-main").click()
        else:
            break
        expect(page.locator("#question-title")).not_to_have_text(before)
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
    for kind in ("feeling", "wrong"):
        page.goto(f"{live_url}/phone/tell/{kind}")
        walk.look(page, f"{tag}-phone-tell-{kind}")
    page.locator("label[for^='safety-'][for$='not_safe'], label[for='safety-not_safe']").first.click()
    page.locator("form button[type=submit]").last.click()
    walk.look(page, f"{tag}-phone-sent-not-safe")
    page.goto(f"{live_url}/phone/replies")
    walk.look(page, f"{tag}-phone-replies")
    page.context.clear_cookies()


def _parents(page, live_url, walk: Walk, world, *, code: str, tag: str) -> None:
    token = world["feedback"].token
    page.goto(f"{live_url}/p/{token}?lang={code}")
    walk.look(page, f"{tag}-parents-start")
    page.locator("form button[type=submit]").first.click()
    walk.look(page, f"{tag}-parents-question")
    page.context.clear_cookies()


def _staff(page, live_url, walk: Walk, world, *, tag: str) -> None:
    child = world["children"]["en-GB"][0]
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    for name, path in (
        ("caseload", "/caseload"),
        ("child", f"/children/{child.id}"),
        ("record-visit", f"/visits/{world['done'].id}/record"),
        ("letter", f"/children/{child.id}/letter"),
        ("sessions", "/account/sessions"),
        ("two-factor", "/account/two-factor"),
        ("away", "/account/away"),
    ):
        page.goto(f"{live_url}{path}")
        walk.look(page, f"{tag}-iro-{name}")
    page.context.clear_cookies()
    sign_in(page, live_url, "mo@example.org", PASSWORD)
    page.goto(f"{live_url}/caseload")
    walk.look(page, f"{tag}-manager-caseload")
    page.context.clear_cookies()


def test_every_screen_looks_finished(browser, live_url, db, world):
    walk = Walk()
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB")
        page = context.new_page()
        for code in CHILD_LANGUAGES:
            tag = f"{size}-{code}"
            younger, older = world["children"][code]
            _tablet(page, live_url, walk, younger, version="Younger", tag=tag)
            _tablet(page, live_url, walk, older, version="Older", tag=tag)
            _phone(page, live_url, db, walk, world, younger, tag=tag)
            _parents(page, live_url, walk, world, code=code, tag=tag)
        _staff(page, live_url, walk, world, tag=f"{size}-en-GB")
        context.close()
    assert len(walk.seen) >= 80, walk.seen
    assert not walk.problems, (
        f"{len(walk.problems)} of {len(walk.seen)} screens have problems (screenshots in {SCREENS}):\n{walk.report()}"
    )
