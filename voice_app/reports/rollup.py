"""Counts kept per closed month, so a year's report reads a couple of dozen small rows instead of every answer.

A period and the one before it are cut into month segments (local time). A whole month that ended
more than SETTLE ago is read from report_month if its counts are there; anything else (the current
month, the part-months at the ends of custom dates, a month never counted, and a month something
changed in since) is counted live (queries.count_segments), and whole closed months are stored.

Every change made through the ORM that could alter a month's counts marks that month stale
(staleness.py): it raises the month's generation and clears its counts. A report stores a month
only if its generation is still the one it read before counting, so a change committed while the
report was counting is never hidden. Bulk SQL that bypasses the ORM must clear the months it
changes, or run `voice-app report --forget`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.db import SQLITE_BUSY_MS, insert_with_conflicts
from voice_app.financial_year import add_months
from voice_app.models import ReportMonth, utcnow
from voice_app.reports.period import LOCAL_TIME, Period, local_midnight_utc
from voice_app.reports.queries import (
    BEFORE,
    KINDS,
    NOW,
    Counts,
    Window,
    _queries,
    _value,
    letter_t,
    response_t,
    review_t,
    statement_t,
    visit_t,
    window_for,
)

month_t = ReportMonth.__table__

FORMAT = "r4"  # stored with every month's counts: change it when what is counted changes, and months are recounted
# A month is kept only once it ended this long ago. A change is marked only in months that have ended
# (staleness.py), so a transaction would have to stay open this long to slip a change past a report.
SETTLE = timedelta(hours=1)


@dataclass(frozen=True)
class Segment:
    """Part of one period inside one local calendar month: its days, and the same as UTC instants."""

    bucket: int  # NOW or BEFORE
    first: date
    last: date
    start: datetime  # UTC, included
    end: datetime  # UTC, excluded
    month: date | None  # first day of a whole month that has ended: worth keeping


def _which(column, bounds: list, low: int = 0, high: int | None = None):
    """The index of the segment a value falls in, as a nested CASE: a handful of comparisons per row, not one per month."""
    high = len(bounds) if high is None else high
    if high - low == 1:
        return sa.literal(low)
    middle = (low + high) // 2
    return sa.case((column < bounds[middle], _which(column, bounds, low, middle)), else_=_which(column, bounds, middle, high))


class Segments:
    """SQL for "which of these segments", by day or by instant, over the chosen segments only."""

    def __init__(self, cut: list[Segment], indexes: list[int]) -> None:
        self.cut = cut
        self.first, self.last = cut[0].first, cut[-1].last
        self.runs: list[tuple[int, int]] = []  # (first index, last index) of neighbouring chosen segments
        for index in sorted(indexes):
            if self.runs and self.runs[-1][1] == index - 1:
                self.runs[-1] = (self.runs[-1][0], index)
            else:
                self.runs.append((index, index))

    def by_day(self, column):
        """(which segment, condition) for a date column."""
        which = _which(column, [segment.first for segment in self.cut])
        inside = sa.or_(*[column.between(self.cut[a].first, self.cut[b].last) for a, b in self.runs])
        return which, inside

    def by_instant(self, column):
        """(which segment, condition) for a timestamp column."""
        which = _which(column, [segment.start for segment in self.cut])
        inside = sa.or_(*[sa.and_(column >= self.cut[a].start, column < self.cut[b].end) for a, b in self.runs])
        return which, inside


def count_segments(connection: Connection, cut: list[Segment], indexes: list[int], *, today: date) -> dict[int, Counts]:
    """Count everything the report needs for these segments, in fifteen GROUP BY queries."""
    counted = {index: Counts() for index in indexes}
    for query, attribute in _queries(Segments(cut, indexes), connection.dialect.name, today):
        for row in connection.execute(query):
            key = tuple(_value(item) for item in row[1:-1])
            getattr(counted[row[0]], attribute)[key[0] if len(key) == 1 else key] += row[-1]
    return counted


def month_end(month: date) -> datetime:
    """The UTC instant the local month beginning on `month` ends."""
    return local_midnight_utc(add_months(month, 1))


def segments(window: Window, *, now: datetime) -> list[Segment]:
    """The window cut at local month boundaries, oldest first."""
    cut: list[Segment] = []
    for bucket, period in ((BEFORE, window.before), (NOW, window.now)):
        day = period.start
        while day <= period.end:
            month = day.replace(day=1)
            last = min(add_months(month, 1) - timedelta(days=1), period.end)
            whole = day == month and last == add_months(month, 1) - timedelta(days=1)
            start, end = local_midnight_utc(day), local_midnight_utc(last + timedelta(days=1))
            cut.append(Segment(bucket, day, last, start, end, month if whole and end + SETTLE <= now else None))
            day = last + timedelta(days=1)
    return cut


def gather(connection: Connection, window: Window, *, now: datetime | None = None) -> tuple[tuple[Counts, Counts], bool]:
    """Both periods' counts; and whether months were stored (the caller commits)."""
    now = now or datetime.now(UTC)
    cut = segments(window, now=now)
    keep = [segment.month for segment in cut if segment.month]
    kept = {row.month: row for row in connection.execute(sa.select(month_t).where(month_t.c.month.in_(keep)))} if keep else {}
    counted: dict[int, Counts] = {}
    for index, segment in enumerate(cut):
        row = kept.get(segment.month) if segment.month else None
        counts = _load(row.counts) if row is not None and row.counts else None
        if counts is not None:
            counted[index] = counts
    stale = [index for index in range(len(cut)) if index not in counted]
    if stale:
        counted.update(count_segments(connection, cut, stale, today=now.astimezone(LOCAL_TIME).date()))
    periods = (Counts(), Counts())
    for index, counts in counted.items():
        periods[cut[index].bucket].add(counts)
    fresh = {cut[i].month: counted[i] for i in stale if cut[i].month}
    stored = _store(connection, fresh, {month: row.generation for month, row in kept.items()}) if fresh else False
    return periods, stored


