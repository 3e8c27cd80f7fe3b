"""Single-use recovery codes: shown once, kept only as hashes, each accepted once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from voice_app.models import RecoveryCode

HOW_MANY = 10
# No 0/o, 1/l/i: easy to read off paper. 16 letters from 32 are 80 random bits, so a plain SHA-256
# is enough to keep (a slow hash like Argon2 protects guessable secrets; these cannot be guessed).
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 16


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def code_hash(code: str) -> str:
    """How a recovery code is stored and looked up."""
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def replace_codes(db: Session, *, user_id: int, now: datetime) -> list[str]:
    """Throw away this person's codes and make a new set; the plain codes are returned once, to show; not committed."""
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = [_new_code() for _ in range(HOW_MANY)]
    db.add_all([RecoveryCode(user_id=user_id, code_hash=code_hash(code), created_at=now) for code in codes])
    return codes


def use_code(db: Session, *, user_id: int, code: str, now: datetime) -> bool:
    """Spend one of this person's unused codes; True if it was one (two requests racing cannot both spend it)."""
    if len(_normalise(code)) != LENGTH:
        return False
    result = db.execute(
        update(RecoveryCode)
        .where(col(RecoveryCode.user_id) == user_id, col(RecoveryCode.code_hash) == code_hash(code), col(RecoveryCode.used_at).is_(None))
        .values(used_at=now)
    )
    return bool(result.rowcount)


def codes_left(db: Session, *, user_id: int) -> int:
    """How many unused recovery codes this person has."""
    return db.exec(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))).one()


def forget_codes(db: Session, *, user_id: int) -> None:
    """Remove every recovery code of this person; not committed."""
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
