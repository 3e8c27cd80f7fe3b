"""The child's phone: join with a code, choose a secret, unlock, tell the IRO something, read replies, switch off."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from voice_app import db
from voice_app.extensions import limiter
from voice_app.i18n import language, use_language
from voice_app.models import Child, MessageKind, PhoneEnd, PhoneMessage, Safety, SecretKind
from voice_app.phone import bp
from voice_app.phone.access import device_cookie, forget_device, is_unlocked, lock, set_device_cookie, unlock
from voice_app.phone.devices import (
    PICTURES,
    SECRET_LENGTH_PICTURES,
    SecretProblem,
    device_for_credential,
    end_device,
    end_reason_now,
    join_with_code,
    set_secret,
    touch,
    try_unlock,
)
from voice_app.phone.meeting import next_meeting
from voice_app.phone.messages import ASKS_SAFETY, FEELINGS, MessageProblem, messages_for_child, send_message
from voice_app.profiles.routes import photo_response
from voice_app.profiles.services import iro_for_child, photo_of, profile_view, service_contact

# Open without a phone credential: joining, and the quick exit (which must always work).
OPEN = frozenset({"phone.join", "phone.quick_exit"})
# Reachable with a credential before the secret is given: choosing it (first time) and giving it.
BEFORE_UNLOCK = frozenset({"phone.unlock", "phone.secret"})
KINDS = {kind.value: kind for kind in MessageKind}
PIN_FIELD_LIMIT = 16


@bp.before_request
def _phone_access():
    """A phone page needs this phone's live credential, and (but for unlocking) the child's secret given recently."""
    g.phone_page = True
    use_language(request.values.get("lang") if request.endpoint == "phone.join" else None)
    if request.endpoint in OPEN:
        return None
    session_db = db.session()
    device = device_for_credential(session_db, device_cookie())
    if device is None:
        abort(404)
    g.device = device
    use_language(device.language)
    if device.ended_at is None:
        reason = end_reason_now(session_db, device=device, unused_days=current_app.config["VOICE_APP"].phone_unused_days)
        if reason is not None:
            end_device(session_db, device=device, reason=reason)
    if device.ended_at is not None:
        response = make_response(render_template("phone/ended.html"), 403)
        forget_device(response)
        return response
    g.child = session_db.get(Child, device.child_id)
    touch(session_db, device=device)
    if is_unlocked(device):
        unlock(device)  # slide: locked again only after the unlock period without use
        return None
    if request.endpoint in BEFORE_UNLOCK:
        return None
    return redirect(url_for("phone.unlock" if device.secret_hash else "phone.secret"))


@bp.app_template_global()
def phone_iro():
    """The child's IRO as the phone shows them: first name and picture only."""
    if "device" not in g or "child" not in g:
        return None
    if "phone_iro_view" not in g:
        iro = iro_for_child(db.session(), child=g.child)
        g.phone_iro_view = profile_view(db.session(), staff=iro, language=g.device.language) if iro else None
    return g.phone_iro_view


# ----- joining ----------------------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit("10 per minute; 40 per hour", methods=["POST"])
def join():
    """The child types (or the QR code fills in) the code shown on the IRO's tablet."""
    code = (request.values.get("code") or "")[:32]
    lang = (request.values.get("lang") or "")[:16]
    if request.method == "POST":
        joined = join_with_code(db.session(), code=code, language=language(lang).code if lang else None)
        if joined is None:
            return render_template("phone/join.html", code=code, lang=lang, problem=True), 422
        device, credential = joined
        response = redirect(url_for("phone.secret"))
        set_device_cookie(response, credential)
        lock()
        return response
    return render_template("phone/join.html", code=code, lang=lang, problem=False)


# ----- the child's secret ------------------------------------------------------------------------


def _picked_pictures() -> list[str]:
    return [(request.form.get(f"picture{n}") or "")[:32] for n in range(1, SECRET_LENGTH_PICTURES + 1)]


def _secret_kind_for(child: Child) -> SecretKind:
    from voice_app.child.handover import YOUNGER_UNTIL_AGE

    age = child.age_on(date.today())
    return SecretKind.PIN if age is not None and age >= YOUNGER_UNTIL_AGE else SecretKind.PICTURES


