"""The service report's figures for what IROs did with children's views, on hand-made data, counted by hand."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from voice_app.models import (
    Child,
    Escalation,
    LongPlanReason,
    PermanencePlan,
    PlanKind,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    TrackingDiscussion,
    VisitPurpose,
    VisitStatus,
)
from voice_app.reports.oversight import _mid_points, oversight_figures
from voice_app.reports.period import financial_year
from voice_app.reports.report import build_report
from voice_app.tracking.services import mid_points_by_child

YEAR = financial_year(2025)  # 1 April 2025 to 31 March 2026


def _escalation(db, child, iro, *, plan, raised_on, closed_on=None, stage="alert", theme="issue_not_addressed", example=False):
    db.add(
        Escalation(
            child_id=child.id,
            raised_by_id=iro.id,
            plan=plan,
            theme=theme,
            identified_on=raised_on,
            raised_on=raised_on,
            challenge=f"{child.preferred_name} has not had the dentist.",
            stage=stage,
            stage_started_on=raised_on,
            stage_due_on=raised_on + timedelta(days=1),
            overall_due_on=raised_on + timedelta(days=28),
            next_due_on=None if closed_on else raised_on + timedelta(days=1),
            closed_on=closed_on,
            closed_stage=stage if closed_on else None,
            outcome_for_child=f"{child.preferred_name} can smile." if closed_on else None,
            report_example=example,
        )
    )


@pytest.fixture
def year(db, make):
    """A year shaped like the seed's: 6 closed at alert for children on plans; 5, 5 and 1 for cared-for children."""
    iro = make.staff(Role.IRO, name="Jo")
    make.staff(Role.IRO, name="Sam")
    amy = make.child(iro, name="Amy", case_reference="LL-1")
    ben = make.child(iro, name="Ben", cared_for=False, on_cp_plan=True, cp_plan_since=date(2024, 12, 1))
    start = date(2025, 5, 5)  # a Monday
    for n in range(6):
        _escalation(
            db,
            ben,
            iro,
            plan=PlanKind.CP_PLAN,
            raised_on=start + timedelta(days=7 * n),
            closed_on=start + timedelta(days=7 * n + 1),
            theme="report_not_shared",
        )
    for n, stage in enumerate(["alert"] * 5 + ["stage_1"] * 5 + ["stage_2"]):
        # Closed 1, 2, ... 11 calendar days later: the last ones (Friday raised) cross a weekend.
        raised = start + timedelta(days=7 * n)
        _escalation(
            db,
            amy,
            iro,
            plan=PlanKind.CARED_FOR,
            raised_on=raised,
            closed_on=raised + timedelta(days=n + 1),
            stage=stage,
            example=n == 10,
        )
    _escalation(
        db, amy, iro, plan=PlanKind.CARED_FOR, raised_on=date(2026, 3, 16), stage="stage_1", theme="lack_of_progress"
    )  # open at the year's end, in time
    _escalation(
        db, amy, iro, plan=PlanKind.CARED_FOR, raised_on=date(2026, 1, 5), stage="stage_2", theme="lack_of_progress"
    )  # open and past the timescale
    # A second review with a plan, one without ("not yet"), one not recorded; tracking discussions.
    seconds = [
        make.review(
            amy, stage=ReviewStage.SECOND, scheduled_for=date(2025, 6, d), held_on=date(2025, 6, d), status=ReviewStatus.HELD
        )
        for d in (2, 3, 4)
    ]
    db.add(PermanencePlan(review_id=seconds[0].id, child_id=amy.id, kind="adoption", recorded_by_id=iro.id))
    db.add(
        PermanencePlan(review_id=seconds[1].id, child_id=amy.id, kind="not_yet", not_yet_why="Proceedings", recorded_by_id=iro.id)
    )
    for day in (date(2025, 7, 1), date(2025, 8, 1)):
        db.add(
            TrackingDiscussion(child_id=amy.id, held_on=day, with_whom="Social worker", checked="The plan", recorded_by_id=iro.id)
        )
    db.add(
        TrackingDiscussion(
            child_id=ben.id, held_on=date(2025, 7, 1), with_whom="Social worker", checked="The plan", recorded_by_id=iro.id
        )
    )
    db.add(LongPlanReason(child_id=ben.id, considered_on=date(2026, 1, 1), reasons="No progress", recorded_by_id=iro.id))
    db.commit()
    return dict(iro=iro, amy=amy, ben=ben)


