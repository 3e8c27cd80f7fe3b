"""What a child's step draws the same way for every child, rendered once per app and kept (issue 33).

A question's cards in one language are the same for every child who is asked it: rendering them costs more
than the rest of an answer (a symbol, a translated and term-filled label and a Jinja call per card). So the
templates ask `kept("macro_name", *args)` for such pieces of child/_macros.html: the first request renders
the macro, later ones reuse the markup.

The key is everything the markup depends on: the macro, its arguments, and the request's surroundings
(`render_env`: the language, the service's own words for its terms, whether symbols are drawn from the
cached sprite or inline, and where the app is mounted). The store belongs to the app, so a new app (a
restart, which is when a service's new question wording, terms file or translation catalogue is read)
starts empty. A question is keyed by identity, not by value (hashing it costs more than looking it up):
the store holds the question itself beside its markup, so its id cannot be reused while the entry lives,
and a re-read bank's questions are new objects with new entries.

A kept macro must draw only from its arguments and the surroundings above: never a CSRF token, a client
id, or a child's own words (those are rendered afresh on every request; a child's words are never kept
in memory past the request).
"""

from __future__ import annotations

import threading

from flask import current_app, g, get_template_attribute, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup

from voice_app.i18n.terms import current_terms
from voice_app.questions.bank import Question
from voice_app.web_assets import symbol_mode

MACROS = "child/_macros.html"
KEPT_LIMIT = 4096  # entries per app: every question in every language and both symbol modes, and recent answers


class KeptRenders:
    """One app's kept markup: a bounded dict, oldest first out; reads take no lock."""

    def __init__(self, limit: int = KEPT_LIMIT) -> None:
        self.limit = limit
        self.entries: dict[tuple, tuple[tuple, Markup]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Markup | None:
        entry = self.entries.get(key)
        return None if entry is None else entry[1]

    def put(self, key: tuple, args: tuple, markup: Markup) -> None:
        with self.lock:
            while len(self.entries) >= self.limit:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = (args, markup)  # the arguments are held, so a question's id stays its own


def render_env() -> tuple:
    """What a kept macro's markup depends on besides its arguments, worked out once per request and locale."""
    locale = get_locale()
    found = g.get("_kept_env")
    if found is None or found[0] is not locale:
        terms = tuple(sorted(current_terms().items()))
        found = g._kept_env = (locale, (str(locale), terms, symbol_mode(), request.script_root))
    return found[1]


def _store() -> KeptRenders:
    store = current_app.extensions.get("voice_kept_renders")
    if store is None:
        store = current_app.extensions.setdefault("voice_kept_renders", KeptRenders())
    return store


def kept(name: str, *args) -> Markup:
    """The macro `name` of child/_macros.html called with `args`: rendered the first time, then reused."""
    if not has_request_context():
        return get_template_attribute(MACROS, name)(*args)
    key = (name, tuple(id(arg) if isinstance(arg, Question) else arg for arg in args), render_env())
    store = _store()
    markup = store.get(key)
    if markup is None:
        markup = Markup(get_template_attribute(MACROS, name)(*args))
        store.put(key, args, markup)
    return markup
