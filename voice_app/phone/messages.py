"""What a child tells their IRO from their phone, the safety alert a "not safe" answer raises, and the IRO's side."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from voice_app.mail import queue_email
from voice_app.models import (
    Child,
    IroAway,
    MessageKind,
    PhoneDevice,
    PhoneMessage,
    Role,
    Safety,
    SafetyAlert,
    StaffUser,
    utcnow,
)
from voice_app.phone.devices import audit
from voice_app.security import children_visible_to

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
REPLY_LIMIT = 2000
# The feelings a child can pick (symbol names in static/icons).
FEELINGS = ("feel-happy", "feel-ok", "feel-sad", "feel-worried", "feel-angry", "feel-scared")
# Which kinds ask "Are you safe right now?"
ASKS_SAFETY = frozenset({MessageKind.FEELING, MessageKind.WRONG, MessageKind.TALK})


class MessageProblem(ValueError):
    """A message that cannot be stored as sent (nothing said, an unknown feeling)."""


@dataclass(frozen=True)
class Sent:
    message: PhoneMessage
    alert: SafetyAlert | None
    repeat: bool = False


def send_message(
    db: Session,
    *,
    device: PhoneDevice,
    kind: MessageKind,
    client_id: str,
    feeling: str | None = None,
    safety: Safety | None = None,
    text: str = "",
    language: str = "en-GB",
    child_page_url: str = "",
    duty_email: str = "",
    now: datetime | None = None,
) -> Sent:
    """Store a child's message; a "not safe" answer raises a safety alert (and queues its emails) in the same commit."""
    earlier = db.exec(select(PhoneMessage).where(PhoneMessage.device_id == device.id, PhoneMessage.client_id == client_id)).first()
    if earlier is not None:
        alert = db.exec(select(SafetyAlert).where(SafetyAlert.message_id == earlier.id)).first()
        return Sent(earlier, alert, repeat=True)
    text = (text or "").strip()[:TEXT_LIMIT]
    if feeling is not None and feeling not in FEELINGS:
        raise MessageProblem("feeling")
    if kind not in ASKS_SAFETY:
        safety = None
    if not text and feeling is None and safety is None and kind != MessageKind.TALK:
        raise MessageProblem("empty")
    now = now or utcnow()
    message = PhoneMessage(
        child_id=device.child_id, device_id=device.id, client_id=client_id[:64], kind=kind, feeling=feeling,
        safety=safety, text=text, language=language, created_at=now,
    )
    db.add(message)
    db.flush()
    audit(db, action="phone.message", child_id=device.child_id, detail=f"device={device.id};message={message.id};kind={kind.value}")
    alert = None
    if safety == Safety.NOT_SAFE:
        alert = _raise_alert(db, message=message, child_page_url=child_page_url, duty_email=duty_email, now=now)
    db.commit()
    return Sent(message, alert)


def _raise_alert(db: Session, *, message: PhoneMessage, child_page_url: str, duty_email: str, now: datetime) -> SafetyAlert:
    alert = SafetyAlert(child_id=message.child_id, message_id=message.id, created_at=now)
    db.add(alert)
    db.flush()
    queued = 0
    for address in alert_recipients(db, child_id=message.child_id, duty_email=duty_email):
        # No child's name or words in an email: only that there is an alert, and where to read it.
        email = queue_email(
            db,
            to=address,
            subject="voice-app: a child says they are not safe",
            text=(
                "A child on your caseload sent a message from their own phone saying they are not safe right now.\n\n"
                "The child was told that messages are not read straight away, to call 999 in an emergency, "
                "Childline on 0800 1111, or the service.\n\n"
                f"Sign in to voice-app to read it and acknowledge the alert:\n{child_page_url}\n"
            ),
            kind="safety_alert",
        )
        queued += email is not None
    alert.emails_queued = queued
    db.add(alert)
    audit(db, action="phone.alert.raised", child_id=message.child_id, detail=f"alert={alert.id};message={message.id};emails={queued}")
    log.warning("safety alert %s raised (message %s, %s emails queued)", alert.id, message.id, queued)
    return alert


def iro_is_away(db: Session, *, iro: StaffUser | None, today: date | None = None) -> bool:
    """Whether the child's IRO is away: none allocated, their account closed, or they said they are away until a day to come."""
    if iro is None or not iro.active:
        return True
    away = db.get(IroAway, iro.id)
    return away is not None and away.away_until >= (today or date.today())


