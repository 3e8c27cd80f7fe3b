"""Joining a phone with a one-time code, its device credential, the child's secret, and how a phone ends."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from voice_app.models import AuditEvent, Child, PhoneDevice, PhoneEnd, PhonePairing, SecretKind, StaffUser, utcnow
from voice_app.passwords import hash_password, verify_password

# No 0/O, 1/I/L: read aloud from a tablet and typed on a phone by a child.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CREDENTIAL_BYTES = 32
# The pictures a child may choose from, three in order (their ids are symbol names in static/icons).
PICTURES = ("football", "video-game", "music", "swimming", "reading", "pet", "bicycle", "tv", "friends")
SECRET_LENGTH_PICTURES = 3
PIN_PATTERN = re.compile(r"[0-9]{4,8}")
FAILURES_BEFORE_LOCK = 5  # then the secret waits: 15 minutes, doubling with each further lock, a day at most
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def audit(db: Session, *, action: str, child_id: int, staff_id: int | None = None, detail: str = "") -> None:
    """One line on the child's audit trail (no words of the child, only what happened and to which ids)."""
    db.add(AuditEvent(staff_id=staff_id, action=action, child_id=child_id, detail=detail[:255]))


# ----- the one-time joining code -----------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """The code as typed (lower case, spaces, dashes) in its stored form."""
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())[: CODE_LENGTH * 2]


def show_code(code: str) -> str:
    """ABCD-EFGH: easier to read out and to type."""
    return f"{code[:4]}-{code[4:]}"