def _figures(app):
    with app.extensions["voice_app_engine"].connect() as connection:
        figures = oversight_figures(connection, period=YEAR, previous=YEAR.previous())
    for figure in figures:
        if hasattr(figure, "publish"):
            figure.publish()
    return {figure.id: figure for figure in figures}


def _now(figure, key):
    return next(row for row in figure.rows if row.key == key).now


def test_escalations_raised_by_plan(app, year):
    figure = _figures(app)["escalations-raised"]
    assert [(row.key, row.now.count, row.before.count) for row in figure.rows] == [
        ("cp_plan", 6, 0),
        ("cared_for", 13, 0),
        ("all", 19, 0),
    ]


def test_closed_by_stage_has_the_seeds_table_shape(app, year):
    figures = _figures(app)
    cp, cared_for = figures["escalations-closed-cp-plan"], figures["escalations-closed-cared-for"]
    assert [row.label for row in cp.rows] == ["Alert", "Stage 1", "Stage 2", "Stage 3", "Stage 4", "Total"]
    assert [row.now.count for row in cp.rows] == [6, 0, 0, 0, 0, 6]
    assert [row.now.count for row in cared_for.rows] == [5, 5, 1, 0, 0, 11]
    # One of 1 to 4 is hidden, and so is the next smallest, so it cannot be worked out from the total.
    assert [row.this.display for row in cared_for.rows] == ["hidden", "5", "<5", "0", "0", "11"]


def test_by_theme_timeliness_and_open(app, year):
    figures = _figures(app)
    themes = figures["escalations-themes"]
    assert (
        _now(themes, "report_not_shared").count == 6
        and _now(themes, "issue_not_addressed").count == 11
        and _now(themes, "lack_of_progress").count == 2
    )
    timeliness = figures["escalations-timeliness"]
    # Working days to resolve: six for children on plans closed the next day (1 each); eleven for cared-for children
    # closed 1 to 11 calendar days after a Monday (1 to 9 working days): the median of the 17 is 3.
    assert _now(timeliness, "median_days").count == 3
    assert _now(timeliness, "within") == type(_now(timeliness, "within"))(17, 17)
    assert (_now(timeliness, "open").count, _now(timeliness, "overdue").count) == (2, 1)


def test_permanence_tracking_and_long_plans(app, year):
    figures = _figures(app)
    permanence = figures["permanence-second-review"]
    assert [(row.key, row.now.count) for row in permanence.rows] == [
        ("plan", 1),
        ("not_yet", 1),
        ("not_recorded", 1),
        ("second_reviews", 3),
    ]
    tracking = figures["tracking-discussions"]
    assert [(row.key, row.now.count) for row in tracking.rows][:3] == [("cp_plan", 1), ("cared_for", 2), ("discussions", 3)]
    # Three second reviews in early June: mid-points in early September, tracked on 1 July (and 1 August).
    assert _now(tracking, "mid_cared_for").count == 3 and _now(tracking, "mid_cared_for").base == 3
    long = figures["long-plans"]
    assert (_now(long, "long_plans").count, _now(long, "with_reasons").count) == (1, 1)


def test_caseloads_per_iro_and_the_average(app, year):
    caseloads = _figures(app)["caseloads"]
    assert [(row.label, row.now.count) for row in caseloads.rows] == [("Jo", 2), ("Sam", 0), ("Service average", 1)]


def test_chosen_examples_have_the_childs_name_and_reference_taken_out(app, year):
    (example,) = _figures(app)["escalation-examples"].items
    assert (
        "Amy" not in example.text
        and "[name] can smile." in example.text
        and example.text.startswith("Challenge: [name] has not had")
    )


