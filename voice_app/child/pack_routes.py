"""The offline pack: every step this child may be asked, rendered by the same macros as the online flow.

The tablet fetches it while the hand-over still has a network (one language per request: the chosen one
first; another only when the child switches to it while online, or one at a time while the tablet is idle
on a link that does not ask to save data) and keeps it encrypted with the hand-over's key. Without a
network, static/js/child-offline.js shows the next step from it, with the same show_if rules as
flow.shown (given here as data), and queues the answers for the server to judge later.

Held lightly (issue 33: <= 250 KB before compression, where it was about 1 MB): its symbols always name
their drawing in the cached sprite (the sprite is one of the files kept for time offline), and every tag or
text that comes more than once is written once, in "shared", and named elsewhere by its place: "@@7@@".
The page script puts them back (expand_piece here, piece() there) before anything is shown.

Offline, a placement's next card comes from the same mat (each card carries its mat's id), then the other mats'
cards in the bank's order (choosing a topic, and the whole mat read back, need the server); every placement is
queued and judged like any answer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from types import SimpleNamespace

from flask import abort, current_app, g, get_template_attribute
from flask_babel import gettext as _
from jinja2_fragments.flask import render_block

from voice_app import db
from voice_app.child import bp
from voice_app.child.flow import (
    NEED_A_NUMBER,
    NEED_A_PICTURE,
    NEED_WORDS,
    TEXT_MAX,
    TOO_LONG,
    SavedAnswer,
    Step,
    candidate_questions,
    extras_for,
    meeting_of,
)
from voice_app.child.handover import available_languages
from voice_app.child.photos import photos_inline
from voice_app.child.routes import _photos, _screen
from voice_app.i18n import use_language
from voice_app.models import Sharing, StatementEnd
from voice_app.questions.bank import Question, default_bank

# Stand-ins the page script replaces: step numbers (they depend on the branches taken) and the child's own words.
NUMBER, TOTAL, SCALE, WORDS = "@@number@@", "@@total@@", "@@scale@@", "@@words@@"
# Each step's form carries a fresh random id for the answer (flow.py's receipts); the page script gives each
# step it shows from the pack a new one, as it gives each answer a new one when it is sent.
CLIENT_ID = "@@client@@"
TEMPLATE = "child/conversation.html"
FORMAT = 2  # 1: every piece whole; 2: shared markup once (old packs still on a tablet are read as they are)
_CLIENT_ID = re.compile(r'(name="client_id" value=")[0-9a-f]+(")')
# A piece of markup as the browser reads it: tags, and the text between them.
_TAGS = re.compile(r"(<[^>]+>)")
_REFERENCE = re.compile(r"@@(\d+)@@")
_SPACE = re.compile(r"\s+")


def _macro(name: str):
    return get_template_attribute("child/_macros.html", name)


def _question_pack(screen: dict, question: Question) -> dict:
    """One question: its step, its answered bubble, and the pieces of what the child may say to it."""
    qid = question.id
    said = {choice.id: _macro("answer_content")(question, SavedAnswer(qid, (choice.id,))) for choice in question.choices}
    said.update({extra: _macro("answer_content")(question, SavedAnswer(qid, (extra,))) for extra in extras_for(question)})
    return {
        "id": qid,
        "kind": question.kind,
        **({"mat": question.mat} if question.mat else {}),  # a sorting mat's card: its next card comes from its mat
        "show_if": {"question": question.show_if.question, "any_of": list(question.show_if.any_of)} if question.show_if else None,
        "choices": [choice.id for choice in question.choices],
        "extras": list(extras_for(question)),
        "words": screen["words_allowed"](question),
        # A sorting mat's card offline: the same mat layout, its cards placed in turn, one mat after another.
        "step": _macro("step_item")(screen, Step("question", question, NUMBER, TOTAL, mat=default_bank().mat(question.mat) if question.mat else None)),
        "answered": _macro("answered_item")(screen, question, SavedAnswer(qid, skipped=True)),
        "said": said,
        "skip": _macro("answer_content")(question, SavedAnswer(qid, skipped=True)),
        "scale": _macro("answer_content")(question, SavedAnswer(qid, scale=SCALE)),
        "text": _macro("answer_content")(question, SavedAnswer(qid, text=WORDS)),
    }


def _ending(screen: dict, *, reason: StatementEnd, sharing: Sharing | None) -> str:
    statement = SimpleNamespace(id=screen["statement"].id, end_reason=reason, sharing=sharing, ended_at=True)
    ended = dict(screen, statement=statement)
    ended["s"] = ended
    return _macro("done_step")(ended)


def _html_pieces(pack: dict):
    """Where the pack holds markup (every other value is data or plain words): (holder, key) pairs."""
    yield pack, "header"
    for question in pack["questions"]:
        for key in ("step", "answered", "skip", "scale", "text"):
            yield question, key
        for choice in question["said"]:
            yield question["said"], choice
    for key in ("sharing", "stop", "start"):
        if key in pack:
            yield pack, key
    for reason in pack["done"]:
        yield pack["done"], reason


def _tokens(html: str) -> list[str]:
    # Runs of white space between tags are one line end (the page reads them alike: no step has preformatted
    # text around its tags; the child's words come in later, in place of @@words@@). Anything already reading
    # like a name ("@@7@@" in a name typed by staff) is written as the same characters with an entity for
    # its first "@", so that only the pack's own names are put back.
    return [("\n" if not _SPACE.sub("", token) else _REFERENCE.sub(r"&#64;@\1@@", token))
            for token in _TAGS.split(html) if token]


def compact(pack: dict) -> dict:
    """The pack with every tag or text that comes more than once written once, in pack["shared"]."""
    pieces = list(_html_pieces(pack))
    split = [_tokens(holder[key]) for holder, key in pieces]
    counts = Counter(token for tokens in split for token in tokens)
    # Worth naming when the name is shorter than what it stands for; the most used get the shortest names.
    shared = [token for token, n in counts.most_common() if n > 1 and len(token) > len(f"@@{len(counts)}@@")]
    names = {token: f"@@{place}@@" for place, token in enumerate(shared)}
    for index, (holder, key) in enumerate(pieces):
        holder[key] = "".join(names.get(token, token) for token in split[index])
    pack["shared"] = shared
    pack["format"] = FORMAT
    return pack


def expand_piece(pack: dict, piece: str) -> str:
    """A piece of the pack's markup as it is shown (the page script's piece() does the same)."""
    shared = pack.get("shared") or []
    return _REFERENCE.sub(lambda found: shared[int(found.group(1))], piece)


def build_pack(screen: dict, *, candidates: list[Question], language) -> dict:
    """Everything the conversation can show offline in one language, as HTML pieces and rules as data."""
    fresh = dict(screen, answers={}, posted={}, editing=None, problem=None)
    fresh["s"] = fresh
    pack = {
        "statement": screen["statement"].id,
        "language": language.code,
        "dir": language.direction,
        "title": _("Tell us what you think"),
        "header": render_block("child/base.html", "header", **screen),
        "questions": [_question_pack(fresh, question) for question in candidates],
        "sharing": _macro("sharing_step")(fresh),
        "stop": _macro("stop_step")(fresh),
        "done": {
            "finished-meeting": _ending(fresh, reason=StatementEnd.FINISHED, sharing=Sharing.MEETING),
            "finished-iro_only": _ending(fresh, reason=StatementEnd.FINISHED, sharing=Sharing.IRO_ONLY),
            "stopped": _ending(fresh, reason=StatementEnd.STOPPED, sharing=None),
        },
        "problems": {
            "picture": str(NEED_A_PICTURE),
            "number": str(NEED_A_NUMBER),
            "words": str(NEED_WORDS),
            "long": str(TOO_LONG),
        },
        "text_max": TEXT_MAX,
        "stand_ins": {"number": NUMBER, "total": TOTAL, "scale": SCALE, "words": WORDS, "client": CLIENT_ID},
        # Said, in this pack's language, when the child chooses offline a language whose pack the tablet lacks.
        "missing_language": _("That language is not on this tablet yet. You can choose it when the internet is back."),
    }
    if screen["languages"]:
        # Before the first answer the child may choose another language: the whole start, in it.
        pack["start"] = render_block(TEMPLATE, "conversation", **screen)
    for holder, key in _html_pieces(pack):
        holder[key] = _CLIENT_ID.sub(rf"\g<1>{CLIENT_ID}\g<2>", str(holder[key]))
    return compact(pack)


@bp.get("/statements/<int:statement_id>/pack/<code>.json")
def offline_pack(statement_id: int, code: str):
    """The offline pack of this hand-over's conversation in one language (no-store, like every child page)."""
    chosen = next((lang for lang in available_languages() if lang.code == code), None)
    if chosen is None or g.statement.ended_at is not None:
        abort(404)
    use_language(chosen.code)
    g.pop("say_with", None)  # say() caches the language it looked up for this request
    # The pack's pictures always name their drawing in the sprite: it is kept with the files for time offline
    # (offline_routes.SHELL), so the pack never carries a drawing (they were three quarters of its bytes).
    g.symbols_by_reference = True
    screen = _screen()
    if _photos():
        # The child's own photos travel inside the pack (kept encrypted with it on the tablet): a photo card
        # works offline, and no photo is ever left in the browser's caches.
        g.photos_inline = photos_inline(db.session(), statement_id=g.statement.id)
    if code != g.statement.language and not screen["languages"]:
        abort(404)  # other languages only while the child may still switch to them
    # Every question this child may be asked, whatever they answer: the page script applies show_if
    # exactly as flow.shown does.
    candidates = candidate_questions(
        default_bank(), statement=g.statement, child=g.child, meeting=meeting_of(db.session(), statement=g.statement), photos=_photos()
    )
    pack = build_pack(screen, candidates=candidates, language=chosen)
    # Letters as they are (not \\u escapes): Arabic, Tigrinya or Ukrainian words are a third of the bytes.
    body = json.dumps(pack, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, mimetype="application/json")
