"""Growing waits after failed sign-ins, per (email, network address) pair and per network address, instead of a lock.

Wrong passwords make the address that sent them wait, never the account's owner elsewhere: nobody who knows a
colleague's email can keep them out. Across all addresses, an account's failures are counted too; only past
ACCOUNT_BOUND of them (docs/security.md) does a password stop being enough from an address the account has never
signed in from. Every email is counted whether or not it has an account, so nothing says who works here.
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
# One account, from every address together (NIST SP 800-63B 5.2.2: at most 100 consecutive failures, then a stronger step).
ACCOUNT_BOUND = 100
ACCOUNT_MEMORY = timedelta(hours=24)  # an account's failures are forgotten a day after the last one, or at a right password
KNOWN_ADDRESS_FOR = timedelta(days=90)  # an address the account signed in from counts as the owner's for this long
ALERT_AFTER = 10  # the owner is emailed once when a burst of failures reaches this many


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


def record_failure(db: Session, *, keys: list[str], now: datetime, remember: timedelta = FORGET_AFTER) -> None:
    """Count one more failure against each key (starting again from one after `remember`); not committed."""
    table = SignInThrottle.__table__
    dialect = db.get_bind().dialect.name
    for key in keys:
        insert = insert_with_conflicts(table, dialect).values(key=key, failures=1, last_failure_at=now)
        fresh = table.c.last_failure_at < now - remember
        db.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"failures": case((fresh, 1), else_=table.c.failures + 1), "last_failure_at": now},
            )
        )


def forget(db: Session, *, keys: list[str]) -> None:
    """Clear these keys' failures (a right password, or an admin's help); not committed."""
    db.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))  # type: ignore[attr-defined]


def _row(db: Session, key: str):
    """(failures, last_failure_at) for a key, read from the table itself (never a stale object in the session)."""
    table = SignInThrottle.__table__
    return db.execute(select(table.c.failures, table.c.last_failure_at).where(table.c.key == key)).first()


def failures_of(db: Session, key: str, *, remember: timedelta, now: datetime) -> int:
    """How many failures this key has counted, or 0 when the last one is older than `remember`."""
    row = _row(db, key)
    if row is None or now - row.last_failure_at >= remember:
        return 0
    return row.failures


def account_limited_until(db: Session, key: str, *, now: datetime) -> datetime | None:
    """When an account past ACCOUNT_BOUND failures stops being limited (its memory ends), or None when it is not."""
    row = _row(db, key)
    if row is None or row.failures < ACCOUNT_BOUND or now - row.last_failure_at >= ACCOUNT_MEMORY:
        return None
    return row.last_failure_at + ACCOUNT_MEMORY


def remember_address(db: Session, *, key: str, now: datetime) -> None:
    """Note that the account signed in from this address (a keyed hash of both; the time is of the sign-in); not committed."""
    table = SignInThrottle.__table__
    insert = insert_with_conflicts(table, db.get_bind().dialect.name).values(key=key, failures=0, last_failure_at=now)
    db.execute(insert.on_conflict_do_update(index_elements=[table.c.key], set_={"failures": 0, "last_failure_at": now}))


def is_known_address(db: Session, *, key: str, now: datetime) -> bool:
    """Whether the account signed in from this address within KNOWN_ADDRESS_FOR."""
    row = _row(db, key)
    return row is not None and now - row.last_failure_at < KNOWN_ADDRESS_FOR
