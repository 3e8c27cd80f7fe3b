"""Field encryption at rest: AES-256-GCM from `cryptography`, a key id for rotation, the column as associated data.

A stored value reads `enc1:<key id>:<base64(nonce + ciphertext + tag)>`. The associated data is
the column's "table.column", so a value copied into another column (or another table) is refused
rather than shown in the wrong place. NULL and the empty string are stored as they are: emptiness
is not personal data, and "has the IRO written notes?" stays a plain SQL question.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1"
_MARK = PREFIX + ":"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
# Public (it is in this file and the docs) so the demo and the tests run without set-up;
# production refuses to start with it (config.Settings.check).
DEV_ENCRYPTION_KEYS = "demo:dm9pY2UtYXBwLWRlbW8ta2V5LW5vdC1mb3ItcHJvZCE"


class EncryptionKeyError(RuntimeError):
    """A key that is missing, malformed or wrong: the message says which and what to do."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key(key_id: str) -> str:
    """A fresh random key in the form VOICE_APP_ENCRYPTION_KEYS takes: `id:base64url`."""
    if not _KEY_ID.fullmatch(key_id):
        raise EncryptionKeyError("A key id is 1 to 16 letters, digits, '-' or '_'.")
    return f"{key_id}:{base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode().rstrip('=')}"


@dataclass(frozen=True)
class Keyring:
    """The keys that can decrypt, and the one (the first listed) that encrypts."""

    current_id: str
    keys: dict[str, bytes]
    # One AESGCM per key, made once: building it costs as much as decrypting a short value.
    ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.ciphers.update({key_id: AESGCM(key) for key_id, key in self.keys.items()})

    @classmethod
    def parse(cls, raw: str) -> Keyring:
        """Read `id:base64url,id:base64url` (the first encrypts; all decrypt)."""
        keys: dict[str, bytes] = {}
        for part in [p.strip() for p in raw.split(",") if p.strip()]:
            key_id, sep, encoded = part.partition(":")
            if not sep or not _KEY_ID.fullmatch(key_id):
                raise EncryptionKeyError("VOICE_APP_ENCRYPTION_KEYS is a comma-separated list of id:key (ids: letters, digits, '-', '_').")
            try:
                key = _b64decode(encoded)
            except (binascii.Error, ValueError) as exc:
                raise EncryptionKeyError(f"Encryption key {key_id!r} is not base64url.") from exc
            if len(key) != KEY_BYTES:
                raise EncryptionKeyError(f"Encryption key {key_id!r} must be 32 bytes (make one with: voice-app keys new).")
            if key_id in keys:
                raise EncryptionKeyError(f"Encryption key id {key_id!r} is listed twice.")
            keys[key_id] = key
        if not keys:
            raise EncryptionKeyError("VOICE_APP_ENCRYPTION_KEYS holds no key.")
        return cls(next(iter(keys)), keys)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """The stored form of `plaintext` for the column `context` ("table.column"), under the current key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.current_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{_MARK}{self.current_id}:{binascii.b2a_base64(nonce + sealed, newline=False).decode()}"

    def decrypt(self, stored: str, *, context: str) -> str:
        """The plaintext of a stored value; a clear error if its key is missing or wrong."""
        key_id = key_id_of(stored)
        if key_id is None:
            raise EncryptionKeyError(f"A value in {context} is not in the encrypted format.")
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise EncryptionKeyError(
                f"A value in {context} was encrypted with key {key_id!r}, which is not in VOICE_APP_ENCRYPTION_KEYS "
                f"(it has: {', '.join(self.keys)}). Add that key (after the current one) and start again."
            )
        try:
            blob = binascii.a2b_base64(stored[len(_MARK) + len(key_id) + 1 :], strict_mode=True)
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise EncryptionKeyError(
                f"A value in {context} cannot be decrypted with key {key_id!r}: the key is wrong "
                "(VOICE_APP_ENCRYPTION_KEYS is not the one the data was encrypted with), or the value was altered."
            ) from exc

    def needs_rotation(self, stored: str | None) -> bool:
        """True for a non-empty value that is plaintext or under a key other than the current one."""
        return bool(stored) and key_id_of(stored) != self.current_id


def key_id_of(stored: str) -> str | None:
    """The key id of an encrypted value, or None for plaintext."""
    if not stored.startswith(_MARK):
        return None
    end = stored.find(":", len(_MARK))
    return stored[len(_MARK) : end] if end > len(_MARK) else None


_installed: Keyring | None = None


def install(keys: Keyring) -> None:
    """Use these keys for every encrypted column in this process (the app factory calls this)."""
    global _installed
    _installed = keys


def service_keys(spec: str, *, production: bool) -> Keyring:
    """The keys a service names ("" = the public demo key); production refuses none and the demo key."""
    if production and not spec:
        raise EncryptionKeyError(
            "Refusing to start in production without VOICE_APP_ENCRYPTION_KEYS (the children's words are encrypted "
            "with it). Make a key with: voice-app keys new --id k1   and keep it apart from the database and its backups."
        )
    keys = Keyring.parse(spec or DEV_ENCRYPTION_KEYS)
    if production and set(keys.keys.values()) & set(Keyring.parse(DEV_ENCRYPTION_KEYS).keys.values()):
        raise EncryptionKeyError("Refusing to start in production with the public demo encryption key in VOICE_APP_ENCRYPTION_KEYS.")
    return keys


def keyring() -> Keyring:
    """The installed keys, else those of the environment (command line, migrations, scripts).

    Read here as voice_app.config.Settings reads them (VOICE_APP_ENCRYPTION_KEYS, VOICE_APP_ENV), so
    this foundation module needs nothing above it."""
    if _installed is None:
        environment = (os.environ.get("VOICE_APP_ENV") or "demo").strip().lower()
        install(service_keys((os.environ.get("VOICE_APP_ENCRYPTION_KEYS") or "").strip(), production=environment == "production"))
    assert _installed is not None
    return _installed


class EncryptedText(TypeDecorator):
    """A TEXT column whose non-empty values are encrypted with AES-GCM; `context` is its "table.column"."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value, dialect):
        if not value:
            return value
        return keyring().encrypt(value, context=self.context)

    def process_result_value(self, value, dialect):
        # Plaintext (a row written before the encrypting migration, or by hand) is read as it is;
        # `voice-app keys rotate` encrypts any such row it finds.
        if not value or not value.startswith(_MARK):
            return value
        return keyring().decrypt(value, context=self.context)

    def copy(self, **kw):
        return EncryptedText(self.context)


