"""Escalation pages: raise, follow, move on, close; the tracker of open ones (with CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlmodel import col, select

from voice_app import db
from voice_app.escalations import bp
from voice_app.escalations.forms import CloseForm, MoveForm, RaiseForm
from voice_app.escalations.procedure import load_procedure
from voice_app.escalations.services import (
    EscalationError,
    Source,
    TrackerFilters,
    check_source,
    close_escalation,
    escalation_for,
    for_child,
    is_overdue,
    move_to_stage,
    open_escalations,
    plan_kinds_for,
    raise_escalation,
    set_report_example,
    steps_of,
)
from voice_app.inputs import bounded_id
from voice_app.models import AuditEvent, Child, PlanKind, Role, StaffUser
from voice_app.rendering import render
from voice_app.security import child_for, roles_required

STAFF_ROLES = (Role.IRO, Role.MANAGER)


def _nation() -> str:
    return current_app.config["VOICE_APP"].nation


def _source_from(args) -> Source:
    question = (args.get("question") or "").strip()[:64] or None
    return Source(
        statement_id=args.get("statement", type=bounded_id),
        question_id=question,
        visit_id=args.get("visit", type=bounded_id),
        review_id=args.get("review", type=bounded_id),
    )


def _prompting_answer(session, escalation_or_source):
    """What the child said that prompted it: the statement's answer (or None when it came from elsewhere)."""
    if escalation_or_source.statement_id is None:
        return None, None
    from voice_app.statements.access import load_context
    from voice_app.statements.reading import read_statement

    context = load_context(session, escalation_or_source.statement_id)
    if context is None:
        return None, None
    record = read_statement(session, context)
    items = [*record.after, *record.views, *record.identity, *record.explain, *record.menu]
    answer = next((item for item in items if item.question_id == escalation_or_source.question_id), None)
    return record, answer


