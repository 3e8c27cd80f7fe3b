"""Recording what became of a review or conference: held (when, how, who chaired), cancelled, or not yet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from voice_app.models import ChairRole, MeetingFormat, ReviewKind, ReviewStage, ReviewStatus, Role
from voice_app.reports.period import Period
from voice_app.reports.report import build_report

ACCESS_TESTED_ENDPOINTS = {"staff.record_review_outcome"}  # and in test_access.py: sign-in, other IROs' children

pytestmark = pytest.mark.usefixtures("today")  # a fixed day; the service figures test runs on every fixed day


# The factory's child became cared for in January 2024, so a first review held now is late: it needs a reason too.
CODED = {"participation": "PN1", "late_reason": "administration_error"}


def _past_review(make, iro, **fields):
    return make.review(make.child(iro), days_ahead=-3, **fields)


def test_the_form_suggests_the_booked_day_and_what_was_agreed_from_the_menu(signed_in, make):
    iro = make.staff()
    review = _past_review(make, iro, format_used=MeetingFormat.HYBRID, chaired_by=ChairRole.CHILD_AND_IRO)
    page = signed_in(iro).get(f"/reviews/{review.id}/record")
    assert page.status_code == 200
    html = page.data.decode()
    assert f'value="{review.scheduled_for.isoformat()}"' in html
    assert '<option selected value="hybrid">' in html or 'value="hybrid" selected' in html
    assert "Record the review" in html


def test_record_a_review_as_held(signed_in, make, db):
    iro = make.staff()
    review = _past_review(make, iro)
    held = (date.today() - timedelta(days=2)).isoformat()
    response = signed_in(iro).post(f"/reviews/{review.id}/record", {"outcome": "held", "held_on": held, "format_used": "virtual", "chaired_by": "child", **CODED})
    assert response.status_code == 302
    db.refresh(review)
    assert (review.status, review.held_on.isoformat(), review.format_used, review.chaired_by) == (ReviewStatus.HELD, held, MeetingFormat.VIRTUAL, ChairRole.CHILD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "held"}, b"Enter the date the meeting was held"),
        ({"outcome": "held", "held_on": "tomorrow"}, b"cannot be in the future"),
        ({"outcome": "held", "held_on": "31/02/2025"}, b"There is a problem"),
        ({"outcome": "held", "held_on": "today", "format_used": "carrier-pigeon"}, b"There is a problem"),
        ({}, b"Choose what happened"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(signed_in, make, db, data, message):
    days = {"today": date.today().isoformat(), "tomorrow": (date.today() + timedelta(days=1)).isoformat()}
    data = {name: days.get(value, value) for name, value in data.items()}  # relative days, read under the test's clock
    iro = make.staff()
    review = _past_review(make, iro)
    response = signed_in(iro).post(f"/reviews/{review.id}/record", data)
    assert response.status_code == 422 and message in response.data
    db.refresh(review)
    assert review.status == ReviewStatus.SCHEDULED and review.held_on is None


def test_cancelled_and_back_to_booked_clear_the_held_day_but_keep_the_agreed_plan(signed_in, make, db):
    iro = make.staff()
    review = _past_review(make, iro, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=3), format_used=MeetingFormat.FACE_TO_FACE)
    client = signed_in(iro)
    assert client.post(f"/reviews/{review.id}/record", {"outcome": "cancelled"}).status_code == 302
    db.refresh(review)
    assert (review.status, review.held_on, review.format_used) == (ReviewStatus.CANCELLED, None, MeetingFormat.FACE_TO_FACE)
    assert client.post(f"/reviews/{review.id}/record", {"outcome": "scheduled"}).status_code == 302
    db.refresh(review)
    assert review.status == ReviewStatus.SCHEDULED


def test_the_child_page_asks_for_a_past_review_to_be_recorded(signed_in, make):
    iro = make.staff()
    review = _past_review(make, iro, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE)
    html = signed_in(iro).get(f"/children/{review.child_id}").data.decode()
    assert "Its date has passed" in html and "Not recorded" in html
    assert f"/reviews/{review.id}/record" in html


def test_a_manager_may_record_any_childs_review(signed_in, make, db):
    review = _past_review(make, make.staff())
    response = signed_in(make.staff(Role.MANAGER)).post(f"/reviews/{review.id}/record", {"outcome": "cancelled"})
    assert response.status_code == 302


@pytest.mark.every_day
def test_a_review_recorded_as_held_reaches_the_service_figures(signed_in, make, db, app):
    iro = make.staff()
    review = _past_review(make, iro)
    when = review.scheduled_for
    period = Period(when.replace(day=1), when)
    engine = app.extensions["voice_app_engine"]
    with engine.connect() as connection:
        before = {row.key: row.now.count for row in build_report(connection, period).figure("participation").rows}
    signed_in(iro).post(f"/reviews/{review.id}/record", {"outcome": "held", "held_on": when.isoformat(), "chaired_by": "child", **CODED})
    with engine.connect() as connection:
        after = {row.key: row.now.count for row in build_report(connection, period).figure("participation").rows}
    assert after["held_cared_for"] == before["held_cared_for"] + 1
