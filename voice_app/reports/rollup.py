"""The heavy counts (statements, answers, choices, menu decisions), kept per closed month so a year's report stays fast.

A period is cut into month segments (local time). A whole month that has ended is read from
report_month if its fingerprint still matches: the count, the sum of ids and the latest updated_at
of the statements completed in it, got in one cheap query. Anything else (the current month, the
part-months at the ends of custom dates, and any month whose statements changed) is counted live in
three GROUP BY queries, and whole closed months are stored for next time.

The fingerprint sees answers, choices and decisions change because a flush that adds, changes or
deletes one of them (or a counted column of the statement itself) also sets its completed
statement's updated_at (touch_statements below). Bulk
SQL that bypasses the ORM must do the same, or clear report_month (`voice-app report --forget`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from voice_app.models import (
    Answer,
    AnswerChoice,
    MenuDecision,
    ReportMonth,
    Statement,
    utcnow,
)
from voice_app.reports.period import local_midnight_utc
from voice_app.reports.queries import (
    BEFORE,
    NOW,
    Counts,
    Window,
    answer_t,
    choice_t,
    decision_t,
    statement_t,
)

month_t = ReportMonth.__table__
FORMAT = "r1"  # part of every fingerprint: change it when what is kept changes, and old months are recounted
SETTLE = timedelta(seconds=5)  # a month edited this recently is counted but not stored (same-second edits)
KINDS = ("statements", "answers", "choices", "decisions")


@dataclass(frozen=True)
class Segment:
    bucket: int  # NOW or BEFORE
    start: datetime  # UTC, included
    end: datetime  # UTC, excluded
    month: date | None  # first day of a whole month that has ended: worth keeping


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def segments(window: Window, *, now: datetime) -> list[Segment]:
    """The window cut at local month boundaries, oldest first."""
    cut: list[Segment] = []
    for bucket, period in ((BEFORE, window.before), (NOW, window.now)):
        day = period.start
        while day <= period.end:
            month = day.replace(day=1)
            last = min(_next_month(month) - timedelta(days=1), period.end)
            start, end = local_midnight_utc(day), local_midnight_utc(last + timedelta(days=1))
            whole = day == month and last == _next_month(month) - timedelta(days=1)
            cut.append(Segment(bucket, start, end, month if whole and end <= now else None))
            day = last + timedelta(days=1)
    return cut


def _which(column, cut: list[Segment], low: int = 0, high: int | None = None):
    """The index of the segment an instant falls in, as a nested CASE: a handful of comparisons per row, not one per month."""
    high = len(cut) if high is None else high
    if high - low == 1:
        return sa.literal(low)
    middle = (low + high) // 2
    return sa.case((column < cut[middle].start, _which(column, cut, low, middle)), else_=_which(column, cut, middle, high))


def _completed_in(ranges: list[tuple[datetime, datetime]]):
    column = statement_t.c.ended_at
    return sa.and_(statement_t.c.end_reason.is_not(None), sa.or_(*[sa.and_(column >= a, column < b) for a, b in ranges]))


def _merged(cut: list[Segment], indexes: list[int]) -> list[tuple[datetime, datetime]]:
    ranges: list[tuple[datetime, datetime]] = []
    for index in indexes:
        segment = cut[index]
        if ranges and ranges[-1][1] == segment.start:
            ranges[-1] = (ranges[-1][0], segment.end)
        else:
            ranges.append((segment.start, segment.end))
    return ranges


def fingerprints(connection: Connection, cut: list[Segment]) -> dict[int, tuple[str, datetime | None]]:
    """Per segment: "count:sum of ids:latest updated_at" of its completed statements, in one query."""
    which = _which(statement_t.c.ended_at, cut)
    query = (
        sa.select(which, sa.func.count(), sa.func.sum(statement_t.c.id), sa.func.max(statement_t.c.updated_at))
        .where(_completed_in([(cut[0].start, cut[-1].end)]))
        .group_by(sa.literal_column("1"))
    )
    found = {index: (f"{FORMAT}:{count}:{total}:{latest.isoformat() if latest else ''}", latest) for index, count, total, latest in connection.execute(query)}
    return {index: found.get(index, (f"{FORMAT}:0:0:", None)) for index in range(len(cut))}


def _live(connection: Connection, cut: list[Segment], indexes: list[int]) -> dict[int, dict[str, Counter]]:
    """Count statements, answers, choices and decisions for these segments, in four GROUP BY queries."""
    counted: dict[int, dict[str, Counter]] = {index: {kind: Counter() for kind in KINDS} for index in indexes}
    done, which, n = _completed_in(_merged(cut, indexes)), _which(statement_t.c.ended_at, cut), sa.func.count()
    by_statement = answer_t.join(statement_t, answer_t.c.statement_id == statement_t.c.id)
    answer_cols = (answer_t.c.question_id, answer_t.c.skipped, answer_t.c.scale)
    choice_cols = (answer_t.c.question_id, choice_t.c.choice_id, choice_t.c.position)
    decision_cols = (decision_t.c.item_id, decision_t.c.outcome)
    statement_cols = (statement_t.c.end_reason, statement_t.c.version, statement_t.c.scribed, statement_t.c.language, statement_t.c.sharing)
    queries = {
        "statements": sa.select(which, *statement_cols, n).where(done).group_by(sa.literal_column("1"), *statement_cols),
        "answers": sa.select(which, *answer_cols, n).select_from(by_statement).where(done).group_by(sa.literal_column("1"), *answer_cols),
        "choices": sa.select(which, *choice_cols, n)
        .select_from(choice_t.join(by_statement, choice_t.c.answer_id == answer_t.c.id))
        .where(done, answer_t.c.skipped == sa.false())
        .group_by(sa.literal_column("1"), *choice_cols),
        "decisions": sa.select(which, *decision_cols, n)
        .select_from(decision_t.join(statement_t, decision_t.c.statement_id == statement_t.c.id))
        .where(done)
        .group_by(sa.literal_column("1"), *decision_cols),
    }
    for kind, query in queries.items():
        for row in connection.execute(query):
            key = tuple(item.value if hasattr(item, "value") else item for item in row[1:-1])
            counted[row[0]][kind][key] += row[-1]
    return counted


def _load(raw: str) -> dict[str, Counter]:
    data = json.loads(raw)
    # JSON has no tuples (and "scribed" must come back a bool, not 0/1): keys are rebuilt as they were.
    return {kind: Counter({tuple(item[:-1]): item[-1] for item in data.get(kind, [])}) for kind in KINDS}


def _dump(counts: dict[str, Counter]) -> str:
    return json.dumps({kind: sorted(([*key, value] for key, value in counts[kind].items()), key=json.dumps) for kind in KINDS})


def gather_heavy(connection: Connection, window: Window, periods: tuple[Counts, Counts], *, now: datetime | None = None) -> bool:
    """Add the window's answer, choice and decision counts to both periods; True if it stored months."""
    now = now or datetime.now(UTC)
    cut = segments(window, now=now)
    prints = fingerprints(connection, cut)
    keep = [segment.month for segment in cut if segment.month]
    stored = {row.month: row for row in connection.execute(sa.select(month_t).where(month_t.c.month.in_(keep)))} if keep else {}
    counted: dict[int, dict[str, Counter]] = {}
    for index, segment in enumerate(cut):
        row = stored.get(segment.month) if segment.month else None
        if row is not None and row.fingerprint == prints[index][0]:
            counted[index] = _load(row.counts)
    stale = [index for index in range(len(cut)) if index not in counted]
    if stale:
        counted.update(_live(connection, cut, stale))
    for index, counts in counted.items():
        target = periods[cut[index].bucket]
        target.statements.update(counts["statements"])
        target.answers.update(counts["answers"])
        target.choices.update(counts["choices"])
        target.decisions.update(counts["decisions"])
    worth = [i for i in stale if cut[i].month and (prints[i][1] is None or prints[i][1] < now - SETTLE)]
    if not worth:
        return False
    _store(connection, {cut[i].month: (prints[i][0], counted[i]) for i in worth})
    return True


