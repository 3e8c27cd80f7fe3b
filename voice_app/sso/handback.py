"""Taking the tablet back from child mode by signing in again through the council's provider.

The hand-over's IRO only, and a fresh sign-in: voice-app asks the provider to make the person sign in again
(prompt=login, max_age=0) and, when the ID token says when they did, refuses an older sign-in, so a provider
session still open on the tablet cannot hand it back by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import session
from sqlmodel import Session, select

from voice_app.child.handover import HANDBACK_ACTION, HandoverCheck, check_handover, child_mode_state, end_handover
from voice_app.models import AuditEvent, SsoIdentity, StaffUser, utcnow
from voice_app.sso.client import LEEWAY_SECONDS, ProviderRefused
from voice_app.sso.services import active_provider

FLOW_KEY = "sso_handback"  # the hand-over a provider hand-back was started for, and when


def live_handover(db: Session) -> HandoverCheck | None:
    """This browser's hand-over while it is in child mode and can still be handed back, else None."""
    state = child_mode_state(session)
    if state is None:
        return None
    check = check_handover(db, handover_id=state.get("handover"), token=state.get("token"))
    return None if check.state == "invalid" else check


def can_hand_back_through_provider(db: Session, *, iro: StaffUser | None) -> bool:
    """True when the council's sign-in is on and this IRO is linked to it."""
    if iro is None or active_provider(db) is None:
        return False
    return db.exec(select(SsoIdentity).where(SsoIdentity.staff_id == iro.id)).first() is not None


def begin(*, check: HandoverCheck, now: datetime | None = None) -> None:
    """Remember which hand-over this provider sign-in is meant to close."""
    session[FLOW_KEY] = {"handover": check.handover.id, "started": int((now or utcnow()).timestamp())}


def finish(db: Session, *, check: HandoverCheck, user: StaffUser, claims: Mapping) -> None:
    """Close the hand-over if the provider's person is its IRO and signed in just now; raises ProviderRefused."""
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or flow.get("handover") != check.handover.id:
        raise ProviderRefused("state")
    outcome = "ok; provider"
    try:
        if user.id != check.iro.id:
            raise ProviderRefused("wrong-person")
        auth_time = claims.get("auth_time")
        if isinstance(auth_time, int | float) and auth_time < int(flow.get("started", 0)) - LEEWAY_SECONDS:
            raise ProviderRefused("not-fresh")
    except ProviderRefused as refused:
        outcome = f"refused-provider; reason: {refused.code}"
        raise
    finally:
        db.add(AuditEvent(staff_id=check.handover.created_by_id, action=HANDBACK_ACTION, child_id=check.statement.child_id,
                          statement_id=check.statement.id, detail=outcome))
        db.commit()
    end_handover(db, handover=check.handover)
