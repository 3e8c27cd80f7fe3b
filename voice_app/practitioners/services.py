"""Invitations for practitioners: who may invite, the single-use link, access while the conference is booked, and its end."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from voice_app.auth.services import find_staff_by_email, normalise_email
from voice_app.models import (
    AuditEvent,
    Child,
    GivenVia,
    Handover,
    PractitionerInvitation,
    Profession,
    Review,
    ReviewKind,
    ReviewStatus,
    Role,
    StaffUser,
    Statement,
    Visit,
    VisitMethod,
    VisitPurpose,
    VisitStatus,
    utcnow,
)
from voice_app.passwords import hash_password
from voice_app.sessions import end_sessions_of

TOKEN_BYTES = 32
LINK_DAYS = 7  # the emailed link works for a week, and never past the conference's day


class InviteProblem(ValueError):
    """Why an invitation cannot be made, in words for the person making it."""


@dataclass(frozen=True)
class Invited:
    invitation: PractitionerInvitation
    token: str | None  # None: the practitioner already has a password and is asked to sign in


@dataclass(frozen=True)
class Access:
    """One live invitation as the practitioner sees it: the child's name and the conference's day, nothing else."""

    invitation: PractitionerInvitation
    review: Review
    child: Child


def token_hash(token: str) -> str:
    """The SHA-256 of an invitation token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def audit(db: Session, *, action: str, staff_id: int | None, invitation: PractitionerInvitation | None = None, detail: str = "", statement_id: int | None = None) -> None:
    """One step of an invitation on the child's audit trail (ids only: no names or addresses)."""
    if invitation is not None:
        detail = f"invitation={invitation.id}" + (f";{detail}" if detail else "")
    db.add(
        AuditEvent(
            staff_id=staff_id,
            action=f"practitioner.{action}",
            child_id=invitation.child_id if invitation else None,
            statement_id=statement_id,
            detail=detail[:255],
        )
    )


# ----- who may invite, and for which conference ------------------------------------------------


def conference_open(review: Review) -> bool:
    """A child protection conference still booked: not held, not cancelled (as its record says)."""
    return review.kind == ReviewKind.CP_CONFERENCE and review.status == ReviewStatus.SCHEDULED and review.held_on is None


def may_invite(user: StaffUser, *, review: Review, child: Child) -> bool:
    """Managers, the child's IRO and the conference's chair manage a conference's practitioners."""
    if not user.active:
        return False
    if user.role == Role.MANAGER:
        return True
    return user.role == Role.IRO and user.id in (child.iro_id, review.chair_id)


def is_live(invitation: PractitionerInvitation, review: Review) -> bool:
    """Access lasts while the invitation stands and the conference is still to be held."""
    return invitation.withdrawn_at is None and conference_open(review)


def invitations_for(db: Session, *, review_id: int) -> list[tuple[PractitionerInvitation, StaffUser]]:
    """A conference's invitations with their practitioners, newest first."""
    rows = db.exec(
        select(PractitionerInvitation, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(PractitionerInvitation.practitioner_id))
        .where(PractitionerInvitation.review_id == review_id)
        .order_by(col(PractitionerInvitation.id).desc())
    ).all()
    return [(invitation, user) for invitation, user in rows]


def _link_expiry(review: Review, now: datetime) -> datetime:
    end_of_conference_day = datetime.combine(review.scheduled_for + timedelta(days=1), time(0), tzinfo=now.tzinfo)
    return min(now + timedelta(days=LINK_DAYS), max(end_of_conference_day, now + timedelta(hours=1)))


def _has_password(db: Session, *, user_id: int) -> bool:
    # A practitioner chooses their password through their first link: any used link means they have one.
    used = select(PractitionerInvitation.id).where(PractitionerInvitation.practitioner_id == user_id, col(PractitionerInvitation.token_used_at).is_not(None))
    return db.exec(used).first() is not None


