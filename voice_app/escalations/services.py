"""Escalations: raise one from what a child said, move it through the procedure's stages, close it with an
outcome for the child, and list the open ones by deadline. Testable without a request.

Every write is audited (never the words, only ids and stage keys). Free text is encrypted at rest by the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlmodel import Session, col, select

from voice_app.audit_labels import label_actions
from voice_app.escalations.procedure import Procedure, load_procedure
from voice_app.models import (
    AuditEvent,
    Child,
    Escalation,
    EscalationStep,
    PlanKind,
    Review,
    Role,
    StaffUser,
    Statement,
    Visit,
    utcnow,
)
from voice_app.schedule import DEFAULT_NATION, working_days_between
from voice_app.security import child_for, children_visible_to

MAX_WORDS = 4000
MAX_WITH_WHOM = 120

ACTIONS = {
    "escalation.raised": "Raised an escalation",
    "escalation.stage": "Moved an escalation to a later stage",
    "escalation.response": "Recorded a response in an escalation",
    "escalation.closed": "Closed an escalation with an outcome for the child",
    "escalation.told_child": 'Put an escalation\'s outcome in "you said, we did" for the child',
    "escalation.example": "Chose (or unchose) an escalation as an example for the annual report",
    "escalation.view": "Viewed an escalation",
    "escalation.tracker_csv": "Downloaded the escalations tracker (CSV)",
}
label_actions(ACTIONS)


class EscalationError(ValueError):
    """A request the rules refuse; the message is written for the IRO and shown as it is."""


@dataclass(frozen=True)
class Source:
    """What prompted an escalation: a statement's answer (or attention item), a visit, a review, or nothing."""

    statement_id: int | None = None
    question_id: str | None = None
    visit_id: int | None = None
    review_id: int | None = None


@dataclass
class EscalationView:
    escalation: Escalation
    child: Child
    iro: StaffUser | None
    steps: list[EscalationStep] = field(default_factory=list)

    def overdue(self, today: date) -> bool:
        return is_overdue(self.escalation, today=today)


def _audit(db: Session, *, action: str, by: StaffUser | None, escalation: Escalation, detail: str = "") -> None:
    db.add(
        AuditEvent(
            staff_id=by.id if by else None,
            action=action,
            child_id=escalation.child_id,
            statement_id=escalation.statement_id,
            detail=f"escalation={escalation.id}" + (f";{detail}" if detail else ""),
        )
    )


def _words(text: str | None, *, missing: str, required: bool = True) -> str:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise EscalationError(missing)
    if len(cleaned) > MAX_WORDS:
        raise EscalationError(f"Keep it under {MAX_WORDS:,} characters.")
    return cleaned


