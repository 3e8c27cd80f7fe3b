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
id, or a child's own words or photo cards (those are rendered afresh on every request; a child's words are
never kept in memory past the request). Nor a statement: what links to one conversation (an answer's bubble, the
"I've finished" links) is kept once for every child with STATEMENT standing for the conversation's
address, put right per request (kept_for_statement); an answer's bubble is keyed by its question and the
cards given (answer_bubble), so nothing kept in the process says which child gave which answer.
"""

from __future__ import annotations

import threading

from flask import current_app, g, get_template_attribute, has_request_context, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from voice_app.child.flow import SavedAnswer
from voice_app.i18n.terms import current_terms
from voice_app.questions.bank import Question
from voice_app.web_assets import symbol_mode

MACROS = "child/_macros.html"
# Stands for a conversation's address (url_for("child.conversation")) in kept markup: a plain path that
# HTML escaping leaves as it is, and that no question, card or translation contains.
STATEMENT = "/child/statements/__statement__"
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
    # Flask-Babel keeps the request's locale in g._flask_babel until use_language (refresh) drops it.
    locale = getattr(g.get("_flask_babel"), "babel_locale", None) or get_locale()
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
    if not has_request_context() or any(isinstance(arg, Question) and arg.photo for arg in args):
        # A child's own photo card carries the words the IRO typed about them: drawn afresh, never kept.
        return Markup(get_template_attribute(MACROS, name)(*args))
    key = (name, tuple(id(arg) if isinstance(arg, Question) else arg for arg in args), render_env())
    store = _store()
    markup = store.get(key)
    if markup is None:
        markup = Markup(get_template_attribute(MACROS, name)(*args))
        store.put(key, args, markup)
    return markup


def statement_url(statement_id: int) -> str:
    """The conversation's address (a step's links are under it), worked out once per request."""
    found = g.get("_kept_statement_url") if has_request_context() else None
    if found is None or found[0] != statement_id:
        found = (statement_id, url_for("child.conversation", statement_id=statement_id))
        if has_request_context():
            g._kept_statement_url = found
    return found[1]


def kept_for_statement(name: str, statement_id: int, *args) -> Markup:
    """The macro `name` called with the conversation's address and `args`: kept once for every statement,
    with STATEMENT in place of the address, which is put right for this one."""
    shared = kept(name, STATEMENT, *args)
    return Markup(str.replace(shared, STATEMENT, str(escape(statement_url(statement_id)))))


def answer_bubble(statement_id: int, question: Question, saved: SavedAnswer) -> Markup:
    """An answer in the conversation: kept by its question and the cards, number or skip given (the same
    for every child who gave them); an answer in the child's own words is drawn afresh and never kept."""
    if saved.text or question.photo:  # the child's own words, or their own photo's: never kept
        return Markup(get_template_attribute(MACROS, "answered_bubble")(statement_url(statement_id), question, saved))
    drawn = SavedAnswer(question.id, tuple(saved.choices), saved.scale, skipped=saved.skipped)
    return kept_for_statement("answered_bubble", statement_id, question, drawn)
