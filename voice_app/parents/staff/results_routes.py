"""Managers' results of parents' feedback for a financial year or quarter, on screen and as CSV."""

from __future__ import annotations

from datetime import date

from flask import abort, make_response, request

from voice_app import db
from voice_app.models import Role
from voice_app.parents.periods import (
    QUARTER_MONTHS,
    Period,
    current_period,
    period_for,
)
from voice_app.parents.questions import ANSWERS
from voice_app.parents.results import (
    MIN_CHAIR_RESPONSES,
    MIN_GROUP_RESPONSES,
    feedback_results,
    years_with_conferences,
)
from voice_app.parents.staff import bp
from voice_app.parents.staff.charts import answers_chart, rates_chart
from voice_app.parents.staff.csv_export import CSV_TABLES
from voice_app.rendering import render
from voice_app.security import roles_required


def _chosen_period(today: date) -> Period:
    """The period asked for in ?year=2025&quarter=1, the current financial year by default; 400 on nonsense."""
    year = request.args.get("year", type=int)
    quarter = request.args.get("quarter", default="")
    if year is None:
        return current_period(today)
    if not 2000 <= year <= today.year + 1 or quarter not in ("", "1", "2", "3", "4"):
        abort(400)
    return period_for(year, int(quarter) if quarter else None)


@bp.get("/results")
@roles_required(Role.MANAGER)
def results():
    """Each question's answers by conference type, quarter and chair; response rate; comments."""
    today = date.today()
    period = _chosen_period(today)
    found = feedback_results(db.session(), period=period, today=today)
    return render(
        "feedback/results.html",
        block="results",
        results=found,
        period=period,
        years=years_with_conferences(db.session(), today=today),
        quarters=QUARTER_MONTHS,
        answers=ANSWERS,
        overall_chart=answers_chart(found.overall, chart_id="chart-answers", title=f"Parents' answers, {period.label}"),
        rates_chart=rates_chart(found.rates, chart_id="chart-rates", title=f"Conferences held and responses, {period.label}"),
        min_chair=MIN_CHAIR_RESPONSES,
        min_group=MIN_GROUP_RESPONSES,
        query={"year": period.year, "quarter": period.quarter or ""},
    )


@bp.get("/results/<table>.csv")
@roles_required(Role.MANAGER)
def results_csv(table: str):
    """One results table as a CSV file (answers, rates or comments) for the chosen period."""
    if table not in CSV_TABLES:
        abort(404)
    today = date.today()
    period = _chosen_period(today)
    text = CSV_TABLES[table](feedback_results(db.session(), period=period, today=today))
    response = make_response("\ufeff" + text)  # the BOM makes Excel read UTF-8 names and comments correctly
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    name = f"parents-feedback-{table}-{period.short_label.replace(' ', '-').replace('/', '-')}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
