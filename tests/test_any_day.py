"""The service figures and the demo on any day of the year: winter or summer time, across a clock change,
a single day, the month so far, a bank holiday, 29 February (issue: a winter period was a 500 on SQLite)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.clock import DAYS, LONDON, travel_to
from tests.conftest import Client
from tests.reports_seed import Seeder, utc
from voice_app import cli
from voice_app.demo import DEMO_PASSWORD, seed_demo
from voice_app.models import Child, Review, ReviewStatus, StaffUser, Statement, Visit
from voice_app.reports.period import Period, financial_year
from voice_app.reports.report import build_report

pytestmark = pytest.mark.usefixtures("today")

# Reviews held either side of both clock changes of 2024/25, each with a statement begun late in the evening of the
# review's day (counts) or just after its local midnight (does not). UTC instants; local time is London's.
CASES = [
    (date(2024, 10, 26), utc(2024, 10, 26, 22, 30), True),  # 23:30 BST, the evening before the clocks go back
    (date(2024, 10, 26), utc(2024, 10, 26, 23, 30), False),  # 00:30 BST on the 27th
    (date(2024, 10, 27), utc(2024, 10, 27, 23, 30), True),  # 23:30 GMT on the day the clocks went back
    (date(2024, 10, 28), utc(2024, 10, 29, 0, 30), False),
    (date(2024, 12, 10), utc(2024, 12, 10, 23, 30), True),  # deep winter
    (date(2025, 3, 29), utc(2025, 3, 29, 23, 30), True),  # 23:30 GMT, the evening before the clocks go forward
    (date(2025, 3, 30), utc(2025, 3, 30, 22, 30), True),  # 23:30 BST on the day they went forward
    (date(2025, 3, 30), utc(2025, 3, 30, 23, 30), False),  # 00:30 BST on the 31st
    (date(2025, 6, 18), utc(2025, 6, 18, 22, 59), True),  # deep summer
    (date(2025, 6, 19), utc(2025, 6, 19, 23, 1), False),
]

PERIODS = {
    "winter only": Period(date(2024, 11, 1), date(2025, 3, 29)),
    "summer only": Period(date(2025, 4, 1), date(2025, 10, 25)),
    "across the clocks going back": Period(date(2024, 10, 1), date(2024, 11, 30)),
    "across the clocks going forward": Period(date(2025, 3, 1), date(2025, 4, 30)),
    "the day the clocks went forward": Period(date(2025, 3, 30), date(2025, 3, 30)),
    "a single winter day": Period(date(2024, 12, 10), date(2024, 12, 10)),
    "a financial year": financial_year(2024),
}


@pytest.mark.parametrize("name", list(PERIODS))
def test_participation_goes_by_the_local_day_of_the_review_in_any_period(db, app, name):
    s = Seeder(db)
    for n, (held, started, _counts) in enumerate(CASES):
        child = s.child(f"P{n}", f"P-{n}")
        s.statement(s.visit(s.review(child, held), held), child, started, started + timedelta(minutes=20))
    db.commit()
    period = PERIODS[name]
    with app.extensions["voice_app_engine"].connect() as connection:
        rows = {row.key: row.now.count for row in build_report(connection, period).figure("participation").rows}
    inside = [counts for held, _started, counts in CASES if period.start <= held <= period.end]
    assert (rows["held_cared_for"], rows["participated_cared_for"]) == (len(inside), sum(inside))


def _local_day(instant: datetime) -> date:
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(LONDON).date()


def _expected(db, period: Period) -> dict[str, int]:
    """The figures counted by hand in Python from every row, for comparison with the report's SQL."""
    inside = lambda day: day is not None and period.start <= day <= period.end  # noqa: E731
    statements = db.exec(select(Statement)).all()
    completed = sum(1 for st in statements if st.end_reason is not None and st.ended_at and inside(_local_day(st.ended_at)))
    expected = {"completed": completed}
    visits_of: dict[int, list[int]] = {}
    for visit in db.exec(select(Visit)).all():
        visits_of.setdefault(visit.review_id, []).append(visit.id)
    for review in db.exec(select(Review).where(Review.status == ReviewStatus.HELD)).all():
        if not inside(review.held_on):
            continue
        kind = review.kind.value
        expected[f"held_{kind}"] = expected.get(f"held_{kind}", 0) + 1
        began = [_local_day(st.started_at) for st in statements if st.visit_id in visits_of.get(review.id, [])]
        if any(day <= review.held_on for day in began):
            expected[f"participated_{kind}"] = expected.get(f"participated_{kind}", 0) + 1
    return expected


