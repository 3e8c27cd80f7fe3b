"""Caseload, child, review and visit pages for IROs and managers."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from voice_app import db
from voice_app.inputs import bounded_id
from voice_app.models import (
    ChairRole,
    Child,
    LateReason,
    MeetingFormat,
    Participation,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    StaffUser,
    VisitMethod,
    VisitPurpose,
    VisitStatus,
)
from voice_app.rendering import render
from voice_app.security import child_for, children_visible_to, roles_required
from voice_app.staff import bp
from voice_app.staff.caseload import VisitState, build_caseload, count_states
from voice_app.staff.child_changes import audit_changes, snapshot
from voice_app.staff.due import DUE_SOON, next_reviews_to_book, rows_due_soon
from voice_app.staff.forms import (
    LANGUAGE_CHOICES,
    ChildForm,
    PlanVisitForm,
    RecordReviewForm,
    RecordVisitForm,
    ScheduleReviewForm,
)
from voice_app.staff.participation import suggested_participation
from voice_app.staff.services import (
    active_iros,
    due_for,
    plan_visit,
    record_review,
    record_visit_declined,
    record_visit_done,
    refresh_due_dates,
    review_for,
    reviews_for_child,
    schedule_review,
    statutory_due_dates,
    visit_for,
)
from voice_app.staff.young_person import YoungPersonsError, mark_young_persons, qualifies, who_qualifies

STAFF_ROLES = (Role.IRO, Role.MANAGER)


def _nation() -> str:
    """Whose bank holidays count (VOICE_APP_NATION)."""
    return current_app.config["VOICE_APP"].nation


@bp.get("/caseload")
@roles_required(*STAFF_ROLES)
def caseload():
    """An IRO's own children, or (for a manager) every IRO's, with each next review and visit."""
    session = db.session()
    query = children_visible_to(current_user)
    iros = active_iros(session) if current_user.role == Role.MANAGER else []
    iro_filter = request.args.get("iro", type=bounded_id)
    if iro_filter and current_user.role == Role.MANAGER:
        query = query.where(Child.iro_id == iro_filter)
    search = (request.args.get("q") or "").strip()[:80]
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            col(Child.preferred_name).ilike(like) | col(Child.case_reference).ilike(like)
        )
    state_filter = request.args.get("state") or ""
    rows = build_caseload(session, children=list(session.exec(query).all()), today=date.today(), nation=_nation())
    counts = count_states(rows)
    due_soon = rows_due_soon(rows, today=date.today())
    if state_filter == DUE_SOON:
        rows = due_soon
    elif state_filter in {state.value for state in VisitState}:
        rows = [row for row in rows if row.visit_state.value == state_filter]
    return render(
        "staff/caseload.html",
        block="caseload_results",
        rows=rows,
        counts=counts,
        states=list(VisitState),
        iros=iros,
        iro_filter=iro_filter,
        search=search,
        state_filter=state_filter,
        due_soon_count=len(due_soon),
    )


@bp.get("/children/<int:child_id>")
@roles_required(*STAFF_ROLES)
def child(child_id: int):
    """One child: who they are, their reviews and visits, and what to do next."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    return _child_page(child)


def _child_page(child: Child, *, plan_form=None, review_form=None, status: int = 200):
    session = db.session()
    history = reviews_for_child(session, child_id=child.id)
    upcoming = [item for item in history if item.review.status.value == "scheduled"]
    next_review = min(upcoming, key=lambda item: item.review.scheduled_for, default=None)
    due = statutory_due_dates(child=child, reviews=[item.review for item in history], nation=_nation())
    iro = session.get(StaffUser, child.iro_id) if child.iro_id else None
    to_book = next_reviews_to_book(child=child, reviews=[item.review for item in history], nation=_nation())
    if review_form is None:
        wanted = request.args.get("book")
        pick = next((s for s in to_book if s.kind.value == wanted), to_book[0] if to_book else None)
        review_form = ScheduleReviewForm(data={"kind": pick.kind.value, "stage": pick.stage.value, "scheduled_for": pick.due} if pick else None)
    settings = current_app.config["VOICE_APP"]
    rule = dict(from_age=settings.young_persons_from_age, pathway=settings.young_persons_pathway)
    return render(
        "staff/child.html",
        child=child,
        young_persons_rule=who_qualifies(**rule),
        young_persons_qualifies=(
            qualifies(child, on=next_review.review.scheduled_for, **rule) if next_review else False
        ),
        iro=iro,
        history=history,
        next_review=next_review,
        due=due,
        today=date.today(),
        plan_form=plan_form or PlanVisitForm(),
        review_form=review_form or ScheduleReviewForm(),
        language_names=dict(LANGUAGE_CHOICES),
        to_book=to_book,
        status=status,
    )


