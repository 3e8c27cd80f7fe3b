"""Time and size of a full statement's PDF and JSON exports (every kind of answer, long and right-to-left words)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, SQLModel  # noqa: E402

import voice_app.models  # noqa: E402,F401
from tests.factories import Factory  # noqa: E402
from tests.statement_factories import make_statement, small_bank  # noqa: E402
from voice_app.db import make_engine  # noqa: E402
from voice_app.models import DecisionOutcome, Role, VisitMethod, VisitStatus  # noqa: E402
from voice_app.passwords import use_fast_hashing_for_tests  # noqa: E402
from voice_app.statements.access import load_context  # noqa: E402
from voice_app.statements.exports import Audience, statement_json  # noqa: E402
from voice_app.statements.pdf import render_statement_pdf  # noqa: E402
from voice_app.statements.reading import read_statement  # noqa: E402
from voice_app.statements.services import record_decision, save_notes, save_response  # noqa: E402

RUNS = 10


def main() -> None:
    use_fast_hashing_for_tests()
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    SQLModel.metadata.create_all(engine)
    bank = small_bank(folder)
    with Session(engine, expire_on_commit=False) as db:
        make = Factory(db, password="bench password")
        iro = make.staff(Role.IRO, name="Jo Reviewer")
        child = make.child(iro, name="Aisha")
        from datetime import date

        visit = make.visit(make.review(child), iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.PHONE)
        statement = make_statement(db, child=child, visit=visit, scribe=iro)
        record = read_statement(db, load_context(db, statement.id), bank=bank)
        save_notes(db, statement=statement, notes="Met at school. " * 20)
        for item_id in record.raised:
            save_response(db, record=record, question_id=item_id, we_did="We talked to your carer and your school about this. " * 3, by=iro)
        for item in record.menu:
            record_decision(db, record=record, item_id=item.question_id, outcome=DecisionOutcome.AGREED, reason_for_child="", by=iro)
        record = read_statement(db, load_context(db, statement.id), bank=bank)
        print(f"statement: {len(record.views)} views answers, {len(record.menu)} menu answers, {len(record.responses)} responses")
        for audience in Audience:
            times, size = [], 0
            for _ in range(RUNS):
                start = time.perf_counter()
                size = len(render_statement_pdf(record, audience=audience))
                times.append(time.perf_counter() - start)
            print(f"PDF  {audience.value:12} median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, first {times[0] * 1000:.1f})  {size:,} bytes")
            start = time.perf_counter()
            for _ in range(RUNS):
                body = statement_json(record, audience=audience)
            print(f"JSON {audience.value:12} mean   {(time.perf_counter() - start) / RUNS * 1000:7.2f} ms  {len(body.encode()):,} bytes")
    engine.dispose()


if __name__ == "__main__":
    main()
