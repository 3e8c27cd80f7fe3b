"""Demo data: a small reviewing service whose dates move with today, so it always looks alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from voice_app.dates import anniversary
from voice_app.models import (
    Answer,
    AnswerChoice,
    Child,
    ChildResponse,
    DecisionOutcome,
    FlowVersion,
    IroProfile,
    LateReason,
    MenuDecision,
    ParentResponse,
    Participation,
    PractitionerInvitation,
    Profession,
    ResponseSource,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    ServiceContact,
    Sharing,
    StaffUser,
    Statement,
    StatementEnd,
    Visit,
    VisitMethod,
    VisitStatus,
    utcnow,
)
from voice_app.passwords import hash_password

DEMO_PASSWORD = "voice-app-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin@example.org", "Alex Admin", Role.ADMIN),
    DemoAccount("manager@example.org", "Morgan Manager", Role.MANAGER),
    DemoAccount("iro@example.org", "Jo Reviewer", Role.IRO),
    DemoAccount("iro2@example.org", "Sam Okafor", Role.IRO),
)

# name, reference, age, language, needs, which IRO (0/1), cared for, on a CP plan,
# next review in N days, state of its visit, and how many reviews were already held.
_CHILDREN = (
    ("Aisha", "LL-100231", 9, "en-GB", "Likes pictures; short sentences.", 0, True, False, 12, "planned", 3),
    ("Ben", "LL-100487", 14, "en-GB", "", 0, True, False, 26, "none", 5),
    ("Chloe", "LL-100512", 7, "en-GB", "Uses Makaton signs at school.", 0, True, True, 4, "none", 1),
    ("Dawit", "LL-100733", 16, "ti", "Tigrinya speaker; learning English.", 0, True, False, 40, "done", 2),
    ("Ella", "LL-100815", 11, "en-GB", "", 0, True, False, 9, "declined", 4),
    ("Farah", "LL-100902", 13, "ar", "Prefers to speak Arabic about feelings.", 0, True, False, 60, "none", 0),
    ("Harvey", "LL-101044", 5, "en-GB", "Autistic; needs time and quiet.", 0, False, True, 18, "planned", 1),
    ("Isla", "LL-101167", 12, "en-GB", "", 1, True, False, 15, "done", 6),
    ("Jack", "LL-101203", 8, "en-GB", "", 1, True, False, 2, "none", 2),
    ("Kasia", "LL-101318", 10, "pl", "Polish at home.", 1, True, False, 33, "planned", 1),
    ("Leo", "LL-101455", 15, "en-GB", "Dyslexic: read questions aloud.", 1, True, True, 21, "none", 3),
    ("Mariam", "LL-101590", 6, "fa", "", 1, False, True, 7, "planned", 0),
)

# Optional equality details (voice_app/models/equality.py) for some children, so the report's "heard equally"
# splits have something in them: (disability, DfE ethnicity code, census gender code). The others are "not recorded".
_EQUALITY = {
    "Aisha": ("no", "BCRB", "2"),
    "Ben": ("no", "WBRI", "1"),
    "Chloe": ("yes", "WBRI", "2"),
    "Dawit": ("no", "BAFR", "1"),
    "Farah": ("no", "AOTH", "2"),
    "Harvey": ("yes", "WBRI", "1"),
    "Isla": ("not_known", "MWBC", "2"),
    "Kasia": ("no", "WOTH", "2"),
    "Mariam": ("", "AOTH", "2"),
}


def seed_demo(db: Session, *, today: date | None = None) -> bool:
    """Add the demo service if the database has no staff yet; True when it seeded."""
    if db.exec(select(StaffUser)).first() is not None:
        return False
    today = today or date.today()
    password_hash = hash_password(DEMO_PASSWORD)
    staff = {}
    for account in DEMO_ACCOUNTS:
        user = StaffUser(email=account.email, display_name=account.name, role=account.role, password_hash=password_hash)
        db.add(user)
        staff[account.email] = user
    db.flush()
    iros = [staff["iro@example.org"], staff["iro2@example.org"]]
    # Who the children meet at the start of a conversation, and how they reach the service.
    db.add(IroProfile(staff_id=iros[0].id, first_name="Jo", about="I like walking my dog and I support Sunderland.", symbol="pet"))
    db.add(IroProfile(staff_id=iros[1].id, first_name="Sam", about="I love cooking and reading.", symbol="books"))
    db.add(ServiceContact(id=1, phone="0191 000 0000", text="07700 900000", email="reviewing.service@example.org"))
    for name, ref, age, language, needs, iro_index, cared_for, cp, next_in, visit_state, held in _CHILDREN:
        iro = iros[iro_index]
        history_days = 182 * held + 40
        child = Child(
            preferred_name=name,
            case_reference=ref,
            date_of_birth=anniversary(today, -age) - timedelta(days=37 + len(name) * 11),
            preferred_language=language,
            communication_needs=needs,
            iro_id=iro.id,
            cared_for=cared_for,
            cared_for_since=today - timedelta(days=history_days) if cared_for else None,
            on_cp_plan=cp,
            # One child (Leo) has been on a plan for over a year, so the long-plan list has someone on it.
            cp_plan_since=today - timedelta(days=min(history_days, 400 if cared_for else 300)) if cp else None,
        )
        child.disability, child.ethnicity, child.gender = _EQUALITY.get(name, ("", "", ""))
        db.add(child)
        db.flush()
        _add_history(db, child=child, iro=iro, held=held, today=today)
        kind = ReviewKind.CARED_FOR if cared_for else ReviewKind.CP_CONFERENCE
        stage = _next_stage(kind, held)
        review = Review(child_id=child.id, kind=kind, stage=stage, scheduled_for=_weekday(today + timedelta(days=next_in)), chair_id=iro.id)
        db.add(review)
        db.flush()
        visit = _add_visit(db, review=review, iro=iro, state=visit_state, today=today)
        if visit is not None and visit.status == VisitStatus.DONE:
            _add_statement(db, child=child, visit=visit, iro=iro, older=age >= 12)
    _add_parent_feedback(db)
    _add_practitioner(db, invited_by=staff["manager@example.org"], password_hash=password_hash)
    _set_due_dates(db)
    db.commit()
    _add_oversight(db, today=today)
    return True


def _set_due_dates(db: Session) -> None:
    """Each review's due date by law, as booking and recording would have set it."""
    from voice_app.staff.services import due_for

    reviews = db.exec(select(Review)).all()
    for child in db.exec(select(Child)).all():
        own = [review for review in reviews if review.child_id == child.id]
        for review in own:
            due = due_for(child=child, review=review, reviews=own)
            if review.held_on and due and review.held_on > due:
                review.late_reason = LateReason.ADMINISTRATION_ERROR  # demo histories are 6-monthly: some fall late
            review.due_on = due
    db.flush()


