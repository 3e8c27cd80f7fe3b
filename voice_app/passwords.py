"""Argon2id password hashing, with parameters that can be lowered only for tests."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
MIN_PASSWORD_LENGTH = 12


def use_fast_hashing_for_tests() -> None:
    """Cheaper Argon2id so the suite stays quick; never called by the app itself."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if the password matches the stored hash."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH: str | None = None


def burn_time_for_unknown_user(password: str) -> None:
    """Spend the same effort as a real check so timing does not reveal which emails exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")
    verify_password(_DUMMY_HASH, password)


def password_problem(password: str) -> str | None:
    """A plain-words reason the password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.lower() in {"password1234", "123456789012", "qwertyuiopas"}:
        return "That password is too easy to guess."
    return None
