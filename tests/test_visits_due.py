"""What is due: the next statutory review to book (prefilled), visits due in 14 days or overdue, due dates over holidays."""

from datetime import date, timedelta

import pytest

from voice_app.models import Review, ReviewKind, ReviewStage, ReviewStatus, Role, Visit, VisitMethod, VisitStatus
from voice_app.schedule import cared_for_review_due, visit_due_by
from voice_app.staff.caseload import CaseloadRow, VisitState
from voice_app.staff.due import next_reviews_to_book, rows_due_soon, visit_due_soon

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

TODAY = date(2026, 6, 1)


def _held(kind, held_on, stage=ReviewStage.SUBSEQUENT):
    return Review(child_id=1, kind=kind, stage=stage, scheduled_for=held_on, held_on=held_on, status=ReviewStatus.HELD)


# --- Due dates over Christmas, New Year and Easter -----------------------------------------


def test_initial_cared_for_review_over_christmas_and_new_year():
    # 25 Dec 2026 is a Friday, Boxing Day's holiday moves to Monday 28th, and 1 Jan 2027 is a Friday.
    assert cared_for_review_due(became_cared_for=date(2026, 12, 21), reviews_held=[]) == date(2027, 1, 21)


def test_initial_cared_for_review_over_easter_2027():
    # Good Friday 26 March and Easter Monday 29 March 2027 push the twentieth working day two days on.
    assert cared_for_review_due(became_cared_for=date(2027, 3, 8), reviews_held=[]) == date(2027, 4, 7)
    assert cared_for_review_due(became_cared_for=date(2027, 3, 8), reviews_held=[], holidays=[]) == date(2027, 4, 5)


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        (date(2027, 1, 4), date(2026, 12, 23)),  # back over New Year's Day, the moved Boxing Day and Christmas
        (date(2027, 4, 1), date(2027, 3, 23)),  # back over Easter Monday and Good Friday 2027
    ],
)
def test_visit_due_by_over_year_end_and_easter(review, expected):
    assert visit_due_by(review_date=review) == expected


# --- The next review to book ------------------------------------------------------------------


@pytest.mark.every_day
def test_a_newly_cared_for_child_needs_the_initial_review(make):
    child = make.child(None, cared_for_since=date(2026, 12, 21))
    (suggestion,) = next_reviews_to_book(child=child, reviews=[])
    assert (suggestion.kind, suggestion.stage, suggestion.due) == (ReviewKind.CARED_FOR, ReviewStage.INITIAL, date(2027, 1, 21))


@pytest.mark.every_day
def test_after_the_first_review_comes_the_second_then_subsequent(make):
    child = make.child(None, cared_for_since=date(2026, 1, 5))
    first = _held(ReviewKind.CARED_FOR, date(2026, 1, 30), ReviewStage.INITIAL)
    assert next_reviews_to_book(child=child, reviews=[first])[0].stage == ReviewStage.SECOND
    second = _held(ReviewKind.CARED_FOR, date(2026, 4, 28), ReviewStage.SECOND)
    suggestion = next_reviews_to_book(child=child, reviews=[first, second])[0]
    assert (suggestion.stage, suggestion.due) == (ReviewStage.SUBSEQUENT, date(2026, 10, 28))


@pytest.mark.every_day
def test_child_protection_review_conferences(make):
    child = make.child(None, cared_for=False, cared_for_since=None, on_cp_plan=True)
    assert next_reviews_to_book(child=child, reviews=[])[0].stage == ReviewStage.INITIAL_CONFERENCE
    initial = _held(ReviewKind.CP_CONFERENCE, date(2026, 2, 10), ReviewStage.INITIAL_CONFERENCE)
    suggestion = next_reviews_to_book(child=child, reviews=[initial])[0]
    assert (suggestion.stage, suggestion.due) == (ReviewStage.REVIEW_CONFERENCE, date(2026, 5, 10))