@bp.post("/children/<int:child_id>/reviews")
@roles_required(*STAFF_ROLES)
def add_review(child_id: int):
    """Book a review or conference for this child."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = ScheduleReviewForm()
    if not form.validate_on_submit():
        return _child_page(child, review_form=form, status=422)
    schedule_review(
        session,
        child=child,
        kind=ReviewKind(form.kind.data),
        stage=ReviewStage(form.stage.data),
        scheduled_for=form.scheduled_for.data,
        chair=None,
        strategy_discussion_on=form.strategy_discussion_on.data,
        transfer_notified_on=form.transfer_notified_on.data,
        nation=_nation(),
    )
    flash(f"Review booked for {form.scheduled_for.data:%-d %B %Y}.", "success")
    return redirect(url_for("staff.child", child_id=child.id))


@bp.post("/reviews/<int:review_id>/young-person")
@roles_required(*STAFF_ROLES)
def young_persons_conference(review_id: int):
    """Make a booked conference a young person's conference (if the child qualifies), or an ordinary one again."""
    session = db.session()
    review, child = review_for(session, current_user, review_id)
    wanted = request.form.get("young_persons")
    if wanted not in {"yes", "no"}:
        abort(400)
    settings = current_app.config["VOICE_APP"]
    try:
        mark_young_persons(
            session,
            review=review,
            child=child,
            young_persons=wanted == "yes",
            from_age=settings.young_persons_from_age,
            pathway=settings.young_persons_pathway,
        )
    except YoungPersonsError as problem:
        flash(str(problem), "error")
        return redirect(url_for("staff.child", child_id=child.id))
    flash("It is now a young person's conference." if review.young_persons else "It is now an ordinary conference.", "success")
    return redirect(url_for("staff.child", child_id=child.id))


@bp.post("/reviews/<int:review_id>/visits")
@roles_required(*STAFF_ROLES)
def add_visit(review_id: int):
    """Plan the pre-review visit for a review."""
    session = db.session()
    review, child = review_for(session, current_user, review_id)
    form = PlanVisitForm()
    if not form.validate_on_submit():
        return _child_page(child, plan_form=form, status=422)
    if form.planned_for.data > review.scheduled_for:
        form.planned_for.errors.append("Plan the visit for before the review, so the child's views can be heard in it.")
        return _child_page(child, plan_form=form, status=422)
    plan_visit(
        session,
        review=review,
        # The visit belongs to the child's own IRO, even when a manager books it.
        iro=session.get(StaffUser, child.iro_id) or current_user,
        planned_for=form.planned_for.data,
        method=VisitMethod(form.method.data) if form.method.data else None,
        purpose=VisitPurpose(form.purpose.data),
    )
    flash(f"Visit planned for {form.planned_for.data:%-d %B %Y}.", "success")
    return redirect(url_for("staff.child", child_id=child.id))


