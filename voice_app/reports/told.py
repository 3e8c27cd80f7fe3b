"""Children told who their IRO is: children given an introduction letter in the period (one query)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import IntroLetter
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.period import Period

letter_t = IntroLetter.__table__


def _children_told(connection: Connection, period: Period) -> int:
    query = sa.select(sa.func.count(sa.distinct(letter_t.c.child_id))).where(letter_t.c.given_on.between(period.start, period.end))
    return int(connection.execute(query).scalar_one())


def told_figure(connection: Connection, period: Period, before: Period) -> Figure:
    """How many children were given the letter telling them who their IRO is (each child once per period)."""
    return Figure(
        "told-who-their-iro-is",
        "Knowing their IRO",
        "Children told who their IRO is",
        "Children given an introduction letter (who their IRO is, what an IRO does, what happens at a review and "
        "how to get in touch) on a day in the period, as recorded on the child's page. A child given two letters "
        "in the period counts once.",
        [Row("told", "Children given an introduction letter", Value(_children_told(connection, period)), Value(_children_told(connection, before)))],
        child_level=True,
        chart=False,
    )
