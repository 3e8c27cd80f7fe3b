"""After the meeting on the statement page: what the child said about how a held review went, beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from voice_app.models import Review, Statement
from voice_app.statements.access import load_context
from voice_app.statements.reading import AnswerView, StatementRecord, read_statement


@dataclass
class AfterMeeting:
    """The review this statement's after-meeting answers are about, and answers given later about this one's review."""

    about: Review | None = None
    about_statement_id: int | None = None
    menu_asked: list[AnswerView] = field(default_factory=list)  # what the child asked for on that meeting's menu
    later: list[tuple[int, list[AnswerView]]] = field(default_factory=list)


def after_meeting(db: Session, *, record: StatementRecord) -> AfterMeeting:
    """Link a statement to the meeting its after-meeting answers are about, both ways."""
    from voice_app.child.after import menu_statement

    found = AfterMeeting()
    statement = record.statement
    if statement.about_review_id is not None and record.after:
        found.about = db.get(Review, statement.about_review_id)
        before = menu_statement(db, review_id=statement.about_review_id)
        if before is not None:
            found.about_statement_id = before.id
            found.menu_asked = [item for item in read_statement(db, load_context(db, before.id)).menu if not item.skipped]
    later = db.exec(
        select(Statement)
        .where(Statement.about_review_id == record.context.review.id, Statement.id != statement.id)
        .order_by(col(Statement.started_at))
    ).all()
    for other in later:
        answers = read_statement(db, load_context(db, other.id)).after
        if answers:
            found.later.append((other.id, answers))
    return found