@bp.route("/reviews/<int:review_id>/record", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def record_review_outcome(review_id: int):
    """Record that a review or conference was held (when, how, who chaired), was cancelled, or has not happened yet."""
    session = db.session()
    review, child = review_for(session, current_user, review_id)
    reviews = [item.review for item in reviews_for_child(session, child_id=child.id)]
    form = RecordReviewForm()
    form.setup(
        kind=review.kind,
        due_on=lambda day: due_for(child=child, review=review, reviews=reviews, on=day, nation=_nation()),
        age_on=child.age_on,
    )
    if request.method == "GET":
        form.outcome.data = review.status.value if review.status != ReviewStatus.SCHEDULED else None
        form.held_on.data = review.held_on or (review.scheduled_for if review.scheduled_for <= date.today() else None)
        # What the IRO agreed from the child's menu, if anything, is the likeliest answer.
        form.format_used.data = review.format_used.value if review.format_used else ""
        form.chaired_by.data = review.chaired_by.value if review.chaired_by else ""
        # A review recorded before codes were asked for stays "not recorded" until the IRO chooses.
        form.participation.data = review.participation.value if review.participation else None
        form.late_reason.data = review.late_reason.value if review.late_reason else ""
        form.late_reason_other.data = review.late_reason_other or ""
        form.iro_attended.data = {True: "yes", False: "no"}.get(review.iro_attended)
    elif form.validate_on_submit():
        status = ReviewStatus(form.outcome.data)
        record_review(
            session,
            review=review,
            status=status,
            held_on=form.held_on.data,
            format_used=MeetingFormat(form.format_used.data) if form.format_used.data else None,
            chaired_by=ChairRole(form.chaired_by.data) if form.chaired_by.data else None,
            participation=Participation(form.participation.data) if form.participation.data else None,
            late_reason=LateReason(form.late_reason.data) if form.late_reason.data else None,
            late_reason_other=form.late_reason_other.data,
            child=child,
            nation=_nation(),
            iro_attended={"yes": True, "no": False}.get(form.iro_attended.data or ""),
        )
        if status == ReviewStatus.HELD:
            flash(f"Recorded as held on {form.held_on.data:%-d %B %Y}.", "success")
            if review.kind == ReviewKind.CARED_FOR and review.stage == ReviewStage.SECOND:
                # The second cared-for review asks whether the child has a plan of permanence (voice_app/tracking).
                return redirect(url_for("tracking.permanence", review_id=review.id))
        else:
            flash("Recorded as cancelled." if status == ReviewStatus.CANCELLED else "Recorded as not happened yet: it is booked again.", "success")
        return redirect(url_for("staff.child", child_id=child.id))
    status_code = 422 if request.method == "POST" else 200
    return render(
        "staff/record_review.html",
        form=form,
        review=review,
        child=child,
        suggestion=suggested_participation(session, review=review),
        under_four=_under_four(child, form.held_on.data or review.scheduled_for),
        status=status_code,
    )


def _under_four(child: Child, day: date) -> bool:
    age = child.age_on(day)
    return age is not None and age < 4


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def record_visit(visit_id: int):
    """Record that a visit happened (date, method) or that the child declined it (with the reason)."""
    session = db.session()
    visit, review, child = visit_for(session, current_user, visit_id)
    form = RecordVisitForm()
    if request.method == "GET":
        form.outcome.data = visit.status.value if visit.status != VisitStatus.PLANNED else None
        planned_passed = visit.planned_for if visit.planned_for and visit.planned_for <= date.today() else None
        form.held_on.data = visit.held_on or planned_passed
        form.method.data = visit.method.value if visit.method else ""
        form.declined_reason.data = visit.declined_reason or ""
        form.seen_alone.data = {True: "yes", False: "no"}.get(visit.seen_alone)
    elif form.validate_on_submit():
        if form.outcome.data == "done":
            seen_alone = {"yes": True, "no": False}.get(form.seen_alone.data or "")
            record_visit_done(session, visit=visit, held_on=form.held_on.data, method=VisitMethod(form.method.data), seen_alone=seen_alone)
            flash("Visit recorded as done.", "success")
        else:
            record_visit_declined(session, visit=visit, reason=form.declined_reason.data)
            flash("Visit recorded as declined, with the child's reason.", "success")
        return redirect(url_for("staff.child", child_id=child.id))
    status = 422 if request.method == "POST" else 200
    return render("staff/record_visit.html", form=form, visit=visit, review=review, child=child, status=status)


@bp.route("/children/new", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def new_child():
    """A manager adds a child and allocates an IRO."""
    return _edit_child(None)


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def edit_child(child_id: int):
    """A manager changes a child's details or reallocates them to another IRO."""
    return _edit_child(child_for(db.session(), current_user, child_id))


def _edit_child(child: Child | None):
    session = db.session()
    # An age given without a date of birth grows older: the form shows (and keeps) today's.
    form = ChildForm(obj=child)
    if child is not None and child.date_of_birth is None and child.age_years is not None and not form.is_submitted():
        form.age_years.data = child.age_on(date.today())
    form.iro_id.choices = [(iro.id, iro.display_name) for iro in active_iros(session)]
    if not form.iro_id.choices:
        abort(409)
    if form.validate_on_submit():
        target = child or Child(preferred_name="", case_reference="")
        before = snapshot(child, [field.name for field in form if field.name != "csrf_token"])
        form.populate_obj(target)
        target.age_recorded_on = date.today() if target.date_of_birth is None and target.age_years is not None else None
        target.preferred_name = target.preferred_name.strip()
        target.case_reference = target.case_reference.strip()
        session.add(target)
        try:
            session.flush()
            audit_changes(session, child=target, before=before, by=current_user)
            session.commit()
        except IntegrityError:
            session.rollback()
            form.case_reference.errors.append("Another child already has that case record reference.")
        else:
            refresh_due_dates(session, child=target, nation=_nation())
            flash("Child saved.", "success")
            return redirect(url_for("staff.child", child_id=target.id))
    status = 422 if form.errors else 200
    return render("staff/child_form.html", form=form, child=child, status=status)
