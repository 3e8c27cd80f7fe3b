"""The one throttle behind both secrets of a sign-in: passwords and second-factor codes (voice_app/auth/throttle.py).

The same rule, run once for each kind: waits per (account, address) and per address, never for the owner elsewhere;
past ACCOUNT_BOUND failures from all addresses, only the addresses the account completed the step from are checked.
The kinds keep their own accounts apart but share the count of an address. Each test moves its own clock (`now=`).
The sign-in pages' own behaviour is in tests/test_sign_in_throttle.py and tests/test_mfa.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from voice_app.auth.throttle import (
    ACCOUNT_BOUND,
    ACCOUNT_MEMORY,
    ADDRESS_FREE_FAILURES,
    FORGET_AFTER,
    PASSWORDS,
    SECOND_FACTOR_CODES,
    Limits,
    Throttle,
    throttle_key,
)
from voice_app.models import utcnow

LIMITS = Limits(free_failures=5, longest_wait=timedelta(minutes=15))
SECRET = "a secret of the server"
OFFICE, HOME, ELSEWHERE = "198.51.100.7", "198.51.100.8", "203.0.113.9"
KINDS = pytest.mark.parametrize("kind", [PASSWORDS, SECOND_FACTOR_CODES], ids=["passwords", "second-factor-codes"])


def tries(db, kind: Throttle, who: str):
    """try_(address, right, at) -> the wait that was owed (the try is counted only when it was checked)."""

    def try_(address: str, *, right: bool, at):
        attempt = kind.begin(db, who=who, address=address, secret=SECRET, limits=LIMITS, now=at)
        if attempt.wait <= timedelta(0):
            (kind.succeeded if right else kind.failed)(db, attempt, now=at)
            db.commit()
        return attempt.wait

    return try_


@KINDS
def test_wrong_tries_make_only_the_address_sending_them_wait(db, kind):
    try_, now = tries(db, kind, "someone"), utcnow()
    for n in range(LIMITS.free_failures):
        assert try_(ELSEWHERE, right=False, at=now + timedelta(seconds=n)) == timedelta(0)
    owed = try_(ELSEWHERE, right=False, at=now + timedelta(seconds=5))
    assert timedelta(seconds=5) < owed <= timedelta(seconds=10)  # the first wait, from the last failure
    assert try_(OFFICE, right=True, at=now + timedelta(seconds=5)) == timedelta(0)  # the owner elsewhere is not held
    # Waits double from one failure to the next, and an hour after the last failure it no longer counts.
    assert try_(ELSEWHERE, right=False, at=now + timedelta(seconds=20)) == timedelta(0)
    assert timedelta(seconds=10) < try_(ELSEWHERE, right=False, at=now + timedelta(seconds=21)) <= timedelta(seconds=20)
    assert try_(ELSEWHERE, right=False, at=now + timedelta(seconds=21) + FORGET_AFTER) == timedelta(0)


@KINDS
def test_one_address_trying_many_accounts_waits_after_its_own_free_failures(db, kind):
    now = utcnow()
    for n in range(ADDRESS_FREE_FAILURES):  # each account fails once: no (account, address) pair ever waits
        assert tries(db, kind, f"account {n}")(ELSEWHERE, right=False, at=now + timedelta(seconds=n)) == timedelta(0)
    assert tries(db, kind, "one more")(ELSEWHERE, right=True, at=now + timedelta(seconds=ADDRESS_FREE_FAILURES)) > timedelta(0)
    assert tries(db, kind, "one more")(OFFICE, right=True, at=now + timedelta(seconds=ADDRESS_FREE_FAILURES)) == timedelta(0)


@KINDS
def test_past_the_account_bound_only_the_owners_addresses_are_checked(db, kind):
    try_, now = tries(db, kind, "someone"), utcnow()
    assert try_(OFFICE, right=True, at=now) == timedelta(0)  # the owner completes the step at the office once
    for n in range(ACCOUNT_BOUND):  # one wrong try from each of many addresses: no address ever waits
        assert try_(f"10.0.{n // 256}.{n % 256}", right=False, at=now + timedelta(seconds=n)) == timedelta(0)
    later = now + timedelta(seconds=ACCOUNT_BOUND)
    stranger = try_(ELSEWHERE, right=True, at=later)  # not checked at all, even when right; told how long to wait
    assert ACCOUNT_MEMORY - timedelta(seconds=1) <= stranger <= ACCOUNT_MEMORY
    assert try_(HOME, right=True, at=later) == stranger  # an address never completed from counts as a stranger's
    assert try_(OFFICE, right=True, at=later) == timedelta(0)  # the office is checked, and a right try starts again
    assert try_(ELSEWHERE, right=True, at=later) == timedelta(0)


@KINDS
def test_failed_counts_the_accounts_failures_from_every_address(db, kind):
    now = utcnow()
    counts = []
    for n in range(3):
        attempt = kind.begin(db, who="someone", address=f"10.0.0.{n}", secret=SECRET, limits=LIMITS, now=now)
        counts.append(kind.failed(db, attempt, now=now))
    later = now + ACCOUNT_MEMORY + timedelta(seconds=1)
    attempt = kind.begin(db, who="someone", address=OFFICE, secret=SECRET, limits=LIMITS, now=later)
    assert counts + [kind.failed(db, attempt, now=later)] == [1, 2, 3, 1]  # forgotten a day after the last one


def test_the_kinds_keep_their_accounts_apart_but_share_an_address(db):
    now = utcnow()
    for n in range(ACCOUNT_BOUND):
        tries(db, PASSWORDS, "someone@example.org")(f"10.0.{n // 256}.{n % 256}", right=False, at=now + timedelta(seconds=n))
    later = now + timedelta(seconds=ACCOUNT_BOUND)
    assert tries(db, PASSWORDS, "someone@example.org")(ELSEWHERE, right=True, at=later) > timedelta(0)
    assert tries(db, SECOND_FACTOR_CODES, "someone@example.org")(ELSEWHERE, right=True, at=later) == timedelta(0)
    # An address guessing passwords and codes is slowed by both together.
    for n in range(ADDRESS_FREE_FAILURES // 2):
        tries(db, PASSWORDS, f"password {n}")(HOME, right=False, at=later + timedelta(seconds=2 * n))
        tries(db, SECOND_FACTOR_CODES, f"{n}")(HOME, right=False, at=later + timedelta(seconds=2 * n + 1))
    assert tries(db, SECOND_FACTOR_CODES, "another")(HOME, right=True, at=later + timedelta(seconds=ADDRESS_FREE_FAILURES)) > timedelta(0)


def test_the_keys_are_those_already_stored(db):
    """Counts and the owners' addresses kept before both kinds shared one throttle still count (a rename would forget them)."""
    stored = [(PASSWORDS, "a@example.org", "email", "email-address", "signed-in-from"), (SECOND_FACTOR_CODES, "7", "second-factor", "second-factor-address", "second-factor-from")]
    for kind, who, account, pair, known in stored:
        attempt = kind.begin(db, who=who, address=OFFICE, secret=SECRET, limits=LIMITS, now=utcnow())
        assert attempt.account == kind.account_key(SECRET, who) == throttle_key(SECRET, account, who)
        assert attempt.counted == {
            throttle_key(SECRET, pair, f"{who}|{OFFICE}"): LIMITS.free_failures,
            throttle_key(SECRET, "address", OFFICE): ADDRESS_FREE_FAILURES,
        }
        assert attempt.known == throttle_key(SECRET, known, f"{who}|{OFFICE}")
