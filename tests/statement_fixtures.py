"""Fixtures for statement tests: the small question bank and a child with a statement (load with pytest_plugins)."""

from __future__ import annotations

import pytest

from tests.statement_factories import make_statement, small_bank
from voice_app.questions.bank import QuestionBank


@pytest.fixture
def bank(tmp_path, monkeypatch) -> QuestionBank:
    """Use the small bank wherever statements are read (test modules load these with pytest_plugins)."""
    test_bank = small_bank(tmp_path)
    monkeypatch.setattr("voice_app.statements.reading.default_bank", lambda: test_bank)
    return test_bank


@pytest.fixture
def statement_world(make, db, bank):
    """An IRO's child with a done visit and a statement holding one answer of every kind."""
    from datetime import date

    from voice_app.models import Role, VisitMethod, VisitStatus

    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Aisha", case_reference="LL-100231")
    review = make.review(child, days_ahead=20)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(db, child=child, visit=visit, scribe=iro)
    return dict(iro=iro, child=child, review=review, visit=visit, statement=statement, make=make)
