"""Between reviews: the mid-point after each review, tracking discussions, the plan of permanence at the second
cared-for review (beside the child's own words about their future home), and plans of 12 months or more."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import (
    LONGEST_REVIEW_MONTHS,
    NOT_YET,
    AuditEvent,
    PermanencePlan,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    TrackingDiscussion,
    VisitMethod,
    VisitPurpose,
    VisitStatus,
    mid_point_after,
    next_review_due_after,
    tracked_on,
)
from voice_app.schedule import add_months
from voice_app.tracking.services import (
    TrackingError,
    long_plans,
    mid_points_falling_due,
    mid_points_for,
    months_between,
    record_discussion,
    record_long_plan_reason,
    record_permanence,
)

pytest_plugins = ["tests.statement_fixtures"]

ACCESS_TESTED_ENDPOINTS = {
    "tracking.considered",
    "tracking.permanence",
    "tracking.new_discussion",
    "tracking.long_plan",
    "tracking.long_plans",
}


def _held(make, child, *, on, stage=ReviewStage.SUBSEQUENT, kind=ReviewKind.CARED_FOR):
    return make.review(child, kind=kind, stage=stage, scheduled_for=on, held_on=on, status=ReviewStatus.HELD)


def _discussed(db, child, *, by, on, today=None, checked="Plan", actions=""):
    """A tracking discussion with the social worker on `on`, recorded `today` (the same day unless said)."""
    return record_discussion(
        db, child=child, held_on=on, with_whom="Social worker", checked=checked, actions=actions, by=by, today=today or on
    )


# ----- mid-points ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "kind", "held_on", "mid"),
    [
        # First cared-for review on 10 January: the second is due within 3 months (10 April), half-way is 24 February.
        (ReviewStage.INITIAL, ReviewKind.CARED_FOR, date(2026, 1, 10), date(2026, 2, 24)),
        # Second and later reviews: the next is due within 6 months.
        (ReviewStage.SECOND, ReviewKind.CARED_FOR, date(2026, 4, 1), date(2026, 7, 1)),
        (ReviewStage.SUBSEQUENT, ReviewKind.CARED_FOR, date(2026, 10, 1), date(2026, 12, 31)),
        # Conferences: 3 months after the initial, then 6.
        (ReviewStage.INITIAL_CONFERENCE, ReviewKind.CP_CONFERENCE, date(2026, 3, 2), date(2026, 4, 17)),
        (ReviewStage.REVIEW_CONFERENCE, ReviewKind.CP_CONFERENCE, date(2026, 6, 2), date(2026, 9, 1)),
    ],
)
def test_the_mid_point_is_half_way_to_the_next_due_review(db, make, stage, kind, held_on, mid):
    child = make.child(make.staff())
    assert mid_point_after(_held(make, child, on=held_on, stage=stage, kind=kind)) == mid


def test_a_review_not_held_has_no_mid_point(db, make):
    child = make.child(make.staff())
    assert mid_point_after(make.review(child, stage=ReviewStage.INITIAL)) is None


def test_the_rule_reads_a_row_as_well_as_a_review_and_short_breaks_wait_six_months_from_the_first():
    """The service report counts mid-points from plain rows of the review's columns (reports/oversight.py)."""
    row = SimpleNamespace(kind=ReviewKind.CARED_FOR, stage=ReviewStage.INITIAL, status=ReviewStatus.HELD, held_on=date(2026, 1, 10))
    assert mid_point_after(row) == date(2026, 2, 24)
    assert next_review_due_after(row, short_breaks=True) == date(2026, 7, 10)
    assert mid_point_after(row, short_breaks=True) == date(2026, 4, 10)
    assert mid_point_after(SimpleNamespace(**{**vars(row), "status": ReviewStatus.SCHEDULED})) is None


def test_no_review_is_due_further_off_than_the_longest_interval():
    """The report reads reviews back this far to find every mid-point in a period: none may lie further off."""
    held_on, dues = date(2026, 8, 31), []
    for kind in ReviewKind:
        for stage in ReviewStage:
            for short_breaks in (False, True):
                row = SimpleNamespace(kind=kind, stage=stage, status=ReviewStatus.HELD, held_on=held_on)
                dues.append(next_review_due_after(row, short_breaks=short_breaks))
    assert max(dues) == add_months(held_on, LONGEST_REVIEW_MONTHS) == date(2027, 2, 28)