# What two demo children said: (question, chosen cards, words). Wording lives in the question bank.
_OLDER_ANSWERS = (
    ("feel-today", ["ok"], "A bit tired, we had a late night."),
    ("home", ["like"], None),
    ("home-people", ["carer", "pet"], None),
    ("family-time", ["more"], "I want to see my brother more."),
    ("school", ["like"], "College is good. I like the football team."),
    ("fun", ["football", "music"], None),
    ("worries", ["future"], "What happens when I am 18."),
    ("wishes", ["family"], None),
    ("anything-else", [], "Can my meeting be after college please."),
    ("menu-format", ["hybrid"], None),
    ("menu-where", ["home"], None),
    ("menu-when", ["after_school"], None),
    ("menu-chair", ["child_and_iro"], None),
    ("menu-share", ["say"], None),
    ("menu-help", ["interpreter"], None),
)
_YOUNGER_ANSWERS = (
    ("feel-today", ["happy"], None),
    ("home", ["like"], None),
    ("home-people", ["carer", "siblings"], None),
    ("school", ["ok"], None),
    ("fun", ["swimming", "art"], None),
    ("worries", ["nothing"], None),
    ("menu-format", ["face_to_face"], None),
    ("menu-where", ["school"], None),
    ("menu-chair", ["iro"], None),
)


def _add_statement(db: Session, *, child: Child, visit: Visit, iro: StaffUser, older: bool) -> None:
    """A finished statement with answers, a Child's Menu, one IRO decision and one response."""
    statement = Statement(
        child_id=child.id,
        visit_id=visit.id,
        version=FlowVersion.OLDER if older else FlowVersion.YOUNGER,
        language=child.preferred_language,
        end_reason=StatementEnd.FINISHED,
        sharing=Sharing.MEETING,
    )
    statement.ended_at = statement.started_at
    db.add(statement)
    db.flush()
    for question_id, choices, words in _OLDER_ANSWERS if older else _YOUNGER_ANSWERS:
        answer = Answer(statement_id=statement.id, question_id=question_id, text=words)
        db.add(answer)
        db.flush()
        for choice_id in choices:
            db.add(AnswerChoice(answer_id=answer.id, choice_id=choice_id))
    db.add(MenuDecision(statement_id=statement.id, item_id="menu-format", outcome=DecisionOutcome.AGREED, decided_by_id=iro.id))
    if older:
        db.add(ChildResponse(statement_id=statement.id, question_id="family-time", we_did="I have asked your social worker to plan time with your brother every month.", written_by_id=iro.id))


