"""Who may open a statement: the child's allocated IRO and managers (and a conference's chair, for views a
practitioner gathered for it); everyone else gets a 404."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlmodel import Session, col, select

from voice_app.models import Child, Review, Role, StaffUser, Statement, Visit, VisitPurpose
from voice_app.security import child_for


@dataclass(frozen=True)
class StatementContext:
    statement: Statement
    visit: Visit
    review: Review
    child: Child


def load_context(db: Session, statement_id: int) -> StatementContext | None:
    """A statement with its visit, review and child, or None if any part is missing."""
    statement = db.get(Statement, statement_id)
    if statement is None:
        return None
    visit = db.get(Visit, statement.visit_id)
    review = db.get(Review, visit.review_id) if visit else None
    child = db.get(Child, statement.child_id)
    if visit is None or review is None or child is None:
        return None
    return StatementContext(statement, visit, review, child)


def statement_for(db: Session, user: StaffUser, statement_id: int) -> StatementContext:
    """The statement if this user may see the child's records (404 otherwise, so nothing leaks)."""
    context = load_context(db, statement_id)
    if context is None:
        abort(404)
    if _chairs_it(user, context):
        return context
    child_for(db, user, context.child.id)
    return context


def _chairs_it(user: StaffUser, context: StatementContext) -> bool:
    # Views a practitioner gathered for a conference reach its chair, even one who is not the child's IRO.
    return user.role == Role.IRO and user.active and context.review.chair_id == user.id and context.visit.purpose == VisitPurpose.PRACTITIONER


def statements_for_visit(db: Session, visit_id: int) -> list[Statement]:
    """A visit's statements, oldest first (the caller has already checked access to the child)."""
    return list(db.exec(select(Statement).where(Statement.visit_id == visit_id).order_by(col(Statement.started_at), col(Statement.id))).all())
