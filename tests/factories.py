"""Small factories that make valid domain objects with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session

from voice_app.models import Child, Review, ReviewKind, ReviewStage, Role, StaffUser, Visit, VisitStatus
from voice_app.passwords import hash_password

_numbers = itertools.count(1)


class Factory:
    def __init__(self, db: Session, *, password: str) -> None:
        self.db = db
        self.password_hash = hash_password(password)

    def _save(self, obj):
        self.db.add(obj)
        self.db.commit()
        self.db.refresh(obj)
        return obj

    def staff(self, role: Role = Role.IRO, *, name: str | None = None, email: str | None = None, **fields) -> StaffUser:
        n = next(_numbers)
        defaults = dict(
            email=email or f"{role.value}{n}@example.org",
            display_name=name or f"{role.label} {n}",
            role=role,
            password_hash=self.password_hash,
        )
        defaults.update(fields)
        return self._save(StaffUser(**defaults))

    def child(self, iro: StaffUser | None = None, *, name: str | None = None, **fields) -> Child:
        n = next(_numbers)
        defaults = dict(
            preferred_name=name or f"Child {n}",
            case_reference=f"REF-{n:05d}",
            date_of_birth=date(2014, 5, 17),
            iro_id=iro.id if iro else None,
            cared_for=True,
            cared_for_since=date(2024, 1, 8),
        )
        defaults.update(fields)
        return self._save(Child(**defaults))

    def review(self, child: Child, *, days_ahead: int = 20, kind: ReviewKind = ReviewKind.CARED_FOR, stage: ReviewStage = ReviewStage.SUBSEQUENT, **fields) -> Review:
        defaults = dict(child_id=child.id, kind=kind, stage=stage, scheduled_for=date.today() + timedelta(days=days_ahead), chair_id=child.iro_id)
        defaults.update(fields)
        return self._save(Review(**defaults))

    def visit(self, review: Review, *, iro: StaffUser, status: VisitStatus = VisitStatus.PLANNED, **fields) -> Visit:
        defaults = dict(review_id=review.id, iro_id=iro.id, status=status, planned_for=review.scheduled_for - timedelta(days=7))
        defaults.update(fields)
        return self._save(Visit(**defaults))
