"""How children answered: statements by touch, one switch, two switches or dwell (voice_app/questions/access.py).

Counted live from the statements' own record of how the child answered, for the period and the one before (one query each), never
kept by month: a statement answered two ways (a change during the conversation, or two visits' hand-overs) counts
under each way it used.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import Statement
from voice_app.questions.access import modes_of
from voice_app.reports.figures import rows_for
from voice_app.reports.model import Figure
from voice_app.reports.period import Period

ACCESS_LABELS = [
    ("touch", "By touch"),
    ("auto", "With one switch (automatic scanning)"),
    ("step", "With two switches (step scanning)"),
    ("dwell", "By dwell (eye-gaze or a head pointer)"),
]


def statements_by_access(connection: Connection, period: Period) -> Counter:
    """Statements completed in the period, counted under each way of answering they used ("all": each once).

    One grouped query over the statement's own record of how the child answered (a handful of distinct values).
    """
    start, end = period.utc_bounds()
    statement = Statement.__table__
    rows = connection.execute(
        sa.select(statement.c.access_modes, sa.func.count())
        .where(statement.c.ended_at >= start, statement.c.ended_at < end, statement.c.end_reason.is_not(None))
        .where(statement.c.access_modes.is_not(None))
        .group_by(statement.c.access_modes)
    ).all()
    counter: Counter = Counter()
    for stored, count in rows:
        modes = modes_of(stored)
        if modes:
            counter["all"] += count
            for mode in modes:
                counter[mode] += count
    return counter


def access_figures(connection: Connection, *, period: Period, previous: Period) -> list[Figure]:
    """Statements completed by how the child answered."""
    counts = (statements_by_access(connection, period), statements_by_access(connection, previous))
    return [
        Figure(
            "statements-access",
            "Children's statements",
            "Statements by how the child answered",
            "Statements completed in the period with a hand-over, by how the child answered: a statement answered two ways "
            "counts under each. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            rows_for(
                ACCESS_LABELS, *counts, lambda counter, key: counter.get(key, 0), base=lambda counter: counter["all"], group="all"
            ),
            child_level=True,
            share_of="of statements completed with a hand-over",
        )
    ]
