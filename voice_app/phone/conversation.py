"""The child's conversation (voice_app/child) on their own phone: starting it from the phone, and the phone's guard on it.

Child mode on a phone carries the phone's id beside the hand-over (CHILD_MODE_KEY's "phone"). Every child page
then also needs this phone's live credential (a copy of its cookie scoped to /child) and the child's secret
given recently: the quick exit locks the phone, and the conversation waits behind the secret. Going back to
the phone's own pages ends child mode: there is no hand-back on a phone.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from voice_app import db
from voice_app.child.handover import check_handover, child_mode_state, enter_child_mode, leave_child_mode, update_child_mode
from voice_app.child.routes import BACKGROUND_ENDPOINTS
from voice_app.extensions import limiter
from voice_app.phone import bp
from voice_app.phone.access import CHILD_PATH, device_cookie, is_unlocked, set_device_cookie, unlock
from voice_app.phone.devices import device_for_credential, touch
from voice_app.phone.meeting import end_phone_handover, next_meeting, start_on_phone
from voice_app.rendering import render, wants_fragment

PHONE_KEY = "phone"  # in the child-mode state: the phone this conversation runs on
_NOT_GUARDED = frozenset({"child.service_worker"})  # a script with nothing of the child in it


def phone_mode_device_id() -> int | None:
    """The phone this browser's child mode runs on, or None (a tablet, or not in child mode)."""
    state = child_mode_state(session)
    device_id = state.get(PHONE_KEY) if state else None
    return device_id if isinstance(device_id, int) else None


@bp.app_template_global()
def on_own_phone() -> bool:
    """Whether this page of the conversation is on the child's own phone (quick exit, no hand-back)."""
    return phone_mode_device_id() is not None


@bp.post("/meeting")
@limiter.limit("30 per hour")
def meeting():
    """"Get ready for my next meeting": start or resume the statement for it, in child mode on this phone."""
    session_db = db.session()
    found = next_meeting(session_db, child=g.child, today=date.today())
    if found is None:
        abort(404)  # the home page does not offer it: nothing is booked
    handover, token = start_on_phone(
        session_db, device=g.device, child=g.child, meeting=found, minutes=current_app.config["VOICE_APP"].handover_minutes, today=date.today()
    )
    enter_child_mode(session, handover=handover, token=token, scribing=False)
    update_child_mode(session, **{PHONE_KEY: g.device.id})
    response = redirect(url_for("child.conversation", statement_id=handover.statement_id, _anchor="question-title"))
    # The conversation's pages check this phone's credential too: its cookie, copied for their path.
    set_device_cookie(response, device_cookie(), path=CHILD_PATH)
    return response


def _locked():
    """The phone is locked (quick exit, or time): a GET goes to the secret; a tap gets the break step."""
    if request.method == "GET" and not wants_fragment():
        return redirect(url_for("phone.unlock"))
    return render("child/paused.html", block="step", status=403)


def install_phone_conversation_gate(app: Flask) -> None:
    """Child mode on a phone: its pages need the phone unlocked; the phone's own pages end it."""

    @app.before_request
    def _phone_conversation_gate():
        device_id = phone_mode_device_id()
        if device_id is None:
            return None
        endpoint = request.endpoint or ""
        if endpoint.startswith("phone."):
            # Back on the phone's own pages (home, quick exit, unlock): the conversation's child mode ends.
            end_phone_handover(db.session(), handover_id=child_mode_state(session).get("handover"))
            leave_child_mode(session)
            return None
        if endpoint.startswith("sso."):
            return redirect(url_for("phone.home"))  # the council's sign-in takes a tablet back; a phone has no hand-back
        if not endpoint.startswith("child.") or endpoint in _NOT_GUARDED:
            return None  # static files and the like; staff pages are refused by the child-mode lock
        session_db = db.session()
        state = child_mode_state(session)
        device = device_for_credential(session_db, device_cookie())
        handover = check_handover(session_db, handover_id=state.get("handover"), token=state.get("token"))
        if device is None or device.id != device_id or device.ended_at is not None or handover.state == "invalid":
            leave_child_mode(session)
            return redirect(url_for("phone.home"))
        if not is_unlocked(device):
            return _locked()
        if endpoint not in BACKGROUND_ENDPOINTS:
            unlock(device)  # the child is active: the phone stays unlocked (what the page fetches by itself is not activity)
            touch(session_db, device=device)
        if endpoint == "child.give_back":
            return redirect(url_for("phone.home"))  # nothing to hand back on a phone
        return None
