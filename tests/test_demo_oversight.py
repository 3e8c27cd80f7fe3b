"""The demo service has a believable year of escalations, tracking discussions and second reviews, on any day of the year."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from voice_app.demo import seed_demo
from voice_app.models import Escalation, LongPlanReason, PermanencePlan, TrackingDiscussion
from voice_app.reports.oversight import oversight_figures
from voice_app.reports.period import Period


@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2026, 12, 7), date(2027, 1, 1), date(2027, 12, 31)])
def test_the_demo_year_has_figures_for_every_new_section(db, app, today):
    assert seed_demo(db, today=today)
    escalations = db.exec(select(Escalation)).all()
    closed = [e for e in escalations if e.closed_on]
    assert len(escalations) == 40 and 25 <= len(closed) < 40
    assert {e.closed_stage for e in closed} >= {"alert", "stage_1", "stage_2"}
    assert all(e.outcome_for_child for e in closed) and any(e.report_example for e in closed)
    assert all(e.raised_on <= today and (e.closed_on is None or e.closed_on <= today) for e in escalations)
    assert len(db.exec(select(TrackingDiscussion)).all()) >= 20
    assert db.exec(select(PermanencePlan)).first() is not None
    assert db.exec(select(LongPlanReason)).first() is not None
    with app.extensions["voice_app_engine"].connect() as connection:
        year = Period(date(today.year - 1, today.month, 1), today)
        figures = {f.id: f for f in oversight_figures(connection, period=year, previous=year.previous())}
    raised = next(row for row in figures["escalations-raised"].rows if row.key == "all")
    assert raised.now.count >= 35
