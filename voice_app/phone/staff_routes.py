"""The IRO's side of the child's phone: show a joining code, read and answer messages, acknowledge alerts, revoke."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from voice_app import db
from voice_app.extensions import limiter
from voice_app.models import Child, PhoneDevice, PhoneEnd, PhoneMessage, Role, SafetyAlert, utcnow
from voice_app.phone import staff_bp
from voice_app.phone.devices import end_device, live_devices, pairing_for, show_code, start_pairing
from voice_app.phone.meeting import new_phone_views, phone_statements
from voice_app.phone.messages import (
    REPLY_LIMIT,
    acknowledge,
    away_until,
    mark_read,
    messages_for_child,
    open_alerts,
    reply,
    set_away,
    unread_counts,
)
from voice_app.qr import qr_svg
from voice_app.rendering import render
from voice_app.security import child_for, roles_required

STAFF_ROLES = (Role.IRO, Role.MANAGER)
CODES_KEY = "phone_codes"  # the codes this IRO was just shown, by pairing id (the database keeps only hashes)


@staff_bp.post("/children/<int:child_id>/phone/code")
@roles_required(*STAFF_ROLES)
@limiter.limit("10 per minute")
def new_code(child_id: int):
    """"Set up their own phone": a one-time code and QR code for the child's phone, valid a few minutes."""
    session_db = db.session()
    child = child_for(session_db, current_user, child_id)
    pairing, code = start_pairing(session_db, child=child, user=current_user, minutes=current_app.config["VOICE_APP"].phone_join_minutes)
    session[CODES_KEY] = {str(pairing.id): code}
    return redirect(url_for("phones.show_code_page", child_id=child.id, pairing_id=pairing.id))


@staff_bp.get("/children/<int:child_id>/phone/code/<int:pairing_id>")
@roles_required(*STAFF_ROLES)
def show_code_page(child_id: int, pairing_id: int):
    """The code on the tablet while it works; once the phone has joined, says so (htmx asks every few seconds)."""
    session_db = db.session()
    child = child_for(session_db, current_user, child_id)
    pairing = pairing_for(session_db, pairing_id=pairing_id, child_id=child.id)
    if pairing is None:
        abort(404)
    code = (session.get(CODES_KEY) or {}).get(str(pairing.id))
    live = pairing.used_at is None and pairing.expires_at > utcnow() and code is not None
    qr = None
    if live:
        join_url = url_for("phone.join", code=code, lang=child.preferred_language, _external=True)
        qr = qr_svg(join_url, title=f"QR code to join {child.preferred_name}'s phone", svg_id="phone-qr")
    return render(
        "phones/code.html",
        block="code_status",
        child=child,
        pairing=pairing,
        code=show_code(code) if live else None,
        qr=qr,
        joined=pairing.device_id is not None,
    )


@staff_bp.post("/phones/<int:device_id>/revoke")
@roles_required(*STAFF_ROLES)
def revoke(device_id: int):
    """The IRO (or a manager) ends a child's phone: it reaches nothing any more."""
    device, child = _owned(PhoneDevice, device_id)
    if end_device(db.session(), device=device, reason=PhoneEnd.REVOKED, by=current_user):
        flash(f"{child.preferred_name}'s phone is switched off. It cannot reach voice-app any more.", "success")
    return redirect(url_for("staff.child", child_id=child.id, _anchor="own-phone"))


def _owned(model, object_id: int):
    """A phone, message or alert and its child, if this person may see the child; 404 otherwise."""
    session_db = db.session()
    found = session_db.get(model, object_id)
    if found is None:
        abort(404)
    return found, child_for(session_db, current_user, found.child_id)


@staff_bp.get("/phone-messages/<int:message_id>")
@roles_required(*STAFF_ROLES)
def message(message_id: int):
    """One message from a child's phone (reading it is audited), with the reply the child will see."""
    found, child = _owned(PhoneMessage, message_id)
    mark_read(db.session(), message=found, user=current_user)
    return render_template("phones/message.html", message=found, child=child, limit=REPLY_LIMIT, problem=None)


@staff_bp.post("/phone-messages/<int:message_id>/reply")
@roles_required(*STAFF_ROLES)
def reply_to(message_id: int):
    """Write back to the child ("you said, we did"); they read it on their phone."""
    found, child = _owned(PhoneMessage, message_id)
    text = (request.form.get("reply") or "").strip()
    if not text or len(text) > REPLY_LIMIT:
        problem = "Write your reply to the child." if not text else f"Keep it under {REPLY_LIMIT} characters."
        return render_template("phones/message.html", message=found, child=child, limit=REPLY_LIMIT, problem=problem), 422
    reply(db.session(), message=found, user=current_user, text=text)
    flash(f"Your reply is on {child.preferred_name}'s phone.", "success")
    return redirect(url_for("phones.message", message_id=found.id))


@staff_bp.post("/safety-alerts/<int:alert_id>/acknowledge")
@roles_required(*STAFF_ROLES)
def acknowledge_alert(alert_id: int):
    """Someone has seen the alert and is acting on it: it leaves the caseload (audited)."""
    alert, child = _owned(SafetyAlert, alert_id)
    if acknowledge(db.session(), alert=alert, user=current_user):
        flash(f"Alert about {child.preferred_name} acknowledged.", "success")
    return redirect(url_for("staff.child", child_id=child.id, _anchor="own-phone"))


# ----- what the caseload and the child page show ------------------------------------------------------


@staff_bp.app_template_global()
def phone_alerts() -> list:
    """Unacknowledged safety alerts this person should see (for the banner on the caseload)."""
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        return []
    return open_alerts(db.session(), user=current_user)


@staff_bp.app_template_global()
def phone_unread(child_ids) -> dict[int, int]:
    """Unread phone messages and views finished on the phone not yet reviewed, per child, for the caseload ("2 new from Aisha")."""
    ids = list(child_ids)
    counts = unread_counts(db.session(), child_ids=ids)
    for child_id, views in new_phone_views(db.session(), child_ids=ids).items():
        counts[child_id] = counts.get(child_id, 0) + views
    return counts


@staff_bp.app_template_global()
def phone_panel(child: Child) -> dict:
    """The child page's "Their own phone" section: live phones, messages, open alerts."""
    session_db = db.session()
    alerts = [alert for alert, _child in open_alerts(session_db, user=current_user) if alert.child_id == child.id]
    return {
        "devices": live_devices(session_db, child_id=child.id),
        "messages": messages_for_child(session_db, child_id=child.id, limit=20),
        "views": phone_statements(session_db, child_id=child.id),
        "alerts": alerts,
        "can_join": child.cared_for or child.on_cp_plan,
    }


@staff_bp.route("/account/away", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def away():
    """"I am away until": meanwhile safety alerts about my children are emailed to the duty manager too."""
    session_db = db.session()
    problem = None
    if request.method == "POST":
        raw = (request.form.get("away_until") or "").strip()[:10]
        until = None
        if raw and request.form.get("back") is None:
            try:
                until = date.fromisoformat(raw)
            except ValueError:
                problem = "Enter the last day you are away, for example 2026-12-24."
            else:
                if not date.today() <= until <= date.today() + timedelta(days=366):
                    problem = "Enter a day from today to a year ahead."
        if problem is None:
            set_away(session_db, user=current_user, until=until)
            flash(f"You are away until {until.strftime('%-d %B %Y')}." if until else "You are not marked as away.", "success")
            return redirect(url_for("phones.away"))
    return render_template("phones/away.html", until=away_until(session_db, user=current_user), problem=problem), 422 if problem else 200
