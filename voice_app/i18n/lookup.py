"""The current translations, looked up once per request and locale rather than once per translated string.

Flask-Babel finds the translations object afresh for every `_()` in a template (the context, the locale, its
name, a cache key): about 26 µs each on a loaded 2-core machine, and a child's step says dozens. Here the
object is kept on `g` beside the locale it is for; a new locale (use_language, force_locale) is a new Locale
object, so the next string looks it up again. The strings are exactly what Flask-Babel's own callables give.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from flask_babel import get_locale, get_translations

from voice_app.i18n.terms import current_terms, term_words, tgettext


def request_translations():
    """Flask-Babel's translations for the current locale, kept for the rest of this request."""
    if not has_request_context():
        return get_translations()
    locale = get_locale()
    kept = g.get("_translations_for")
    if kept is None or kept[0] is not locale:
        kept = g._translations_for = (locale, get_translations())
    return kept[1]


def request_tgettext(message: str, **variables) -> str:
    """What terms.tgettext says (a sentence with the service's own words filled in), with this request's
    translations and the terms' words worked out once per request and locale, not a dozen look-ups a sentence."""
    if not has_request_context():
        return tgettext(message, **variables)
    translations, terms = request_translations(), current_terms()
    kept = g.get("_term_words_for")
    if kept is None or kept[0] is not translations or kept[1] is not terms:
        kept = g._term_words_for = (translations, terms, term_words(terms, translations.upgettext))
    return translations.ugettext(message) % {**kept[2], **variables}


def install_translation_lookup(app: Flask) -> None:
    """Templates' _(), ngettext() and pgettext() through request_translations (after babel.init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
