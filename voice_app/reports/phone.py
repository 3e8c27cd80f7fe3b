"""Where children's words came from: statements by where they were given, and messages from their own phones.

Counted live for the period and the one before, like every other figure.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import GivenVia, MessageKind, PhoneMessage, Statement
from voice_app.reports.figures import rows_for
from voice_app.reports.model import Figure
from voice_app.reports.period import Period

GIVEN_VIA_LABELS = [
    (GivenVia.IRO_TABLET.value, "On the IRO's tablet at a visit"),
    (GivenVia.OWN_PHONE.value, "On the child's own phone"),
    (GivenVia.PRACTITIONER.value, "With a practitioner gathering views for a conference"),
]
MESSAGE_LABELS = [
    (MessageKind.FEELING.value, "How I feel"),
    (MessageKind.GOOD.value, "Something good happened"),
    (MessageKind.WRONG.value, "Something is wrong"),
    (MessageKind.TALK.value, "I want to talk to my IRO"),
    (MessageKind.MEETING.value, "About my next meeting"),
]


def _statements_by_place(connection: Connection, period: Period) -> Counter:
    start, end = period.utc_bounds()
    table = Statement.__table__
    rows = connection.execute(
        sa.select(table.c.given_via, sa.func.count())
        .where(table.c.ended_at >= start, table.c.ended_at < end, table.c.end_reason.is_not(None))
        .group_by(table.c.given_via)
    ).all()
    return Counter({getattr(place, "value", place): int(count) for place, count in rows})


def _messages_by_kind(connection: Connection, period: Period) -> Counter:
    start, end = period.utc_bounds()
    table = PhoneMessage.__table__
    rows = connection.execute(
        sa.select(table.c.kind, sa.func.count()).where(table.c.created_at >= start, table.c.created_at < end).group_by(table.c.kind)
    ).all()
    return Counter({getattr(kind, "value", kind): int(count) for kind, count in rows})


def phone_figures(connection: Connection, *, period: Period, previous: Period) -> list[Figure]:
    """Statements completed by where they were given; messages from children's own phones by what they were about."""
    places = (_statements_by_place(connection, period), _statements_by_place(connection, previous))
    kinds = (_messages_by_kind(connection, period), _messages_by_kind(connection, previous))
    all_of = lambda counter: sum(counter.values())  # noqa: E731
    return [
        Figure(
            "statements-given-via",
            "Children's statements",
            "Statements by where they were given",
            "Statements completed in the period, by where the child gave them. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            rows_for(GIVEN_VIA_LABELS, *places, lambda counter, key: counter.get(key, 0), base=all_of, group="all"),
            child_level=True,
            share_of="of statements completed",
        ),
        Figure(
            "phone-messages",
            "Children's own phones",
            "Messages from children's own phones",
            "Messages children sent their IRO from their own phone in the period, by what they were about. "
            "Counts from 1 to 4 are shown as \u201c<5\u201d.",
            rows_for(MESSAGE_LABELS, *kinds, lambda counter, key: counter.get(key, 0), base=all_of, group="all")
            + rows_for([("all", "All messages")], *kinds, lambda counter, _key: all_of(counter), total_row=True),
            child_level=True,
            share_of="of messages",
        ),
    ]
