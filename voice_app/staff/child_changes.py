"""A manager's changes to a child's details keep what was there before, in the audit trail.

The old value is personal data, so it goes in the event's encrypted old_value; the detail names only
the field. The same rule as a correction under the child's rights (voice_app/records/requests.py).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from voice_app.audit_labels import label_actions
from voice_app.models import AuditEvent, Child, StaffUser

CREATED = "child.created"
CHANGED = "child.details_changed"
label_actions({CREATED: "Added the child", CHANGED: "Changed a detail (the value before is kept)"})


def snapshot(child: Child | None, fields: list[str]) -> dict[str, object]:
    """The child's values for these fields now (nothing for a child not yet saved)."""
    return {} if child is None or child.id is None else {name: getattr(child, name) for name in fields}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def audit_changes(db: Session, *, child: Child, before: dict[str, object], by: StaffUser) -> int:
    """Add one event per changed field (or one for a new child); the caller commits. Returns how many."""
    if not before:
        db.add(AuditEvent(staff_id=by.id, action=CREATED, child_id=child.id))
        return 1
    changed = [name for name, old in before.items() if getattr(child, name) != old]
    for name in changed:
        db.add(AuditEvent(staff_id=by.id, action=CHANGED, child_id=child.id, detail=f"field={name}", old_value=_text(before[name])))
    return len(changed)