def test_a_mid_point_is_tracked_by_the_first_contact_after_the_review_if_it_came_by_then():
    held_on, mid = date(2026, 1, 10), date(2026, 2, 24)
    assert tracked_on([date(2026, 1, 10), date(2026, 2, 24)], held_on=held_on, mid_point=mid) == date(2026, 2, 24)  # not the review's own day
    assert tracked_on([date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 1)], held_on=held_on, mid_point=mid) == date(2026, 1, 11)
    assert tracked_on([date(2026, 2, 25)], held_on=held_on, mid_point=mid) is None  # a day late
    assert tracked_on([], held_on=held_on, mid_point=mid) is None


def test_each_mid_point_says_whether_a_discussion_or_mid_way_visit_came_by_then(db, make):
    iro = make.staff()
    child = make.child(iro)
    first = _held(make, child, on=date(2026, 1, 10), stage=ReviewStage.INITIAL)  # mid-point 24 February
    second = _held(make, child, on=date(2026, 4, 1), stage=ReviewStage.SECOND)  # mid-point 1 July
    third = _held(make, child, on=date(2026, 9, 30))  # mid-point 29 December (90 of the 181 days to 30 March)
    # A discussion after the first review's mid-point does not count for it.
    _discussed(db, child, by=iro, on=date(2026, 3, 1))
    # A mid-way visit before the second's mid-point counts.
    make.visit(
        third, iro=iro, status=VisitStatus.DONE, held_on=date(2026, 5, 20), purpose=VisitPurpose.MID_WAY, method=VisitMethod.PHONE
    )
    points = {point.review.id: point for point in mid_points_for(db, child=child)}
    assert [points[r.id].mid_point for r in (first, second, third)] == [date(2026, 2, 24), date(2026, 7, 1), date(2026, 12, 29)]
    assert points[first.id].state(date(2026, 12, 1)) == "missed"
    assert (points[second.id].tracked_on, points[second.id].state(date(2026, 12, 1))) == (date(2026, 5, 20), "met")
    assert points[third.id].state(date(2026, 12, 1)) == "due"
    assert points[third.id].state(date(2026, 12, 31)) == "late"


def test_the_caseload_lists_mid_points_falling_due_within_two_weeks_or_passed(db, make):
    iro = make.staff()
    soon, later, done = make.child(iro, name="Soon"), make.child(iro, name="Later"), make.child(iro, name="Done")
    today = date(2026, 12, 7)
    _held(make, soon, on=date(2026, 9, 10))  # mid-point 9 December: within two weeks
    _held(make, later, on=date(2026, 11, 1))  # mid-point 30 January: not yet
    _held(make, done, on=date(2026, 9, 1))  # mid-point 30 November, passed, but tracked
    _discussed(db, done, by=iro, on=date(2026, 10, 1), today=today)
    falling = mid_points_falling_due(db, children=[soon, later, done], today=today)
    assert [(item.child.preferred_name, item.passed) for item in falling] == [("Soon", False)]


def test_a_discussion_needs_what_was_checked_and_cannot_be_in_the_future(db, make):
    iro = make.staff()
    child = make.child(iro)
    with pytest.raises(TrackingError, match="checked"):
        _discussed(db, child, by=iro, on=date(2026, 1, 1), checked=" ")
    with pytest.raises(TrackingError, match="future"):
        _discussed(db, child, by=iro, on=date(2026, 1, 2), today=date(2026, 1, 1), checked="x")
    _discussed(db, child, by=iro, on=date(2026, 1, 1), checked="The plan", actions="Book the panel")
    raw = db.connection().exec_driver_sql("SELECT checked FROM tracking_discussion").scalar()
    assert "plan" not in raw  # encrypted at rest
    assert db.exec(select(AuditEvent.action).where(AuditEvent.child_id == child.id)).all() == ["tracking.discussion"]


# ----- permanence by the second review ----------------------------------------------------------------------------


def test_permanence_is_only_asked_at_a_held_second_cared_for_review(db, make):
    iro = make.staff()
    child = make.child(iro)
    subsequent = _held(make, child, on=date(2026, 1, 10))
    with pytest.raises(TrackingError, match="second"):
        record_permanence(db, review=subsequent, kind="adoption", not_yet_why="", by=iro)
    booked = make.review(child, stage=ReviewStage.SECOND)
    with pytest.raises(TrackingError, match="second"):
        record_permanence(db, review=booked, kind="adoption", not_yet_why="", by=iro)
    second = _held(make, child, on=date(2026, 4, 1), stage=ReviewStage.SECOND)
    plan = record_permanence(db, review=second, kind="long_term_foster", not_yet_why="ignored", by=iro)
    assert (plan.kind, plan.not_yet_why) == ("long_term_foster", "")