def _add_parent_feedback(db: Session) -> None:
    """Two parents' answers about a conference already held, so the results page has something."""
    conference = db.exec(
        select(Review).where(Review.kind == ReviewKind.CP_CONFERENCE, Review.status == ReviewStatus.HELD).order_by(Review.id)
    ).first()
    if conference is None:
        return
    answers = (("strongly_agree", "agree", "agree", "agree", "The chair explained everything and listened to me."),
               ("agree", "disagree", "agree", "not_applicable", None))
    for index, (q1, q2, q3, q4, comment) in enumerate(answers):
        db.add(ParentResponse(review_id=conference.id, source=ResponseSource.PAPER, q1=q1, q2=q2, q3=q3, q4=q4, comment=comment, submission_key=f"demo-{index}"))


def _add_practitioner(db: Session, *, invited_by: StaffUser, password_hash: str) -> None:
    """A social worker who joined to gather a child's views for the next child protection conference."""
    conference = db.exec(
        select(Review).where(Review.kind == ReviewKind.CP_CONFERENCE, Review.status == ReviewStatus.SCHEDULED).order_by(Review.scheduled_for, Review.id)
    ).first()
    if conference is None:
        return
    user = StaffUser(email="practitioner@example.org", display_name="Pat Social-Worker", role=Role.PRACTITIONER, password_hash=password_hash)
    db.add(user)
    db.flush()
    db.add(
        PractitionerInvitation(
            review_id=conference.id, child_id=conference.child_id, practitioner_id=user.id, profession=Profession.SOCIAL_WORKER,
            organisation="Children's social care, North team", invited_by_id=invited_by.id, token_used_at=utcnow(),
        )
    )