@pytest.mark.every_day
def test_a_booked_review_is_not_suggested_again_and_the_soonest_comes_first(make):
    child = make.child(None, cared_for_since=date(2025, 1, 6), on_cp_plan=True)
    reviews = [_held(ReviewKind.CARED_FOR, date(2026, 1, 6)), _held(ReviewKind.CARED_FOR, date(2025, 10, 6)), _held(ReviewKind.CP_CONFERENCE, date(2026, 3, 2), ReviewStage.INITIAL_CONFERENCE)]
    kinds = [s.kind for s in next_reviews_to_book(child=child, reviews=reviews)]
    assert kinds == [ReviewKind.CP_CONFERENCE, ReviewKind.CARED_FOR]  # 2 June 2026 before 6 July 2026
    booked = Review(child_id=1, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE, scheduled_for=date(2026, 5, 20))
    assert [s.kind for s in next_reviews_to_book(child=child, reviews=[*reviews, booked])] == [ReviewKind.CARED_FOR]


@pytest.mark.every_day
def test_book_the_next_review_is_prefilled(signed_in, make):
    iro = make.staff()
    since = date.today() - timedelta(days=10)
    child = make.child(iro, cared_for_since=since, on_cp_plan=True)
    client = signed_in(iro)
    html = client.get(f"/children/{child.id}").get_data(as_text=True)
    due = cared_for_review_due(became_cared_for=since, reviews_held=[])
    assert f'value="{due.isoformat()}"' in html
    assert '<option selected value="cared_for">' in html and '<option selected value="initial">' in html
    assert f"due by law by <strong>{due:%-d %B %Y}</strong>" in html
    cp = client.get(f"/children/{child.id}?book=cp_conference").get_data(as_text=True)
    assert '<option selected value="cp_conference">' in cp and '<option selected value="initial_conference">' in cp


# --- Visits due in the next 14 days or overdue ---------------------------------------------------


def _row(state, *, due=None, planned=None):
    visit = Visit(review_id=1, iro_id=1, planned_for=planned) if planned else None
    return CaseloadRow(child=None, iro=None, next_review=None, visit=visit, visit_state=state, visit_due=due)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(VisitState.OVERDUE, due=TODAY - timedelta(days=3)), True),
        (_row(VisitState.NOT_PLANNED, due=TODAY + timedelta(days=14)), True),
        (_row(VisitState.NOT_PLANNED, due=TODAY + timedelta(days=15)), False),
        (_row(VisitState.PLANNED, due=TODAY + timedelta(days=40), planned=TODAY + timedelta(days=5)), True),
        (_row(VisitState.PLANNED, due=TODAY + timedelta(days=40), planned=TODAY + timedelta(days=20)), False),
        (_row(VisitState.DONE, due=TODAY + timedelta(days=2)), False),
        (_row(VisitState.DECLINED, due=TODAY + timedelta(days=2)), False),
        (_row(VisitState.NO_REVIEW), False),
    ],
)
def test_visit_due_soon(row, expected):
    assert visit_due_soon(row, today=TODAY) is expected


def test_overdue_visits_come_first():
    rows = [_row(VisitState.NOT_PLANNED, due=TODAY + timedelta(days=2)), _row(VisitState.OVERDUE, due=TODAY - timedelta(days=1))]
    assert [r.visit_state for r in rows_due_soon(rows, today=TODAY)] == [VisitState.OVERDUE, VisitState.NOT_PLANNED]


@pytest.mark.every_day
def test_the_caseload_lists_visits_due(signed_in, make):
    iro = make.staff(Role.IRO)
    soon = make.child(iro, name="Soon")
    make.review(soon, days_ahead=12)
    later = make.child(iro, name="Later")
    make.review(later, days_ahead=60)
    late = make.child(iro, name="Late")
    make.review(late, days_ahead=2)
    done = make.child(iro, name="Done")
    make.visit(make.review(done, days_ahead=5), iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.PHONE)
    client = signed_in(iro)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Visits due in 14 days or overdue: 2" in page
    due = client.get("/caseload?state=due_soon", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ">Soon</a>" in due and ">Late</a>" in due and ">Later</a>" not in due and ">Done</a>" not in due
    assert due.index(">Late</a>") < due.index(">Soon</a>")  # overdue first


def test_a_declined_visit_still_needs_its_reason(signed_in, make, db):
    iro = make.staff()
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    client = signed_in(iro)
    assert client.post(f"/visits/{visit.id}/record", {"outcome": "declined"}).status_code == 422
    db.refresh(visit)
    assert visit.status == VisitStatus.PLANNED
