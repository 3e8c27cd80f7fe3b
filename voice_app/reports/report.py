"""The whole report for a period: every figure, in the order of an annual report's participation sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from voice_app.models import utcnow
from voice_app.questions.bank import QuestionBank, default_bank
from voice_app.reports import queries, rollup
from voice_app.reports.access_ways import access_figures
from voice_app.reports.figures import (
    participation_figure,
    statements_figures,
    visits_figure,
)
from voice_app.reports.lawful import lawful_figures, visit_checks_figure
from voice_app.reports.model import Figure, TextFigure
from voice_app.reports.parents import parents_section
from voice_app.reports.period import Period
from voice_app.reports.phone import phone_figures
from voice_app.reports.told import told_figure
from voice_app.reports.voices import (
    menu_figures,
    quotes_figure,
    reasons_figure,
    views_figures,
)

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


def build_report(connection: Connection, period: Period, *, quote_limit: int | None = REPORT_QUOTES, bank: QuestionBank | None = None) -> Report:
    """Count everything for the period and the one before it, in a fixed number of queries.

    Whole months that have ended come from the counts kept per month; the rest is counted live.
    Give it a connection of its own: it commits when it keeps newly counted months (rollup.py).
    """
    bank = bank or default_bank()
    window = queries.window_for(period)
    if connection.dialect.name == "postgresql":
        # Compiling these short aggregate queries to machine code costs more than it saves.
        connection.exec_driver_sql("SET LOCAL jit = off")
    else:
        # SQLite's default page cache is 2 MB; a year's indexes need more (the setting stays with this
        # pooled connection, which is no harm to other pages). Memory-mapped reads save copying.
        connection.exec_driver_sql("PRAGMA cache_size = -65536")
        connection.exec_driver_sql("PRAGMA mmap_size = 268435456")
    (now, before), stored = rollup.gather(connection, window)
    figures: list[Figure | TextFigure] = [
        visits_figure(now, before),
        visit_checks_figure(now, before),
        reasons_figure(queries.declined_reasons(connection, period), now, before),
        *statements_figures(now, before),
        *phone_figures(connection, period=period, previous=window.before),
        *access_figures(connection, period=period, previous=window.before),
        participation_figure(now, before),
        *lawful_figures(now, before),
        *menu_figures(bank, now, before),
        *views_figures(bank, now, before),
        *views_figures(bank, now, before, part="after"),
        *views_figures(bank, now, before, part="explain"),
        told_figure(now, before),
        quotes_figure(bank, queries.responses(connection, period, limit=quote_limit), now, before, limit=quote_limit),
        *parents_section(now, before),
    ]
    for figure in figures:
        if isinstance(figure, Figure):
            figure.publish()
    if stored:
        connection.commit()  # keep the months counted for next time
    return Report(period=period, previous=window.before, figures=figures, made_at=utcnow())
