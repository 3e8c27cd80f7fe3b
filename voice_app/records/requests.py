"""A child's rights over their record: correcting a fact (old value kept in the audit trail), and
erasure, which one manager asks for and a second manager confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from voice_app.models import AuditEvent, Child, ErasureRequest, Role, StaffUser, utcnow
from voice_app.records.retention import anonymise_child

# The facts a manager may correct here, with how they are shown; everything else is corrected where it is written.
CORRECTABLE = {
    "preferred_name": "Preferred name",
    "case_reference": "Case reference",
    "date_of_birth": "Date of birth",
    "communication_needs": "Communication needs",
}
LIMITS = {"preferred_name": 80, "case_reference": 40, "communication_needs": 1000}


class RequestError(ValueError):
    """A correction or erasure that cannot be done; the message says why, for the page."""


def _check_manager(user: StaffUser) -> None:
    if user.role != Role.MANAGER:
        raise RequestError("Only a manager can do this.")


def _parse(field: str, raw: str):
    value = (raw or "").strip()
    if field == "date_of_birth":
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise RequestError("Write the date of birth as YYYY-MM-DD, for example 2012-05-17.") from exc
        if day > date.today():
            raise RequestError("The date of birth cannot be in the future.")
        return day
    if field in ("preferred_name", "case_reference") and not value:
        raise RequestError(f"The {CORRECTABLE[field].lower()} cannot be empty.")
    if len(value) > LIMITS[field]:
        raise RequestError(f"Keep the {CORRECTABLE[field].lower()} under {LIMITS[field]:,} characters.")
    return value


def correct_fact(db: Session, *, child: Child, field: str, raw_value: str, by: StaffUser) -> AuditEvent | None:
    """Change one recorded fact, keeping the old value (encrypted) in the audit trail; None if unchanged."""
    _check_manager(by)
    if field not in CORRECTABLE:
        raise RequestError("Choose one of the facts listed.")
    new = _parse(field, raw_value)
    old = getattr(child, field)
    if new == old:
        return None
    if field == "case_reference" and db.exec(select(Child).where(Child.case_reference == new, Child.id != child.id)).first():
        raise RequestError("Another child already has that case reference.")
    setattr(child, field, new)
    event = AuditEvent(
        staff_id=by.id,
        action="records.corrected",
        child_id=child.id,
        detail=f"field={field}",
        old_value="" if old is None else (old.isoformat() if isinstance(old, date) else str(old)),
    )
    db.add(child)
    db.add(event)
    db.commit()
    return event


def pending_erasure(db: Session, *, child_id: int) -> ErasureRequest | None:
    """The child's open erasure request, if there is one."""
    return db.exec(
        select(ErasureRequest).where(
            ErasureRequest.child_id == child_id, col(ErasureRequest.confirmed_at).is_(None), col(ErasureRequest.cancelled_at).is_(None)
        )
    ).first()


def request_erasure(db: Session, *, child: Child, reason: str, by: StaffUser) -> ErasureRequest:
    """A manager asks for the child's records to be erased; nothing is erased until another confirms."""
    _check_manager(by)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError("Say why the law requires the records to be erased.")
    if len(reason) > 2000:
        raise RequestError("Keep the reason under 2,000 characters.")
    if child.anonymised_at is not None:
        raise RequestError("This child's records have already been erased or anonymised.")
    if pending_erasure(db, child_id=child.id) is not None:
        raise RequestError("There is already a request waiting for a second manager.")
    request = ErasureRequest(child_id=child.id, requested_by_id=by.id, reason=reason)
    db.add(request)
    db.add(AuditEvent(staff_id=by.id, action="records.erasure_requested", child_id=child.id))
    db.commit()
    return request


@dataclass(frozen=True)
class Erased:
    child_id: int
    requested_by_id: int
    confirmed_by_id: int


def confirm_erasure(db: Session, *, request: ErasureRequest, by: StaffUser) -> Erased:
    """A second manager confirms: the child's identity and every free text about them are erased."""
    _check_manager(by)
    if request.confirmed_at is not None or request.cancelled_at is not None:
        raise RequestError("This request has already been confirmed or cancelled.")
    if request.requested_by_id == by.id:
        raise RequestError("A second manager must confirm: you asked for this erasure yourself.")
    now = utcnow()
    request.confirmed_by_id, request.confirmed_at = by.id, now
    db.add(request)
    db.flush()
    connection = db.connection()
    # The same anonymising as the retention rules: the counts of past years stay, the person goes.
    anonymise_child(connection, child_id=request.child_id, now=now)
    # Values kept by corrections are about the child too.
    for event in db.exec(select(AuditEvent).where(AuditEvent.child_id == request.child_id, col(AuditEvent.old_value).is_not(None))).all():
        event.old_value = None
        db.add(event)
    request.reason = "[erased]"  # the reason may describe the child too
    db.add(AuditEvent(staff_id=by.id, action="records.erasure_confirmed", child_id=request.child_id, detail=f"requested_by={request.requested_by_id}"))
    db.commit()
    db.expire_all()
    return Erased(request.child_id, request.requested_by_id, by.id)


def cancel_erasure(db: Session, *, request: ErasureRequest, by: StaffUser) -> None:
    """Either manager (or another) withdraws a request that is still waiting."""
    _check_manager(by)
    if request.confirmed_at is not None or request.cancelled_at is not None:
        raise RequestError("This request has already been confirmed or cancelled.")
    request.cancelled_by_id, request.cancelled_at = by.id, utcnow()
    db.add(request)
    db.add(AuditEvent(staff_id=by.id, action="records.erasure_cancelled", child_id=request.child_id))
    db.commit()