def invite(
    db: Session,
    *,
    review: Review,
    child: Child,
    email: str,
    name: str,
    profession: Profession,
    organisation: str,
    invited_by: StaffUser,
    now: datetime | None = None,
) -> Invited:
    """Invite (or invite again, with a fresh link) a practitioner for this conference; audited. Commits."""
    now = now or utcnow()
    if not conference_open(review):
        raise InviteProblem("Practitioners can only be invited for a child protection conference that has not been held yet.")
    address = normalise_email(email)
    user = find_staff_by_email(db, address)
    if user is not None and user.role != Role.PRACTITIONER:
        raise InviteProblem("That email address belongs to a member of the reviewing service. Invite the practitioner at their own work address.")
    if user is not None and not user.active:
        raise InviteProblem("That practitioner's account is switched off. Ask an admin to switch it on first.")
    if user is None:
        # No usable password until they choose one through the link: a random one nobody knows.
        user = StaffUser(email=address, display_name=name.strip(), role=Role.PRACTITIONER, password_hash=hash_password(secrets.token_urlsafe(32)))
        db.add(user)
        try:
            db.flush()
        except IntegrityError as exc:  # the same address invited at the same moment from another page
            raise InviteProblem("That address was invited a moment ago. Reload the page to see it.") from exc
    invitation = db.exec(
        select(PractitionerInvitation).where(
            PractitionerInvitation.review_id == review.id,
            PractitionerInvitation.practitioner_id == user.id,
            col(PractitionerInvitation.withdrawn_at).is_(None),
        )
    ).first()
    action = "invite_again" if invitation is not None else "invite"
    if invitation is None:
        invitation = PractitionerInvitation(review_id=review.id, child_id=child.id, practitioner_id=user.id, invited_by_id=invited_by.id, created_at=now, profession=profession)
    invitation.profession = profession
    invitation.organisation = organisation.strip()
    token = None
    if not _has_password(db, user_id=user.id):
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation.token_hash = token_hash(token)
        invitation.token_expires_at = _link_expiry(review, now)
        invitation.token_used_at = None
    db.add(invitation)
    db.flush()
    audit(db, action=action, staff_id=invited_by.id, invitation=invitation, detail="link" if token else "sign-in")
    return Invited(invitation, token)


# ----- the emailed link -------------------------------------------------------------------------


@dataclass(frozen=True)
class Joining:
    invitation: PractitionerInvitation
    practitioner: StaffUser
    review: Review
    child: Child


def check_link(db: Session, *, token: str, now: datetime | None = None) -> Joining | None:
    """The invitation a link opens, if it is unused, unexpired and its access still live; None otherwise."""
    if not token or len(token) > 128:
        return None
    invitation = db.exec(select(PractitionerInvitation).where(PractitionerInvitation.token_hash == token_hash(token))).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash or "", token_hash(token)):
        return None
    if invitation.token_used_at is not None or invitation.token_expires_at is None or invitation.token_expires_at <= (now or utcnow()):
        return None
    review, child, user = db.get(Review, invitation.review_id), db.get(Child, invitation.child_id), db.get(StaffUser, invitation.practitioner_id)
    if review is None or child is None or user is None or not user.active or not is_live(invitation, review):
        return None
    return Joining(invitation, user, review, child)


def accept(db: Session, *, joining: Joining, password: str, now: datetime | None = None) -> bool:
    """Set the practitioner's password and use up the link (once, even with two tries at the same moment). Commits."""
    now = now or utcnow()
    claimed = db.execute(
        update(PractitionerInvitation)
        .where(col(PractitionerInvitation.id) == joining.invitation.id, col(PractitionerInvitation.token_used_at).is_(None))
        .values(token_used_at=now)
    )
    if not claimed.rowcount:
        db.rollback()
        return False
    user = db.get(StaffUser, joining.practitioner.id)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    db.add(user)
    audit(db, action="accept", staff_id=user.id, invitation=joining.invitation)
    db.commit()
    # Anyone who was signed in as them before (an earlier password) is signed out.
    end_sessions_of(db, user_id=user.id, reason="password-changed")
    return True


# ----- what a practitioner sees -----------------------------------------------------------------


def live_access(db: Session, *, practitioner_id: int) -> list[Access]:
    """The practitioner's live invitations, soonest conference first."""
    rows = db.exec(
        select(PractitionerInvitation, Review, Child)
        .join(Review, col(Review.id) == col(PractitionerInvitation.review_id))
        .join(Child, col(Child.id) == col(PractitionerInvitation.child_id))
        .where(
            PractitionerInvitation.practitioner_id == practitioner_id,
            col(PractitionerInvitation.withdrawn_at).is_(None),
            Review.kind == ReviewKind.CP_CONFERENCE,
            Review.status == ReviewStatus.SCHEDULED,
            col(Review.held_on).is_(None),
            Child.active == True,  # noqa: E712
        )
        .order_by(col(Review.scheduled_for), col(PractitionerInvitation.id))
    ).all()
    return [Access(*row) for row in rows]


