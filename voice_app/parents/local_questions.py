"""A service's own optional feedback questions: asked of everyone after every meeting, after the standard ones.

A service may start asking either of two suggested defaults (their words translated into every
language), reword them in its own words, add a few more and retire any. A question keeps its id when reworded and
its answers when retired, so no past answer is lost; the results show today's words.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, col, select

from voice_app.inputs import one_line
from voice_app.models import FeedbackLocalAnswer, FeedbackLocalQuestion, ParentDraft, ParentResponse, Review, utcnow
from voice_app.parents.questions import AGREE_SCALE, NOT_APPLICABLE, Question

LOCAL_PREFIX = "local-"
LOCAL_ANSWERS = (*AGREE_SCALE, NOT_APPLICABLE)
MAX_ACTIVE = 5
TEXT_MAX = 300
SHORT_MAX = 120

# The defaults: (the words everyone reads, translated; the staff's short label).
DEFAULTS = {
    "report_before": (
        _l("I received the social worker's report before the meeting."),
        "Received the social worker's report beforehand",
    ),
    "place_and_way": (
        _l("The place and way the meeting was held worked for me."),
        "The place and way the meeting was held worked",
    ),
}


def unused_defaults(db: Session) -> dict[str, tuple]:
    """The suggested defaults this service has not taken up yet (a retired one counts as taken up)."""
    taken = set(
        db.exec(select(FeedbackLocalQuestion.default_key).where(col(FeedbackLocalQuestion.default_key).is_not(None))).all()
    )
    return {key: value for key, value in DEFAULTS.items() if key not in taken}


def adopt_default(db: Session, key: str) -> FeedbackLocalQuestion:
    """Start asking one of the suggested defaults, in its translated words; ValueError if unknown, taken or one too many."""
    if key not in unused_defaults(db):
        raise ValueError("That suggested question is not available.")
    return _add(db, FeedbackLocalQuestion(default_key=key, short=DEFAULTS[key][1]))


def _add(db: Session, question: FeedbackLocalQuestion) -> FeedbackLocalQuestion:
    if len(active_questions(db)) >= MAX_ACTIVE:
        raise ValueError(f"A service can ask up to {MAX_ACTIVE} questions of its own. Retire one first.")
    last = db.exec(select(func.max(FeedbackLocalQuestion.position))).one()
    question.position = (last or 0) + 1
    db.add(question)
    db.commit()
    return question


def wording(local: FeedbackLocalQuestion):
    """The words a respondent reads: the service's own, else the default's translated words."""
    if local.text:
        return local.text
    return DEFAULTS[local.default_key][0] if local.default_key in DEFAULTS else local.short


def as_question(local: FeedbackLocalQuestion) -> Question:
    """The service's question in the shape of a standard one, asked of everyone after any meeting."""
    return Question(
        f"{LOCAL_PREFIX}{local.id}", wording(local), local.short, answers=LOCAL_ANSWERS, everyone=True, cared_for=True
    )


def active_questions(db: Session) -> list[FeedbackLocalQuestion]:
    """The service's questions asked today, in order."""
    query = select(FeedbackLocalQuestion).where(col(FeedbackLocalQuestion.retired_at).is_(None))
    return list(db.exec(query.order_by(col(FeedbackLocalQuestion.position), col(FeedbackLocalQuestion.id))).all())


def all_questions(db: Session) -> list[FeedbackLocalQuestion]:
    """Every question the service has had, asked today first, then retired ones."""
    rows = db.exec(
        select(FeedbackLocalQuestion).order_by(col(FeedbackLocalQuestion.position), col(FeedbackLocalQuestion.id))
    ).all()
    return sorted(rows, key=lambda q: q.retired_at is not None)


def _clean(text: str | None, limit: int, what: str) -> str:
    return one_line(text, limit=limit, what=f"the {what}")


def add_question(db: Session, *, text: str, short: str | None = None) -> FeedbackLocalQuestion:
    """A new question in the service's words, asked from now on; ValueError if empty, too long or one too many."""
    text = _clean(text, TEXT_MAX, "question")
    short = _clean(short, SHORT_MAX, "short label") if short and short.strip() else text[:SHORT_MAX]
    return _add(db, FeedbackLocalQuestion(text=text, short=short))


def reword(db: Session, question: FeedbackLocalQuestion, *, text: str) -> FeedbackLocalQuestion:
    """New words for a question; it keeps its id, so its past answers stay with it."""
    question.text = _clean(text, TEXT_MAX, "question")
    question.reworded_at = utcnow()
    db.add(question)
    db.commit()
    return question


def retire(db: Session, question: FeedbackLocalQuestion) -> FeedbackLocalQuestion:
    """Stop asking a question; its answers stay in the results of the periods they were given in."""
    if question.retired_at is None:
        question.retired_at = utcnow()
        db.add(question)
        db.commit()
    return question


def local_id(step_id: str) -> int | None:
    """The question id in a step id like "local-3", or None for any other step."""
    if not step_id.startswith(LOCAL_PREFIX) or not step_id[len(LOCAL_PREFIX) :].isdigit():
        return None
    return int(step_id[len(LOCAL_PREFIX) :])


def draft_answers(draft: ParentDraft) -> dict[str, str]:
    """A draft's answers to the service's questions, by step id."""
    try:
        found = json.loads(draft.local_answers or "{}")
    except ValueError:
        return {}
    return {key: value for key, value in found.items() if isinstance(key, str) and isinstance(value, str)}


def set_draft_answer(draft: ParentDraft, step_id: str, value: str) -> None:
    answers = draft_answers(draft)
    answers[step_id] = value
    draft.local_answers = json.dumps(answers, sort_keys=True)


def store_answers(db: Session, *, response: ParentResponse, questions: list[Question], answers: dict[str, str | None]) -> None:
    """Keep a response's answers to the service's questions (blank ones are simply not stored); the caller commits."""
    for question in questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if value not in question.answers:
            raise ValueError(f"{question.id} is not answered")
        db.add(FeedbackLocalAnswer(response_id=response.id, question_id=local_id(question.id), answer=value))


@dataclass(frozen=True)
class LocalCounts:
    """One of the service's questions over a period: counts per answer (retired questions too, if answered)."""

    question: FeedbackLocalQuestion
    counts: dict[str, int]

    @property
    def answered(self) -> int:
        return sum(self.counts.values())


def local_results(db: Session, *, start, end) -> list[LocalCounts]:
    """Answers to each of the service's questions about meetings dated in [start, end] (one query, plus the questions)."""
    day = func.coalesce(Review.held_on, Review.scheduled_for)
    rows = db.exec(
        select(FeedbackLocalAnswer.question_id, FeedbackLocalAnswer.answer, func.count())
        .join(ParentResponse, ParentResponse.id == FeedbackLocalAnswer.response_id)
        .join(Review, Review.id == ParentResponse.review_id)
        .where(day >= start, day <= end)
        .group_by(FeedbackLocalAnswer.question_id, FeedbackLocalAnswer.answer)
    ).all()
    counts: dict[int, Counter] = {}
    for question_id, answer, n in rows:
        counts.setdefault(question_id, Counter())[answer] += n
    found = []
    for question in all_questions(db):
        if question.retired_at is not None and question.id not in counts:
            continue
        given = counts.get(question.id, Counter())
        found.append(LocalCounts(question, {answer: given.get(answer, 0) for answer in LOCAL_ANSWERS}))
    return found