def _with_whom(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise EscalationError("Say who the worry was raised with (their role is enough).")
    if len(cleaned) > MAX_WITH_WHOM:
        raise EscalationError(f"Keep who it was raised with under {MAX_WITH_WHOM} characters.")
    return cleaned


def check_source(db: Session, *, child: Child, source: Source) -> Source:
    """The source if every part of it is this child's (a 404 otherwise, so nothing leaks)."""
    if source.statement_id is not None:
        statement = db.get(Statement, source.statement_id)
        if statement is None or statement.child_id != child.id:
            abort(404)
    elif source.question_id:
        abort(404)
    if source.visit_id is not None:
        visit = db.get(Visit, source.visit_id)
        review = db.get(Review, visit.review_id) if visit else None
        if review is None or review.child_id != child.id:
            abort(404)
    if source.review_id is not None:
        review = db.get(Review, source.review_id)
        if review is None or review.child_id != child.id:
            abort(404)
    return source


def plan_kinds_for(child: Child) -> list[PlanKind]:
    """The plans an escalation about this child can be about (both when the child has neither recorded)."""
    kinds = [kind for kind, has in ((PlanKind.CARED_FOR, child.cared_for), (PlanKind.CP_PLAN, child.on_cp_plan)) if has]
    return kinds or list(PlanKind)


def raise_escalation(
    db: Session,
    *,
    child: Child,
    by: StaffUser,
    plan: PlanKind,
    theme: str,
    identified_on: date,
    raised_on: date,
    challenge: str,
    with_whom: str,
    source: Source = Source(),
    today: date,
    nation: str = DEFAULT_NATION,
    procedure: Procedure | None = None,
) -> Escalation:
    """Raise an escalation at the procedure's first stage (the alert), due the stage's working days after the issue was identified."""
    procedure = procedure or load_procedure()
    if theme not in {t.key for t in procedure.themes}:
        raise EscalationError("Choose one of the themes.")
    if raised_on < identified_on:
        raise EscalationError("It cannot be raised before the issue was identified.")
    if raised_on > today:
        raise EscalationError("The day it was raised cannot be in the future.")
    challenge = _words(challenge, missing="Say what the worry is, for the child.")
    with_whom = _with_whom(with_whom)
    first = procedure.stages[0]
    stage_due = procedure.stage_due(first.key, started_on=identified_on, nation=nation)
    overall_due = procedure.overall_due(raised_on=raised_on, nation=nation)
    escalation = Escalation(
        child_id=child.id,
        raised_by_id=by.id,
        plan=plan,
        theme=theme,
        identified_on=identified_on,
        raised_on=raised_on,
        challenge=challenge,
        statement_id=source.statement_id,
        question_id=source.question_id,
        visit_id=source.visit_id,
        review_id=source.review_id,
        stage=first.key,
        stage_started_on=raised_on,
        stage_due_on=stage_due,
        overall_due_on=overall_due,
        next_due_on=min(stage_due, overall_due),
    )
    db.add(escalation)
    db.flush()
    db.add(
        EscalationStep(
            escalation_id=escalation.id,
            stage=first.key,
            started_on=raised_on,
            due_on=stage_due,
            with_whom=with_whom,
            recorded_by_id=by.id,
        )
    )
    _audit(db, action="escalation.raised", by=by, escalation=escalation, detail=f"stage={first.key}")
    db.commit()
    return escalation


def steps_of(db: Session, escalation: Escalation) -> list[EscalationStep]:
    return list(
        db.exec(
            select(EscalationStep).where(EscalationStep.escalation_id == escalation.id).order_by(col(EscalationStep.id))
        ).all()
    )


def _current_step(db: Session, escalation: Escalation) -> EscalationStep:
    return steps_of(db, escalation)[-1]


def _check_open(escalation: Escalation) -> None:
    if escalation.closed_on is not None:
        raise EscalationError("This escalation is closed.")


def move_to_stage(
    db: Session,
    *,
    escalation: Escalation,
    stage: str,
    started_on: date,
    with_whom: str,
    response_so_far: str,
    by: StaffUser,
    today: date,
    nation: str = DEFAULT_NATION,
    procedure: Procedure | None = None,
) -> Escalation:
    """Take the escalation to a later stage: the response at the stage it leaves is recorded first."""
    procedure = procedure or load_procedure()
    _check_open(escalation)
    if stage not in {s.key for s in procedure.later_stages(escalation.stage)}:
        raise EscalationError("Choose a later stage than the one it is at.")
    if started_on < escalation.stage_started_on or started_on > today:
        raise EscalationError("The new stage begins between the last stage and today.")
    response = _words(response_so_far, missing="Say what the response was at the stage it leaves.")
    with_whom = _with_whom(with_whom)
    current = _current_step(db, escalation)
    current.response = response
    db.add(current)
    stage_due = procedure.stage_due(stage, started_on=started_on, nation=nation)
    db.add(
        EscalationStep(
            escalation_id=escalation.id,
            stage=stage,
            started_on=started_on,
            due_on=stage_due,
            with_whom=with_whom,
            recorded_by_id=by.id,
        )
    )
    escalation.stage = stage
    escalation.stage_started_on = started_on
    escalation.stage_due_on = stage_due
    escalation.next_due_on = min(stage_due, escalation.overall_due_on)
    escalation.updated_at = utcnow()
    db.add(escalation)
    _audit(db, action="escalation.stage", by=by, escalation=escalation, detail=f"stage={stage}")
    db.commit()
    return escalation


def close_escalation(
    db: Session,
    *,
    escalation: Escalation,
    closed_on: date,
    response: str,
    outcome_for_child: str,
    tell_child: bool,
    by: StaffUser,
    today: date,
) -> Escalation:
    """Close it at the stage it has reached, with the last response and an outcome for the child (both required)."""
    _check_open(escalation)
    if closed_on < escalation.stage_started_on or closed_on > today:
        raise EscalationError("It closes between the start of its stage and today.")
    response = _words(response, missing="Say what the response was at this stage.")
    outcome = _words(outcome_for_child, missing="Write the outcome for the child: what changed for them, in words for the child.")
    current = _current_step(db, escalation)
    current.response = response
    db.add(current)
    escalation.closed_on = closed_on
    escalation.closed_stage = escalation.stage
    escalation.outcome_for_child = outcome
    escalation.tell_child = tell_child
    escalation.next_due_on = None
    escalation.updated_at = utcnow()
    db.add(escalation)
    _audit(db, action="escalation.closed", by=by, escalation=escalation, detail=f"stage={escalation.stage}")
    db.commit()
    if tell_child:
        tell_the_child(db, escalation=escalation, by=by)
    return escalation


def tell_the_child(db: Session, *, escalation: Escalation, by: StaffUser) -> None:
    """Put the outcome in "you said, we did" on the statement that prompted it (else the child's latest), so the
    child is shown it at their next visit."""
    from voice_app.statements.services import tell_child_at_next_visit

    statement_id = (
        escalation.statement_id
        or db.exec(
            select(Statement.id)
            .where(Statement.child_id == escalation.child_id, col(Statement.ended_at).is_not(None))
            .order_by(col(Statement.ended_at).desc())
        ).first()
    )
    if statement_id is None:
        raise EscalationError("The child has no statement to answer through yet: tell them in person, or at their next visit.")
    response = tell_child_at_next_visit(
        db, statement_id=statement_id, question_id=escalation.question_id, words=escalation.outcome_for_child or "", by=by
    )
    escalation.told_via_response_id = response.id
    escalation.tell_child = True
    db.add(escalation)
    _audit(db, action="escalation.told_child", by=by, escalation=escalation)
    db.commit()


def set_report_example(db: Session, *, escalation: Escalation, chosen: bool, by: StaffUser) -> Escalation:
    """A manager picks (or unpicks) a closed escalation as an anonymised example for the annual report."""
    if chosen and escalation.closed_on is None:
        raise EscalationError("Only a closed escalation, with its outcome for the child, can be an example.")
    escalation.report_example = chosen
    db.add(escalation)
    _audit(db, action="escalation.example", by=by, escalation=escalation, detail="chosen" if chosen else "unchosen")
    db.commit()
    return escalation


def is_overdue(escalation: Escalation, *, today: date) -> bool:
    """Open, and its next deadline (the stage's or the whole procedure's, whichever is sooner) has passed."""
    return escalation.closed_on is None and escalation.next_due_on is not None and today > escalation.next_due_on


def working_days_to_resolve(escalation: Escalation, *, nation: str = DEFAULT_NATION) -> int | None:
    if escalation.closed_on is None:
        return None
    return working_days_between(escalation.raised_on, escalation.closed_on, nation=nation)


def escalation_for(db: Session, user: StaffUser, escalation_id: int) -> tuple[Escalation, Child]:
    """The escalation if this user may see the child (a 404 otherwise)."""
    escalation = db.get(Escalation, escalation_id)
    if escalation is None:
        abort(404)
    return escalation, child_for(db, user, escalation.child_id)


def for_child(db: Session, *, child_id: int) -> list[Escalation]:
    """A child's escalations, open ones first, newest first."""
    found = db.exec(
        select(Escalation)
        .where(Escalation.child_id == child_id)
        .order_by(col(Escalation.raised_on).desc(), col(Escalation.id).desc())
    ).all()
    return sorted(found, key=lambda e: e.closed_on is not None)


@dataclass(frozen=True)
class TrackerFilters:
    iro_id: int | None = None
    stage: str | None = None
    theme: str | None = None
    plan: PlanKind | None = None


def open_escalations(db: Session, *, user: StaffUser, filters: TrackerFilters = TrackerFilters()) -> list[EscalationView]:
    """Every open escalation this user may see (an IRO: their own children's), oldest deadline first."""
    children = children_visible_to(user)
    if user.role == Role.MANAGER and filters.iro_id:
        children = children.where(Child.iro_id == filters.iro_id)
    child_ids = children.with_only_columns(col(Child.id)).scalar_subquery()
    query = (
        select(Escalation, Child)
        .join(Child, Child.id == Escalation.child_id)
        .where(col(Escalation.closed_on).is_(None), col(Escalation.child_id).in_(child_ids))
    )
    if filters.stage:
        query = query.where(Escalation.stage == filters.stage)
    if filters.theme:
        query = query.where(Escalation.theme == filters.theme)
    if filters.plan:
        query = query.where(Escalation.plan == filters.plan)
    rows = db.exec(query.order_by(col(Escalation.next_due_on), col(Escalation.raised_on), col(Escalation.id))).all()
    iro_ids = {child.iro_id for _e, child in rows if child.iro_id}
    iros = {u.id: u for u in db.exec(select(StaffUser).where(col(StaffUser.id).in_(iro_ids))).all()} if iro_ids else {}
    return [EscalationView(escalation, child, iros.get(child.iro_id)) for escalation, child in rows]


__all__ = [
    "EscalationError",
    "EscalationView",
    "Source",
    "TrackerFilters",
    "check_source",
    "close_escalation",
    "escalation_for",
    "for_child",
    "is_overdue",
    "move_to_stage",
    "open_escalations",
    "plan_kinds_for",
    "raise_escalation",
    "set_report_example",
    "steps_of",
    "tell_the_child",
    "working_days_to_resolve",
]


# ----- the child's record: subject access and retention (called by voice_app/records) ----------------------


def subject_access_record(db: Session, *, child_id: int, name) -> list[dict]:
    """Every escalation about the child with each stage, for the subject access export (`name` turns staff ids into names)."""
    procedure = load_procedure()
    escalations = db.exec(
        select(Escalation).where(Escalation.child_id == child_id).order_by(col(Escalation.raised_on), col(Escalation.id))
    ).all()
    found = []
    for escalation in escalations:
        found.append(
            {
                "id": escalation.id,
                "plan": escalation.plan.value,
                "theme": procedure.theme_label(escalation.theme),
                "identified_on": escalation.identified_on.isoformat(),
                "raised_on": escalation.raised_on.isoformat(),
                "raised_by": name(escalation.raised_by_id),
                "the_worry": escalation.challenge,
                "prompted_by": {
                    "statement_id": escalation.statement_id,
                    "question_id": escalation.question_id,
                    "visit_id": escalation.visit_id,
                    "review_id": escalation.review_id,
                },
                "stages": [
                    {
                        "stage": procedure.stage_label(step.stage),
                        "began_on": step.started_on.isoformat(),
                        "due_on": step.due_on.isoformat(),
                        "with_whom": step.with_whom,
                        "response": step.response or None,
                        "recorded_by": name(step.recorded_by_id),
                    }
                    for step in steps_of(db, escalation)
                ],
                "closed_on": escalation.closed_on.isoformat() if escalation.closed_on else None,
                "closed_at_stage": procedure.stage_label(escalation.closed_stage) or None,
                "outcome_for_child": escalation.outcome_for_child,
                "told_the_child": escalation.told_via_response_id is not None,
            }
        )
    return found


def anonymise_for_retention(connection, *, child_id: int, removed: str) -> None:
    """The retention rules took the child's identity out: the escalations' words go, the stages, dates and themes stay for the figures."""
    import sqlalchemy as sa

    escalation_t, step_t = Escalation.__table__, EscalationStep.__table__
    ids = sa.select(escalation_t.c.id).where(escalation_t.c.child_id == child_id).scalar_subquery()
    connection.execute(sa.update(step_t).where(step_t.c.escalation_id.in_(ids), step_t.c.response != "").values(response=removed))
    connection.execute(sa.update(step_t).where(step_t.c.escalation_id.in_(ids)).values(with_whom=removed[:120]))
    connection.execute(sa.update(escalation_t).where(escalation_t.c.child_id == child_id).values(challenge=removed))
    connection.execute(
        sa.update(escalation_t)
        .where(escalation_t.c.child_id == child_id, escalation_t.c.outcome_for_child.is_not(None))
        .values(outcome_for_child=removed)
    )