def access_for(db: Session, *, practitioner_id: int, invitation_id: int) -> Access | None:
    """One of the practitioner's own live invitations, or None (the caller answers 404)."""
    return next((item for item in live_access(db, practitioner_id=practitioner_id) if item.invitation.id == invitation_id), None)


def conversations(db: Session, *, invitation: PractitionerInvitation) -> list[Statement]:
    """The conversations this practitioner ran for this invitation (never anyone else's)."""
    if invitation.visit_id is None:
        return []
    return list(db.exec(select(Statement).where(Statement.visit_id == invitation.visit_id).order_by(col(Statement.id))).all())


def practitioner_visit(db: Session, *, invitation: PractitionerInvitation, today: date) -> Visit:
    """The practitioner's visit under the conference (made at the first hand-over): the statement hangs on it."""
    if invitation.visit_id is not None:
        return db.get(Visit, invitation.visit_id)
    visit = Visit(
        review_id=invitation.review_id,
        iro_id=invitation.practitioner_id,
        status=VisitStatus.DONE,
        held_on=today,
        planned_for=today,
        method=VisitMethod.FACE_TO_FACE,
        purpose=VisitPurpose.PRACTITIONER,
    )
    db.add(visit)
    db.flush()
    # Claimed in one statement, so a double tap on two requests still gives one visit (the other is undone).
    claimed = db.execute(
        update(PractitionerInvitation)
        .where(col(PractitionerInvitation.id) == invitation.id, col(PractitionerInvitation.visit_id).is_(None))
        .values(visit_id=visit.id)
    )
    if not claimed.rowcount:
        db.rollback()
        visit_id = db.exec(select(PractitionerInvitation.visit_id).where(PractitionerInvitation.id == invitation.id)).one()
        invitation.visit_id = visit_id
        return db.get(Visit, visit_id)
    db.commit()
    invitation.visit_id = visit.id
    return visit


def mark_given_via_practitioner(db: Session, *, statement_id: int, invitation: PractitionerInvitation) -> None:
    """The statement is marked as given on a practitioner's device, and the hand-over audited. Commits."""
    db.execute(update(Statement).where(col(Statement.id) == statement_id).values(given_via=GivenVia.PRACTITIONER))
    audit(db, action="hand_over", staff_id=invitation.practitioner_id, invitation=invitation, statement_id=statement_id)
    db.commit()


# ----- the end of access ------------------------------------------------------------------------


def end_handovers(db: Session, *, invitation: PractitionerInvitation, now: datetime) -> int:
    """Close any child mode still open on this invitation's conversations; how many."""
    if invitation.visit_id is None:
        return 0
    statements = select(Statement.id).where(Statement.visit_id == invitation.visit_id)
    result = db.execute(
        update(Handover).where(col(Handover.statement_id).in_(statements), col(Handover.ended_at).is_(None)).values(ended_at=now)
    )
    return int(result.rowcount)


def withdraw(db: Session, *, invitation: PractitionerInvitation, by: StaffUser, now: datetime | None = None) -> None:
    """Withdraw an invitation: its link, its child mode and (if nothing else is live) the practitioner's sessions end. Commits."""
    now = now or utcnow()
    invitation.withdrawn_at = now
    invitation.withdrawn_by_id = by.id
    db.add(invitation)
    ended = end_handovers(db, invitation=invitation, now=now)
    audit(db, action="withdraw", staff_id=by.id, invitation=invitation, detail=f"child-mode-ended={ended}")
    db.commit()
    if not live_access(db, practitioner_id=invitation.practitioner_id):
        end_sessions_of(db, user_id=invitation.practitioner_id, reason="access-ended", now=now)


def end_access(db: Session, *, practitioner: StaffUser, now: datetime | None = None) -> None:
    """Nothing is live any more (the conference was held, or everything withdrawn): end every session. Commits."""
    now = now or utcnow()
    for invitation in db.exec(select(PractitionerInvitation).where(PractitionerInvitation.practitioner_id == practitioner.id)).all():
        ended = end_handovers(db, invitation=invitation, now=now)
        if invitation.withdrawn_at is None:  # a withdrawal was audited when it happened
            review = db.get(Review, invitation.review_id)
            audit(db, action="access_ended", staff_id=practitioner.id, invitation=invitation, detail=f"conference={review.status.value};child-mode-ended={ended}")
    db.commit()
    end_sessions_of(db, user_id=practitioner.id, reason="access-ended", now=now)
