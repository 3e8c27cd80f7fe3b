"""Statement pages for the child's IRO and managers: read, plan, answer, export; the audit trail."""

from __future__ import annotations

import re

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.child.flow import late_arrivals
from voice_app.child.photos import photo_data
from voice_app.models import ChairRole, DecisionOutcome, MeetingFormat, Role, VisitStatus
from voice_app.photos import photo_response
from voice_app.rendering import wants_fragment
from voice_app.security import child_for, roles_required
from voice_app.staff.services import visit_for
from voice_app.statements import bp
from voice_app.statements.access import statement_for, statements_for_visit
from voice_app.statements.after_meeting import after_meeting
from voice_app.statements.audit import Action, record_event, trail_for_child
from voice_app.statements.exports import Audience, ExportRefused, export_filename, statement_json
from voice_app.statements.forms import (
    ActionForm,
    AttentionForm,
    DecisionForm,
    NotesForm,
    ObservationForm,
    ReleaseForm,
    ResponseForm,
    ReviewRecordForm,
)
from voice_app.statements.pdf import PdfUnavailable, pdf_support, render_statement_pdf
from voice_app.statements.reading import StatementRecord, how_they_answered, observation_topics, raised_label, read_statement
from voice_app.statements.services import (
    StatementActionError,
    add_observation,
    mark_reviewed,
    needs_release,
    plan_item,
    record_decision,
    release_for_meeting,
    remove_observation,
    save_attention_action,
    save_notes,
    save_response,
    set_review_record,
    statement_to_observe,
    withdraw_release,
)

STAFF_ROLES = (Role.IRO, Role.MANAGER)


def dom_id(item_id: str) -> str:
    """An item id made safe for HTML ids and form prefixes."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", item_id)


def _record(statement_id: int) -> StatementRecord:
    session = db.session()
    return read_statement(session, statement_for(session, current_user, statement_id))


def _fragment(template: str, *, status: int = 200, **context) -> Response:
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Boosted")
    return response


def _decision_form(record: StatementRecord, item_id: str, formdata=None) -> DecisionForm:
    decision = record.decisions.get(item_id)
    data = {"outcome": decision.outcome.value, "reason_for_child": decision.reason_for_child} if decision else {}
    return DecisionForm(formdata=formdata, prefix=f"d-{dom_id(item_id)}", data=data)


def _attention_form(record: StatementRecord, question_id: str, formdata=None) -> AttentionForm:
    done = record.actions.get(question_id)
    return AttentionForm(formdata=formdata, prefix=f"a-{dom_id(question_id)}", data={"action": done.action} if done else None)


def _page(record: StatementRecord, *, status: int = 200, decision_forms: dict | None = None, notes_form=None, attention_forms: dict | None = None):
    forms = {item.question_id: _decision_form(record, item.question_id, formdata=None) for item in record.menu}
    forms.update(decision_forms or {})
    attention = {item.question_id: _attention_form(record, item.question_id) for item in record.attention}
    attention.update(attention_forms or {})
    review = record.context.review
    review_form = ReviewRecordForm(data={"format_used": review.format_used.value if review.format_used else "", "chaired_by": review.chaired_by.value if review.chaired_by else ""})
    response = make_response(
        render_template(
            "statements/show.html",
            record=record,
            decision_forms=forms,
            attention_forms=attention,
            after=after_meeting(db.session(), record=record),
            notes_form=notes_form or NotesForm(data={"iro_notes": record.statement.iro_notes}),
            review_form=review_form,
            action_form=ActionForm(),
            needs_release=needs_release(record.statement),
            late=late_arrivals(db.session(), statement_id=record.statement.id),
            pdf_problem=pdf_support(),
            dom_id=dom_id,
            raised_label=raised_label,
            how_they_answered=how_they_answered(record),
        ),
        status,
    )
    response.vary.add("HX-Request")
    return response


@bp.get("/statements/<int:statement_id>")
@roles_required(*STAFF_ROLES)
def show(statement_id: int):
    """One statement: the child's answers, the meeting plan, "you said, we did", notes and exports."""
    record = _record(statement_id)
    record_event(db.session(), action=Action.VIEW, staff=current_user, child_id=record.context.child.id, statement_id=record.statement.id)
    return _page(record)


