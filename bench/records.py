"""What encryption at rest costs, and how long a backup and a retention dry run take, on SQLite.

Prints: microseconds to encrypt and decrypt one value; writing and reading 20,000 answers' words
through the encrypted column beside a plain TEXT column; `voice-app backup` of that database; and
`voice-app retention --dry-run`'s planning over 5,000 children.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import voice_app.models  # noqa: E402,F401
from voice_app.crypto import DEV_ENCRYPTION_KEYS, Keyring, install  # noqa: E402
from voice_app.models import Answer, Child, utcnow  # noqa: E402
from voice_app.records.backup import backup  # noqa: E402
from voice_app.records.retention import load_rules, plan  # noqa: E402

WORDS = "I want to see my brother more often and I like my school, especially art on Fridays. " * 2
ROWS = 20_000


def _median_us(work, runs: int = 20_000) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        work()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def main() -> None:
    keys = Keyring.parse(DEV_ENCRYPTION_KEYS)
    install(keys)
    stored = keys.encrypt(WORDS, context="answer.text")
    print(f"one value of {len(WORDS)} characters: encrypt {_median_us(lambda: keys.encrypt(WORDS, context='answer.text')):.1f} µs, "
          f"decrypt {_median_us(lambda: keys.decrypt(stored, context='answer.text')):.1f} µs, stored as {len(stored)} characters")

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        engine = sa.create_engine(url)  # without voice-app's pragmas: foreign keys off, as the bench has no statements
        SQLModel.metadata.create_all(engine)
        # The same table twice: once through the model (encrypted), once through a bare table() whose
        # TEXT column skips the TypeDecorator (what it cost before encryption).
        columns = ("statement_id", "question_id", "text", "skipped", "scribed", "answered_at", "updated_at")
        bare = sa.table("answer", *(sa.column(name) for name in columns))
        for label, table in (("plain TEXT", bare), ("encrypted", Answer.__table__)):
            rows = [{"statement_id": n // 50 + 1, "question_id": f"q{n}", "text": WORDS, "skipped": False, "scribed": False,
                     "answered_at": utcnow(), "updated_at": utcnow()} for n in range(ROWS)]
            with engine.begin() as connection:
                connection.exec_driver_sql("DELETE FROM answer")
            start = time.perf_counter()
            with engine.begin() as connection:
                connection.execute(sa.insert(table), rows)
            wrote = time.perf_counter() - start
            start = time.perf_counter()
            with engine.connect() as connection:
                read = connection.execute(sa.select(table.c.text)).scalars().all()
            assert read[0] == WORDS
            print(f"{ROWS:,} answers, {label}: write {wrote * 1000:.0f} ms, read {(time.perf_counter() - start) * 1000:.0f} ms")

        with engine.begin() as connection:
            connection.execute(sa.insert(Child.__table__), [
                {"preferred_name": f"Child {n}", "case_reference": f"R{n}", "date_of_birth": date(1940 + n % 80, 1 + n % 12, 1 + n % 28),
                 "preferred_language": "en-GB", "communication_needs": "", "cared_for": True, "on_cp_plan": False, "active": n % 3 == 0}
                for n in range(5_000)
            ])
            start = time.perf_counter()
            due = plan(connection, rules=load_rules(), today=date.today())
            print(f"retention plan over 5,000 children: {(time.perf_counter() - start) * 1000:.0f} ms ({len(due.due)} items due, {len(due.held)} held)")
        engine.dispose()
        start = time.perf_counter()
        result = backup(url, Path(folder) / "copy.db")
        print(f"backup of a {result.size_bytes / 1e6:.1f} MB database: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
