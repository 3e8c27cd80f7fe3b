"""Languages voice-app speaks to children and parents, and switching to one for a request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import g
from flask_babel import refresh


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as stored on the child and the statement
    locale: str  # Babel's name for it
    native_name: str  # shown to the child in its own name and script
    english_name: str
    direction: str  # ltr or rtl


LANGUAGES: tuple[Language, ...] = (
    Language("en-GB", "en_GB", "English", "English", "ltr"),
    Language("cy", "cy", "Cymraeg", "Welsh", "ltr"),
    Language("ar", "ar", "العربية", "Arabic", "rtl"),
    Language("fa", "fa", "فارسی", "Farsi (Persian)", "rtl"),
    Language("ps", "ps", "پښتو", "Pashto", "rtl"),
    Language("ckb", "ckb", "کوردیی ناوەندی", "Kurdish (Sorani)", "rtl"),
    Language("ti", "ti", "ትግርኛ", "Tigrinya", "ltr"),
    Language("pl", "pl", "Polski", "Polish", "ltr"),
    Language("ro", "ro", "Română", "Romanian", "ltr"),
    Language("uk", "uk", "Українська", "Ukrainian", "ltr"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = LANGUAGES[0]


def language(code: str | None) -> Language:
    """The shipped language with this code, or English when it is unknown."""
    return BY_CODE.get(code or "", DEFAULT)


def language_name(code: str | None, reader: str | None = None) -> str:
    """A language tag ("ti", "en-GB") as its name in the reader's language ("Tigrinya"), never the raw tag.

    `reader` is a Babel locale name ("en_GB", "ar"); without it, the request's locale (English outside a request).
    An unknown tag falls back to the shipped list's English name, and only a tag nobody knows is shown as it is.
    """
    from babel import Locale, UnknownLocaleError

    if not code:
        return ""
    if reader is None:
        try:
            from flask_babel import get_locale

            reader = str(get_locale() or "en_GB")
        except RuntimeError:  # outside a request (the CLI, a PDF made by a job)
            reader = "en_GB"
    try:
        name = Locale.parse(code, sep="-" if "-" in code else "_").get_language_name(reader)
    except (ValueError, UnknownLocaleError):
        name = None
    if not name:
        known = BY_CODE.get(code)
        return known.english_name if known else code
    return name[:1].upper() + name[1:]


def use_language(code: str | None) -> Language:
    """Speak this language for the rest of the request (child and parent pages only)."""
    chosen = language(code)
    g.locale = chosen.locale
    refresh()  # Flask-Babel caches the locale per request; drop it so the new one applies
    return chosen


TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "translations"


@lru_cache(maxsize=1)
def shipped_languages() -> tuple[Language, ...]:
    """English, plus each language whose compiled catalogue is installed."""
    return tuple(
        lang
        for lang in LANGUAGES
        if lang.code == DEFAULT.code or (TRANSLATIONS / lang.locale / "LC_MESSAGES" / "messages.mo").is_file()
    )
