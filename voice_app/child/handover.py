"""Child mode as a capability: a short-lived token bound to one statement, and taking the tablet back."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, func, select

from voice_app.audit_labels import label_actions
from voice_app.child.store import commit_retrying
from voice_app.config import PROJECT_ROOT
from voice_app.i18n import LANGUAGES, Language
from voice_app.models import (
    Answer,
    AuditEvent,
    Child,
    FlowVersion,
    Handover,
    Review,
    StaffUser,
    Statement,
    Visit,
    utcnow,
)
from voice_app.passwords import hash_password, verify_password
from voice_app.questions.access import AccessSettings, note_access
from voice_app.security import CHILD_MODE_KEY

TOKEN_BYTES = 32
MAX_HANDBACK_FAILURES = 5  # then the PIN stops working for this hand-over: only the password
HANDBACK_FIRST_WAIT = timedelta(seconds=30)
HANDBACK_LONGEST_WAIT = timedelta(minutes=30)
HANDBACK_ACTION = "handover.hand_back"  # audited on the child's trail, every try
ACCESS_ACTION = "handover.access"  # the IRO changing how the child answers, during child mode: every try
label_actions({HANDBACK_ACTION: "Taking the tablet back from child mode",
               ACCESS_ACTION: "Changing how the child answers (switches, dwell) during child mode"})
PARTS = {"views,menu": "views,menu", "views": "views", "menu": "menu"}
YOUNGER_UNTIL_AGE = 11  # the setup page suggests the older version from this age


@dataclass(frozen=True)
class HandoverOptions:
    """What the IRO chose for this hand-over."""

    version: FlowVersion
    language: str
    parts: str
    scribing: bool
    about_review_id: int | None = None  # the held review an "after" part asks about
    access: AccessSettings = AccessSettings()  # touch, switches or dwell (voice_app/questions/access.py)


@dataclass(frozen=True)
class HandoverCheck:
    """The result of checking a tablet's child-mode token: ok, expired, ended or invalid."""

    state: str
    handover: Handover | None = None
    statement: Statement | None = None
    child: Child | None = None
    iro: StaffUser | None = None  # whoever handed the tablet over, who takes it back


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def available_languages(translations: Path = PROJECT_ROOT / "translations") -> list[Language]:
    """English, plus each shipped language whose compiled catalogue exists."""
    return [
        lang
        for lang in LANGUAGES
        if lang.code == "en-GB" or (translations / lang.locale / "LC_MESSAGES" / "messages.mo").is_file()
    ]


def suggested_version(child: Child, *, today) -> FlowVersion:
    """Younger for children under 11 (or of unknown age), older from 11."""
    age = child.age_on(today)
    return FlowVersion.OLDER if age is not None and age >= YOUNGER_UNTIL_AGE else FlowVersion.YOUNGER


def statement_for_visit(db: Session, *, visit_id: int) -> Statement | None:
    """The statement of a visit (the latest, should there ever be more than one)."""
    return db.exec(select(Statement).where(Statement.visit_id == visit_id).order_by(col(Statement.id).desc())).first()


def start_handover(
    db: Session,
    *,
    visit: Visit,
    child: Child,
    user: StaffUser,
    options: HandoverOptions,
    minutes: int,
    now: datetime | None = None,
) -> tuple[Handover, str]:
    """Create or resume the visit's statement and a hand-over for it; returns it with its raw token."""
    moment = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)

    def work() -> Handover:
        # Take the visit's row lock first, so a double tap waits here and then finds the new statement.
        db.execute(update(Visit).where(col(Visit.id) == visit.id).values(updated_at=Visit.updated_at))
        statement = statement_for_visit(db, visit_id=visit.id)
        if statement is None:
            statement = Statement(child_id=child.id, visit_id=visit.id, started_at=moment)
        elif statement.ended_at is not None:
            # Handing over again reopens it: the child carries on from where they were.
            statement.ended_at = None
            statement.end_reason = None
        review = db.get(Review, visit.review_id)
        # A young person's conference: the young person's own conversation, always in the older version.
        statement.version = FlowVersion.OLDER if review is not None and review.young_persons else options.version
        statement.language = options.language
        statement.parts = options.parts
        if options.about_review_id is not None:
            statement.about_review_id = options.about_review_id
        if options.scribing:
            statement.scribed = True
            statement.scribe_id = user.id
        statement.updated_at = moment
        db.add(statement)
        db.flush()
        handover = Handover(
            statement_id=statement.id,
            token_hash=token_hash(token),
            created_by_id=user.id,
            created_at=moment,
            expires_at=moment + timedelta(minutes=minutes),
            access=options.access.to_json(),
        )
        db.add(handover)
        note_access(db, statement_id=statement.id, settings=options.access)
        db.flush()
        return handover

    return commit_retrying(db, work), token


