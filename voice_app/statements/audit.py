"""The audit trail: who viewed or exported a child's statement, and when (never what it said)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from voice_app.audit_labels import action_label, label_actions
from voice_app.models import AuditEvent, StaffUser


class Action(str, enum.Enum):
    VIEW = "statement.view"
    EXPORT = "statement.export"
    RELEASE = "statement.release_for_meeting"
    WITHDRAW = "statement.withdraw_release"
    REVIEWED = "statement.mark_reviewed"
    ATTENTION = "statement.attention_action"
    OBSERVED = "statement.observation"
    UNOBSERVED = "statement.observation_removed"
    LETTER = "child.intro_letter"
    LETTER_GIVEN = "child.intro_letter_given"

    @property
    def label(self) -> str:
        return {
            "statement.view": "Viewed the statement",
            "statement.export": "Exported the statement",
            "statement.release_for_meeting": "Released it for the meeting",
            "statement.withdraw_release": "Withdrew the release for the meeting",
            "statement.mark_reviewed": "Marked it as reviewed",
            "statement.attention_action": "Recorded what was done about an answer needing attention",
            "statement.observation": "Recorded what they observed the child say without words",
            "statement.observation_removed": "Removed an observation",
            "child.intro_letter": "Made the introduction letter",
            "child.intro_letter_given": "Recorded the date the introduction letter was given",
        }[self.value]


label_actions({action.value: action.label for action in Action})


# Details are short machine words such as "pdf;meeting;cli": never names or free text.
_SAFE_DETAIL = re.compile(r"^[a-z0-9_;=.-]{0,255}$")


def record_event(db: Session, *, action: Action, staff: StaffUser | None, child_id: int, statement_id: int | None, detail: str = "") -> AuditEvent:
    """Add one audit event and commit it."""
    if not _SAFE_DETAIL.match(detail):
        raise ValueError("audit details are short machine words, never personal data")
    event = AuditEvent(
        staff_id=staff.id if staff else None,
        action=action.value,
        child_id=child_id,
        statement_id=statement_id,
        detail=detail,
    )
    db.add(event)
    db.commit()
    return event


@dataclass(frozen=True)
class TrailRow:
    event: AuditEvent
    who: str
    what: str


def trail_for_child(db: Session, *, child_id: int, limit: int = 500) -> list[TrailRow]:
    """A child's audit trail, newest first, with staff names and readable actions."""
    events = list(
        db.exec(
            select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
        ).all()
    )
    ids = {event.staff_id for event in events if event.staff_id}
    names = {u.id: f"{u.display_name} ({u.role.label})" for u in db.exec(select(StaffUser).where(col(StaffUser.id).in_(ids))).all()} if ids else {}
    rows = []
    for event in events:
        what = action_label(event.action)
        if event.staff_id:
            who = names.get(event.staff_id, f"Staff member {event.staff_id}")
        else:
            who = "Command line" if "cli" in event.detail.split(";") else "The system"
        rows.append(TrailRow(event, who, what))
    return rows
