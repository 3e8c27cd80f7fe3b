"""A service's own words for a handful of terms, used wherever children and parents read them.

Sentences that contain a term carry a placeholder, e.g. "Who lives with you at %(home)s?", and are
translated with `tgettext`, which fills every term in (lower case, and capitalised as %(Home)s).
The words themselves are translated with the context "term", so each language has both choices.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext, lazy_pgettext, pgettext

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "terms.toml"

# Each term: the choices a service may make, first one the default. Strings marked for extraction.
TERM_CHOICES: dict[str, tuple[str, ...]] = {
    "cared_for": ("cared for", "looked after"),
    "home": ("home", "placement"),
    "family_time": ("family time", "contact"),
    "mum": ("Mum", "Mam"),
    "iro": ("IRO", "reviewing officer"),
    "care_experienced": ("care experienced", "care leaver"),
}
_FOR_EXTRACTION = (
    lazy_pgettext("term", "cared for"),
    lazy_pgettext("term", "looked after"),
    lazy_pgettext("term", "home"),
    lazy_pgettext("term", "placement"),
    lazy_pgettext("term", "family time"),
    lazy_pgettext("term", "contact"),
    lazy_pgettext("term", "Mum"),
    lazy_pgettext("term", "Mam"),
    lazy_pgettext("term", "IRO"),
    lazy_pgettext("term", "reviewing officer"),
    lazy_pgettext("term", "care experienced"),
    lazy_pgettext("term", "care leaver"),
)


class TermsError(ValueError):
    """The terminology file names an unknown term or a word that is not one of its choices."""


def load_terms(path: Path | None = None) -> dict[str, str]:
    """Read a terminology file (VOICE_APP_TERMS_FILE or the shipped one) and check every choice."""
    path = path or Path(os.environ.get("VOICE_APP_TERMS_FILE") or DEFAULT_FILE)
    with path.open("rb") as handle:
        chosen = tomllib.load(handle).get("terms", {})
    terms = {name: choices[0] for name, choices in TERM_CHOICES.items()}
    for name, word in chosen.items():
        if name not in TERM_CHOICES:
            raise TermsError(f"{path.name}: unknown term {name!r}; known terms: {', '.join(TERM_CHOICES)}")
        if word not in TERM_CHOICES[name]:
            raise TermsError(f"{path.name}: {name} must be one of {', '.join(TERM_CHOICES[name])}, not {word!r}")
        terms[name] = word
    return terms


@lru_cache(maxsize=4)
def _cached(path: str) -> dict[str, str]:
    return load_terms(Path(path))


def current_terms(path: str | None = None) -> dict[str, str]:
    """The service's chosen English words (cached per file)."""
    return _cached(path or os.environ.get("VOICE_APP_TERMS_FILE") or str(DEFAULT_FILE))


def term_words(terms: dict[str, str], translate=pgettext) -> dict[str, str]:
    """Every term in today's language, lower case as chosen and capitalised (%(Home)s)."""
    words: dict[str, str] = {}
    for name, english in terms.items():
        word = translate("term", english)
        words[name] = word
        words[name[0].upper() + name[1:]] = word[:1].upper() + word[1:]
    return words


def english_wording(text: str) -> str:
    """Bank wording with the service's own terms filled in (%(Mum)s, %(cared_for)s), in English, for staff pages."""
    if "%(" not in text:
        return text
    words: dict[str, str] = {}
    for name, word in current_terms().items():
        words[name] = word
        words[name[0].upper() + name[1:]] = word[:1].upper() + word[1:]
    try:
        return text % words
    except (KeyError, ValueError, TypeError):
        return text  # a placeholder this version does not know: show the wording as written


def tgettext(message: str, terms: dict[str, str] | None = None, **variables) -> str:
    """gettext with the service's terms filled in, plus any other named variables."""
    return gettext(message, **term_words(terms or current_terms()), **variables)