# Built once: every child page runs it, and building a select costs more than running it.
_HANDOVER_QUERY = (
    select(Handover, Statement, Child, StaffUser)
    .join(Statement, col(Statement.id) == col(Handover.statement_id))
    .join(Child, col(Child.id) == col(Statement.child_id))
    .join(StaffUser, col(StaffUser.id) == col(Handover.created_by_id))
    .where(col(Handover.id) == bindparam("handover_id"))
)


def check_handover(db: Session, *, handover_id: object, token: object, now: datetime | None = None) -> HandoverCheck:
    """Whether a tablet's token is valid for its hand-over, and the statement it reaches."""
    if not isinstance(handover_id, int) or not isinstance(token, str):
        return HandoverCheck("invalid")
    row = db.exec(_HANDOVER_QUERY, params={"handover_id": handover_id}).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, token_hash(token)):
        return HandoverCheck("invalid")
    handover = row[0]
    if handover.ended_at is not None:
        state = "ended"
    elif handover.expires_at <= (now or utcnow()):
        state = "expired"
    else:
        state = "ok"
    return HandoverCheck(state, *row)


# ----- expiry that follows the child ------------------------------------------------------------

EXPIRY_GRACE = timedelta(minutes=2)  # an answer tapped just before expiry, arriving just after
LONGEST_HANDOVER = timedelta(hours=8)  # however active, a hand-over ends within a working day
SLIDE_STEP = timedelta(minutes=1)  # move expiry at most once a minute: not a write per request


def slide_expiry(db: Session, *, handover: Handover, minutes: int, now: datetime | None = None) -> None:
    """The child is active: the hand-over now lasts `minutes` from this moment (capped)."""
    moment = now or utcnow()
    wanted = min(moment + timedelta(minutes=minutes), handover.created_at + LONGEST_HANDOVER)
    if wanted < handover.expires_at + SLIDE_STEP:
        return
    # Guarded in SQL too, so a slower request never moves expiry back, nor revives an ended hand-over.
    db.execute(
        update(Handover)
        .where(col(Handover.id) == handover.id, col(Handover.ended_at).is_(None), col(Handover.expires_at) < wanted)
        .values(expires_at=wanted)
    )
    db.commit()
    handover.expires_at = wanted


def within_grace(handover: Handover, *, now: datetime | None = None) -> bool:
    """Whether an expired hand-over still takes an answer: it expired moments ago and was not ended."""
    return handover.ended_at is None and (now or utcnow()) < handover.expires_at + EXPIRY_GRACE


def end_handover(db: Session, *, handover: Handover, now: datetime | None = None) -> None:
    """Close a hand-over: its token reaches nothing any more."""
    live = db.get(Handover, handover.id)
    if live.ended_at is None:
        live.ended_at = now or utcnow()
        db.add(live)
        db.commit()


@dataclass(frozen=True)
class Handback:
    """The outcome of one try to take the tablet back: ok, or how long to wait before the next (if at all)."""

    ok: bool
    wait: timedelta = timedelta(0)
    pin_allowed: bool = True


def handback_wait(handover: Handover, *, now: datetime) -> timedelta:
    """After MAX_HANDBACK_FAILURES wrong tries, each further try waits twice as long as the one before."""
    extra = handover.handback_failures - MAX_HANDBACK_FAILURES
    if extra < 0 or handover.last_handback_failure_at is None:
        return timedelta(0)
    ends = handover.last_handback_failure_at + min(HANDBACK_LONGEST_WAIT, HANDBACK_FIRST_WAIT * 2 ** min(extra, 20))
    return max(timedelta(0), ends - now)


def pin_allowed(handover: Handover, *, now: datetime) -> bool:
    """The PIN works only on a live hand-over with fewer than MAX_HANDBACK_FAILURES wrong tries; else the password."""
    return handover.handback_failures < MAX_HANDBACK_FAILURES and handover.expires_at > now


