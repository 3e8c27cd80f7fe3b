"""The SQL side of saving answers: statements built once, races retried, SQLite writers queued."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from voice_app.db import insert_with_conflicts
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Statement

SAVE_ATTEMPTS = 5
T = TypeVar("T")


_SQLITE_WRITE_LOCKS: WeakKeyDictionary = WeakKeyDictionary()


def _write_lock(db: Session):
    """For SQLite, one writer at a time per process: threads queue here instead of in SQLite's
    busy handler, which sleeps in growing steps and made answers slow under many tablets."""
    bind = db.get_bind()
    if bind.dialect.name != "sqlite":
        return nullcontext()
    engine = getattr(bind, "engine", bind)
    lock = _SQLITE_WRITE_LOCKS.get(engine)
    if lock is None:
        lock = _SQLITE_WRITE_LOCKS.setdefault(engine, threading.Lock())
    return lock


def commit_retrying(db: Session, work: Callable[[], T]) -> T:
    """Run a write and commit it; a lost race (duplicate key, busy database) is rolled back and run again."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with _write_lock(db):
                result = work()
                db.commit()
            return result
        except (IntegrityError, OperationalError) as exc:
            db.rollback()
            if attempt == SAVE_ATTEMPTS or not _is_race(exc):
                raise
    raise AssertionError("unreachable")


def _is_race(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    message = str(exc).lower()
    return "locked" in message or "deadlock" in message or "could not serialize" in message


@dataclass(frozen=True)
class SaveStatements:
    upsert: object
    first: object
    clear_choices: object
    add_choice: object
    touch_statement: object
    receipt: object
    drop_receipt: object


@lru_cache(maxsize=4)
def save_statements(dialect: str) -> SaveStatements:
    """The SQL of saving an answer, built once per database dialect (building costs more than running)."""
    answers, choices, statements = Answer.__table__, AnswerChoice.__table__, Statement.__table__
    receipts = AnswerReceipt.__table__
    # A repeated client id inserts nothing (and returns no row): the caller then writes nothing either.
    receipt = insert_with_conflicts(receipts, dialect).on_conflict_do_nothing(
        index_elements=["statement_id", "client_id"]
    ).returning(receipts.c.id)
    upsert = insert_with_conflicts(answers, dialect)
    changed = ("scale", "text", "skipped", "scribed", "updated_at")
    upsert = upsert.on_conflict_do_update(
        index_elements=["statement_id", "question_id"], set_={name: upsert.excluded[name] for name in changed}
    ).returning(answers.c.id)
    # A first answer (not a "Change") writes only if the question has none yet: a late or repeated tap
    # can never overwrite what the child already saw saved, even when two requests race.
    first = insert_with_conflicts(answers, dialect)
    first = first.on_conflict_do_nothing(index_elements=["statement_id", "question_id"]).returning(answers.c.id)
    return SaveStatements(
        upsert=upsert,
        first=first,
        clear_choices=delete(choices).where(choices.c.answer_id == bindparam("for_answer")),
        add_choice=insert(choices),
        touch_statement=update(statements)
        .where(statements.c.id == bindparam("for_statement"))
        .values(updated_at=bindparam("moment", type_=statements.c.updated_at.type), scribed=or_(statements.c.scribed, bindparam("scribing"))),
        receipt=receipt,
        drop_receipt=delete(receipts).where(receipts.c.id == bindparam("receipt_id")),
    )
