"""Participation by PN code, the DfE's participated measure, timeliness with reasons, visits seen alone and mid-way,
and the SSDA903 Reviews CSV, against a small service worked out by hand (2024/25, with 2023/24 before it)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from voice_app.models import (
    LateReason,
    Participation,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    VisitMethod,
    VisitPurpose,
    VisitStatus,
)
from voice_app.reports.period import financial_year
from voice_app.reports.report import build_report

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

ACCESS_TESTED_ENDPOINTS = {"reports.ssda903_reviews_csv"}
PERIOD = financial_year(2024)  # 1 April 2024 to 31 March 2025
CSV_URL = "/reports/ssda903-reviews.csv?period=fy-2024"
HELD = ReviewStatus.HELD
PN = Participation


@pytest.fixture
def service(make, db):
    """The hand-worked service: what each review and visit is, and where it falls, is said beside it."""
    iro = make.staff()
    older = make.child(iro, name="Sam", case_reference="CF-0001", date_of_birth=date(2014, 5, 17))
    young = make.child(iro, name="Kit", case_reference="CF-0002", date_of_birth=date(2022, 1, 1))
    cp = make.child(iro, name="Lee", case_reference="CP-0003", on_cp_plan=True)

    def review(child, held_on, participation=None, due_on=None, late_reason=None, kind=ReviewKind.CARED_FOR, stage=ReviewStage.SUBSEQUENT, status=HELD):
        return make.review(
            child, days_ahead=(held_on - date.today()).days, kind=kind, stage=stage, status=status,
            held_on=held_on if status == HELD else None, participation=participation, due_on=due_on, late_reason=late_reason,
        )

    # Cared-for reviews.
    r1 = review(older, date(2024, 4, 1), PN.PN1, date(2024, 4, 10))  # first day of the period; in time
    review(older, date(2025, 3, 31), PN.PN6, date(2025, 3, 1), LateReason.ADMINISTRATION_ERROR)  # last day; late
    review(older, date(2024, 3, 31), PN.PN7, date(2024, 3, 31))  # last day of 2023/24; in time on its due day
    review(older, date(2025, 4, 1), PN.PN2, date(2025, 4, 1))  # after the period: not counted
    review(young, date(2024, 6, 10), PN.PN0)  # under 4; no due date known
    review(young, date(2024, 7, 1), None, date(2024, 6, 1))  # recorded before codes: not recorded; late, no reason
    review(older, date(2024, 8, 1), PN.PN5, date(2024, 8, 1))  # held on its due day: in time
    review(older, date(2024, 9, 15), PN.PN7, date(2024, 10, 1))  # in time; did not participate
    review(older, date(2024, 9, 1), PN.PN1, status=ReviewStatus.CANCELLED)  # cancelled: not counted
    # Conferences.
    conference = dict(kind=ReviewKind.CP_CONFERENCE)
    review(cp, date(2024, 5, 1), PN.PN4, date(2024, 4, 25), LateReason.QUORACY, stage=ReviewStage.INITIAL_CONFERENCE, **conference)
    review(cp, date(2024, 8, 1), PN.PN6, date(2024, 8, 1), stage=ReviewStage.REVIEW_CONFERENCE, **conference)
    review(cp, date(2024, 10, 1), None, None, stage=ReviewStage.TRANSFER_IN, **conference)
    # Visits, all hung on r1 (the day of a visit is what counts).
    def visit(held_on, purpose, seen_alone, status=VisitStatus.DONE):
        return make.visit(r1, iro=iro, status=status, held_on=held_on, planned_for=held_on, method=VisitMethod.FACE_TO_FACE, purpose=purpose, seen_alone=seen_alone)

    visit(date(2024, 5, 1), VisitPurpose.PRE_REVIEW, True)
    visit(date(2024, 6, 1), VisitPurpose.MID_WAY, False)
    visit(date(2024, 7, 1), VisitPurpose.PRE_REVIEW, None)
    visit(date(2024, 3, 31), VisitPurpose.PRE_REVIEW, True)  # 2023/24
    make.visit(r1, iro=iro, status=VisitStatus.DECLINED, planned_for=date(2024, 6, 2), purpose=VisitPurpose.MID_WAY, declined_reason="busy")
    return dict(older=older, young=young, r1=r1)


def _report(app):
    with app.extensions["voice_app_engine"].connect() as connection:
        return build_report(connection, PERIOD)


def _counts(report, figure_id) -> dict[str, tuple[int, int]]:
    return {row.key: (row.now.count, row.before.count) for row in report.figure(figure_id).rows}


def test_participation_by_code(app, service):
    counts = _counts(_report(app), "participation-codes")
    assert counts == {
        "PN0": (1, 0), "PN1": (1, 0), "PN2": (0, 0), "PN3": (0, 0), "PN4": (0, 0), "PN5": (1, 0), "PN6": (1, 0), "PN7": (1, 1),
        "not_recorded": (1, 0), "held": (6, 1),
    }


def test_participated_as_the_dfe_counts_it(app, service):
    figure = _report(app).figure("participation-dfe")
    rows = {row.key: row for row in figure.rows}
    assert (rows["aged_4_and_over"].now.count, rows["participated"].now.count, rows["not_recorded"].now.count) == (4, 3, 1)
    assert rows["participated"].this.percent == 75.0  # PN1, PN5, PN6 of PN1, PN5, PN6, PN7
    assert (rows["aged_4_and_over"].before.count, rows["participated"].before.count) == (1, 0)
    assert rows["participated"].previous.percent == 0.0


def test_reviews_held_in_timescale_by_kind(app, service):
    report = _report(app)
    counts = _counts(report, "timeliness")
    assert {key: value for key, value in counts.items() if key.startswith("cared_for")} == {
        "cared_for_held": (6, 1), "cared_for_in_time": (3, 1), "cared_for_late": (2, 0), "cared_for_unknown": (1, 0),
    }
    assert (counts["initial_conference_held"], counts["initial_conference_late"]) == ((1, 0), (1, 0))
    assert (counts["review_conference_held"], counts["review_conference_in_time"]) == ((1, 0), (1, 0))
    assert (counts["transfer_in_held"], counts["transfer_in_unknown"], counts["transfer_in_in_time"]) == ((1, 0), (1, 0), (0, 0))
    rows = {row.key: row for row in report.figure("timeliness").rows}
    assert rows["cared_for_in_time"].this.percent == 60.0  # of the five with a due date


def test_the_reasons_table(app, service):
    counts = _counts(_report(app), "timeliness-reasons")
    assert counts == {
        "cared_for:administration_error": (1, 0),
        "cared_for:not_recorded": (1, 0),
        "initial_conference:quoracy": (1, 0),
    }


def test_visits_seen_alone_and_mid_way(app, service):
    report = _report(app)
    assert _counts(report, "visits-seen-alone") == {
        "held": (3, 1), "seen_alone": (1, 1), "not_seen_alone": (1, 0), "not_recorded": (1, 0), "mid_way": (1, 0),
    }
    # The pre-review visits figure counts pre-review visits only: the mid-way visit (and the declined mid-way one) are not in it.
    visits = _counts(report, "visits")
    assert visits["held"] == (2, 1) and visits["declined"] == (0, 0)


def test_a_code_changed_in_a_kept_month_is_counted_again(app, service, db):
    first = _counts(_report(app), "participation-codes")
    service["r1"].participation = Participation.PN3
    db.add(service["r1"])
    db.commit()
    after = _counts(_report(app), "participation-codes")
    assert (after["PN1"], after["PN3"]) == ((first["PN1"][0] - 1, 0), (1, 0))


def test_the_ssda903_reviews_csv(signed_in, make, service):
    response = signed_in(make.staff(Role.MANAGER)).get(CSV_URL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "ssda903-reviews-2024-04-01-to-2025-03-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows == [
        ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
        ["CF-0001", "17/05/2014", "01/04/2024", "PN1"],
        ["CF-0002", "01/01/2022", "10/06/2024", "PN0"],
        ["CF-0002", "01/01/2022", "01/07/2024", ""],  # not recorded: left empty, never guessed
        ["CF-0001", "17/05/2014", "01/08/2024", "PN5"],
        ["CF-0001", "17/05/2014", "15/09/2024", "PN7"],
        ["CF-0001", "17/05/2014", "31/03/2025", "PN6"],
    ]


def test_the_ssda903_csv_is_for_managers_and_admins(client, signed_in, make):
    assert client.get(CSV_URL).status_code == 302
    assert signed_in(make.staff(Role.IRO)).get(CSV_URL).status_code == 403
    assert signed_in(make.staff(Role.ADMIN)).get(CSV_URL).status_code == 200
    assert signed_in(make.staff(Role.MANAGER)).get("/reports/ssda903-reviews.csv?from=2025-01-01&to=2024-01-01").status_code == 400
