"""What is due next: the next statutory review to book, and the visits due soon or overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from voice_app.models import Child, Review, ReviewKind, ReviewStage, ReviewStatus
from voice_app.schedule import DEFAULT_NATION, review_kind_for_next_cared_for
from voice_app.staff.caseload import CaseloadRow, VisitState
from voice_app.staff.services import needs_initial_conference, statutory_due_dates

DUE_SOON_DAYS = 14
DUE_SOON = "due_soon"  # the caseload's "Visits due" filter value


@dataclass(frozen=True)
class NextReview:
    kind: ReviewKind
    stage: ReviewStage
    due: date | None


def next_reviews_to_book(*, child: Child, reviews: list[Review], nation: str = DEFAULT_NATION) -> list[NextReview]:
    """The statutory reviews this child needs that are not booked yet, soonest due first (an initial conference may come before any plan)."""
    due = statutory_due_dates(child=child, reviews=reviews, nation=nation)
    booked = {r.kind for r in reviews if r.status == ReviewStatus.SCHEDULED}
    held = [r for r in reviews if r.status == ReviewStatus.HELD and r.held_on]
    suggestions = []
    if child.cared_for and ReviewKind.CARED_FOR not in booked:
        since = child.cared_for_since
        count = sum(1 for r in held if r.kind == ReviewKind.CARED_FOR and (since is None or r.held_on >= since))
        stage = ReviewStage(review_kind_for_next_cared_for(count))
        suggestions.append(NextReview(ReviewKind.CARED_FOR, stage, due.get(ReviewKind.CARED_FOR)))
    if (child.on_cp_plan or child.cp_conference_pending) and ReviewKind.CP_CONFERENCE not in booked:
        starting = needs_initial_conference(child=child, reviews=reviews)
        stage = ReviewStage.INITIAL_CONFERENCE if starting else ReviewStage.REVIEW_CONFERENCE
        suggestions.append(NextReview(ReviewKind.CP_CONFERENCE, stage, due.get(ReviewKind.CP_CONFERENCE)))
    return sorted(suggestions, key=lambda s: (s.due is None, s.due or date.max))


def visit_due_soon(row: CaseloadRow, *, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """True when the row's pre-review visit is overdue, or due (or planned) within `days` and not done."""
    if row.visit_state == VisitState.OVERDUE:
        return True
    if row.visit_state not in (VisitState.NOT_PLANNED, VisitState.PLANNED):
        return False
    horizon = today + timedelta(days=days)
    planned = row.visit.planned_for if row.visit and row.visit.planned_for else None
    return (row.visit_due is not None and row.visit_due <= horizon) or (planned is not None and planned <= horizon)


def rows_due_soon(rows: list[CaseloadRow], *, today: date, days: int = DUE_SOON_DAYS) -> list[CaseloadRow]:
    """The caseload rows whose visit is due in the next `days` days or overdue, most urgent first."""
    due = [row for row in rows if visit_due_soon(row, today=today, days=days)]
    return sorted(due, key=lambda row: (row.visit_state != VisitState.OVERDUE, row.visit_due or date.max))
