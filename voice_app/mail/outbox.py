"""The outbox: store first, send after, retry with growing waits; never log who or what."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlmodel import Session, select

from voice_app.config import Settings
from voice_app.models import OutboxEmail, OutboxStatus, utcnow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# While one sender holds a message no other sender takes it (a cron run and the after-commit attempt).
CLAIM = timedelta(minutes=5)
_QUEUED = "voice_app_outbox_queued"


@dataclass
class SendSummary:
    """What one round of sending did, by message id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    gave_up: list[int] = field(default_factory=list)


def _settings() -> Settings | None:
    return current_app.config["VOICE_APP"] if has_app_context() else None


def mail_enabled() -> bool:
    """True when the service has configured SMTP (in an app context)."""
    settings = _settings()
    return bool(settings and settings.mail_enabled)


def next_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4, 8 ... minutes, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def queue_email(session: Session, *, to: str, subject: str, text: str, html: str | None = None, kind: str) -> OutboxEmail | None:
    """Store a message in the caller's transaction; it is first tried right after that commits.

    Returns None (and stores nothing) when SMTP is not configured."""
    if not mail_enabled():
        return None
    email = OutboxEmail(kind=kind[:32], to_address=to.strip(), subject=subject, text_body=text, html_body=html)
    session.add(email)
    session.flush()
    session.info.setdefault(_QUEUED, set()).add(email.id)
    if not event.contains(session, "after_commit", _send_after_commit):
        event.listen(session, "after_commit", _send_after_commit)
        event.listen(session, "after_rollback", _forget_queued)
    log.info("outbox email %s (%s) queued", email.id, email.kind)
    return email


def _forget_queued(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def _send_after_commit(session: Session) -> None:
    # The committed session cannot run SQL here, so a fresh one sends; a failure here is only logged:
    # the message stays in the outbox for `voice-app mail send-due`.
    ids = session.info.pop(_QUEUED, None)
    if not ids or not mail_enabled():
        return
    try:
        with Session(session.get_bind(), expire_on_commit=False) as fresh:
            send_due(fresh, only=sorted(ids))
    except Exception:  # noqa: BLE001 - the request that queued it must never fail because of email
        log.exception("outbox: the attempt after commit failed; the messages wait for the next run")


def send_due(session: Session, *, now: datetime | None = None, only: list[int] | None = None, limit: int = 100) -> SendSummary:
    """Send every message that is due (or only those named), one by one, committing each result."""
    from voice_app.mail.transport import describe_failure, send_one

    now = now or utcnow()
    settings = _settings()
    max_attempts = settings.mail_max_attempts if settings else 10
    query = select(OutboxEmail.id).where(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= now)
    if only is not None:
        query = query.where(OutboxEmail.id.in_(only))
    summary = SendSummary()
    for email_id in session.exec(query.order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(limit)).all():
        if not _claim(session, email_id, now=now):
            continue
        email = session.get(OutboxEmail, email_id)
        email.attempts += 1
        email.last_attempt_at = now
        try:
            send_one(email)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
            email.last_error = describe_failure(exc)[:200]
            if email.attempts >= max_attempts:
                email.status = OutboxStatus.GAVE_UP
                summary.gave_up.append(email_id)
            else:
                email.next_attempt_at = now + next_delay(email.attempts)
                summary.failed.append(email_id)
            log.warning("outbox email %s (%s) not sent, attempt %s: %s", email_id, email.kind, email.attempts, email.last_error)
        else:
            email.status, email.sent_at, email.last_error = OutboxStatus.SENT, now, ""
            summary.sent.append(email_id)
            log.info("outbox email %s (%s) sent", email_id, email.kind)
        session.add(email)
        session.commit()
    return summary


def _claim(session: Session, email_id: int, *, now: datetime) -> bool:
    """Take a due message for this sender alone (moving its due time on), or say another sender has it."""
    taken = session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM)
    ).rowcount
    session.commit()
    return taken == 1


def retry_now(session: Session, *, email_id: int) -> bool:
    """Put a message that was given up on back in the queue, due at once."""
    email = session.get(OutboxEmail, email_id)
    if email is None or email.status == OutboxStatus.SENT:
        return False
    email.status, email.attempts, email.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
    session.add(email)
    session.commit()
    return True