class EncryptedBytes(EncryptedText):
    """Binary values (a child's photo) stored as EncryptedText of their base64: the same keys, key ids,
    rotation (`voice-app keys rotate` finds it as an EncryptedText) and column-bound associated data."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        if not value:
            return None
        return super().process_bind_param(base64.b64encode(value).decode("ascii"), dialect)

    def process_result_value(self, value, dialect):
        text = super().process_result_value(value, dialect)
        return base64.b64decode(text) if text else None

    def copy(self, **kw):
        return EncryptedBytes(self.context)


def encrypted_columns(metadata: sa.MetaData) -> list[sa.Column]:
    """Every column of the metadata stored with EncryptedText, in a stable order."""
    return [
        column
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


REWRITE_BATCH = 500


def rewrite_column(connection: sa.Connection, table: str, column: str, change) -> int:
    """Pass every non-empty stored value of one column through `change` (raw text in, raw text or None
    for "leave it" out), a page of rows at a time by id; returns how many rows were rewritten."""
    t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    value = t.c[column]
    update = sa.update(t).where(t.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("new_value")})
    last, rewritten = 0, 0
    while True:
        page = connection.execute(
            sa.select(t.c.id, value).where(t.c.id > last, value.is_not(None), value != "").order_by(t.c.id).limit(REWRITE_BATCH)
        ).all()
        if not page:
            return rewritten
        changes = [{"row_id": row_id, "new_value": new} for row_id, old in page if (new := change(old)) is not None]
        if changes:
            connection.execute(update, changes)
            rewritten += len(changes)
        last = page[-1][0]


def encrypting(keys: Keyring, context: str):
    """A `rewrite_column` change that (re-)encrypts under the current key whatever is not under it already."""

    def change(stored: str) -> str | None:
        if not keys.needs_rotation(stored):
            return None
        plaintext = stored if key_id_of(stored) is None else keys.decrypt(stored, context=context)
        return keys.encrypt(plaintext, context=context)

    return change


def decrypting(keys: Keyring, context: str):
    """A `rewrite_column` change that puts encrypted values back in plaintext (downgrading the schema)."""
    return lambda stored: None if key_id_of(stored) is None else keys.decrypt(stored, context=context)
