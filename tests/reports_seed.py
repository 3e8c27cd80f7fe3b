"""A small service whose figures for 2024/25 (and 2023/24 before it) are worked out by hand in EXPECTED.

Edges on purpose: a review on 1 April and one on 31 March; a statement ended at 23:50 on 31 March
(British Summer Time, still 2024/25) and one at 00:30 on 1 April (already 2025/26), one begun at
00:30 BST on 1 April 2024 which is still 31 March in UTC; a visit (and statement) after its review;
a visit on the review's own day; a declined visit; a stopped and an unfinished statement; a
cancelled review; a "you said, we did" answer written just after the period; a parent's response
sent in April about a conference held on 31 March (the conference's period counts).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlmodel import Session

from voice_app.models import (
    Answer,
    AnswerChoice,
    ChairRole,
    Child,
    ChildResponse,
    MeetingFormat,
    MenuDecision,
    ParentResponse,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    Sharing,
    StaffUser,
    Statement,
    Visit,
    VisitMethod,
    VisitStatus,
)
from voice_app.reports.period import financial_year

PERIOD = financial_year(2024)  # 1 April 2024 to 31 March 2025; the previous period is 2023/24
SECRET_WORDS = "my secret words about home"
_staff_numbers = itertools.count(1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Seeder:
    def __init__(self, db: Session) -> None:
        self.db = db
        n = next(_staff_numbers)
        self.iro = self.add(StaffUser(email=f"seeded-iro{n}@example.org", display_name=f"Jo {n}", role=Role.IRO, password_hash="x"))

    def add(self, obj):
        self.db.add(obj)
        self.db.flush()
        return obj

    def child(self, name: str, ref: str, *, cp: bool = False) -> Child:
        return self.add(Child(preferred_name=name, case_reference=ref, iro_id=self.iro.id, cared_for=not cp, on_cp_plan=cp))

    def review(self, child: Child, held_on: date, *, kind=ReviewKind.CARED_FOR, stage=ReviewStage.SUBSEQUENT, status=ReviewStatus.HELD, **fields) -> Review:
        return self.add(Review(child_id=child.id, kind=kind, stage=stage, scheduled_for=held_on, held_on=held_on if status == ReviewStatus.HELD else None, status=status, **fields))

    def visit(self, review: Review, day: date, method: VisitMethod | None = VisitMethod.FACE_TO_FACE, *, status=VisitStatus.DONE, reason=None) -> Visit:
        held = day if status == VisitStatus.DONE else None
        return self.add(Visit(review_id=review.id, iro_id=self.iro.id, status=status, planned_for=day, held_on=held, method=method if held else None, declined_reason=reason))

    def statement(self, visit: Visit, child: Child, started: datetime, ended: datetime | None, *, end="finished", version="younger", language="en-GB", scribed=False, sharing: Sharing | None = Sharing.MEETING) -> Statement:
        return self.add(Statement(child_id=child.id, visit_id=visit.id, version=version, language=language, scribed=scribed, started_at=started, ended_at=ended, end_reason=end if ended else None, sharing=sharing))

    def answer(self, statement: Statement, question: str, *choices: str, skipped=False, scale=None, text=None) -> Answer:
        answer = self.add(Answer(statement_id=statement.id, question_id=question, skipped=skipped, scale=scale, text=text))
        for choice in choices:
            self.add(AnswerChoice(answer_id=answer.id, choice_id=choice, position=0))
        return answer

    def decision(self, statement: Statement, item: str, outcome: str) -> None:
        self.add(MenuDecision(statement_id=statement.id, item_id=item, outcome=outcome, decided_by_id=self.iro.id))

    def response(self, statement: Statement, question: str, text: str, written: datetime) -> None:
        self.add(ChildResponse(statement_id=statement.id, question_id=question, we_did=text, written_by_id=self.iro.id, created_at=written, updated_at=written))

    def parent(self, review: Review, submitted: datetime, **answers: str | None) -> None:
        self.add(ParentResponse(review_id=review.id, submitted_at=submitted, submission_key=f"k{next(_staff_numbers)}-{submitted.isoformat()}", **answers))


def seed(db: Session) -> None:
    """The service described in the module docstring; EXPECTED holds its figures."""
    s = Seeder(db)
    aisha, ben, chloe = s.child("Aisha", "REF-A1"), s.child("Ben", "REF-B2"), s.child("Chloe", "REF-C3")
    dan, ella = s.child("Dan", "REF-D4", cp=True), s.child("Ella", "REF-E5", cp=True)
    finn, gina, hal = s.child("Finn", "REF-F6"), s.child("Gina", "REF-G7"), s.child("Hal", "REF-H8")

    r1 = s.review(aisha, date(2024, 4, 1), chaired_by=ChairRole.IRO)  # first day of the period
    v1 = s.visit(r1, date(2024, 3, 25))  # previous period
    s1 = s.statement(v1, aisha, utc(2024, 3, 25, 10), utc(2024, 3, 25, 10, 20))
    # 23:30 UTC on 31 March 2024 is 00:30 BST on 1 April: this year's, and still before the review.
    s8 = s.statement(v1, aisha, utc(2024, 3, 31, 23, 30), utc(2024, 3, 31, 23, 40), version="older")

    r2 = s.review(ben, date(2025, 3, 31), chaired_by=ChairRole.IRO, format_used=MeetingFormat.VIRTUAL)  # last day
    v2 = s.visit(r2, date(2025, 3, 20), VisitMethod.VIDEO_CALL)
    s2 = s.statement(v2, ben, utc(2025, 3, 20, 10), utc(2025, 3, 20, 10, 5), end="stopped", version="older", language="pl", scribed=True, sharing=Sharing.IRO_ONLY)
    s.statement(v2, ben, utc(2025, 3, 20, 11), None)  # never ended: not counted

    r3 = s.review(chloe, date(2024, 6, 10))
    v3 = s.visit(r3, date(2024, 6, 12), VisitMethod.PHONE)  # after the review
    s3 = s.statement(v3, chloe, utc(2024, 6, 12, 10), utc(2024, 6, 12, 10, 30))

    r4 = s.review(dan, date(2024, 9, 2), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE)
    s.visit(r4, date(2024, 8, 25), status=VisitStatus.DECLINED, reason="Dan said no thanks; see ref-d4.")

    r5 = s.review(ella, date(2024, 10, 1), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.INITIAL_CONFERENCE)
    v5 = s.visit(r5, date(2024, 10, 1))  # on the day of the conference
    s5 = s.statement(v5, ella, utc(2024, 10, 1, 9), utc(2024, 10, 1, 9, 40), version="older")

    r6 = s.review(finn, date(2025, 4, 1))  # next period
    v6 = s.visit(r6, date(2025, 3, 31))  # last day of the period
    s6 = s.statement(v6, finn, utc(2025, 3, 31, 22, 30), utc(2025, 3, 31, 22, 50), sharing=None)  # 23:50 BST: this year
    s.statement(v6, finn, utc(2025, 3, 31, 23, 20), utc(2025, 3, 31, 23, 30))  # 00:30 BST on 1 April: next year

    s.review(gina, date(2024, 5, 6))  # held, no visit
    s.review(gina, date(2024, 7, 1), status=ReviewStatus.CANCELLED)
    s.visit(s.review(gina, date(2025, 2, 1), status=ReviewStatus.SCHEDULED), date(2025, 1, 20), status=VisitStatus.PLANNED)

    r9 = s.review(hal, date(2023, 5, 2))  # previous period
    v9 = s.visit(r9, date(2023, 4, 20), VisitMethod.PHONE)
    s9 = s.statement(v9, hal, utc(2023, 4, 20, 10), utc(2023, 4, 20, 10, 15), version="older")

    # Six children with the same story, so some child-level counts reach 5.
    group = []
    for n in range(1, 7):
        child = s.child(f"Jay{n}", f"REF-J{n}")
        chair = {1: ChairRole.CHILD, 2: ChairRole.CHILD_AND_IRO}.get(n, ChairRole.IRO)
        review = s.review(child, date(2024, 11, 5), chaired_by=chair, format_used=MeetingFormat.FACE_TO_FACE)
        visit = s.visit(review, date(2024, 11, 1))
        group.append(s.statement(visit, child, utc(2024, 11, 1, 10), utc(2024, 11, 1, 10, 30)))

    for n, statement in enumerate(group, start=1):
        s.answer(statement, "feel-today", "happy" if n <= 5 else "sad", text=SECRET_WORDS if n == 1 else None)
        s.answer(statement, "old-question", "happy")  # not in the question bank: shown by its id
        s.answer(statement, "menu-format", "face_to_face" if n <= 5 else "virtual")
        s.answer(statement, "menu-chair", {1: "me", 2: "together"}.get(n, "iro"))
        s.decision(statement, "menu-format", "agreed" if n <= 5 else "not_possible")
    s.decision(group[0], "menu-chair", "agreed")
    s.answer(s2, "feel-today", "worried")
    s.answer(s2, "menu-format", "hybrid")
    s.answer(s3, "feel-today", skipped=True)
    s.answer(s5, "feel-today", "happy")
    s.answer(s5, "safe-scale", scale=7)
    s.answer(s9, "feel-today", "sad")  # previous period

    s.response(s5, "feel-today", "Ella, we moved your meeting to school. ELLA's file REF-E5 is updated; Ellaborate stays.", utc(2024, 10, 5, 12))
    s.response(s1, "feel-today", "We listened.", utc(2024, 3, 31, 12))  # previous period
    s.response(s2, "feel-today", "Ben, we did it.", utc(2025, 3, 31, 23, 30))  # 00:30 BST on 1 April: next period

    s.parent(r4, utc(2024, 9, 3, 10), q1="strongly_agree", q2="agree", q3="disagree", q4="not_applicable", q5="agree")
    s.parent(r5, utc(2024, 10, 2, 10), q1="agree", q2="agree", q3="agree", q4="agree")
    # Parents' views belong to the period of the conference, not of the day they were sent.
    # Not yet marked held (there is no screen for it): a conference whose date has come counts as held for parents.
    r10 = s.review(ella, date(2024, 3, 31), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.INITIAL_CONFERENCE, status=ReviewStatus.SCHEDULED)
    s.parent(r10, utc(2024, 4, 2, 10), q1="disagree")  # sent in this period, about last period's conference
    s.review(dan, date(2025, 3, 20), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE, status=ReviewStatus.CANCELLED)
    db.commit()
    del s6, s8  # named above only to say what they are


# figure id -> row key -> (this period, previous period), all worked out by hand from seed() above.
EXPECTED = {
    "visits": {
        "face_to_face": (8, 1), "video_call": (1, 0), "phone": (1, 1), "held": (10, 2),
        "held_cared_for": (9, 2), "held_cp_conference": (1, 0), "declined": (1, 0),
    },
    "statements": {"finished": (10, 2), "stopped": (1, 0), "completed": (11, 2)},
    "statements-version": {"younger": (8, 1), "older": (3, 1)},
    "statements-scribed": {"False": (10, 2), "True": (1, 0)},
    "statements-language": {"en-GB": (10, 2), "pl": (1, 0)},
    "participation": {"held_cared_for": (10, 1), "participated_cared_for": (8, 1), "held_cp_conference": (2, 0), "participated_cp_conference": (1, 0)},
    "views-feel-today": {"0:happy": (6, 0), "0:sad": (1, 1), "0:worried": (1, 0), "0:ok": (0, 0), "answered": (8, 1), "skipped": (1, 0)},
    "views-old-question": {"0:happy": (6, 0), "answered": (6, 0), "skipped": (0, 0)},
    "views-safe-scale": {"7": (1, 0), "answered": (1, 0)},
    "menu-format": {"0:face_to_face": (5, 0), "0:virtual": (1, 0), "0:hybrid": (1, 0), "answered": (7, 0), "review:face_to_face": (6, 0), "review:virtual": (1, 0)},
    "menu-chair": {"0:me": (1, 0), "0:together": (1, 0), "0:iro": (4, 0), "review:child": (1, 0), "review:child_and_iro": (1, 0), "review:iro": (6, 0)},
    "menu-share": {"sharing:meeting": (9, 2), "sharing:iro_only": (1, 0)},
    "menu-decisions": {"menu-format:agreed": (5, 0), "menu-format:not_possible": (1, 0), "menu-chair:agreed": (1, 0), "agreed": (6, 0), "not_possible": (1, 0)},
    "parents-responses": {
        "initial_conference": (1, 1), "review_conference": (1, 0), "responses": (2, 1),
        "conferences": (2, 1), "answered_conferences": (2, 1),
    },
    "parents-q1": {"strongly_agree": (1, 0), "agree": (1, 0), "disagree": (0, 1), "agreed": (2, 0)},
    "parents-q3": {"agree": (1, 0), "disagree": (1, 0), "agreed": (1, 0)},
    "parents-q4": {"agree": (1, 0), "not_applicable": (1, 0), "agreed": (1, 0)},
    "parents-q5": {"agree": (1, 0), "no_answer": (0, 0), "agreed": (1, 0)},  # asked after review conferences only
}
