"""Growing waits after failed sign-ins, per email address and per network address, instead of a lock.

An email address is throttled whether or not it has an account, so a wait says nothing about who works here;
and a wait grows from seconds, so nobody can shut a colleague out for long with a handful of requests.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete
from sqlmodel import Session, select

from voice_app.db import insert_with_conflicts
from voice_app.models import SignInThrottle

FORGET_AFTER = timedelta(hours=1)  # failures this long ago no longer count
FIRST_WAIT = timedelta(seconds=10)
ADDRESS_FREE_FAILURES = 20  # an office shares one address: it gets more tries before waits begin


@dataclass(frozen=True)
class Limits:
    """Free failures for one email address before waits begin, and the longest wait."""

    free_failures: int
    longest_wait: timedelta


def throttle_key(secret: str, kind: str, value: str) -> str:
    """A keyed hash of "email:..." or "address:...": the table holds no addresses, and none can be guessed offline."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def wait_after(failures: int, *, free: int, longest: timedelta) -> timedelta:
    """How long to wait after this many failures in a row: none at first, then 10 s doubling up to `longest`."""
    if failures < free:
        return timedelta(0)
    return min(longest, FIRST_WAIT * 2 ** min(failures - free, 20))


def wait_for(db: Session, *, keys: dict[str, int], longest: timedelta, now: datetime) -> timedelta:
    """The longest wait still owed by any of these keys (key -> its free failures)."""
    rows = db.exec(select(SignInThrottle).where(SignInThrottle.key.in_(list(keys)))).all()  # type: ignore[attr-defined]
    owed = timedelta(0)
    for row in rows:
        if now - row.last_failure_at >= FORGET_AFTER:
            continue
        ends = row.last_failure_at + wait_after(row.failures, free=keys[row.key], longest=longest)
        owed = max(owed, ends - now)
    return owed


def record_failure(db: Session, *, keys: list[str], now: datetime) -> None:
    """Count one more failure against each key (starting again from one after FORGET_AFTER); not committed."""
    table = SignInThrottle.__table__
    dialect = db.get_bind().dialect.name
    for key in keys:
        insert = insert_with_conflicts(table, dialect).values(key=key, failures=1, last_failure_at=now)
        fresh = table.c.last_failure_at < now - FORGET_AFTER
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"failures": case((fresh, 1), else_=table.c.failures + 1), "last_failure_at": now},
            )
        )


def forget(db: Session, *, keys: list[str]) -> None:
    """Clear these keys' failures (a right password, or an admin's help); not committed."""
    db.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))  # type: ignore[attr-defined]
