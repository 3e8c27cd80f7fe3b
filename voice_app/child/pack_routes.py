"""The offline pack: every step this child may be asked, rendered by the same macros as the online flow.

Offline, a sorting mat's cards come one mat after another in the bank's order (choosing a topic, and the
whole mat read back, need the server); every placement is queued and judged like any answer.

The tablet fetches it while the hand-over still has a network (one language per request: the chosen one,
then, before the first answer, the others the child may switch to) and keeps it encrypted with the
hand-over's key. Without a network, static/js/child-offline.js shows the next step from it, with the same
show_if rules as flow.shown (given here as data), and queues the answers for the server to judge later.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, g, get_template_attribute, jsonify
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
from voice_app.child.routes import _screen
from voice_app.i18n import use_language
from voice_app.models import Sharing, StatementEnd
from voice_app.questions.bank import Question, default_bank

# Stand-ins the page script replaces: step numbers (they depend on the branches taken) and the child's own words.
NUMBER, TOTAL, SCALE, WORDS = "@@number@@", "@@total@@", "@@scale@@", "@@words@@"
TEMPLATE = "child/conversation.html"


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
        "stand_ins": {"number": NUMBER, "total": TOTAL, "scale": SCALE, "words": WORDS},
    }
    if screen["languages"]:
        # Before the first answer the child may choose another language: the whole start, in it.
        pack["start"] = render_block(TEMPLATE, "conversation", **screen)
    return pack


@bp.get("/statements/<int:statement_id>/pack/<code>.json")
def offline_pack(statement_id: int, code: str):
    """The offline pack of this hand-over's conversation in one language (no-store, like every child page)."""
    chosen = next((lang for lang in available_languages() if lang.code == code), None)
    if chosen is None or g.statement.ended_at is not None:
        abort(404)
    use_language(chosen.code)
    g.pop("say_with", None)  # say() caches the language it looked up for this request
    screen = _screen()
    if code != g.statement.language and not screen["languages"]:
        abort(404)  # other languages only while the child may still switch to them
    # Every question this child may be asked, whatever they answer: the page script applies show_if
    # exactly as flow.shown does.
    candidates = candidate_questions(
        default_bank(), statement=g.statement, child=g.child, meeting=meeting_of(db.session(), statement=g.statement)
    )
    return jsonify(build_pack(screen, candidates=candidates, language=chosen))