def test_not_yet_needs_the_reason_why(db, make):
    iro = make.staff()
    second = _held(make, make.child(iro), on=date(2026, 4, 1), stage=ReviewStage.SECOND)
    with pytest.raises(TrackingError, match="why"):
        record_permanence(db, review=second, kind=NOT_YET, not_yet_why="", by=iro)
    plan = record_permanence(db, review=second, kind=NOT_YET, not_yet_why="Assessments directed in care proceedings.", by=iro)
    assert plan.not_yet_why == "Assessments directed in care proceedings."
    # Changing it keeps one plan per review.
    record_permanence(db, review=second, kind="special_guardianship", not_yet_why="", by=iro)
    assert len(db.exec(select(PermanencePlan)).all()) == 1


def test_recording_a_held_second_review_asks_for_permanence_beside_the_childs_words(db, make, bank, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Mark")
    _held(make, child, on=date.today() - timedelta(days=60), stage=ReviewStage.INITIAL)
    second = make.review(child, stage=ReviewStage.SECOND, scheduled_for=date.today() - timedelta(days=1))
    visit = make.visit(
        second, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=5), method=VisitMethod.FACE_TO_FACE
    )
    make_statement(db, child=child, visit=visit, answers=[AnswerSpec("tell-iro", text="I want to stay with my carer")])
    client = signed_in(iro)
    recorded = client.post(
        f"/reviews/{second.id}/record",
        {"outcome": "held", "held_on": (date.today() - timedelta(days=1)).isoformat(), "participation": "PN1"},
    )
    assert recorded.status_code == 302, recorded.get_data(as_text=True)[:3000]
    assert recorded.headers["Location"].endswith(f"/reviews/{second.id}/permanence")
    page = client.get(recorded.headers["Location"])
    assert page.status_code == 200 and "Plan of permanence" in page.get_data(as_text=True)
    refused = client.post(f"/reviews/{second.id}/permanence", {"kind": NOT_YET, "not_yet_why": ""})
    assert refused.status_code == 422 and "Say why there is no plan of permanence yet." in refused.get_data(as_text=True)
    assert client.post(f"/reviews/{second.id}/permanence", {"kind": "long_term_foster"}).status_code == 302
    assert "Long-term foster care" in client.get(f"/children/{child.id}").get_data(as_text=True)


def test_a_review_that_is_not_a_held_second_one_has_no_permanence_page(db, make, signed_in):
    iro = make.staff(Role.IRO)
    review = _held(make, make.child(iro), on=date(2026, 1, 10))
    assert signed_in(iro).get(f"/reviews/{review.id}/permanence").status_code == 404


# ----- plans of 12 months or more ---------------------------------------------------------------------------------


def test_months_between_counts_whole_months():
    assert months_between(date(2025, 12, 8), date(2026, 12, 7)) == 11
    assert months_between(date(2025, 12, 7), date(2026, 12, 7)) == 12
    assert months_between(date(2024, 2, 29), date(2025, 2, 28)) == 11


def test_children_on_a_plan_for_12_months_or_more_are_listed_with_the_reasons(db, make):
    iro = make.staff()
    today = date(2026, 12, 7)
    long = make.child(iro, name="Long", cared_for=False, on_cp_plan=True, cp_plan_since=date(2025, 6, 1))
    make.child(iro, name="Short", cared_for=False, on_cp_plan=True, cp_plan_since=date(2026, 6, 1))
    make.child(iro, name="Ended", cared_for=True, on_cp_plan=False, cp_plan_since=date(2024, 6, 1))
    record_long_plan_reason(
        db, child=long, considered_on=today, reasons="Parents have not engaged with the work.", by=iro, today=today
    )
    children = list(db.exec(select(type(long))).all())
    (found,) = long_plans(db, children=children, today=today)
    assert (found.child.preferred_name, found.months, found.reasons[0].reasons) == (
        "Long",
        18,
        "Parents have not engaged with the work.",
    )


@pytest.mark.parametrize(("who", "status"), [("iro", 200), ("other", 404), ("manager", 200)])
def test_only_the_childs_iro_and_managers_record_between_reviews(db, make, signed_in, who, status):
    iro = make.staff(Role.IRO)
    child = make.child(iro, on_cp_plan=True, cp_plan_since=date(2025, 1, 1))
    people = {"iro": iro, "other": make.staff(Role.IRO), "manager": make.staff(Role.MANAGER)}
    client = signed_in(people[who])
    assert client.get(f"/children/{child.id}/tracking-discussions/new").status_code == status
    assert client.get(f"/children/{child.id}/plan-over-a-year").status_code == status
    listed = client.get("/plans-over-a-year").get_data(as_text=True)
    assert (child.preferred_name in listed) == (status == 200)


