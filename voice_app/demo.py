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
            cp_plan_since=today - timedelta(days=min(history_days, 300)) if cp else None,
        )
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
