"""Time-based one-time codes (RFC 6238) with pyotp: new secrets, the authenticator's set-up link, checking a code."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
from pyotp.exceptions import OTPVerificationError

DIGITS = 6
PERIOD = 30  # seconds: what every authenticator app assumes
# One step either side of now: a phone clock up to about 30 seconds out, or a code typed as it changed, still works.
DRIFT_STEPS = 1
_CODE = re.compile(rf"\d{{{DIGITS}}}")


def new_secret() -> str:
    """A fresh random secret (160 bits, base32, as RFC 4226 recommends)."""
    return pyotp.random_base32(length=32)


def setup_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).provisioning_uri(name=account, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(code: str | None) -> str:
    """A code as typed, without the spaces or dashes people put in it."""
    return re.sub(r"[\s-]", "", code or "")


def matching_step(secret: str, code: str | None, *, now: datetime, after: int | None = None) -> int | None:
    """The time step a code belongs to (within the drift window), or None; a step not after `after` never matches."""
    code = clean_code(code)
    if not _CODE.fullmatch(code):
        return None
    try:
        step = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).verify_and_get_timecode(code, for_time=now, valid_window=DRIFT_STEPS)
    except OTPVerificationError:
        return None
    if after is not None and step <= after:
        return None  # used already (or older than one that was): a code works once
    return step
