"""The caseload: each child's next review and where its pre-review visit stands."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from voice_app.models import Child, Review, ReviewStatus, StaffUser, Visit, VisitPurpose, VisitStatus
from voice_app.schedule import DEFAULT_NATION, visit_due_by


class VisitState(str, enum.Enum):
    NOT_PLANNED = "not_planned"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"
    OVERDUE = "overdue"
    NO_REVIEW = "no_review"

    @property
    def label(self) -> str:
        return {
            "not_planned": "Not planned yet",
            "planned": "Planned",
            "done": "Done",
            "declined": "Declined",
            "overdue": "Overdue",
            "no_review": "No review booked",
        }[self.value]


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    iro: StaffUser | None
    next_review: Review | None
    visit: Visit | None
    visit_state: VisitState
    visit_due: date | None


def visit_state(*, review: Review | None, visit: Visit | None, today: date, nation: str = DEFAULT_NATION) -> tuple[VisitState, date | None]:
    """Where the pre-review visit for a review stands today, and the date it is due by."""
    if review is None:
        return VisitState.NO_REVIEW, None
    try:
        due = visit_due_by(review_date=review.scheduled_for, nation=nation)
    except OverflowError:
        due = review.scheduled_for  # a review at the very start of the calendar (bad data): never a failing page
    if visit is not None and visit.status == VisitStatus.DONE:
        return VisitState.DONE, due
    if visit is not None and visit.status == VisitStatus.DECLINED:
        return VisitState.DECLINED, due
    if today > due or (visit is not None and visit.planned_for is not None and visit.planned_for < today):
        return VisitState.OVERDUE, due
    if visit is not None:
        return VisitState.PLANNED, due
    return VisitState.NOT_PLANNED, due


def latest_visit_by_review(db: Session, review_ids: list[int]) -> dict[int, Visit]:
    """The most recent pre-review visit for each review, in one query (mid-way visits are not what the review waits for)."""
    if not review_ids:
        return {}
    visits = db.exec(
        select(Visit)
        .where(col(Visit.review_id).in_(review_ids), Visit.purpose == VisitPurpose.PRE_REVIEW)
        .order_by(col(Visit.created_at), col(Visit.id))
    ).all()
    return {visit.review_id: visit for visit in visits}  # later rows overwrite earlier ones


def next_reviews(db: Session, child_ids: list[int]) -> dict[int, Review]:
    """Each child's earliest review still to be held, in one query."""
    if not child_ids:
        return {}
    reviews = db.exec(
        select(Review)
        .where(col(Review.child_id).in_(child_ids), Review.status == ReviewStatus.SCHEDULED)
        .order_by(col(Review.scheduled_for).desc(), col(Review.id).desc())
    ).all()
    return {review.child_id: review for review in reviews}  # earliest wins, as it comes last


def build_caseload(db: Session, *, children: list[Child], today: date, nation: str = DEFAULT_NATION) -> list[CaseloadRow]:
    """Caseload rows for these children with a fixed number of queries, soonest review first."""
    child_ids = [child.id for child in children if child.id is not None]
    reviews = next_reviews(db, child_ids)
    visits = latest_visit_by_review(db, [review.id for review in reviews.values() if review.id is not None])
    iro_ids = {child.iro_id for child in children if child.iro_id}
    iros = {user.id: user for user in db.exec(select(StaffUser).where(col(StaffUser.id).in_(iro_ids))).all()} if iro_ids else {}
    rows = []
    for child in children:
        review = reviews.get(child.id)
        visit = visits.get(review.id) if review else None
        state, due = visit_state(review=review, visit=visit, today=today, nation=nation)
        rows.append(CaseloadRow(child, iros.get(child.iro_id), review, visit, state, due))
    rows.sort(key=lambda row: (row.next_review is None, row.next_review.scheduled_for if row.next_review else date.max, row.child.preferred_name))
    return rows


def count_states(rows: list[CaseloadRow]) -> dict[VisitState, int]:
    """How many children are in each visit state, for the summary above the table."""
    counts: dict[VisitState, int] = defaultdict(int)
    for row in rows:
        counts[row.visit_state] += 1
    return dict(counts)