def test_a_discussion_recorded_on_the_page_shows_on_the_child_page(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    _held(make, child, on=date.today() - timedelta(days=30))
    client = signed_in(iro)
    response = client.post(
        f"/children/{child.id}/tracking-discussions/new",
        {
            "held_on": date.today().isoformat(),
            "with_whom": "Social worker",
            "checked": "Life story work has started.",
            "actions": "Check again in May.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert "Life story work has started." in page and "Yes</strong>" in page
    assert db.exec(select(TrackingDiscussion)).one().actions == "Check again in May."


def test_a_discussion_day_is_checked_by_the_one_rule_for_typed_dates(db, make, signed_in):
    iro = make.staff(Role.IRO)
    client = signed_in(iro)
    for day, said in ((date.today() + timedelta(days=1), "cannot be in the future"), (date(26, 1, 1), "Check the year")):
        refused = client.post(
            f"/children/{make.child(iro).id}/tracking-discussions/new",
            {"held_on": day.isoformat(), "with_whom": "Social worker", "checked": "Life story work."},
        )
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422 and said in page and "Enter a date from" in page  # the window is said
    assert db.exec(select(TrackingDiscussion)).all() == []


def test_second_reviews_without_a_plan_of_permanence_are_listed(db, make, signed_in):
    iro = make.staff(Role.IRO)
    planned, waiting, unrecorded = (
        make.child(iro, name="Planned"),
        make.child(iro, name="Waiting"),
        make.child(iro, name="Unrecorded"),
    )
    day = date.today() - timedelta(days=10)
    for child, kind in ((planned, "adoption"), (waiting, NOT_YET), (unrecorded, None)):
        review = _held(make, child, on=day, stage=ReviewStage.SECOND)
        if kind:
            record_permanence(db, review=review, kind=kind, not_yet_why="Waiting for the court", by=iro)
    page = signed_in(iro).get("/plans-over-a-year").get_data(as_text=True)
    listed = page.split('id="without-permanence"')[1]
    assert "Waiting" in listed and "Waiting for the court" in listed and "Unrecorded" in listed and "Planned" not in listed


def test_a_statement_before_a_second_review_shows_its_plan_of_permanence(db, make, bank, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    second = _held(make, child, on=date.today() - timedelta(days=2), stage=ReviewStage.SECOND)
    visit = make.visit(
        second, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=9), method=VisitMethod.FACE_TO_FACE
    )
    statement = make_statement(db, child=child, visit=visit, answers=[AnswerSpec("tell-iro", text="I like it here")])
    record_permanence(db, review=second, kind=NOT_YET, not_yet_why="Court assessment due in March.", by=iro)
    page = signed_in(iro).get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "Plan of permanence at this second review" in page and "Court assessment due in March." in page


def test_a_statement_considered_at_the_review_is_counted_against_reviews_held(db, make, bank, signed_in, app):
    from voice_app.models import StatementConsidered
    from voice_app.reports.oversight import oversight_figures
    from voice_app.reports.period import Period

    iro = make.staff(Role.IRO)
    child = make.child(iro)
    review = _held(make, child, on=date.today() - timedelta(days=2))
    _held(make, make.child(iro), on=date.today() - timedelta(days=3))
    visit = make.visit(
        review, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=9), method=VisitMethod.FACE_TO_FACE
    )
    statement = make_statement(db, child=child, visit=visit, answers=[AnswerSpec("tell-iro", text="Please read this out")])
    client = signed_in(iro)
    assert client.post(f"/statements/{statement.id}/considered", {"minutes_reference": "Minutes 12, item 3"}).status_code == 302
    assert "Minutes 12, item 3" in client.get(f"/statements/{statement.id}").get_data(as_text=True)
    assert db.exec(select(StatementConsidered)).one().review_id == review.id
    assert (
        signed_in(make.staff(Role.IRO)).post(f"/statements/{statement.id}/considered", {"minutes_reference": "x"}).status_code
        == 404
    )
    period = Period(date.today() - timedelta(days=30), date.today())
    with app.extensions["voice_app_engine"].connect() as connection:
        figure = next(
            f for f in oversight_figures(connection, period=period, previous=period.previous()) if f.id == "considered-at-review"
        )
    assert [(row.key, row.now.count, row.now.base) for row in figure.rows] == [("reviews_held", 2, None), ("considered", 1, 2)]
    assert client.post(f"/statements/{statement.id}/considered", {"minutes_reference": ""}).status_code == 302
    assert db.exec(select(StatementConsidered)).first() is None