def _store(connection: Connection, months: dict[date, tuple[str, dict[str, Counter]]]) -> None:
    """Keep these months; a clash with another report doing the same is harmless and ignored."""
    try:
        with connection.begin_nested():
            connection.execute(month_t.delete().where(month_t.c.month.in_(list(months))))
            connection.execute(
                month_t.insert(),
                [{"month": month, "fingerprint": fp, "counts": _dump(counts), "computed_at": utcnow()} for month, (fp, counts) in months.items()],
            )
    except sa.exc.DBAPIError:
        return


def forget(connection: Connection) -> int:
    """Drop every kept month (after bulk changes made without the ORM); returns how many."""
    return connection.execute(month_t.delete()).rowcount or 0


def touch_statements(session: Session, _context, _instances) -> None:
    """Before a flush: a completed statement whose answers, choices or decisions change gets a new updated_at."""
    statement_ids: set[int] = set()
    answer_ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Statement) and obj.id and obj in session.dirty and _counted_change(obj):
            statement_ids.add(obj.id)
        elif isinstance(obj, Answer | MenuDecision) and obj.statement_id:
            statement_ids.add(obj.statement_id)
        elif isinstance(obj, AnswerChoice) and obj.answer_id:
            answer_ids.add(obj.answer_id)
    if not statement_ids and not answer_ids:
        return
    with session.no_autoflush:
        if answer_ids:
            statement_ids |= set(session.execute(sa.select(answer_t.c.statement_id).where(answer_t.c.id.in_(answer_ids))).scalars())
        stamp = utcnow()
        session.execute(
            statement_t.update().where(statement_t.c.id.in_(statement_ids), statement_t.c.end_reason.is_not(None)).values(updated_at=stamp)
        )
        for obj in session.identity_map.values():
            if isinstance(obj, Statement) and obj.id in statement_ids and obj.end_reason is not None:
                obj.updated_at = stamp


COUNTED_COLUMNS = ("end_reason", "ended_at", "version", "scribed", "language", "sharing")


def _counted_change(statement: Statement) -> bool:
    state = sa.inspect(statement)
    return any(state.attrs[name].history.has_changes() for name in COUNTED_COLUMNS) and not state.attrs["updated_at"].history.has_changes()


def install() -> None:
    """Listen on every ORM session (once)."""
    if not event.contains(Session, "before_flush", touch_statements):
        event.listen(Session, "before_flush", touch_statements)