def start_pairing(db: Session, *, child: Child, user: StaffUser, minutes: int, now: datetime | None = None) -> tuple[PhonePairing, str]:
    """A new joining code for this child's phone (any earlier unused one stops working)."""
    now = now or utcnow()
    db.execute(
        sa.update(PhonePairing)
        .where(col(PhonePairing.child_id) == child.id, col(PhonePairing.used_at).is_(None), col(PhonePairing.expires_at) > now)
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    pairing = PhonePairing(child_id=child.id, created_by_id=user.id, code_hash=_sha256(code), created_at=now, expires_at=now + timedelta(minutes=minutes))
    db.add(pairing)
    db.flush()
    audit(db, action="phone.code_shown", child_id=child.id, staff_id=user.id, detail=f"pairing={pairing.id}")
    db.commit()
    return pairing, code


def join_with_code(db: Session, *, code: str, language: str | None, now: datetime | None = None) -> tuple[PhoneDevice, str] | None:
    """Use a joining code (once, while it is valid): the new phone and its raw credential, or None."""
    now = now or utcnow()
    wanted = normalise_code(code)
    if len(wanted) != CODE_LENGTH:
        return None
    pairing = db.exec(select(PhonePairing).where(PhonePairing.code_hash == _sha256(wanted))).first()
    if pairing is None:
        return None
    # Claimed in one statement, so two phones racing with the same code cannot both join.
    claimed = db.execute(
        sa.update(PhonePairing)
        .where(col(PhonePairing.id) == pairing.id, col(PhonePairing.used_at).is_(None), col(PhonePairing.expires_at) > now)
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        db.rollback()
        return None
    credential = secrets.token_urlsafe(CREDENTIAL_BYTES)
    # The language the QR code carried, else the one the child record gives.
    language = language or db.get(Child, pairing.child_id).preferred_language
    device = PhoneDevice(child_id=pairing.child_id, created_by_id=pairing.created_by_id, credential_hash=_sha256(credential), language=language, created_at=now, last_used_at=now)
    db.add(device)
    db.flush()
    pairing.device_id = device.id
    db.add(pairing)
    audit(db, action="phone.joined", child_id=device.child_id, detail=f"device={device.id};pairing={pairing.id}")
    db.commit()
    return device, f"{device.id}.{credential}"


def pairing_for(db: Session, *, pairing_id: int, child_id: int) -> PhonePairing | None:
    pairing = db.get(PhonePairing, pairing_id)
    return pairing if pairing is not None and pairing.child_id == child_id else None


# ----- the device credential (a cookie) ---------------------------------------------------------


def device_for_credential(db: Session, raw: str | None) -> PhoneDevice | None:
    """The live phone this cookie belongs to, or None (unknown, forged, or ended)."""
    if not raw or "." not in raw or len(raw) > 120:
        return None
    device_id, _, credential = raw.partition(".")
    if not device_id.isdigit() or len(device_id) > 12:
        return None
    device = db.get(PhoneDevice, int(device_id))
    if device is None or not hmac.compare_digest(device.credential_hash, _sha256(credential)):
        return None
    return device


def end_reason_now(db: Session, *, device: PhoneDevice, unused_days: int, now: datetime | None = None) -> PhoneEnd | None:
    """Why this phone should end by itself now, if it should: the child left care / the plan ended, or long unused."""
    now = now or utcnow()
    child = db.get(Child, device.child_id)
    if child is None or not child.active or not (child.cared_for or child.on_cp_plan):
        return PhoneEnd.LEFT_CARE
    if device.last_used_at + timedelta(days=unused_days) < now:
        return PhoneEnd.UNUSED
    return None


def end_device(db: Session, *, device: PhoneDevice, reason: PhoneEnd, by: StaffUser | None = None, now: datetime | None = None) -> bool:
    """End a phone for good: its credential reaches nothing any more. False if it had already ended."""
    ended = db.execute(
        sa.update(PhoneDevice)
        .where(col(PhoneDevice.id) == device.id, col(PhoneDevice.ended_at).is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason.value, ended_by_id=by.id if by else None)
    ).rowcount
    if ended:
        audit(db, action=f"phone.ended.{reason.value}", child_id=device.child_id, staff_id=by.id if by else None, detail=f"device={device.id}")
    db.commit()
    db.refresh(device)
    return bool(ended)


def sweep_devices(db: Session, *, unused_days: int, now: datetime | None = None) -> int:
    """End every live phone that should have ended by itself (run daily; phones are also checked at each use)."""
    count = 0
    for device in db.exec(select(PhoneDevice).where(col(PhoneDevice.ended_at).is_(None))).all():
        reason = end_reason_now(db, device=device, unused_days=unused_days, now=now)
        if reason is not None and end_device(db, device=device, reason=reason, now=now):
            count += 1
    return count


def touch(db: Session, *, device: PhoneDevice, now: datetime | None = None) -> None:
    """The phone is in use (written at most once an hour)."""
    now = now or utcnow()
    if now - device.last_used_at >= timedelta(hours=1):
        device.last_used_at = now
        db.add(device)
        db.commit()


# ----- the child's secret ----------------------------------------------------------------------


class SecretProblem(ValueError):
    """A secret that cannot be used (wrong length, unknown pictures)."""


def secret_text(kind: SecretKind, value: str | list[str]) -> str:
    """The secret as hashed: three known pictures in order, or a PIN of 4 to 8 digits."""
    if kind == SecretKind.PICTURES:
        pictures = list(value) if not isinstance(value, str) else value.split("-")
        if len(pictures) != SECRET_LENGTH_PICTURES or any(p not in PICTURES for p in pictures):
            raise SecretProblem("pictures")
        return "-".join(pictures)
    if not isinstance(value, str) or not PIN_PATTERN.fullmatch(value):
        raise SecretProblem("pin")
    return value


def set_secret(db: Session, *, device: PhoneDevice, kind: SecretKind, value: str | list[str]) -> None:
    """Store the child's secret (Argon2 hash only)."""
    device.secret_kind = kind
    device.secret_hash = hash_password(secret_text(kind, value))
    device.secret_failures = 0
    device.locked_until = None
    db.add(device)
    audit(db, action="phone.secret_set", child_id=device.child_id, detail=f"device={device.id};kind={kind.value}")
    db.commit()


@dataclass(frozen=True)
class Unlock:
    ok: bool
    wait: timedelta = timedelta(0)


def lock_wait(device: PhoneDevice, *, now: datetime) -> timedelta:
    if device.locked_until is None or device.locked_until <= now:
        return timedelta(0)
    return device.locked_until - now


def try_unlock(db: Session, *, device: PhoneDevice, value: str | list[str], now: datetime | None = None) -> Unlock:
    """Check the child's secret; after repeated wrong tries the phone waits, longer each time. Every try is audited."""
    now = now or utcnow()
    db.refresh(device)
    wait = lock_wait(device, now=now)
    if wait:
        audit(db, action="phone.unlock", child_id=device.child_id, detail=f"device={device.id};refused-locked")
        db.commit()
        return Unlock(False, wait)
    try:
        ok = device.secret_hash is not None and verify_password(device.secret_hash, secret_text(device.secret_kind, value))
    except SecretProblem:
        ok = False
    if ok:
        device.secret_failures = 0
        device.locked_until = None
        db.add(device)
        audit(db, action="phone.unlock", child_id=device.child_id, detail=f"device={device.id};ok")
        db.commit()
        return Unlock(True)
    db.execute(sa.update(PhoneDevice).where(col(PhoneDevice.id) == device.id).values(secret_failures=PhoneDevice.secret_failures + 1))
    db.commit()
    db.refresh(device)
    if device.secret_failures % FAILURES_BEFORE_LOCK == 0:
        locks = device.secret_failures // FAILURES_BEFORE_LOCK
        device.locked_until = now + min(FIRST_LOCK * 2 ** min(locks - 1, 10), LONGEST_LOCK)
        db.add(device)
    audit(db, action="phone.unlock", child_id=device.child_id, detail=f"device={device.id};wrong;tries={device.secret_failures}")
    db.commit()
    return Unlock(False, lock_wait(device, now=now))


def live_devices(db: Session, *, child_id: int) -> list[PhoneDevice]:
    """The child's phones that still work, newest first."""
    return list(
        db.exec(
            select(PhoneDevice).where(PhoneDevice.child_id == child_id, col(PhoneDevice.ended_at).is_(None)).order_by(col(PhoneDevice.id).desc())
        ).all()
    )
