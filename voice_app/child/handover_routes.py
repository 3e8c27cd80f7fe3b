"""Staff side of the hand-over: the IRO sets up the conversation and hands the tablet to the child."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from voice_app import db
from voice_app.child import handover_bp
from voice_app.child.after import asked_about, last_held_review
from voice_app.child.forms import HandoverForm
from voice_app.child.handover import (
    HandoverOptions,
    available_languages,
    enter_child_mode,
    set_handback_pin,
    start_handover,
    statement_for_visit,
    statement_summary,
    suggested_version,
)
from voice_app.child.late import NotWaitingAnswer, take_waiting
from voice_app.child.photos import MAX_PHOTOS, UPLOAD_BYTES, PhotoUpload, add_photos, check_uploads
from voice_app.inputs import accepts_files
from voice_app.models import FlowVersion, ReviewKind, Role, Statement, VisitStatus
from voice_app.photos import MAX_UPLOAD_BYTES
from voice_app.questions.access import MODES
from voice_app.questions.bank import default_bank
from voice_app.rendering import render
from voice_app.security import child_for, roles_required
from voice_app.sessions import sign_out_browser
from voice_app.staff.services import visit_for

HANDOVER_STATUSES = (VisitStatus.PLANNED, VisitStatus.DONE)


def _visit(visit_id: int):
    visit, review, child = visit_for(db.session(), current_user, visit_id)
    if visit.status not in HANDOVER_STATUSES or not visit.purpose.by_iro:
        abort(404)  # a practitioner's visit or the child's own phone is not the IRO's to hand over
    return visit, review, child


def _chosen_parts(form: HandoverForm, last_held) -> tuple[str, int | None]:
    """The parts to ask (with "after" when the IRO asks how the last meeting went, and "explain" if added), and that meeting's id."""
    parts = form.parts.data.split(",")
    about = None
    if last_held is not None and (parts == ["after"] or form.ask_after.data):
        about = last_held.id
        parts = ["after", *[part for part in parts if part != "after"]]
    if form.explain.data and "explain" not in parts:
        parts.append("explain")
    return ",".join(parts), about


def _form(child, review) -> HandoverForm:
    form = HandoverForm()
    languages = available_languages()
    form.language.choices = [(lang.code, lang.native_name if lang.native_name == lang.english_name else f"{lang.english_name} ({lang.native_name})") for lang in languages]
    form.photo_mat.choices = [("", str(_l("No photos"))), *((mat.id, mat.title) for mat in default_bank().mats)]
    if not form.is_submitted():
        form.version.data = FlowVersion.OLDER.value if review.young_persons else suggested_version(child, today=date.today()).value
        codes = {lang.code for lang in languages}
        form.language.data = child.preferred_language if child.preferred_language in codes else "en-GB"
        # A young person's conference is shaped by them: their menu is asked as well as their views.
        form.parts.data = "views,menu" if review.kind == ReviewKind.CARED_FOR or review.young_persons else "views"
        if child.passport_access in MODES:  # their communication passport says how they answer best
            form.access.data = child.passport_access
    return form


def _photos_given(form: HandoverForm) -> list[tuple[str, bytes]]:
    """The child's own photos the IRO added (cleaned), with kind words on the form for any that cannot be used."""
    uploads = []
    for number, label, name in form.photo_rows():
        upload = request.files.get(name)
        data = upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None and upload.filename else b""
        uploads.append(PhotoUpload(number, label.data or "", data))
    cleaned, problems = check_uploads(uploads)
    for problem in problems:
        form[f"photo_label_{problem.number}"].errors.append(problem.message)
    if cleaned and form.version.data != FlowVersion.MAT.value:
        form.photo_mat.errors.append(str(_l("Photos go on a sorting mat: choose the sorting mat, or leave the photos out.")))
    elif cleaned and not form.photo_mat.data:
        form.photo_mat.errors.append(str(_l("Choose the mat the photos go on.")))
    if cleaned and (problems or form.photo_mat.errors):
        form.photo_mat.errors.append(str(_l("Choose the photos again: a browser cannot keep a chosen file.")))
    return cleaned