@bp.get("/statements/<int:statement_id>/photos/<int:photo_id>")
@roles_required(*STAFF_ROLES)
def mat_photo(statement_id: int, photo_id: int):
    """One of the child's own photos on their sorting mat, to staff who may see the statement (never cached)."""
    statement = statement_for(db.session(), current_user, statement_id).statement
    return photo_response(photo_data(db.session(), statement_id=statement.id, photo_id=photo_id))


@bp.route("/statements/<int:statement_id>/responses/<item_id>", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def response(statement_id: int, item_id: str):
    """Write or change what was done about one thing the child raised (inline with htmx, or its own page)."""
    record = _record(statement_id)
    if item_id not in record.raised:
        abort(404)
    existing = record.responses.get(item_id)
    prefix = f"r-{dom_id(item_id)}"
    context = dict(record=record, item_id=item_id, dom_id=dom_id, raised_label=raised_label)
    if request.method == "GET" and request.args.get("view"):
        if wants_fragment():
            return _fragment("statements/_response.html", editing=False, **context)
        return redirect(url_for("statements.show", statement_id=statement_id, _anchor=f"response-{dom_id(item_id)}"))
    form = ResponseForm(prefix=prefix, data={"we_did": existing.we_did} if existing else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                save_response(db.session(), record=record, question_id=item_id, we_did=form.we_did.data, by=current_user)
            except StatementActionError as exc:
                form.we_did.errors.append(str(exc))
            else:
                if wants_fragment():
                    return _fragment("statements/_response.html", editing=False, counts_oob=True, **context)
                flash("Response saved. The child will see it at their next visit.", "success")
                return redirect(url_for("statements.show", statement_id=statement_id, _anchor=f"response-{dom_id(item_id)}"))
        status = 422
    if wants_fragment():
        return _fragment("statements/_response.html", editing=True, form=form, status=status, **context)
    record_event(db.session(), action=Action.VIEW, staff=current_user, child_id=record.context.child.id, statement_id=record.statement.id, detail="response_page")
    return _fragment("statements/response_page.html", editing=True, form=form, status=status, **context)


@bp.post("/statements/<int:statement_id>/decisions/<item_id>")
@roles_required(*STAFF_ROLES)
def decision(statement_id: int, item_id: str):
    """Agree a menu choice, or say it is not possible with a reason for the child."""
    record = _record(statement_id)
    try:
        item = plan_item(record, item_id)
    except StatementActionError:
        abort(404)
    form = _decision_form(record, item_id, formdata=request.form)
    if form.validate_on_submit():
        try:
            record_decision(
                db.session(),
                record=record,
                item_id=item_id,
                outcome=DecisionOutcome(form.outcome.data),
                reason_for_child=form.reason_for_child.data or "",
                by=current_user,
            )
        except StatementActionError as exc:
            form.reason_for_child.errors.append(str(exc))
        else:
            if wants_fragment():
                fresh = _decision_form(record, item_id)
                return _fragment("statements/_plan_item.html", item=item, form=fresh, record=record, dom_id=dom_id, saved=True)
            flash(f"Saved: {item.title}.", "success")
            return redirect(url_for("statements.show", statement_id=statement_id, _anchor=f"plan-{dom_id(item_id)}"))
    if wants_fragment():
        return _fragment("statements/_plan_item.html", item=item, form=form, record=record, dom_id=dom_id, status=422)
    return _page(record, status=422, decision_forms={item_id: form})


@bp.post("/statements/<int:statement_id>/attention/<item_id>")
@roles_required(*STAFF_ROLES)
def attention(statement_id: int, item_id: str):
    """Record what was done about an answer that needed attention (audited; never shown to the child)."""
    record = _record(statement_id)
    if item_id not in {item.question_id for item in record.attention}:
        abort(404)
    form = _attention_form(record, item_id, formdata=request.form)
    if form.validate_on_submit():
        try:
            save_attention_action(db.session(), record=record, question_id=item_id, action=form.action.data, by=current_user)
        except StatementActionError as exc:
            form.action.errors.append(str(exc))
        else:
            record_event(db.session(), action=Action.ATTENTION, staff=current_user, child_id=record.context.child.id, statement_id=statement_id, detail=f"q={dom_id(item_id).lower()}")
            flash("Saved what you did about it.", "success")
            return redirect(url_for("statements.show", statement_id=statement_id, _anchor=f"attention-{dom_id(item_id)}"))
    return _page(record, status=422, attention_forms={item_id: form})


@bp.route("/statements/<int:statement_id>/observations", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def observations(statement_id: int):
    """Record what the IRO saw the child say without words, with who helped interpret (issue 29)."""
    record = _record(statement_id)
    form = ObservationForm()
    form.topic.choices = [("", "Choose a topic"), *observation_topics()]
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate_on_submit():
            try:
                add_observation(
                    db.session(),
                    record=record,
                    topic=form.topic.data,
                    what=form.what.data,
                    place=form.place.data or "",
                    with_whom=form.with_whom.data or "",
                    certainty=form.certainty.data,
                    helpers=form.helpers.data or [],
                    helper_names=form.helper_names.data or "",
                    by=current_user,
                )
            except StatementActionError as exc:
                form.topic.errors = [*form.topic.errors, str(exc)]
            else:
                record_event(db.session(), action=Action.OBSERVED, staff=current_user, child_id=record.context.child.id, statement_id=statement_id)
                flash("Your observation is saved.", "success")
                return redirect(url_for("statements.show", statement_id=statement_id, _anchor="observed"))
    return _fragment("statements/observations.html", record=record, form=form, action_form=ActionForm(), status=status)


@bp.post("/visits/<int:visit_id>/observe")
@roles_required(*STAFF_ROLES)
def observe_visit(visit_id: int):
    """Record what the IRO observed at a visit: into its statement, or a new one for a child who does not use the tablet."""
    session = db.session()
    visit, _review, child = visit_for(session, current_user, visit_id)  # 404 unless the user may see this child
    if not visit.purpose.by_iro or visit.status not in (VisitStatus.PLANNED, VisitStatus.DONE):
        abort(404)  # a practitioner's visit, the child's own phone, or a visit declined or cancelled
    if not ActionForm().validate_on_submit():
        abort(400)
    statement = statement_to_observe(session, visit=visit, child=child)
    return redirect(url_for("statements.observations", statement_id=statement.id))


@bp.post("/statements/<int:statement_id>/observations/<int:observation_id>/remove")
@roles_required(*STAFF_ROLES)
def remove_observation_route(statement_id: int, observation_id: int):
    """Remove one observation recorded by mistake."""
    record = _record(statement_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        remove_observation(db.session(), record=record, observation_id=observation_id)
    except StatementActionError:
        abort(404)
    record_event(db.session(), action=Action.UNOBSERVED, staff=current_user, child_id=record.context.child.id, statement_id=statement_id)
    flash("The observation is removed.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="observed"))


@bp.post("/statements/<int:statement_id>/notes")
@roles_required(*STAFF_ROLES)
def notes(statement_id: int):
    """Save the IRO's own notes (kept apart from the child's words)."""
    record = _record(statement_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _page(record, status=422, notes_form=form)
    save_notes(db.session(), statement=record.statement, notes=form.iro_notes.data or "")
    flash("Your notes are saved.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="iro-notes"))


@bp.post("/statements/<int:statement_id>/reviewed")
@roles_required(*STAFF_ROLES)
def reviewed(statement_id: int):
    """Mark the statement as read by the IRO."""
    record = _record(statement_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_reviewed(db.session(), statement=record.statement, by=current_user)
    record_event(db.session(), action=Action.REVIEWED, staff=current_user, child_id=record.context.child.id, statement_id=statement_id)
    flash("Marked as reviewed.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id))


@bp.post("/statements/<int:statement_id>/review-record")
@roles_required(*STAFF_ROLES)
def review_record(statement_id: int):
    """Record how the review was held and who chaired it."""
    record = _record(statement_id)
    form = ReviewRecordForm()
    if not form.validate_on_submit():
        return _page(record, status=422)
    set_review_record(
        db.session(),
        review=record.context.review,
        format_used=MeetingFormat(form.format_used.data) if form.format_used.data else None,
        chaired_by=ChairRole(form.chaired_by.data) if form.chaired_by.data else None,
    )
    flash("The review record is saved.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="review-record"))


@bp.route("/statements/<int:statement_id>/release", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def release(statement_id: int):
    """Confirm that a statement the child did not share may go into exports for the meeting."""
    record = _record(statement_id)
    form = ReleaseForm()
    if not needs_release(record.statement):
        flash("This statement can already be exported for the meeting.", "info")
        return redirect(url_for("statements.show", statement_id=statement_id))
    if form.validate_on_submit():
        release_for_meeting(db.session(), statement=record.statement, by=current_user)
        record_event(db.session(), action=Action.RELEASE, staff=current_user, child_id=record.context.child.id, statement_id=statement_id)
        flash("Released for the meeting.", "success")
        return redirect(url_for("statements.show", statement_id=statement_id, _anchor="exports"))
    status = 422 if request.method == "POST" else 200
    return _fragment("statements/release.html", record=record, form=form, status=status)


@bp.post("/statements/<int:statement_id>/release/withdraw")
@roles_required(*STAFF_ROLES)
def withdraw(statement_id: int):
    """Take back a release: the statement is again only for the IRO."""
    record = _record(statement_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if record.statement.meeting_release_at is not None:
        withdraw_release(db.session(), statement=record.statement)
        record_event(db.session(), action=Action.WITHDRAW, staff=current_user, child_id=record.context.child.id, statement_id=statement_id)
        flash("The release for the meeting is withdrawn.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="exports"))


@bp.get("/statements/<int:statement_id>/export.<kind>")
@roles_required(*STAFF_ROLES)
def export(statement_id: int, kind: str):
    """Download the statement as PDF or JSON, for the case record or (if shared or released) the meeting."""
    if kind not in {"pdf", "json"}:
        abort(404)
    try:
        audience = Audience(request.args.get("for", Audience.CASE_RECORD.value))
    except ValueError:
        abort(400)
    record = _record(statement_id)
    try:
        if kind == "pdf":
            body, mimetype = render_statement_pdf(record, audience=audience), "application/pdf"
        else:
            body, mimetype = statement_json(record, audience=audience).encode("utf-8"), "application/json"
    except ExportRefused as exc:
        return _fragment("statements/export_problem.html", record=record, title="Not shared with the meeting", message=str(exc), release=True, status=409)
    except PdfUnavailable as exc:
        return _fragment("statements/export_problem.html", record=record, title="PDF export is not available", message=str(exc), release=False, status=503)
    record_event(db.session(), action=Action.EXPORT, staff=current_user, child_id=record.context.child.id, statement_id=statement_id, detail=f"{kind};{audience.value}")
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(record, audience=audience, extension=kind)}"'
    return response


@bp.get("/children/<int:child_id>/audit")
@roles_required(Role.MANAGER)
def child_audit(child_id: int):
    """A manager sees who viewed or exported a child's statements, and when."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    return _fragment("statements/audit.html", child=child, rows=trail_for_child(session, child_id=child.id))


@bp.app_template_global()
def visit_statements(visit_id: int):
    """The statements given at a visit, for the child page (which has already checked access)."""
    return statements_for_visit(db.session(), visit_id)