@bp.route("/children/<int:child_id>/escalations/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new(child_id: int):
    """Raise an escalation about this child, from what prompted it (a statement's answer, a visit, a review)."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    source = check_source(session, child=child, source=_source_from(request.args))
    procedure = load_procedure()
    form = RaiseForm()
    form.setup(procedure=procedure, plans=plan_kinds_for(child))
    if request.method == "GET":
        form.identified_on.data = form.identified_on.data or date.today()
        form.raised_on.data = form.raised_on.data or date.today()
        form.with_whom.data = form.with_whom.data or procedure.stages[0].with_whom
    elif form.validate_on_submit():
        try:
            escalation = raise_escalation(
                session,
                child=child,
                by=current_user,
                plan=PlanKind(form.plan.data),
                theme=form.theme.data,
                identified_on=form.identified_on.data,
                raised_on=form.raised_on.data,
                challenge=form.challenge.data,
                with_whom=form.with_whom.data,
                source=source,
                today=date.today(),
                nation=_nation(),
                procedure=procedure,
            )
        except EscalationError as problem:
            form.challenge.errors = [*form.challenge.errors, str(problem)]
        else:
            flash(
                f"Escalation raised at {procedure.stage_label(escalation.stage)}: due by {escalation.next_due_on:%-d %B %Y}.",
                "success",
            )
            return redirect(url_for("escalations.show", escalation_id=escalation.id))
    record, answer = _prompting_answer(session, source)
    return render(
        "escalations/new.html",
        form=form,
        child=child,
        source=source,
        record=record,
        answer=answer,
        procedure=procedure,
        status=422 if request.method == "POST" else 200,
    )


def _show(escalation, child, *, move_form=None, close_form=None, status: int = 200):
    session = db.session()
    procedure = load_procedure()
    move_form = move_form or MoveForm(formdata=None)
    close_form = close_form or CloseForm(formdata=None)
    later = procedure.later_stages(escalation.stage)
    move_form.stage.choices = [(s.key, s.label) for s in later]
    if move_form.started_on.data is None:
        move_form.started_on.data = date.today()
    if move_form.stage.data is None and later:
        move_form.stage.data = later[0].key
        move_form.with_whom.data = later[0].with_whom
    if close_form.closed_on.data is None:
        close_form.closed_on.data = date.today()
    record, answer = _prompting_answer(session, escalation)
    steps = steps_of(session, escalation)
    staff_ids = {step.recorded_by_id for step in steps} | {escalation.raised_by_id}
    names = {u.id: u.display_name for u in session.exec(select(StaffUser).where(col(StaffUser.id).in_(staff_ids))).all()}
    iro = session.get(StaffUser, child.iro_id) if child.iro_id else None
    return render(
        "escalations/show.html",
        escalation=escalation,
        child=child,
        iro=iro,
        steps=steps,
        names=names,
        procedure=procedure,
        record=record,
        answer=answer,
        move_form=move_form,
        close_form=close_form,
        overdue=is_overdue(escalation, today=date.today()),
        status=status,
    )


@bp.get("/escalations/<int:escalation_id>")
@roles_required(*STAFF_ROLES)
def show(escalation_id: int):
    """One escalation: what prompted it, each stage (when, with whom, the response) and the outcome for the child."""
    session = db.session()
    escalation, child = escalation_for(session, current_user, escalation_id)
    session.add(
        AuditEvent(
            staff_id=current_user.id,
            action="escalation.view",
            child_id=child.id,
            statement_id=escalation.statement_id,
            detail=f"escalation={escalation.id}",
        )
    )
    session.commit()
    return _show(escalation, child)


@bp.post("/escalations/<int:escalation_id>/stage")
@roles_required(*STAFF_ROLES)
def move(escalation_id: int):
    """Move the escalation to a later stage, with the response at the stage it leaves."""
    session = db.session()
    escalation, child = escalation_for(session, current_user, escalation_id)
    form = MoveForm()
    form.stage.choices = [(s.key, s.label) for s in load_procedure().later_stages(escalation.stage)]
    if form.validate_on_submit():
        try:
            move_to_stage(
                session,
                escalation=escalation,
                stage=form.stage.data,
                started_on=form.started_on.data,
                with_whom=form.with_whom.data,
                response_so_far=form.response_so_far.data,
                by=current_user,
                today=date.today(),
                nation=_nation(),
            )
        except EscalationError as problem:
            form.stage.errors = [*form.stage.errors, str(problem)]
        else:
            flash(
                f"Moved to {load_procedure().stage_label(escalation.stage)}: due by {escalation.next_due_on:%-d %B %Y}.",
                "success",
            )
            return redirect(url_for("escalations.show", escalation_id=escalation.id))
    return _show(escalation, child, move_form=form, status=422)


@bp.post("/escalations/<int:escalation_id>/close")
@roles_required(*STAFF_ROLES)
def close(escalation_id: int):
    """Close it at the stage it reached, with the outcome for the child (and, if chosen, tell the child)."""
    session = db.session()
    escalation, child = escalation_for(session, current_user, escalation_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            close_escalation(
                session,
                escalation=escalation,
                closed_on=form.closed_on.data,
                response=form.response.data,
                outcome_for_child=form.outcome_for_child.data,
                tell_child=bool(form.tell_child.data),
                by=current_user,
                today=date.today(),
            )
        except EscalationError as problem:
            if escalation.closed_on is not None:  # closed; only telling the child failed
                flash(f"Closed. {problem}", "info")
                return redirect(url_for("escalations.show", escalation_id=escalation.id))
            form.outcome_for_child.errors = [*form.outcome_for_child.errors, str(problem)]
        else:
            told = " The child will be told at their next visit." if escalation.tell_child else ""
            flash(f"Closed at {load_procedure().stage_label(escalation.closed_stage)}.{told}", "success")
            return redirect(url_for("escalations.show", escalation_id=escalation.id))
    return _show(escalation, child, close_form=form, status=422)


@bp.post("/escalations/<int:escalation_id>/example")
@roles_required(Role.MANAGER)
def example(escalation_id: int):
    """A manager picks a closed escalation as an anonymised "challenge and outcome" example for the annual report."""
    session = db.session()
    escalation, child = escalation_for(session, current_user, escalation_id)
    try:
        set_report_example(session, escalation=escalation, chosen=request.form.get("chosen") == "yes", by=current_user)
    except EscalationError as problem:
        flash(str(problem), "error")
    else:
        flash(
            "Chosen as an example for the annual report."
            if escalation.report_example
            else "No longer an example for the annual report.",
            "success",
        )
    return redirect(url_for("escalations.show", escalation_id=escalation.id))


def _filters() -> TrackerFilters:
    plan = request.args.get("plan") or ""
    stage = (request.args.get("stage") or "")[:32]
    theme = (request.args.get("theme") or "")[:64]
    return TrackerFilters(
        iro_id=request.args.get("iro", type=bounded_id) if current_user.role == Role.MANAGER else None,
        stage=stage or None,
        theme=theme or None,
        plan=PlanKind(plan) if plan in {p.value for p in PlanKind} else None,
    )


@bp.get("/escalations")
@roles_required(*STAFF_ROLES)
def tracker():
    """The weekly tracker: every open escalation this person may see, oldest deadline first."""
    session = db.session()
    filters = _filters()
    rows = open_escalations(session, user=current_user, filters=filters)
    iros = []
    if current_user.role == Role.MANAGER:
        from voice_app.staff.services import active_iros

        iros = active_iros(session)
    return render(
        "escalations/tracker.html",
        block="tracker_results",
        rows=rows,
        filters=filters,
        iros=iros,
        procedure=load_procedure(),
        plans=list(PlanKind),
        today=date.today(),
        overdue_count=sum(1 for row in rows if row.overdue(date.today())),
    )


CSV_COLUMNS = [
    "Case reference",
    "Child",
    "IRO",
    "Plan",
    "Theme",
    "Raised on",
    "Stage",
    "Stage due",
    "Whole procedure due",
    "Next deadline",
    "Overdue",
]


@bp.get("/escalations.csv")
@roles_required(*STAFF_ROLES)
def tracker_csv():
    """The tracker as CSV, with the same filters."""
    session = db.session()
    procedure = load_procedure()
    today = date.today()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in open_escalations(session, user=current_user, filters=_filters()):
        e = row.escalation
        writer.writerow(
            [
                _safe_cell(row.child.case_reference),
                _safe_cell(row.child.preferred_name),
                _safe_cell(row.iro.display_name if row.iro else ""),
                e.plan.label,
                procedure.theme_label(e.theme),
                e.raised_on.isoformat(),
                procedure.stage_label(e.stage),
                e.stage_due_on.isoformat(),
                e.overall_due_on.isoformat(),
                e.next_due_on.isoformat() if e.next_due_on else "",
                "yes" if row.overdue(today) else "no",
            ]
        )
    session.add(AuditEvent(staff_id=current_user.id, action="escalation.tracker_csv", detail="csv"))
    session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="escalations-open-{today.isoformat()}.csv"'},
    )


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# ----- what the caseload and the child page show ----------------------------------------------------


@bp.app_template_global()
def escalations_open_mine() -> list:
    """Open escalations this person may see, oldest deadline first (the caseload's weekly tracker panel)."""
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        return []
    return open_escalations(db.session(), user=current_user)


@bp.app_template_global()
def escalations_for_child(child: Child) -> list:
    """The child's escalations for the child page, open ones first."""
    return for_child(db.session(), child_id=child.id)


@bp.app_template_global()
def escalation_words() -> dict:
    """The procedure's stage and theme words, and whether an escalation is overdue today, for templates."""
    procedure = load_procedure()
    return {
        "stage": procedure.stage_label,
        "theme": procedure.theme_label,
        "overdue": lambda e: is_overdue(e, today=date.today()),
    }
