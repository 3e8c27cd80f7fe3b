"""Routes of the records page; managers only (a care-experienced adult's record is often closed, so closed records open here too)."""

from datetime import date

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select

from voice_app import db
from voice_app.models import Child, ErasureRequest, Role
from voice_app.records.blueprint import bp
from voice_app.records.forms import ButtonForm, CorrectionForm, ErasureForm
from voice_app.records.requests import (
    RequestError,
    cancel_erasure,
    confirm_erasure,
    correct_fact,
    pending_erasure,
    request_erasure,
)
from voice_app.records.subject_access import export_zip, gather, record_export, zip_filename
from voice_app.rendering import render
from voice_app.security import roles_required


def _child(child_id: int) -> Child:
    child = db.session().get(Child, child_id)
    if child is None:
        abort(404)
    return child


def _page(child: Child, *, correction: CorrectionForm | None = None, erasure: ErasureForm | None = None, status: int = 200):
    return render(
        "records/child.html",
        child=child,
        correction=correction or CorrectionForm(),
        erasure=erasure or ErasureForm(),
        button=ButtonForm(),
        pending=pending_erasure(db.session(), child_id=child.id),
        status=status,
    )


@bp.get("")
@roles_required(Role.MANAGER)
def find():
    """Find any child's record by case reference, closed ones included (they are not on the caseload)."""
    reference = (request.args.get("reference") or "").strip()[:40]
    if reference:
        found = db.session().exec(select(Child).where(Child.case_reference == reference)).first()
        if found is not None:
            return redirect(url_for("records.child", child_id=found.id))
    return render("records/find.html", reference=reference, status=404 if reference else 200)


@bp.get("/children/<int:child_id>")
@roles_required(Role.MANAGER)
def child(child_id: int):
    """Subject access, correction and erasure for one child."""
    return _page(_child(child_id))


@bp.post("/children/<int:child_id>/subject-access")
@roles_required(Role.MANAGER)
def subject_access(child_id: int):
    """Everything about the child as one ZIP download, audited."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    access = gather(session, child_id=_child(child_id).id, made_by=current_user)
    body = export_zip(access)
    record_export(session, access=access, by=current_user, via="web")
    response = make_response(body)
    response.mimetype = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{zip_filename(access, today=date.today())}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/children/<int:child_id>/correct")
@roles_required(Role.MANAGER)
def correct(child_id: int):
    """Correct one recorded fact; the old value goes into the audit trail."""
    child = _child(child_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            event = correct_fact(db.session(), child=child, field=form.field.data, raw_value=form.value.data or "", by=current_user)
        except RequestError as exc:
            db.session().rollback()
            form.value.errors.append(str(exc))
        else:
            flash("Corrected; the value before is kept in the audit trail." if event else "That is already the recorded value.", "success")
            return redirect(url_for("records.child", child_id=child.id))
    return _page(child, correction=form, status=422)


@bp.post("/children/<int:child_id>/erasure")
@roles_required(Role.MANAGER)
def ask_erasure(child_id: int):
    """Ask for the child's records to be erased; a second manager must confirm."""
    child = _child(child_id)
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            request_erasure(db.session(), child=child, reason=form.reason.data, by=current_user)
        except RequestError as exc:
            form.reason.errors.append(str(exc))
        else:
            flash("Erasure requested. Another manager must confirm it before anything is erased.", "success")
            return redirect(url_for("records.child", child_id=child.id))
    return _page(child, erasure=form, status=422)


def _erasure(request_id: int) -> ErasureRequest:
    if not ButtonForm().validate_on_submit():
        abort(400)
    erasure = db.session().get(ErasureRequest, request_id)
    if erasure is None:
        abort(404)
    return erasure


@bp.post("/erasure/<int:request_id>/confirm")
@roles_required(Role.MANAGER)
def confirm(request_id: int):
    """A second manager confirms the erasure."""
    erasure = _erasure(request_id)
    try:
        confirm_erasure(db.session(), request=erasure, by=current_user)
    except RequestError as exc:
        db.session().rollback()
        flash(str(exc), "error")
        return _page(_child(erasure.child_id), status=409)
    flash("The child's records are erased: their identity and every free text about them are gone; the counts remain.", "success")
    return redirect(url_for("records.child", child_id=erasure.child_id))


@bp.post("/erasure/<int:request_id>/cancel")
@roles_required(Role.MANAGER)
def cancel(request_id: int):
    """Withdraw an erasure request that is still waiting."""
    erasure = _erasure(request_id)
    try:
        cancel_erasure(db.session(), request=erasure, by=current_user)
    except RequestError as exc:
        flash(str(exc), "error")
        return _page(_child(erasure.child_id), status=409)
    flash("The erasure request is withdrawn.", "success")
    return redirect(url_for("records.child", child_id=erasure.child_id))