def _periods_around(day: date) -> dict[str, Period]:
    """Periods a manager asks for on `day`: relative to it, and fixed ones in each kind of time."""
    first_of_month = day.replace(day=1)
    year = day.year if day.month >= 4 else day.year - 1
    return {
        "this month so far": Period(first_of_month, day),
        "today": Period(day, day),
        "the last seven days": Period(day - timedelta(days=6), day),
        "this financial year": financial_year(year),
        "last month": Period((first_of_month - timedelta(days=1)).replace(day=1), first_of_month - timedelta(days=1)),
        "winter only": Period(date(day.year - 1, 11, 1), date(day.year, 3, 20)),
        "summer only": Period(date(day.year - 1, 4, 5), date(day.year - 1, 10, 20)),
    }


@pytest.mark.every_day
def test_the_demo_seeds_and_the_report_answers_for_every_period_with_the_right_figures(app, db, today):
    assert seed_demo(db, today=today)
    db.commit()
    manager = Client(app.test_client())
    assert manager.sign_in("manager@example.org", DEMO_PASSWORD).status_code == 302
    for name, period in _periods_around(today).items():
        query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
        page = manager.get(f"/reports/?{query}")
        assert page.status_code == 200, (name, page.status_code)
        document = manager.get(f"/reports/report.json?{query}")
        assert document.status_code == 200, (name, document.status_code)
        table = manager.get(f"/reports/report.csv?{query}")
        assert table.status_code == 200 and list(csv.DictReader(io.StringIO(table.get_data(as_text=True)))), name
        figures = {figure["id"]: figure for figure in json.loads(document.get_data(as_text=True))["figures"]}
        counted = {
            row["key"]: row["this_period"]["count"] for fid in ("statements", "participation") for row in figures[fid]["rows"]
        }
        expected = _expected(db, period)
        assert {key: counted.get(key, 0) for key in expected} == expected, name
        assert counted["completed"] == expected["completed"], name


@pytest.mark.every_day
def test_the_demo_serves_every_iro_their_caseload_and_children_on_any_day(app, db, today):
    assert seed_demo(db, today=today)
    db.commit()
    iro = Client(app.test_client())
    assert iro.sign_in("iro@example.org", DEMO_PASSWORD).status_code == 302
    assert iro.get("/", follow_redirects=True).status_code == 200
    children = db.exec(select(Child)).all()
    assert children and all(child.date_of_birth is None or child.date_of_birth < today for child in children)
    jo = db.exec(select(StaffUser).where(StaffUser.email == "iro@example.org")).one()
    mine = [child for child in children if child.iro_id == jo.id]
    assert mine and all(iro.get(f"/children/{child.id}").status_code == 200 for child in mine)


@pytest.mark.parametrize("day", [DAYS["leap-day"], DAYS["clocks-go-forward"]], ids=["leap-day", "clocks-go-forward"])
def test_the_readmes_demo_command_starts_on_29_february_and_at_a_clock_change(tmp_path, capsys, day):
    # Half past one at night: on the day the clocks go forward that hour does not exist in London.
    with travel_to(day, hour=1):
        assert cli.main(["demo", "--no-serve", "--db", str(tmp_path / "demo.db")]) == 0
    assert "Demo data created." in capsys.readouterr().out
