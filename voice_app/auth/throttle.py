"""Growing waits after failed tries, per (account, network address) pair and per network address, instead of a lock.

One rule for both secrets a person gives at sign-in, each a `Throttle` of its own keys: PASSWORDS (per email) and
SECOND_FACTOR_CODES (per account). Wrong tries make the address that sent them wait, never the account's owner
elsewhere: nobody who knows a colleague's email (or password) can keep them out. Across all addresses, an account's
failures are counted too; only past ACCOUNT_BOUND of them (docs/security.md) does a right password or code stop being
enough from an address the account has never completed that step from. Every email is counted whether or not it has
an account, so nothing says who works here. The per-address count is one for both kinds: an address guessing
passwords and codes is slowed by both together.
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


@dataclass(frozen=True)
class Try:
    """One try at a secret: the keys it counts against, and the wait owed before it may be checked."""

    counted: dict[str, int]  # this account from this address, and this address -> its free failures
    account: str  # this account's failures from every address together
    known: str  # marks that this account completed the step from this address
    wait: timedelta


@dataclass(frozen=True)
class Throttle:
    """One kind of secret tried at sign-in, named by the kinds of its keys (each key is a keyed hash, `throttle_key`)."""

    account_kind: str
    pair_kind: str
    known_kind: str

    def account_key(self, secret: str, who: str) -> str:
        """The key of one account's failures from all addresses together (an admin's help clears it)."""
        return throttle_key(secret, self.account_kind, who)

    def begin(self, db: Session, *, who: str, address: str, secret: str, limits: Limits, now: datetime) -> Try:
        """The keys a try by `who` from `address` counts against, and the wait owed before it may be checked.

        Waits grow per (account, address) and per address; past ACCOUNT_BOUND failures of the account from all
        addresses together, a try is checked only from an address the account completed this step from before,
        and anywhere else waits until the account's count is forgotten.
        """
        counted = {
            throttle_key(secret, self.pair_kind, f"{who}|{address}"): limits.free_failures,
            throttle_key(secret, "address", address): ADDRESS_FREE_FAILURES,
        }
        account, known = self.account_key(secret, who), throttle_key(secret, self.known_kind, f"{who}|{address}")
        wait = wait_for(db, keys=counted, longest=limits.longest_wait, now=now)
        limited_until = account_limited_until(db, account, now=now)
        if wait <= timedelta(0) and limited_until is not None and not is_known_address(db, key=known, now=now):
            wait = limited_until - now
        return Try(counted=counted, account=account, known=known, wait=wait)

    def failed(self, db: Session, attempt: Try, *, now: datetime) -> int:
        """Count a wrong try against its pair, its address and its account: the account's failures now; not committed."""
        record_failure(db, keys=list(attempt.counted), now=now)
        record_failure(db, keys=[attempt.account], now=now, remember=ACCOUNT_MEMORY)
        return failures_of(db, attempt.account, remember=ACCOUNT_MEMORY, now=now)

    def succeeded(self, db: Session, attempt: Try, *, now: datetime) -> None:
        """A right try: its pair and account start again, and its address is the owner's from now on; not committed.

        The address's own count stays: a right secret for one account says nothing about the other accounts tried from it.
        """
        forget(db, keys=[next(iter(attempt.counted)), attempt.account])
        remember_address(db, key=attempt.known, now=now)


# The two secrets of a sign-in. Their keys' kinds are stored (hashed) in the table: renaming one forgets every count.
PASSWORDS = Throttle(account_kind="email", pair_kind="email-address", known_kind="signed-in-from")  # who: the email
SECOND_FACTOR_CODES = Throttle(account_kind="second-factor", pair_kind="second-factor-address", known_kind="second-factor-from")  # who: the user's id
