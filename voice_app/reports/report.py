"""The whole report for a period: every figure, in the order of an annual report's participation sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from voice_app.models import utcnow
from voice_app.parents import report_share
from voice_app.questions.bank import QuestionBank, default_bank
from voice_app.reports import queries
from voice_app.reports.access_ways import access_figures
from voice_app.reports.equality import equality_figures
from voice_app.reports.figures import (
    participation_figure,
    statements_figures,
    visits_figure,
)
from voice_app.reports.lawful import lawful_figures, visit_checks_figure
from voice_app.reports.model import Figure, TextFigure
from voice_app.reports.oversight import oversight_figures
from voice_app.reports.period import LOCAL_TIME, Period
from voice_app.reports.phone import phone_figures
from voice_app.reports.told import told_figure
from voice_app.reports.voices import (
    menu_figures,
    quotes_figure,
    reasons_figure,
    views_figures,
)
from voice_app.reports.young_persons import young_persons_figure

PAGE_QUOTES = 50  # the page shows the newest
REPORT_QUOTES = 200  # the whole report (JSON, CSV) carries this many; the figure's own CSV has them all


@dataclass
class Report:
    period: Period
    previous: Period
    figures: list[Figure | TextFigure]
    made_at: datetime

    def figure(self, figure_id: str) -> Figure | TextFigure | None:
        return next((f for f in self.figures if f.id == figure_id), None)

    @property
    def sections(self) -> list[tuple[str, list[Figure | TextFigure]]]:
        """Figures grouped by section, in order."""
        grouped: dict[str, list[Figure | TextFigure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())


def build_report(
    connection: Connection, period: Period, *, quote_limit: int | None = REPORT_QUOTES, bank: QuestionBank | None = None
) -> Report:
    """Count everything for the period and the one before it, live, in a fixed number of queries."""
    window = queries.window_for(period)
    _tune(connection, period)
    counts = queries.count_window(connection, window, today=utcnow().astimezone(LOCAL_TIME).date(), bank=bank)
    return assemble(connection, window, counts, quote_limit=quote_limit, bank=bank)


# Up to this long, a period's statements are few enough next to ten years' that seeking their answers and cards in
# the covering indexes beats hashing whole tables; past it, hashing wins (bench/report_speed.py, EXPLAIN ANALYZE).
SEEK_JOINS_UP_TO_DAYS = 2 * 366


def _tune(connection: Connection, period: Period) -> None:
    if connection.dialect.name == "postgresql":
        # Compiling these short aggregate queries to machine code costs more than it saves.
        connection.exec_driver_sql("SET LOCAL jit = off")
        # The report's covering indexes are read over and over, so they are in memory: seeking them
        # costs little more than reading in order, and the planner should know it (else it scans
        # every answer of ten years to join the two years' statements).
        connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
        # A year's statements are a small part of ten years: joining them to their answers, cards and decisions
        # by seeking the covering indexes beats hashing whole tables (the cards of a year beside the year before:
        # 1.4 s against 2.8 s under load); for ten years hashing wins (4.1 s against 7.2 s), so the planner keeps
        # it. Only this report's transaction is affected.
        if period.days <= SEEK_JOINS_UP_TO_DAYS:
            connection.exec_driver_sql("SET LOCAL enable_hashjoin = off")
    else:
        # SQLite's default page cache is 2 MB; a year's indexes need more (the setting stays with this
        # pooled connection, which is no harm to other pages). Memory-mapped reads save copying.
        connection.exec_driver_sql("PRAGMA cache_size = -65536")
        connection.exec_driver_sql("PRAGMA mmap_size = 268435456")


def assemble(
    connection: Connection,
    window: queries.Window,
    counts: tuple[queries.Counts, queries.Counts],
    *,
    quote_limit: int | None,
    bank: QuestionBank | None = None,
) -> Report:
    """Every figure, in order, from both periods' counts (and the few live lists of words and phone counts)."""
    bank = bank or default_bank()
    period = window.now
    now, before = counts
    figures: list[Figure | TextFigure] = [
        visits_figure(now, before),
        visit_checks_figure(now, before),
        reasons_figure(queries.declined_reasons(connection, period), now, before),
        *statements_figures(now, before),
        *phone_figures(connection, period=period, previous=window.before),
        *access_figures(connection, period=period, previous=window.before),
        participation_figure(now, before),
        *lawful_figures(now, before),
        *equality_figures(connection, period=period, previous=window.before),
        *menu_figures(bank, now, before),
        young_persons_figure(now, before),
        *views_figures(bank, now, before),
        *views_figures(bank, now, before, part="after"),
        *views_figures(bank, now, before, part="explain"),
        told_figure(now, before),
        quotes_figure(bank, queries.responses(connection, period, limit=quote_limit), now, before, limit=quote_limit),
        *report_share(now, before),
        *oversight_figures(connection, period=period, previous=window.before),
    ]
    for figure in figures:
        if isinstance(figure, Figure):
            figure.publish()
    return Report(period=period, previous=window.before, figures=figures, made_at=utcnow())
