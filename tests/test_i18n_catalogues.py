"""Every catalogue: complete for the child's and parents' pages, placeholders intact, marked as a draft, and terms switchable."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from voice_app.i18n import LANGUAGES
from voice_app.i18n.terms import TERM_CHOICES

pytestmark = pytest.mark.any_database(reason="the translation catalogues' contents")

pytest_plugins = ["tests.child_support"]  # the hand_over fixture

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SCRIPT = ROOT / "scripts" / "translations"

# Where the strings children and parents see come from (staff pages may stay English).
CHILD_AND_PARENT_SOURCES = (
    "templates/child/",
    "templates/parents/",
    "templates/components/read_aloud.html",
    "templates/handover/",
    "voice_app/child/",
    "voice_app/parents/questionnaire/",  # the parents' side; the staff pages (parents/staff/) stay English
    "templates/phone/",  # the child's own phone
    "voice_app/phone/",
    "voice_app/parents/questions.py",
    "voice_app/questions/",
    "voice_app/i18n/terms.py",
)
# A translation may leave out a term's placeholder only where the language has no word to choose
# (both English choices translate the same). None of the shipped catalogues needs this yet:
# add ("locale", "msgid", "term") here, with a reason, when a reviewer does.
TERM_DROPS_ALLOWED: set[tuple[str, str, str]] = set()

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
TRANSLATED = [lang for lang in LANGUAGES if lang.code != "en-GB"]


@pytest.fixture(scope="module")
def located_messages(tmp_path_factory):
    """Extract the messages again, keeping their locations (the committed .pot has none)."""
    pot = tmp_path_factory.mktemp("pot") / "located.pot"
    code = (
        "import importlib.machinery, sys;"
        f"m = importlib.machinery.SourceFileLoader('tr', {str(SCRIPT)!r}).load_module();"
        "from babel.messages.frontend import CommandLineInterface;"
        "CommandLineInterface().run(['pybabel', '-q', 'extract', '-F', str(m.ROOT / 'babel.cfg'), *m.KEYWORDS,"
        f" '-o', {str(pot)!r}, '.'])"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    with pot.open("rb") as handle:
        return list(read_po(handle))


@pytest.fixture(scope="module")
def child_and_parent_messages(located_messages):
    chosen = [m for m in located_messages if m.id and any(f.startswith(CHILD_AND_PARENT_SOURCES) for f, _ in m.locations)]
    return chosen


def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_child_and_parent_sources_are_found(child_and_parent_messages):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in child_and_parent_messages}
    # One from each kind of source, so a moved folder cannot quietly empty the set.
    for expected in ("Read it to me", "Who do you live with?", "Start now", "Strongly agree", "We couldn't find that page.", "placement"):
        assert expected in ids
    assert len(ids) > 250


@pytest.mark.parametrize("lang", TRANSLATED, ids=lambda lang: lang.code)
def test_every_string_the_child_and_parents_see_is_translated(lang, child_and_parent_messages):
    translated = catalogue(lang.locale)
    missing = []
    for wanted in child_and_parent_messages:
        message = translated.get(wanted.id, context=wanted.context)
        strings = message.string if message and isinstance(message.string, tuple) else ((message.string,) if message else ("",))
        if not message or message.fuzzy or not all(s.strip() for s in strings):
            missing.append(wanted.id)
    assert not missing, f"{lang.locale} is missing {len(missing)} strings, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED, ids=lambda lang: lang.code)
def test_no_translation_adds_drops_or_changes_a_placeholder(lang):
    translated = catalogue(lang.locale)
    broken = []
    for message in translated:
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        wanted = set().union(*(placeholders(i) for i in ids))
        for string in (message.string,) if isinstance(message.string, str) else message.string:
            got = placeholders(string)
            dropped = {name for name in wanted - got if (lang.locale, ids[0], name) not in TERM_DROPS_ALLOWED}
            if got - wanted or dropped or string.count("%") != len(PLACEHOLDER.findall(string)):
                broken.append((ids[0], string))
    assert not broken, f"{lang.locale}: placeholders differ in {broken[:3]}"


@pytest.mark.parametrize("lang", TRANSLATED, ids=lambda lang: lang.code)
def test_catalogue_headers_name_the_language_and_say_it_is_a_draft(lang):
    po = TRANSLATIONS / lang.locale / "LC_MESSAGES" / "messages.po"
    header = po.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"X-Voice-App-Review: draft - machine-drafted, not yet reviewed by a native speaker\\n"' in header
    translated = catalogue(lang.locale)
    assert str(translated.locale) == lang.locale
    assert translated.num_plurals >= 1 and "Plural-Forms" in header


@pytest.mark.parametrize("lang", TRANSLATED, ids=lambda lang: lang.code)
def test_each_terms_both_choices_are_translated(lang):
    translated = catalogue(lang.locale)
    for choices in TERM_CHOICES.values():
        for word in choices:
            message = translated.get(word, context="term")
            assert message is not None and message.string.strip(), (lang.locale, word)


def test_the_update_command_keeps_the_draft_mark(tmp_path, monkeypatch):
    import importlib.machinery

    module = importlib.machinery.SourceFileLoader("translations_script", str(SCRIPT)).load_module()
    po = tmp_path / "messages.po"
    po.write_text((TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8").replace(module.DRAFT, "reviewed by R. Jones, 2026-11"), encoding="utf-8")
    assert module.review_mark(po) == "reviewed by R. Jones, 2026-11"
    module.set_review_mark(po, module.DRAFT)
    assert module.review_mark(po) == module.DRAFT
    with po.open("rb") as handle:
        assert len(read_po(handle)) > 250  # still a valid catalogue


def test_the_terminology_file_changes_the_words_a_child_sees(hand_over, tmp_path, monkeypatch, db):
    terms = tmp_path / "terms.toml"
    terms.write_text('[terms]\nmum = "Mam"\n')
    tablet = hand_over()
    before = html.unescape(tablet.client.get(tablet.url("/questions/home-people")).get_data(as_text=True))
    assert "Mum" in before and "Mam" not in before
    monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(terms))  # a new path, so current_terms() reads it afresh
    after = html.unescape(tablet.client.get(tablet.url("/questions/home-people")).get_data(as_text=True))
    assert "Mam" in after and ">Mum<" not in after


def test_the_terminology_file_changes_the_words_in_welsh_too(hand_over, tmp_path, monkeypatch):
    terms = tmp_path / "terms.toml"
    terms.write_text('[terms]\nfamily_time = "contact"\n')
    tablet = hand_over()
    tablet.client.post(tablet.url("/language"), {"language": "cy"})
    question = "/questions/family-time"
    before = html.unescape(tablet.client.get(tablet.url(question)).get_data(as_text=True))
    monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(terms))
    after = html.unescape(tablet.client.get(tablet.url(question)).get_data(as_text=True))
    assert "amser teulu" in before and "cyswllt" in after and "amser teulu" not in after