def try_handback(db: Session, *, handover_id: int, user: StaffUser | None, secret: str, now: datetime | None = None,
                 action: str = HANDBACK_ACTION) -> Handback:
    """Check a hand-back try against the hand-over's own count of failures (on the server), and audit it.

    Changing the access settings during child mode (ACCESS_ACTION) asks for the same secret and counts the same tries.
    """
    now = now or utcnow()
    handover = db.get(Handover, handover_id)
    db.refresh(handover)  # the count as it is now, not as this request first read it
    statement = db.get(Statement, handover.statement_id)
    pin_ok = pin_allowed(handover, now=now)
    wait = handback_wait(handover, now=now)
    if wait > timedelta(0):
        _audit_handback(db, handover=handover, statement=statement, outcome="refused-wait", action=action)
        return Handback(ok=False, wait=wait, pin_allowed=pin_ok)
    if verify_handback(user, secret, pin=pin_ok):
        _audit_handback(db, handover=handover, statement=statement, outcome="ok", action=action)
        return Handback(ok=True, pin_allowed=pin_ok)
    # Counted in one statement, so two tablets' tries at once both count.
    db.execute(
        update(Handover)
        .where(col(Handover.id) == handover.id)
        .values(handback_failures=Handover.handback_failures + 1, last_handback_failure_at=now)
    )
    db.commit()
    db.refresh(handover)
    _audit_handback(db, handover=handover, statement=statement, outcome=f"wrong;tries={handover.handback_failures}", action=action)
    return Handback(ok=False, wait=handback_wait(handover, now=now), pin_allowed=pin_allowed(handover, now=now))


def _audit_handback(db: Session, *, handover: Handover, statement: Statement, outcome: str, action: str = HANDBACK_ACTION) -> None:
    db.add(AuditEvent(staff_id=handover.created_by_id, action=action, child_id=statement.child_id, statement_id=statement.id, detail=outcome))
    db.commit()


def verify_handback(user: StaffUser | None, secret: str, *, pin: bool = True) -> bool:
    """True when the secret is the member of staff's password, or (when still allowed) the hand-back PIN they set."""
    if user is None or not user.active or not secret:
        return False
    if verify_password(user.password_hash, secret):
        return True
    return pin and bool(user.handback_pin_hash) and verify_password(user.handback_pin_hash, secret)


def set_access(db: Session, *, handover: Handover, settings: AccessSettings) -> None:
    """Change how the child answers for the rest of this hand-over."""
    db.execute(update(Handover).where(col(Handover.id) == handover.id).values(access=settings.to_json()))
    note_access(db, statement_id=handover.statement_id, settings=settings)
    db.commit()
    db.refresh(handover)


def set_handback_pin(db: Session, *, user: StaffUser, pin: str | None) -> None:
    """Store a new hand-back PIN (Argon2 hash), or forget it when pin is None."""
    live = db.get(StaffUser, user.id)
    live.handback_pin_hash = hash_password(pin) if pin else None
    db.add(live)
    db.commit()


# ----- the session's side of child mode --------------------------------------------------------


def enter_child_mode(session, *, handover: Handover, token: str, scribing: bool) -> None:
    """Put this browser into child mode for one hand-over (wrong hand-back tries are counted on the hand-over)."""
    session[CHILD_MODE_KEY] = {"handover": handover.id, "token": token, "scribing": scribing, "recap_done": False}


def child_mode_state(session) -> dict | None:
    """The browser's child-mode state, if it is in child mode."""
    state = session.get(CHILD_MODE_KEY)
    return state if isinstance(state, dict) else None


def update_child_mode(session, **changes) -> None:
    """Change part of the child-mode state (the session cookie is rewritten)."""
    state = dict(child_mode_state(session) or {})
    state.update(changes)
    session[CHILD_MODE_KEY] = state


def leave_child_mode(session) -> None:
    """End child mode in this browser."""
    session.pop(CHILD_MODE_KEY, None)


# ----- what the staff child page shows about a visit's statement -------------------------------


@dataclass(frozen=True)
class StatementSummary:
    statement: Statement
    answers: int

    @property
    def state(self) -> str:
        if self.statement.end_reason is not None:
            return {"finished": "Finished", "stopped": "Stopped early"}[self.statement.end_reason.value]
        return "Started"


def statement_summary(db: Session, *, visit_id: int) -> StatementSummary | None:
    """The visit's statement with how many questions were answered, for the child page."""
    statement = statement_for_visit(db, visit_id=visit_id)
    if statement is None:
        return None
    count = db.exec(select(func.count()).select_from(Answer).where(Answer.statement_id == statement.id)).one()
    return StatementSummary(statement, int(count))
