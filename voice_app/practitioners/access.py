"""The end of a practitioner's access, checked on every request they make: no job or hook in other areas needed."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from voice_app import db
from voice_app.models import PractitionerInvitation, Review, Role, utcnow
from voice_app.practitioners.services import end_access, end_handovers, is_live, live_access
from voice_app.security import CHILD_MODE_KEY
from voice_app.sessions import SESSION_KEY

# Set beside child mode when a practitioner hands their device over (see routes.hand_over).
INVITATION_KEY = "practitioner_invitation"
OPEN_ENDPOINTS = frozenset({"static", "health.healthz", "health.readyz", "credits.credits", "auth.sign_out", "auth.sign_in"})
ENDED = "Your access for that conference has ended: it has been held, or the invitation was withdrawn. Thank you for gathering the child's views."


def _ended():
    session.clear()
    flash(ENDED, "info")
    return redirect(url_for("auth.sign_in"))


def install_practitioner_gate(app: Flask) -> None:
    """A practitioner (or a device they handed to a child) is let in only while one of their invitations is live."""

    @app.before_request
    def _practitioner_gate():
        if (request.endpoint or "") in OPEN_ENDPOINTS:
            return None
        handed = session.get(INVITATION_KEY)
        if session.get(CHILD_MODE_KEY) and isinstance(handed, int):
            # Child mode on a practitioner's device: it ends with the conference or the invitation.
            session_db = db.session()
            invitation = session_db.get(PractitionerInvitation, handed)
            review = session_db.get(Review, invitation.review_id) if invitation else None
            if invitation is None or not is_live(invitation, review):
                if invitation is not None:
                    end_handovers(session_db, invitation=invitation, now=utcnow())
                    session_db.commit()
                return _ended()
            return None
        if SESSION_KEY not in session or not current_user.is_authenticated or current_user.role != Role.PRACTITIONER:
            return None
        if live_access(db.session(), practitioner_id=current_user.id):
            return None
        end_access(db.session(), practitioner=current_user._get_current_object())
        logout_user()
        return _ended()