def _weekday(day: date) -> date:
    """Move a weekend date to the Monday after, as a real service would book it."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _next_stage(kind: ReviewKind, held: int) -> ReviewStage:
    if kind == ReviewKind.CARED_FOR:
        return (ReviewStage.INITIAL, ReviewStage.SECOND)[held] if held < 2 else ReviewStage.SUBSEQUENT
    return ReviewStage.INITIAL_CONFERENCE if held == 0 else ReviewStage.REVIEW_CONFERENCE


def _add_history(db: Session, *, child: Child, iro: StaffUser, held: int, today: date) -> None:
    kind = ReviewKind.CARED_FOR if child.cared_for else ReviewKind.CP_CONFERENCE
    for index in range(held):
        held_on = _weekday(today - timedelta(days=182 * (held - index)))
        stage = _next_stage(kind, index)
        age = child.age_on(held_on)
        review = Review(
            child_id=child.id,
            kind=kind,
            stage=stage,
            scheduled_for=held_on,
            held_on=held_on,
            status=ReviewStatus.HELD,
            chair_id=iro.id,
            # How the child took part, so the service figures have codes to count (PN0 under 4, as the law sets it).
            participation=Participation.PN0 if age is not None and age < 4 else (Participation.PN1, Participation.PN6, Participation.PN2)[index % 3],
            strategy_discussion_on=held_on - timedelta(days=14) if stage == ReviewStage.INITIAL_CONFERENCE else None,
        )
        db.add(review)
        db.flush()
        method = (VisitMethod.FACE_TO_FACE, VisitMethod.VIDEO_CALL, VisitMethod.PHONE)[index % 3]
        db.add(
            Visit(
                review_id=review.id, iro_id=iro.id, status=VisitStatus.DONE, planned_for=held_on - timedelta(days=10),
                held_on=held_on - timedelta(days=10), method=method, seen_alone=index % 2 == 0,
            )
        )


def _add_visit(db: Session, *, review: Review, iro: StaffUser, state: str, today: date) -> Visit | None:
    if state == "none":
        return None
    visit = Visit(review_id=review.id, iro_id=iro.id, planned_for=review.scheduled_for - timedelta(days=8))
    if state == "done":
        visit.status = VisitStatus.DONE
        visit.planned_for = visit.held_on = today - timedelta(days=3)
        visit.method = VisitMethod.FACE_TO_FACE
    elif state == "declined":
        visit.status = VisitStatus.DECLINED
        visit.declined_reason = "Ella said she talked to her social worker last week and would rather write a note."
    db.add(visit)
    db.flush()
    return visit


# ----- a year of the IRO's work with children's views: escalations, tracking, permanence (issue 31) ----------

_CHALLENGES = (
    ("lack_of_progress", "The dental treatment agreed at the last review has not been taken to the finance panel.",
     "The finance panel agreed the treatment, so [child] can have their teeth fixed and smile without feeling self-conscious."),
    ("child_not_seen", "Weekly visits agreed when the child moved home have not happened.",
     "The team manager agreed weekly visits again, and words and pictures work so [child] understands why they moved."),
    ("late_report", "The social worker's report was not ready five days before the review.",
     "The report was shared the next day, so [child] and their carers could read it before the meeting."),
    ("report_not_shared", "Mum had not had a copy of the conference report.",
     "The conference was rearranged for five days later and Mum had the report the same day, so the family knew the worries."),
    ("issue_not_addressed", "Contact with the child's brother, agreed at the review, has not been arranged.",
     "Contact with their brother now happens every other Saturday, as [child] asked."),
    ("lack_of_progress", "The life story work agreed six months ago has not started.",
     "A worker started life story work with [child], who now has a book about their story."),
    ("procedure_breach", "The care plan was not updated after the placement changed.",
     "The care plan was updated, so everyone working with [child] knows the plan."),
)
_STAGE_SHARES = ("alert",) * 11 + ("stage_1",) * 6 + ("stage_2",) * 2 + ("stage_3",)


def _add_oversight(db: Session, *, today: date) -> None:
    """About forty escalations over the last year (most closed at the alert or stage 1, a few open), a tracking
    discussion after most reviews, a plan of permanence at most second reviews, and reasons for a long plan."""
    from voice_app.escalations.procedure import load_procedure
    from voice_app.escalations.services import Source, close_escalation, move_to_stage, raise_escalation
    from voice_app.models import LongPlanReason, PermanencePlan, PlanKind, TrackingDiscussion
    from voice_app.schedule import add_working_days
    from voice_app.tracking.services import mid_point_after

    procedure = load_procedure()
    keys = [stage.key for stage in procedure.stages]
    children = list(db.exec(select(Child).order_by(Child.id)).all())
    staff = {user.id: user for user in db.exec(select(StaffUser)).all()}
    for n in range(40):
        child = children[(n * 5) % len(children)]
        iro = staff[child.iro_id]
        theme, challenge, outcome = _CHALLENGES[n % len(_CHALLENGES)]
        raised = _weekday(today - timedelta(days=362 - n * 9))
        plan = PlanKind.CP_PLAN if child.on_cp_plan and (not child.cared_for or n % 2) else PlanKind.CARED_FOR
        statement = db.exec(select(Statement).where(Statement.child_id == child.id)).first() if n % 3 == 0 else None
        source = Source(statement_id=statement.id, question_id="worries") if statement else Source()
        escalation = raise_escalation(
            db, child=child, by=iro, plan=plan, theme=theme, identified_on=raised, raised_on=raised, challenge=challenge,
            with_whom="Social worker, by telephone", source=source, today=today,
        )
        final = _STAGE_SHARES[(n * 7) % len(_STAGE_SHARES)]
        started = raised
        for key in keys[1 : keys.index(final) + 1]:
            started = min(add_working_days(started, 3 if key == "stage_1" else 8), today)
            move_to_stage(
                db, escalation=escalation, stage=key, started_on=started, with_whom=procedure.stage(key).with_whom,
                response_so_far="Not resolved: the worry was taken to the next level.", by=iro, today=today,
            )
        closes_on = add_working_days(started, 2 + n % 9)
        if closes_on >= today - timedelta(days=3):
            continue  # still open: the tracker and the caseload show it
        close_escalation(
            db, escalation=escalation, closed_on=closes_on, response="Agreed, with a date for it to happen.",
            outcome_for_child=outcome.replace("[child]", child.preferred_name), tell_child=False, by=iro, today=today,
        )
        if n in (4, 13):
            escalation.report_example = True
            db.add(escalation)
    reviews = db.exec(select(Review).where(Review.status == ReviewStatus.HELD)).all()
    for n, review in enumerate(reviews):
        child = db.get(Child, review.child_id)
        mid = mid_point_after(review, short_breaks=child.short_breaks)
        if mid is None or n % 5 == 4:
            continue  # about one review in five had no tracking by its mid-point
        held_on = min(_weekday(review.held_on + timedelta(days=21 + n % 30)), today)
        db.add(
            TrackingDiscussion(
                child_id=child.id, held_on=held_on, with_whom="Social worker", recorded_by_id=child.iro_id,
                checked="Whether the actions from the review are on track: school support, family time and the care plan.",
                actions="Social worker to confirm the school meeting date." if n % 2 else "",
            )
        )
        if review.kind == ReviewKind.CARED_FOR and review.stage == ReviewStage.SECOND:
            kind = ("long_term_foster", "special_guardianship", "not_yet")[n % 3]
            why = "Assessments directed in care proceedings are not finished." if kind == "not_yet" else ""
            db.add(PermanencePlan(review_id=review.id, child_id=child.id, kind=kind, not_yet_why=why, recorded_by_id=child.iro_id))
    for child in children:
        if child.on_cp_plan and child.cp_plan_since and child.cp_plan_since <= anniversary(today, -1):
            db.add(
                LongPlanReason(
                    child_id=child.id, considered_on=_weekday(today - timedelta(days=20)), recorded_by_id=child.iro_id,
                    reasons="Dad's work with the domestic abuse service is not finished; the chair asked for a family group conference.",
                )
            )
    db.commit()
