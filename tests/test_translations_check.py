"""scripts/translations check: stale means a different meaning, never a different Babel version."""

from __future__ import annotations

import importlib.machinery
import shutil
import types
from pathlib import Path

import babel.messages.catalog
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tr(tmp_path, monkeypatch) -> types.ModuleType:
    """The translations script working on a copy of the Welsh and Arabic catalogues."""
    loader = importlib.machinery.SourceFileLoader("translations_script", str(ROOT / "scripts" / "translations"))
    module = types.ModuleType(loader.name)
    module.__file__ = loader.path
    loader.exec_module(module)
    for locale in ("cy", "ar"):
        shutil.copytree(ROOT / "translations" / locale, tmp_path / locale)
    monkeypatch.setattr(module, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def po_of(tr, locale: str) -> Path:
    return tr.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def edit_po(tr, locale: str, old: str, new: str) -> None:
    po = po_of(tr, locale)
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_committed_catalogues_pass(tr):
    assert tr.check() == 0


def test_a_catalogue_compiled_by_another_babel_version_is_not_stale(tr, monkeypatch):
    before = po_of(tr, "cy").with_suffix(".mo").read_bytes()
    monkeypatch.setattr(babel.messages.catalog, "VERSION", "99.0.0")
    tr.compile_all()
    after = po_of(tr, "cy").with_suffix(".mo").read_bytes()
    assert b"Generated-By: Babel 99.0.0" in after
    assert after != before
    assert tr.check() == 0


def test_a_missing_catalogue_is_reported(tr, capsys):
    po_of(tr, "ar").with_suffix(".mo").unlink()
    assert tr.check() == 1
    assert "ar/LC_MESSAGES/messages.mo is missing or stale" in capsys.readouterr().err


def test_a_changed_translation_makes_the_catalogue_stale(tr, capsys):
    edit_po(tr, "cy", 'msgid "Continue"\nmsgstr "Parhau"', 'msgid "Continue"\nmsgstr "Ymlaen"')
    assert tr.check() == 1
    assert "cy/LC_MESSAGES/messages.mo" in capsys.readouterr().err


def test_a_changed_placeholder_makes_the_catalogue_stale(tr):
    po = po_of(tr, "cy")
    text = po.read_text(encoding="utf-8")
    marker = text.index("%(name)s", text.index('msgstr "', text.index("%(name)s")))
    po.write_text(text[:marker] + "%(nam)s" + text[marker + len("%(name)s"):], encoding="utf-8")
    assert tr.check() == 1


def test_a_changed_plural_rule_makes_the_catalogue_stale(tr):
    po = po_of(tr, "ar")
    text = po.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms: ')
    end = text.index('\\n"', start)
    po.write_text(text[:start] + '"Plural-Forms: nplurals=2; plural=(n != 1);' + text[end:], encoding="utf-8")
    assert tr.check() == 1


def test_a_changed_context_makes_the_catalogue_stale(tr):
    edit_po(tr, "cy", 'msgctxt "term"', 'msgctxt "word"')
    assert tr.check() == 1


def test_a_fuzzy_translation_is_left_out_as_before(tr):
    """A translation marked fuzzy is not used, so marking one fuzzy changes the meaning."""
    edit_po(tr, "cy", '\nmsgid "Continue"\n', '\n#, fuzzy\nmsgid "Continue"\n')
    assert tr.check() == 1
