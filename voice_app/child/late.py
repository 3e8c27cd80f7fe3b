"""Answers that were still waiting on the tablet at give-back, sent later from a staff page by the child's IRO.

Each is what the tablet would have sent in child mode (the child page it was going to, and its form fields).
The server judges it by the same rules as in child mode: a repeat of a client id is acknowledged without a
write, a first answer to a question that is no longer the current one is refused, and the receipt keeps when
the child gave it, so the statement page marks it as late.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from voice_app.child.flow import (
    AnswerProblem,
    asked_questions,
    end_statement,
    find_receipt,
    is_current,
    load_answers,
    meeting_of,
    parse_answer,
    save_answer,
    text_allowed,
)
from voice_app.child.forms import answer_fields, answer_sent
from voice_app.child.handover import available_languages
from voice_app.child.photos import photo_cards
from voice_app.models import Child, Sharing, Statement, StatementEnd
from voice_app.questions.bank import QuestionBank

# The child pages a waiting request may have been going to (the language choice, the recap, an answer, the end).
WAITING_PATH = re.compile(r"^/child/statements/(\d+)/(questions/([A-Za-z0-9_-]{1,64})|sharing|stop|recap|language)$")


class NotWaitingAnswer(ValueError):
    """What was sent is not something a tablet could have kept for this statement (a 400)."""


@dataclass(frozen=True)
class LateOutcome:
    """What the server did: "saved", "repeat" (had it already), "stale" (refused: not the current question) or "refused" (cannot be saved)."""

    outcome: str

    @property
    def status(self) -> int:
        return {"saved": 200, "repeat": 200, "stale": 409, "refused": 422}[self.outcome]


def take_waiting(
    db: Session, *, statement: Statement, child: Child, path: str, form: MultiDict, bank: QuestionBank
) -> LateOutcome:
    """Judge one request kept on the tablet, as child mode would have, and save it if it holds."""
    found = WAITING_PATH.match(path or "")
    if found is None or int(found.group(1)) != statement.id:
        raise NotWaitingAnswer("not a waiting request of this statement")
    what = found.group(2)
    if what == "recap":
        return LateOutcome("saved")  # seen on the tablet: nothing to store
    if what == "language":
        code = form.get("language")
        if code not in {lang.code for lang in available_languages()}:
            raise NotWaitingAnswer("unknown language")
        if statement.ended_at is None:
            statement.language = code
            db.add(statement)
            db.commit()
        return LateOutcome("saved")
    if what == "stop":
        end_statement(db, statement=statement, reason=StatementEnd.STOPPED)
        return LateOutcome("saved")
    if what == "sharing":
        choice = form.get("sharing")
        if choice not in {s.value for s in Sharing}:
            raise NotWaitingAnswer("unknown sharing")
        end_statement(db, statement=statement, reason=StatementEnd.FINISHED, sharing=Sharing(choice))
        return LateOutcome("saved")
    return _answer(db, statement=statement, child=child, question_id=found.group(3), form=form, bank=bank)


def _answer(
    db: Session, *, statement: Statement, child: Child, question_id: str, form: MultiDict, bank: QuestionBank
) -> LateOutcome:
    try:
        sent = answer_sent(form)
    except ValueError as exc:
        raise NotWaitingAnswer("malformed client id") from exc
    if sent is None:
        raise NotWaitingAnswer("a waiting answer always has its client id")
    if find_receipt(db, statement_id=statement.id, client_id=sent.client_id):
        return LateOutcome("repeat")
    editing = form.get("mode") == "edit"
    if statement.ended_at is not None and not editing:
        return LateOutcome("stale")
    answers = load_answers(db, statement_id=statement.id)
    questions = asked_questions(
        bank, statement=statement, child=child, answers=answers, meeting=meeting_of(db, statement=statement),
        photos=photo_cards(db, statement_id=statement.id, bank=bank),
    )
    question = next((q for q in questions if q.id == question_id), None)
    if question is None:
        return LateOutcome("stale")  # not asked now (a branch the child has since left)
    if not editing and not is_current(questions, answers, question_id=question_id):
        return LateOutcome("stale")
    try:
        given = parse_answer(
            question, **answer_fields(form), words_allowed=text_allowed(question, statement=statement, scribing=statement.scribed)
        )
    except AnswerProblem as problem:
        if problem.status == 400:
            raise NotWaitingAnswer("not an answer to this question") from problem
        return LateOutcome("refused")
    result = save_answer(
        db,
        statement=statement,
        question=question,
        given=given,
        scribed=statement.scribed,
        bank=bank,
        current=answers.get(question.id),
        edit=editing,
        sent=sent,
    )
    return LateOutcome(result.outcome)