@handover_bp.route("/visits/<int:visit_id>/hand-over", methods=["GET", "POST"])
@accepts_files(*(f"photo_file_{n}" for n in range(1, MAX_PHOTOS + 1)), max_bytes=UPLOAD_BYTES)
@roles_required(Role.IRO, Role.MANAGER)
def setup(visit_id: int):
    """Choose the version, language and parts (and any of the child's own photos for a mat), then hand the tablet to the child."""
    visit, review, child = _visit(visit_id)
    form = _form(child, review)
    last_held = last_held_review(db.session(), child_id=child.id, today=date.today(), not_review_id=review.id)
    if not form.is_submitted():
        form.ask_after.data = last_held is not None and not asked_about(db.session(), review_id=last_held.id)
    if form.is_submitted() and form.parts.data == "after" and last_held is None:
        form.parts.errors = ["There is no held meeting to ask about yet: choose another option."]
    valid = not form.parts.errors and form.validate_on_submit()
    photos = _photos_given(form) if form.is_submitted() else []
    if valid and not form.errors:
        session_db = db.session()
        if form.pin.data:
            set_handback_pin(session_db, user=current_user, pin=form.pin.data)
        elif form.forget_pin.data:
            set_handback_pin(session_db, user=current_user, pin=None)
        parts, about_review_id = _chosen_parts(form, last_held)
        options = HandoverOptions(
            version=FlowVersion(form.version.data),
            language=form.language.data,
            parts=parts,
            scribing=bool(form.scribing.data),
            about_review_id=about_review_id,
            access=form.access_settings(),
        )
        handover, token = start_handover(
            session_db,
            visit=visit,
            child=child,
            user=current_user,
            options=options,
            minutes=current_app.config["VOICE_APP"].handover_minutes,
        )
        if photos:
            add_photos(session_db, statement_id=handover.statement_id, child_id=child.id, mat_id=form.photo_mat.data, photos=photos, by=current_user)
        # The IRO's staff session ends here: a copy of this cookie opens nothing; give-back starts a new one.
        sign_out_browser("handed-over", keep_cookie=True)
        enter_child_mode(session, handover=handover, token=token, scribing=options.scribing)
        # The first question's heading (focusable) as the target: the browser focuses it, so a screen reader says it.
        # (A "#step" target is not focusable, and Chromium clears focus for it after the page's scripts have run.)
        return redirect(url_for("child.conversation", statement_id=handover.statement_id, _anchor="question-title"))
    existing = statement_for_visit(db.session(), visit_id=visit.id)
    return render(
        "handover/setup.html",
        form=form,
        visit=visit,
        review=review,
        child=child,
        last_held=last_held,
        summary=statement_summary(db.session(), visit_id=visit.id) if existing else None,
        has_pin=bool(current_user.handback_pin_hash),
        minutes=current_app.config["VOICE_APP"].handover_minutes,
        status=422 if form.errors else 200,
    )


@handover_bp.app_template_global("visit_statement")
def visit_statement(visit_id: int):
    """The statement summary for a visit row on the staff child page (None if none yet)."""
    return statement_summary(db.session(), visit_id=visit_id)



@handover_bp.post("/statements/<int:statement_id>/waiting-answers")
@roles_required(Role.IRO)
def waiting_answer(statement_id: int):
    """One answer still waiting on the tablet after give-back, sent by the child's own IRO from a staff page."""
    session_db = db.session()
    statement = session_db.get(Statement, statement_id)
    if statement is None:
        abort(404)
    child = child_for(session_db, current_user, statement.child_id)  # 404 unless this IRO's own child
    try:
        taken = take_waiting(session_db, statement=statement, child=child, path=request.form.get("path", ""), form=request.form, bank=default_bank())
    except NotWaitingAnswer:
        abort(400)
    return jsonify(outcome=taken.outcome), taken.status