@bp.route("/secret", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def secret():
    """Choose the secret that opens this phone: three pictures in order, or a PIN. Changing it needs it first."""
    device = g.device
    if device.secret_hash and not is_unlocked(device):
        return redirect(url_for("phone.unlock"))
    wanted = request.values.get("kind")
    kind = SecretKind(wanted) if wanted in {k.value for k in SecretKind} else _secret_kind_for(g.child)
    problem = None
    if request.method == "POST":
        if kind == SecretKind.PICTURES:
            value: str | list[str] = _picked_pictures()
        else:
            value = (request.form.get("pin") or "")[:PIN_FIELD_LIMIT]
            if value != (request.form.get("pin_again") or "")[:PIN_FIELD_LIMIT]:
                problem = "pin_again"
        if problem is None:
            try:
                set_secret(db.session(), device=device, kind=kind, value=value)
            except SecretProblem as exc:
                problem = str(exc)
            else:
                unlock(device)
                return redirect(url_for("phone.home"))
    return render_template("phone/secret.html", kind=kind, problem=problem, pictures=PICTURES), 422 if problem else 200


@bp.route("/unlock", methods=["GET", "POST"], endpoint="unlock")
@limiter.limit("20 per minute", methods=["POST"])
def unlock_page():
    """The child gives their secret each time the app opens."""
    device = g.device
    if not device.secret_hash:
        return redirect(url_for("phone.secret"))
    problem, wait_minutes = None, 0
    if request.method == "POST":
        value = _picked_pictures() if device.secret_kind == SecretKind.PICTURES else (request.form.get("pin") or "")[:PIN_FIELD_LIMIT]
        outcome = try_unlock(db.session(), device=device, value=value)
        if outcome.ok:
            unlock(device)
            return redirect(url_for("phone.home"))
        problem = "locked" if outcome.wait else "wrong"
        wait_minutes = max(1, int(outcome.wait.total_seconds() // 60) + 1) if outcome.wait else 0
    status = 429 if problem == "locked" else 422 if problem else 200
    return render_template("phone/unlock.html", kind=device.secret_kind, problem=problem, wait_minutes=wait_minutes, pictures=PICTURES), status


# ----- home, telling, replies -------------------------------------------------------------------


@bp.get("/")
def home():
    """What the child can do: tell their IRO something, get ready for their next meeting, read replies, switch off."""
    found = next_meeting(db.session(), child=g.child, today=date.today())
    meeting_day = format_date(found.review.scheduled_for, format="full") if found else None
    return render_template("phone/home.html", kinds=list(MessageKind), meeting_day=meeting_day)


KIND_TITLES = {
    MessageKind.FEELING: _l("How I feel"),
    MessageKind.GOOD: _l("Something good happened"),
    MessageKind.WRONG: _l("Something is wrong"),
    MessageKind.TALK: _l("I want to talk to my IRO"),
    MessageKind.MEETING: _l("About my next meeting"),
}


@bp.route("/tell/<kind>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def tell(kind: str):
    """One thing to tell the IRO, in pictures and words; "I'm not safe" shows the safety help at once."""
    message_kind = KINDS.get(kind)
    if message_kind is None:
        abort(404)
    problem = None
    if request.method == "POST":
        feeling = request.form.get("feeling") or None
        safety_value = request.form.get("safety") or None
        client_id = (request.form.get("client_id") or "")[:64]
        if safety_value not in {None, *(s.value for s in Safety)} or not client_id:
            abort(400)
        settings = current_app.config["VOICE_APP"]
        try:
            sent = send_message(
                db.session(),
                device=g.device,
                kind=message_kind,
                client_id=client_id,
                feeling=feeling,
                safety=Safety(safety_value) if safety_value else None,
                text=request.form.get("text") or "",
                language=g.device.language,
                child_page_url=url_for("staff.child", child_id=g.device.child_id, _external=True),
                duty_email=settings.duty_email,
            )
        except MessageProblem as exc:
            problem = str(exc)
        else:
            return redirect(url_for("phone.sent", message_id=sent.message.id))
    return render_template(
        "phone/tell.html",
        kind=message_kind,
        title=KIND_TITLES[message_kind],
        feelings=FEELINGS,
        asks_safety=message_kind in ASKS_SAFETY,
        client_id=uuid.uuid4().hex,
        problem=problem,
        posted=request.form,
    ), 422 if problem else 200


@bp.get("/sent/<int:message_id>")
def sent(message_id: int):
    """Sent: and when the child said they are not safe, who to call now (messages are not read straight away)."""
    message = db.session().get(PhoneMessage, message_id)
    if message is None or message.device_id != g.device.id:
        abort(404)
    return render_template("phone/sent.html", message=message, not_safe=message.safety == Safety.NOT_SAFE, contact=service_contact(db.session()))


@bp.get("/replies")
def replies():
    """What the child said and what their IRO wrote back ("you said, we did")."""
    return render_template("phone/replies.html", messages=messages_for_child(db.session(), child_id=g.device.child_id, limit=30), titles=KIND_TITLES)


@bp.get("/my-iro/photo")
def iro_photo():
    """The child's IRO's photo (nobody else's), only to this child's unlocked phone."""
    view = phone_iro()
    return photo_response(photo_of(db.session(), staff_id=view.staff_id) if view and view.has_photo else None)


@bp.route("/off", methods=["GET", "POST"])
def switch_off():
    """The child switches this phone off for good (a new code at a visit joins it again)."""
    if request.method == "POST":
        end_device(db.session(), device=g.device, reason=PhoneEnd.CHILD)
        response = make_response(render_template("phone/ended.html", switched_off=True))
        forget_device(response)
        return response
    return render_template("phone/off.html")


@bp.get("/exit")
def quick_exit():
    """Leave at once for a neutral site: locks the phone; the script replaces this page in the history."""
    lock()
    response = redirect(current_app.config["VOICE_APP"].quick_exit_url, code=303)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.after_request
def _phone_headers(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


_PHONE_ERRORS = {
    400: _l("Something went wrong with that. Please try again."),
    404: _l("We couldn't find that page."),
    429: _l("Too many tries. Please wait a few minutes, then try again."),
}


def _phone_error(code: int):
    """The phone's own error page: the child's language, the quick exit, nothing about the service's staff."""
    return render_template("phone/error.html", message=str(_PHONE_ERRORS[code])), code


for _code in _PHONE_ERRORS:
    bp.register_error_handler(_code, lambda _exc, code=_code: _phone_error(code))
