"""After the meeting: which held review a child is asked about, and what they asked for on its Child's Menu."""

from __future__ import annotations

from datetime import date

from flask import g
from sqlmodel import Session, col, select

from voice_app import db
from voice_app.child import bp
from voice_app.models import Answer, Review, ReviewStatus, Statement, Visit


def last_held_review(session: Session, *, child_id: int, today: date, not_review_id: int | None = None) -> Review | None:
    """The child's most recent review that was held (on or before today), other than the one being prepared."""
    query = select(Review).where(
        Review.child_id == child_id,
        Review.status == ReviewStatus.HELD,
        col(Review.held_on).is_not(None),
        col(Review.held_on) <= today,
    )
    if not_review_id is not None:
        query = query.where(Review.id != not_review_id)
    return session.exec(query.order_by(col(Review.held_on).desc(), col(Review.id).desc())).first()


def asked_about(session: Session, *, review_id: int) -> bool:
    """Whether the child has already answered anything about how this meeting went."""
    return session.exec(
        select(Answer.id)
        .join(Statement, col(Statement.id) == col(Answer.statement_id))
        .where(Statement.about_review_id == review_id, col(Answer.question_id).startswith("after-"))
    ).first() is not None


def menu_statement(session: Session, *, review_id: int) -> Statement | None:
    """The statement given before that review (the latest, if several), which holds its Child's Menu."""
    return session.exec(
        select(Statement)
        .join(Visit, col(Visit.id) == col(Statement.visit_id))
        .where(Visit.review_id == review_id)
        .order_by(col(Statement.started_at).desc(), col(Statement.id).desc())
    ).first()


@bp.app_template_global()
def menu_asked_for() -> list[tuple[str, str]]:
    """What the child asked for on the Child's Menu for the meeting they are asked about (label, symbol)."""
    statement = g.get("statement")
    if statement is None or statement.about_review_id is None:
        return []
    from voice_app.child.flow import choice_view, load_answers
    from voice_app.questions.bank import default_bank

    session = db.session()
    before = menu_statement(session, review_id=statement.about_review_id)
    if before is None:
        return []
    answers = load_answers(session, statement_id=before.id)
    shown = []
    for question in default_bank().questions:
        answer = answers.get(question.id) if question.part == "menu" else None
        if answer is None or answer.skipped:
            continue
        shown += [choice_view(question, choice) for choice in answer.choices if choice not in ("dont_mind", "dont_say")]
    return shown
