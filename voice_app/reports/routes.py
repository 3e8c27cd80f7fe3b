"""The service figures page and its downloads, for managers and admins."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, request

from voice_app import db
from voice_app.models import Role
from voice_app.rendering import render
from voice_app.reports import bp
from voice_app.reports.charts import bar_chart
from voice_app.reports.export import SUPPRESSION_RULE, to_csv, to_json
from voice_app.reports.model import Figure
from voice_app.reports.period import (
    Period,
    PeriodError,
    choice_key,
    period_choices,
    period_from_args,
)
from voice_app.reports.report import PAGE_QUOTES, REPORT_QUOTES, Report, build_report
from voice_app.reports.ssda903 import reviews_csv
from voice_app.security import roles_required

REPORT_ROLES = (Role.MANAGER, Role.ADMIN)


def _period() -> Period:
    try:
        return period_from_args(request.args, today=date.today())
    except PeriodError as exc:
        abort(Response(f"{exc}\n", status=400, mimetype="text/plain"))


def _report(period: Period, *, quote_limit: int | None) -> Report:
    # A connection of its own, not the request's session: the report may commit the months it counted.
    with db.engine().connect() as connection:
        return build_report(connection, period, quote_limit=quote_limit)


def _filename(period: Period, name: str, extension: str) -> str:
    return f"voice-app-{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.{extension}"


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/")
@roles_required(*REPORT_ROLES)
def index():
    """The figures for a period (this financial year unless another is chosen), beside the period before."""
    today = date.today()
    form = {"from": request.args.get("from", ""), "to": request.args.get("to", ""), "period": request.args.get("period", "")}
    try:
        period = period_from_args(request.args, today=today)
    except PeriodError as exc:
        return render("reports/index.html", block="report", report=None, error=str(exc), form=form, choices=period_choices(today), status=400)
    report = _report(period, quote_limit=PAGE_QUOTES)
    charts = {
        figure.id: bar_chart(figure, this_label=_short_label(report.period), previous_label=_short_label(report.previous))
        for figure in report.figures
        if isinstance(figure, Figure)
    }
    if not form["from"] and not form["period"]:
        form["period"] = choice_key(period) or ""
    return render(
        "reports/index.html",
        block="report",
        report=report,
        charts=charts,
        error=None,
        form=form,
        choices=period_choices(today),
        rule=SUPPRESSION_RULE,
        page_quotes=PAGE_QUOTES,
        query={"from": period.start.isoformat(), "to": period.end.isoformat()},
    )


def _short_label(period: Period) -> str:
    return f"{period.start:%-d %b %Y} to {period.end:%-d %b %Y}"


@bp.get("/report.json")
@roles_required(*REPORT_ROLES)
def report_json():
    """The whole report as one JSON document."""
    period = _period()
    return _download(to_json(_report(period, quote_limit=REPORT_QUOTES)), "application/json", _filename(period, "report", "json"))


@bp.get("/report.csv")
@roles_required(*REPORT_ROLES)
def report_csv():
    """Every figure in one CSV."""
    period = _period()
    return _download(to_csv(_report(period, quote_limit=REPORT_QUOTES)), "text/csv", _filename(period, "report", "csv"))


@bp.get("/ssda903-reviews.csv")
@roles_required(*REPORT_ROLES)
def ssda903_reviews_csv():
    """Each cared-for review held in the period with the SSDA903 Reviews columns (child, date of birth, review date, participation code)."""
    period = _period()
    with db.engine().connect() as connection:
        body = reviews_csv(connection, period)
    return _download(body, "text/csv", _filename(period, "ssda903-reviews", "csv"))


@bp.get("/figures/<figure_id>.csv")
@roles_required(*REPORT_ROLES)
def figure_csv(figure_id: str):
    """One figure as CSV ("you said, we did": every answer written in the period)."""
    period = _period()
    report = _report(period, quote_limit=None if figure_id == "you-said-we-did" else 0)
    figure = report.figure(figure_id)
    if figure is None:
        abort(404)
    return _download(to_csv(report, [figure]), "text/csv", _filename(period, figure_id, "csv"))


@bp.get("/figures/<figure_id>.svg")
@roles_required(*REPORT_ROLES)
def figure_svg(figure_id: str):
    """One figure's chart as an SVG file to paste into a document."""
    period = _period()
    report = _report(period, quote_limit=0)
    figure = report.figure(figure_id)
    chart = bar_chart(figure, this_label=_short_label(report.period), previous_label=_short_label(report.previous), standalone=True) if isinstance(figure, Figure) else None
    if chart is None:
        abort(404)
    return _download(str(chart), "image/svg+xml", _filename(period, figure_id, "svg"))
