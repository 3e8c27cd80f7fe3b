"""Helpers for the child's conversation tests: statements, and a tablet handed over to a child."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from voice_app.models import Child, FlowVersion, Role, StaffUser, Statement, Visit


def make_statement(db, visit: Visit, child: Child, **fields) -> Statement:
    """A statement for a visit, saved."""
    defaults = dict(child_id=child.id, visit_id=visit.id, version=FlowVersion.YOUNGER, parts="views,menu")
    defaults.update(fields)
    statement = Statement(**defaults)
    db.add(statement)
    db.commit()
    db.refresh(statement)
    return statement


@dataclass
class Tablet:
    """A test client in child mode, with the people and records behind it."""

    client: object
    iro: StaffUser
    child: Child
    visit: Visit
    statement_id: int

    def url(self, path: str = "") -> str:
        return f"/child/statements/{self.statement_id}{path}"

    def answer(self, question_id: str, data: dict | None = None, *, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(self.url(f"/questions/{question_id}"), data or {}, headers=headers)

    def current_question(self) -> str | None:
        """The id of the question the conversation is asking now (None past the last one)."""
        found = re.search(r'data-question="([^"]+)"', self.client.get(self.url()).get_data(as_text=True))
        return found.group(1) if found else None

    def skip_to(self, question_id: str) -> None:
        """Skip every question before this one, so it is the current question."""
        while (current := self.current_question()) != question_id:
            assert current is not None, f"{question_id} is never asked"
            assert self.answer(current, {"skip": "1"}).status_code == 302


@pytest.fixture
def hand_over(make, signed_in):
    """hand_over(version=..., parts=..., **child_fields) signs an IRO in and hands the tablet to a child."""

    def _hand_over(*, version: str = "younger", parts: str = "views,menu", scribing: bool = False, pin: str = "",
                   access: dict | None = None, extra: dict | None = None, **child_fields) -> Tablet:
        iro = make.staff(Role.IRO, name="Jo Reviewer")
        child = make.child(iro, name=child_fields.pop("name", "Ana"), **child_fields)
        visit = make.visit(make.review(child), iro=iro)
        client = signed_in(iro)
        data = {"version": version, "language": "en-GB", "parts": parts}
        if scribing:
            data["scribing"] = "y"
        if pin:
            data["pin"] = pin
        data.update(access or {})  # how the child answers (voice_app/questions/access.py): touch unless given
        data.update(extra or {})  # anything else the IRO gives (the child's own photos for a mat: child/photos.py)
        response = client.post(f"/visits/{visit.id}/hand-over", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        statement_id = int(response.headers["Location"].split("/statements/")[1].split("#")[0])
        return Tablet(client, iro, child, visit, statement_id)

    return _hand_over
