"""Pages for the work between reviews: tracking discussions, permanence at the second review, plans over a year."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import Child, Role
from voice_app.rendering import render
from voice_app.security import child_for, children_visible_to, roles_required
from voice_app.tracking import bp
from voice_app.tracking.forms import DiscussionForm, LongPlanForm, PermanenceForm
from voice_app.tracking.services import (
    TrackingError,
    considered_for,
    discussions_for,
    future_home_answers,
    mid_points_falling_due,
    mid_points_for,
    permanence_for,
    record_considered,
    record_discussion,
    record_long_plan_reason,
    record_permanence,
    second_review_for,
    second_reviews_without_permanence,
)
from voice_app.tracking.services import (
    long_plans as find_long_plans,
)
from voice_app.tracking.wording import load_wording

STAFF_ROLES = (Role.IRO, Role.MANAGER)


@bp.route("/reviews/<int:review_id>/permanence", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def permanence(review_id: int):
    """At a held second cared-for review: the plan of permanence (or "not yet", with why), beside the child's own words about their future home."""
    session = db.session()
    review, child = second_review_for(session, current_user, review_id)
    wording = load_wording()
    form = PermanenceForm()
    form.kind.choices = wording.permanence_choices
    existing = permanence_for(session, review_id=review.id)
    if request.method == "GET" and existing:
        form.kind.data, form.not_yet_why.data = existing.kind, existing.not_yet_why
    elif form.validate_on_submit():
        try:
            record_permanence(
                session, review=review, kind=form.kind.data, not_yet_why=form.not_yet_why.data, by=current_user, wording=wording
            )
        except TrackingError as problem:
            form.not_yet_why.errors = [*form.not_yet_why.errors, str(problem)]
        else:
            flash("Plan of permanence recorded.", "success")
            return redirect(url_for("staff.child", child_id=child.id, _anchor="between-reviews"))
    record, answers = future_home_answers(session, child_id=child.id, before=review.held_on or date.today(), wording=wording)
    return render(
        "tracking/permanence.html",
        form=form,
        review=review,
        child=child,
        record=record,
        answers=answers,
        status=422 if request.method == "POST" else 200,
    )


@bp.route("/children/<int:child_id>/tracking-discussions/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new_discussion(child_id: int):
    """Record a tracking discussion with the child's social worker."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = DiscussionForm()
    if request.method == "GET":
        form.held_on.data = date.today()
        form.with_whom.data = "Social worker"
    elif form.validate_on_submit():
        try:
            record_discussion(
                session,
                child=child,
                held_on=form.held_on.data,
                with_whom=form.with_whom.data,
                checked=form.checked.data,
                actions=form.actions.data or "",
                by=current_user,
                today=date.today(),
            )
        except TrackingError as problem:
            form.checked.errors = [*form.checked.errors, str(problem)]
        else:
            flash("Tracking discussion recorded.", "success")
            return redirect(url_for("staff.child", child_id=child.id, _anchor="between-reviews"))
    return render("tracking/discussion.html", form=form, child=child, status=422 if request.method == "POST" else 200)


@bp.route("/children/<int:child_id>/plan-over-a-year", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def long_plan(child_id: int):
    """Why a child protection plan has lasted 12 months or more, asked on the child's behalf."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = LongPlanForm()
    if request.method == "GET":
        form.considered_on.data = date.today()
    elif form.validate_on_submit():
        try:
            record_long_plan_reason(
                session,
                child=child,
                considered_on=form.considered_on.data,
                reasons=form.reasons.data,
                by=current_user,
                today=date.today(),
            )
        except TrackingError as problem:
            form.reasons.errors = [*form.reasons.errors, str(problem)]
        else:
            flash("Reasons recorded.", "success")
            return redirect(url_for("tracking.long_plans"))
    return render("tracking/long_plan.html", form=form, child=child, status=422 if request.method == "POST" else 200)


@bp.get("/plans-over-a-year")
@roles_required(*STAFF_ROLES)
def long_plans():
    """Children on a child protection plan for 12 months or more, longest first, with the reasons recorded."""
    session = db.session()
    children = list(session.exec(children_visible_to(current_user)).all())
    today = date.today()
    return render(
        "tracking/long_plans.html",
        plans=find_long_plans(session, children=children, today=today),
        without_permanence=second_reviews_without_permanence(session, children=children, since=today - timedelta(days=366)),
        wording=load_wording(),
        today=today,
    )


# ----- what the caseload and the child page show ----------------------------------------------------


@bp.app_template_global()
def between_reviews_panel(child: Child) -> dict:
    """The child page's "Between reviews" section: each mid-point and whether it was met, discussions, permanence."""
    session = db.session()
    points = mid_points_for(session, child=child)
    plans = {}
    for point in points:
        if point.review.kind.value == "cared_for" and point.review.stage.value == "second":
            plans[point.review.id] = permanence_for(session, review_id=point.review.id)
    return {
        "points": points,
        "discussions": discussions_for(session, child_id=child.id)[:10],
        "permanence": plans,
        "wording": load_wording(),
        "today": date.today(),
    }


@bp.app_template_global()
def mid_points_falling_due_mine() -> list:
    """Mid-points within the warning days or past, with no tracking discussion or mid-way visit yet (the caseload's list)."""
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        return []
    session = db.session()
    children = list(session.exec(children_visible_to(current_user)).all())
    return mid_points_falling_due(session, children=children, today=date.today())


@bp.app_template_global()
def permanence_beside_statement(review) -> dict | None:
    """On a statement given before a second cared-for review: that review's plan of permanence (None otherwise)."""
    if review is None or review.kind.value != "cared_for" or review.stage.value != "second":
        return None
    wording = load_wording()
    plan = permanence_for(db.session(), review_id=review.id)
    return {"review": review, "plan": plan, "wording": wording, "questions": wording.future_home_questions}


@bp.post("/statements/<int:statement_id>/considered")
@roles_required(*STAFF_ROLES)
def considered(statement_id: int):
    """Record that the child's statement was considered at their review, with the minutes' reference (empty: take it back)."""
    from voice_app.statements.access import statement_for

    session = db.session()
    context = statement_for(session, current_user, statement_id)
    try:
        found = record_considered(
            session,
            statement=context.statement,
            review=context.review,
            minutes_reference=request.form.get("minutes_reference", ""),
            by=current_user,
        )
    except TrackingError as problem:
        flash(str(problem), "error")
    else:
        flash("Recorded as considered at the review." if found else "No longer recorded as considered at the review.", "success")
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="considered"))


@bp.app_template_global()
def statement_considered(statement_id: int):
    """Whether (and with which minutes' reference) a statement was considered at its review."""
    return considered_for(db.session(), statement_id=statement_id)
