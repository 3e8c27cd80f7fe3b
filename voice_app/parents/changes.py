"""The service's "you said, we did" for families and partners, beside the children's own.

Managers write what parents, carers and professionals told the service and what it changed
("Lambton House wasn't an appropriate venue" -> "we opened a new conference suite"). The newest few
are shown to everyone who gives feedback, on the first and last pages of the questionnaire.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from voice_app.inputs import one_line
from voice_app.models import FeedbackChange, StaffUser, utcnow

TEXT_MAX = 500
SHOWN = 3  # on the questionnaire: the newest few, so a phone screen stays short


def _clean(text: str | None, what: str) -> str:
    return one_line(text, limit=TEXT_MAX, what=what)


def add_change(db: Session, *, you_said: str, we_did: str, by: StaffUser) -> FeedbackChange:
    """A new "you said, we did", shown from now on; ValueError if either half is empty or too long."""
    change = FeedbackChange(
        you_said=_clean(you_said, "what people said"), we_did=_clean(we_did, "what the service did"), created_by_id=by.id
    )
    db.add(change)
    db.commit()
    return change


def withdraw_change(db: Session, change: FeedbackChange) -> None:
    """Stop showing one (it stays on record)."""
    if change.withdrawn_at is None:
        change.withdrawn_at = utcnow()
        db.add(change)
        db.commit()


def current_changes(db: Session, *, limit: int | None = None) -> list[FeedbackChange]:
    """The changes shown today, newest first."""
    query = select(FeedbackChange).where(col(FeedbackChange.withdrawn_at).is_(None)).order_by(col(FeedbackChange.id).desc())
    return list(db.exec(query.limit(limit) if limit else query).all())


def all_changes(db: Session) -> list[FeedbackChange]:
    """Every change on record, newest first (withdrawn ones too)."""
    return list(db.exec(select(FeedbackChange).order_by(col(FeedbackChange.id).desc())).all())
