"""How children's views were gathered: statements by touch, one switch, two switches or dwell
(voice_app/questions/access.py), and by the IRO's observation, with or without someone helping to interpret
(voice_app/questions/observed.py).

Counted live from the statements' own record of how the child answered and their observations, for the period and
the one before (one query each), never kept by month: a statement gathered two ways (a change during the conversation,
two visits' hand-overs, switches and observation) counts under each way it used.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import Observation, Statement
from voice_app.questions.access import modes_of
from voice_app.reports.figures import rows_for
from voice_app.reports.model import Figure
from voice_app.reports.period import Period

ACCESS_LABELS = [
    ("touch", "By touch"),
    ("auto", "With one switch (automatic scanning)"),
    ("step", "With two switches (step scanning)"),
    ("dwell", "By dwell (eye-gaze or a head pointer)"),
    ("observation", "By the IRO's observation (views shown without words)"),
    ("observation-helped", "By observation, with someone helping to interpret (a parent, carer, teacher, therapist or advocate)"),
]


def statements_by_access(connection: Connection, period: Period) -> Counter:
    """Statements completed in the period, counted under each way their views were gathered ("all": each once).

    One grouped query over the statement's own record of how the child answered and whether the IRO observed them
    (with help or not): a handful of distinct values.
    """
    start, end = period.utc_bounds()
    statement, observation = Statement.__table__, Observation.__table__
    observed = sa.exists().where(observation.c.statement_id == statement.c.id)
    helped = sa.exists().where(observation.c.statement_id == statement.c.id, observation.c.helpers != "")
    observed_col, helped_col = observed.label("observed"), helped.label("helped")
    rows = connection.execute(
        sa.select(statement.c.access_modes, observed_col, helped_col, sa.func.count())
        .where(statement.c.ended_at >= start, statement.c.ended_at < end, statement.c.end_reason.is_not(None))
        .where(sa.or_(statement.c.access_modes.is_not(None), observed))
        .group_by(statement.c.access_modes, observed_col, helped_col)
    ).all()
    counter: Counter = Counter()
    for stored, was_observed, was_helped, count in rows:
        modes = modes_of(stored)
        if modes or was_observed:
            counter["all"] += count
            for mode in modes:
                counter[mode] += count
            if was_observed:
                counter["observation"] += count
            if was_helped:
                counter["observation-helped"] += count
    return counter


def access_figures(connection: Connection, *, period: Period, previous: Period) -> list[Figure]:
    """Statements completed by how the child's views were gathered."""
    counts = (statements_by_access(connection, period), statements_by_access(connection, previous))
    return [
        Figure(
            "statements-access",
            "Children's statements",
            "Statements by how the child's views were gathered",
            "Statements completed in the period with a hand-over or the IRO's observations, by how the child's views were "
            "gathered: a statement gathered two ways (switches and observation, say) counts under each. Counts from 1 to 4 "
            "are shown as \u201c<5\u201d.",
            rows_for(
                ACCESS_LABELS, *counts, lambda counter, key: counter.get(key, 0), base=lambda counter: counter["all"], group="all"
            ),
            child_level=True,
            share_of="of statements completed with a hand-over or observations",
        )
    ]