def test_the_whole_report_carries_them_for_the_page_json_and_csv(app, year, make, signed_in):
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, YEAR)
    assert report.figure("escalations-raised") is not None and report.figure("caseloads") is not None
    client = signed_in(make.staff(Role.MANAGER))
    query = "?start=2025-04-01&end=2026-03-31"
    assert "Escalations raised" in client.get(f"/reports/{query}").get_data(as_text=True)
    assert "escalations-raised" in client.get(f"/reports/report.json{query}").get_data(as_text=True)
    assert "Stage at which escalations closed" in client.get(f"/reports/report.csv{query}").get_data(as_text=True)
    assert client.get(f"/reports/figures/escalations-themes.svg{query}").status_code == 200


def test_a_share_of_its_own_is_not_hidden_because_another_one_was(app, year):
    timeliness = _figures(app)["escalations-timeliness"]
    rows = {row.key: row for row in timeliness.rows}
    # One open escalation past its timescale is a small number; the 17 resolved in time are not worked out from it.
    assert (rows["overdue"].this.hidden, rows["within"].this.display) == ("small", "17")


def test_mid_points_are_the_tracking_areas_own_whatever_side_of_the_period_they_fall(app, db, make):
    """The report reads only the reviews that can have a mid-point in the period: it must find the same ones, met
    or not, as the tracking area's own list of every child's mid-points (reviews held before the period whose
    mid-point falls in it, ones whose mid-point falls after it, short breaks, plans, contacts on either side)."""
    iro = make.staff(Role.IRO)
    children = [
        make.child(iro),
        make.child(iro, short_breaks=True),
        make.child(iro, cared_for=False, on_cp_plan=True, cp_plan_since=date(2024, 10, 1)),
    ]
    contacts = iter(range(1000))
    for n, child in enumerate(children):
        cp = child.on_cp_plan
        kind = ReviewKind.CP_CONFERENCE if cp else ReviewKind.CARED_FOR
        stages = [ReviewStage.INITIAL_CONFERENCE, ReviewStage.REVIEW_CONFERENCE] if cp else [ReviewStage.INITIAL, ReviewStage.SECOND, ReviewStage.SUBSEQUENT]
        # Reviews every thirteen weeks from January 2025 to autumn 2026: either side of the year and inside it.
        for k, held in enumerate(date(2025, 1, 6 + n) + timedelta(weeks=13 * k) for k in range(8)):
            review = make.review(
                child, kind=kind, stage=stages[min(k, len(stages) - 1)], scheduled_for=held, held_on=held, status=ReviewStatus.HELD
            )
            step = next(contacts)
            if step % 4 == 0:  # tracked soon after the review
                db.add(TrackingDiscussion(child_id=child.id, held_on=held + timedelta(days=10), with_whom="SW", checked="Plan", recorded_by_id=iro.id))
            elif step % 4 == 1:  # a mid-way visit held after this review's mid-point (in time for the next review's)
                make.visit(review, iro=iro, status=VisitStatus.DONE, purpose=VisitPurpose.MID_WAY, held_on=held + timedelta(days=100))
            elif step % 4 == 2:  # one only planned: no contact
                make.visit(review, iro=iro, purpose=VisitPurpose.MID_WAY, planned_for=held + timedelta(days=20))
        make.review(child, kind=kind, scheduled_for=date(2025, 9, 1), status=ReviewStatus.CANCELLED)  # never held: no mid-point
    db.commit()
    db.expire_all()

    expected = Counter()
    everyone = list(db.scalars(sa.select(Child)))
    for points in mid_points_by_child(db, children=everyone).values():
        for point in points:
            if YEAR.contains(point.mid_point):
                plan = "cp_plan" if point.review.kind == ReviewKind.CP_CONFERENCE else "cared_for"
                expected[(plan, "due")] += 1
                expected[(plan, "met")] += point.tracked_on is not None
    with app.extensions["voice_app_engine"].connect() as connection:
        counted = _mid_points(connection, YEAR)
    assert counted == expected
    # Both plans have mid-points in the year, some met and some not: the comparison says something.
    assert all(0 < expected[(plan, "met")] < expected[(plan, "due")] for plan in ("cp_plan", "cared_for"))