def alert_recipients(db: Session, *, child_id: int, duty_email: str) -> list[str]:
    """The child's IRO (when there is one); and the duty manager's inbox too when the IRO is away."""
    child = db.get(Child, child_id)
    iro = db.get(StaffUser, child.iro_id) if child and child.iro_id else None
    recipients = [iro.email] if iro is not None and iro.active else []
    if iro_is_away(db, iro=iro) and duty_email:
        recipients.append(duty_email)
    return recipients


# ----- the staff side ------------------------------------------------------------------------------


def open_alerts(db: Session, *, user: StaffUser) -> list[tuple[SafetyAlert, Child]]:
    """Alerts nobody has acknowledged, about children this person may see (managers see every one)."""
    visible = children_visible_to(user).subquery()
    rows = db.exec(
        select(SafetyAlert, Child)
        .join(Child, col(Child.id) == col(SafetyAlert.child_id))
        .where(col(SafetyAlert.acknowledged_at).is_(None), col(SafetyAlert.child_id).in_(select(visible.c.id)))
        .order_by(col(SafetyAlert.created_at))
    ).all()
    return [(alert, child) for alert, child in rows]


def acknowledge(db: Session, *, alert: SafetyAlert, user: StaffUser, now: datetime | None = None) -> bool:
    """A person has seen the alert and is acting on it: it leaves the caseload. False if someone already had."""
    done = db.execute(
        sa.update(SafetyAlert)
        .where(col(SafetyAlert.id) == alert.id, col(SafetyAlert.acknowledged_at).is_(None))
        .values(acknowledged_at=now or utcnow(), acknowledged_by_id=user.id)
    ).rowcount
    if done:
        audit(db, action="phone.alert.acknowledged", child_id=alert.child_id, staff_id=user.id, detail=f"alert={alert.id}")
    db.commit()
    return bool(done)


def unread_counts(db: Session, *, child_ids: list[int]) -> dict[int, int]:
    """How many phone messages each child has sent that nobody has read yet."""
    if not child_ids:
        return {}
    rows = db.exec(
        select(PhoneMessage.child_id, func.count())
        .where(col(PhoneMessage.child_id).in_(child_ids), col(PhoneMessage.read_at).is_(None))
        .group_by(PhoneMessage.child_id)
    ).all()
    return {child_id: int(count) for child_id, count in rows}


def messages_for_child(db: Session, *, child_id: int, limit: int = 50) -> list[PhoneMessage]:
    """The child's phone messages, newest first."""
    return list(db.exec(select(PhoneMessage).where(PhoneMessage.child_id == child_id).order_by(col(PhoneMessage.id).desc()).limit(limit)).all())


def mark_read(db: Session, *, message: PhoneMessage, user: StaffUser, now: datetime | None = None) -> None:
    """The IRO (or a manager) has opened the message: audited every time, marked read the first time."""
    if message.read_at is None and user.role in (Role.IRO, Role.MANAGER):
        message.read_at, message.read_by_id = now or utcnow(), user.id
        db.add(message)
    audit(db, action="phone.message.read", child_id=message.child_id, staff_id=user.id, detail=f"message={message.id}")
    db.commit()


def reply(db: Session, *, message: PhoneMessage, user: StaffUser, text: str, now: datetime | None = None) -> None:
    """What the IRO did about it, in words for the child ("you said, we did"), shown on the child's phone."""
    message.reply = text.strip()[:REPLY_LIMIT]
    message.replied_at, message.replied_by_id = now or utcnow(), user.id
    if message.read_at is None:
        message.read_at, message.read_by_id = message.replied_at, user.id
    db.add(message)
    audit(db, action="phone.message.replied", child_id=message.child_id, staff_id=user.id, detail=f"message={message.id}")
    db.commit()


def set_away(db: Session, *, user: StaffUser, until: date | None) -> None:
    """Say (or stop saying) that this IRO is away until a day; audited on no child's trail, as it is about staff."""
    away = db.get(IroAway, user.id)
    if until is None:
        if away is not None:
            db.delete(away)
    else:
        away = away or IroAway(staff_id=user.id, away_until=until)
        away.away_until, away.updated_at = until, utcnow()
        db.add(away)
    db.commit()


def away_until(db: Session, *, user: StaffUser) -> date | None:
    away = db.get(IroAway, user.id)
    return away.away_until if away is not None and away.away_until >= date.today() else None