def _load(raw: str) -> Counts | None:
    data = json.loads(raw)
    if data.get("format") != FORMAT:
        return None
    counts = Counts()
    for kind in KINDS:
        # JSON has no tuples (and "scribed" must come back a bool, not 0/1): keys are rebuilt as they were.
        target: Counter = getattr(counts, kind)
        for item in data.get(kind, []):
            key = tuple(item[:-1])
            target[key[0] if len(key) == 1 else key] += item[-1]
    return counts


def _dump(counts: Counts) -> str:
    def items(counter: Counter) -> list[list]:
        rows = [[*(key if isinstance(key, tuple) else (key,)), value] for key, value in counter.items()]
        return sorted(rows, key=json.dumps)

    return json.dumps({"format": FORMAT, **{kind: items(getattr(counts, kind)) for kind in KINDS}})


def _store(connection: Connection, fresh: dict[date, Counts], generations: dict[date, int]) -> bool:
    """Keep these months, unless a change marked them since they were read (their generation moved on)."""
    computed_at = utcnow()
    new = [
        {"month": m, "generation": 0, "counts": _dump(c), "computed_at": computed_at}
        for m, c in fresh.items()
        if m not in generations
    ]
    known = [{"m": m, "g": generations[m], "c": _dump(c), "at": computed_at} for m, c in fresh.items() if m in generations]
    sqlite = connection.dialect.name == "sqlite"
    try:
        # Never make a user's change wait on (or deadlock with) keeping counts: give up quickly instead.
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout = 100")
        with connection.begin_nested():
            if not sqlite:
                connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
            if new:
                # A row made meanwhile was made by a change: it wins, and the month waits for the next report.
                connection.execute(
                    insert_with_conflicts(month_t, connection.dialect.name).on_conflict_do_nothing(index_elements=["month"]), new
                )
            if known:
                connection.execute(
                    month_t.update()
                    .where(month_t.c.month == sa.bindparam("m"), month_t.c.generation == sa.bindparam("g"))
                    .values(counts=sa.bindparam("c"), computed_at=sa.bindparam("at", type_=month_t.c.computed_at.type)),
                    known,
                )
    except sa.exc.DBAPIError:
        return False  # another report or a change got there first: nothing is lost, the month is counted next time
    finally:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    return True


def prepare(connection: Connection, *, now: datetime | None = None) -> int:
    """Count and keep every ended month from the first one with anything in it, a year at a time; returns how many were counted."""
    now = now or datetime.now(UTC)
    dated = (
        review_t.c.scheduled_for,
        review_t.c.held_on,
        visit_t.c.held_on,
        visit_t.c.planned_for,
        statement_t.c.ended_at,
        response_t.c.created_at,
        letter_t.c.given_on,
    )
    firsts = connection.execute(sa.select(*(sa.select(sa.func.min(column)).scalar_subquery() for column in dated))).one()
    days = [_as_day(value) for value in firsts if value is not None]
    if not days:
        return 0
    counted, month = 0, min(days).replace(day=1)
    while month_end(month) + SETTLE <= now:
        last = month
        for _ in range(11):  # up to twelve months in one go
            if month_end(add_months(last, 1)) + SETTLE > now:
                break
            last = add_months(last, 1)
        period = Period(month, add_months(last, 1) - timedelta(days=1))
        _periods, stored = gather(connection, window_for(period), now=now)  # the year before is kept already
        if stored:
            connection.commit()
        counted += (last.year - month.year) * 12 + last.month - month.month + 1
        month = add_months(last, 1)
    return counted


def _as_day(value) -> date:
    """A date from a date, an aware datetime (its local day) or SQLite's text."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TIME).date()
    if isinstance(value, date):
        return value
    text = str(value)
    return _as_day(datetime.fromisoformat(text)) if len(text) > 10 else date.fromisoformat(text)


def forget(connection: Connection) -> int:
    """Drop every kept month (after bulk changes made without the ORM); returns how many held counts."""
    kept = connection.execute(sa.select(sa.func.count()).select_from(month_t).where(month_t.c.counts.is_not(None))).scalar_one()
    connection.execute(month_t.delete())
    return kept
