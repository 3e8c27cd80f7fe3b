"""Subject access (one ZIP, third parties apart, audited), correction with the old value kept, and
erasure with a second manager's confirmation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.child_support import make_statement
from voice_app import cli
from voice_app.models import (
    Answer,
    AnswerChoice,
    AuditEvent,
    Child,
    ChildResponse,
    DecisionOutcome,
    ErasureRequest,
    MenuDecision,
    ParentResponse,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    Statement,
    VisitMethod,
    VisitStatus,
)

# Routes of this module; their sign-in and role rules are in tests/test_access.py too.
ACCESS_TESTED_ENDPOINTS = {"records.find", "records.child", "records.subject_access", "records.correct", "records.ask_erasure", "records.confirm", "records.cancel"}
ANA_WORDS = "I like my school and Bella is my best friend"
BELLA_WORDS = "Bella's own secret about her mum"


@pytest.fixture
def world(db, make):
    iro = make.staff(Role.IRO, name="Jo Iro")
    manager = make.staff(Role.MANAGER, name="Mo Manager")
    second = make.staff(Role.MANAGER, name="Sam Second")
    ana = make.child(iro, name="Ana", case_reference="LL-1001", date_of_birth=date(2012, 5, 17), communication_needs="Likes pictures")
    bella = make.child(iro, name="Bella", case_reference="LL-2002")
    review = make.review(ana, days_ahead=-10, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=10))
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=14), method=VisitMethod.FACE_TO_FACE)
    declined = make.visit(make.review(ana, days_ahead=30), iro=iro, status=VisitStatus.DECLINED, declined_reason="Ana was at football")
    statement = make_statement(db, visit, ana, iro_notes="Ana seemed settled.")
    answer = Answer(statement_id=statement.id, question_id="feel-today", text=ANA_WORDS)
    db.add(answer)
    db.commit()
    db.add(AnswerChoice(answer_id=answer.id, choice_id="happy"))
    db.add(MenuDecision(statement_id=statement.id, item_id="menu-place", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="The room was booked", decided_by_id=iro.id))
    db.add(ChildResponse(statement_id=statement.id, question_id="feel-today", we_did="We told your school.", written_by_id=iro.id))
    conference = make.review(ana, days_ahead=-5, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.INITIAL_CONFERENCE)
    db.add(ParentResponse(review_id=conference.id, q1="agree", q2="disagree", comment="The chair listened to me", name="Ana's mum", submission_key="p-1"))
    db.add(AuditEvent(staff_id=iro.id, action="statement.view", child_id=ana.id, statement_id=statement.id))
    # Another child's record, which must not appear anywhere in Ana's export.
    bella_statement = make_statement(db, make.visit(make.review(bella), iro=iro), bella, iro_notes="Bella's notes")
    db.add(Answer(statement_id=bella_statement.id, question_id="feel-today", text=BELLA_WORDS))
    db.commit()
    return dict(iro=iro, manager=manager, second=second, ana=ana, bella=bella, review=review, visit=visit, declined=declined, statement=statement, conference=conference)


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/zip" and response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_subject_access_gives_everything_about_the_child_and_nothing_about_another(signed_in, world, db):
    client = signed_in(world["manager"])
    page = client.get(f"/records/children/{world['ana'].id}")
    assert page.status_code == 200 and b"Download everything (ZIP)" in page.data
    response = client.post(f"/records/children/{world['ana'].id}/subject-access")
    archive = _zip(response)
    assert f'filename="subject-access-LL-1001-{date.today().isoformat()}.zip"' in response.headers["Content-Disposition"]
    s = world["statement"].id
    assert sorted(archive.namelist()) == sorted([
        "README.txt", "child-record.json", "child-record.pdf", f"statements/statement-{s}.pdf", f"statements/statement-{s}.json",
        "third-party/third-party.json", "third-party/third-party.pdf",
    ])
    record = json.loads(archive.read("child-record.json"))
    ana = world["ana"]
    assert record["child"] == {
        "id": ana.id, "preferred_name": "Ana", "case_reference": "LL-1001", "date_of_birth": "2012-05-17", "age_years": None,
        "preferred_language": "en-GB", "communication_needs": "Likes pictures", "cared_for": True, "cared_for_since": "2024-01-08",
        "on_cp_plan": False, "cp_plan_since": None, "active": True, "created_at": ana.created_at.isoformat(), "allocated_iro": "Jo Iro (IRO)",
        # The communication passport: how the child says yes and no, what helps, what upsets them, how they choose.
        "passport_yes_no": "", "passport_helps": "", "passport_upsets": "", "passport_choosing": "", "passport_access": "",
        # Equality details (optional DfE and census codes): "" when not recorded.
        "disability": "", "ethnicity": "", "gender": "",
    }
    assert record["made_by"] == "Mo Manager (Manager)"
    assert [(r["id"], r["kind"], r["status"]) for r in record["reviews"]] == sorted(
        [(world["review"].id, "cared_for", "held"), (world["declined"].review_id, "cared_for", "scheduled"), (world["conference"].id, "cp_conference", "scheduled")],
        key=lambda r: {world["review"].id: 0, world["conference"].id: 1, world["declined"].review_id: 2}[r[0]],
    )
    assert {v["id"]: (v["status"], v["declined_reason"], v["iro"]) for v in record["visits"]} == {
        world["visit"].id: ("done", None, "Jo Iro (IRO)"),
        world["declined"].id: ("declined", "Ana was at football", "Jo Iro (IRO)"),
    }
    (document,) = record["statements"]
    assert document["audience"] == "case_record" and document["iro_notes"] == "Ana seemed settled."
    (feel,) = [item for item in document["views"] if item["question_id"] == "feel-today"]
    assert feel["words"] == ANA_WORDS and [c["id"] for c in feel["choices"]] == ["happy"]
    assert feel["response"]["we_did"] == "We told your school."
    assert [(e["who"], e["action"], e["statement_id"]) for e in record["audit_trail"]] == [("Jo Iro (IRO)", "statement.view", s)]
    assert json.loads(archive.read(f"statements/statement-{s}.json")) == document

    # Third parties apart: the parent's feedback, and the passage that names Bella.
    assert "The chair listened to me" not in archive.read("child-record.json").decode()
    third = json.loads(archive.read("third-party/third-party.json"))
    assert third["parents_feedback"] == [{
        "review_id": world["conference"].id, "submitted_at": third["parents_feedback"][0]["submitted_at"], "source": "online",
        "answers": {"q1": "agree", "q2": "disagree", "q3": None, "q4": None, "q5": None}, "name": "Ana's mum", "comment": "The chair listened to me",
        "respondent": "parent", "agency": None, "role": None,
    }]
    assert third["other_children_named"] == [{"where": f"statement {s}, feel-today: the child's words", "names": ["Bella"], "text": ANA_WORDS}]

    # Nothing of Bella's own record, in any file (PDF text included).
    for name in archive.namelist():
        content = archive.read(name)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages) if name.endswith(".pdf") else content.decode()
        assert BELLA_WORDS not in text and "Bella's notes" not in text and "LL-2002" not in text, name
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("child-record.pdf"))).pages)
    assert "Everything voice-app holds about Ana" in pdf_text and "Ana was at football" in pdf_text

    db.expire_all()
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "records.subject_access_export")).all()
    assert (event.staff_id, event.child_id, event.detail) == (world["manager"].id, ana.id, "zip;statements=1;third_party=2;web")


def test_a_closed_record_is_still_given_back(signed_in, world, db):
    ana = world["ana"]
    ana.active = False
    db.add(ana)
    db.commit()
    client = signed_in(world["manager"])
    assert client.get(f"/records/children/{ana.id}").status_code == 200
    assert _zip(client.post(f"/records/children/{ana.id}/subject-access")).namelist()


def test_a_manager_finds_a_closed_record_by_case_reference(signed_in, world, db):
    ana = world["ana"]
    ana.active = False
    db.add(ana)
    db.commit()
    client = signed_in(world["manager"])
    assert b"Find a closed record" in client.get("/caseload").data
    found = client.get("/records?reference=LL-1001")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/records/children/{ana.id}")
    missing = client.get("/records?reference=LL-9999")
    assert missing.status_code == 404 and "No child has the case reference “LL-9999”" in missing.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.IRO, Role.ADMIN])
def test_only_managers_reach_the_records_page(signed_in, world, make, role):
    client = signed_in(world["iro"] if role == Role.IRO else make.staff(role))
    ana = world["ana"].id
    assert client.get(f"/records/children/{ana}").status_code == 403
    assert client.get("/records?reference=LL-1001").status_code == 403
    assert client.post(f"/records/children/{ana}/subject-access").status_code == 403
    assert client.post(f"/records/children/{ana}/correct", {"field": "preferred_name", "value": "X"}).status_code == 403


def test_an_unknown_child_is_404(signed_in, world):
    client = signed_in(world["manager"])
    assert client.get("/records/children/999999").status_code == 404
    assert client.post("/records/children/999999/subject-access").status_code == 404


def test_the_command_line_export_is_audited(world, database_url, tmp_path, capsys, db):
    out = tmp_path / "ana.zip"
    assert cli.main(["subject-access", "--child", "LL-1001", "--out", str(out), "--database-url", database_url]) == 0
    assert "review third-party/ before release" in capsys.readouterr().out
    assert "child-record.json" in zipfile.ZipFile(out).namelist()
    assert cli.main(["subject-access", "--child", "LL-1001", "--out", str(out), "--database-url", database_url]) == 2
    assert cli.main(["subject-access", "--child", "NOPE", "--out", str(tmp_path / "x.zip"), "--database-url", database_url]) == 2
    db.expire_all()
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "records.subject_access_export")).all()
    assert event.staff_id is None and event.detail.endswith(";cli")


def test_a_correction_keeps_the_old_value_in_the_audit_trail(signed_in, world, db, database_url):
    client = signed_in(world["manager"])
    ana = world["ana"]
    response = client.post(f"/records/children/{ana.id}/correct", {"field": "date_of_birth", "value": "2012-06-17"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Child, ana.id).date_of_birth == date(2012, 6, 17)
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "records.corrected")).all()
    assert (event.staff_id, event.detail, event.old_value) == (world["manager"].id, "field=date_of_birth", "2012-05-17")
    # The old value is personal data: encrypted at rest like the child's words.
    raw = db.connection().exec_driver_sql(f"SELECT old_value FROM audit_event WHERE id = {event.id}").scalar()
    assert raw.startswith("enc1:") and "2012" not in raw
    # ... and it is in the subject access export's audit trail.
    record = json.loads(_zip(client.post(f"/records/children/{ana.id}/subject-access")).read("child-record.json"))
    assert [e["value_before_correction"] for e in record["audit_trail"] if e["action"] == "records.corrected"] == ["2012-05-17"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"field": "date_of_birth", "value": "17/05/2012"}, b"YYYY-MM-DD"),
        ({"field": "case_reference", "value": "LL-2002"}, b"Another child already has that case reference"),
        ({"field": "preferred_name", "value": "  "}, b"cannot be empty"),
        ({"field": "password_hash", "value": "x"}, b"Not a valid choice"),
    ],
)
def test_a_wrong_correction_is_refused_with_a_message(signed_in, world, db, data, message):
    response = signed_in(world["manager"]).post(f"/records/children/{world['ana'].id}/correct", data)
    assert response.status_code == 422 and message in response.data
    db.expire_all()
    assert db.get(Child, world["ana"].id).case_reference == "LL-1001"
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "records.corrected")).all()


def test_erasure_needs_a_second_manager(signed_in, world, db):
    first, second = signed_in(world["manager"]), signed_in(world["second"])
    ana = world["ana"]
    assert first.post(f"/records/children/{ana.id}/erasure", {"reason": ""}).status_code == 422
    assert first.post(f"/records/children/{ana.id}/erasure", {"reason": "Court order 2026/17"}).status_code == 302
    request = db.exec(select(ErasureRequest)).one()
    assert b"another manager must confirm it" in first.get(f"/records/children/{ana.id}").data
    assert first.post(f"/records/children/{ana.id}/erasure", {"reason": "again"}).status_code == 422  # one at a time

    refused = first.post(f"/records/erasure/{request.id}/confirm")
    assert refused.status_code == 409 and b"A second manager must confirm" in refused.data
    db.expire_all()
    assert db.get(Child, ana.id).preferred_name == "Ana"

    assert second.post(f"/records/erasure/{request.id}/confirm").status_code == 302
    db.expire_all()
    erased = db.get(Child, ana.id)
    assert (erased.preferred_name, erased.case_reference, erased.date_of_birth, erased.active) == ("Anonymised", f"ANON-{ana.id}", None, False)
    assert db.exec(select(Answer.text).where(Answer.statement_id == world["statement"].id)).all() == [None]
    assert db.get(Statement, world["statement"].id) is not None  # counted rows stay
    assert db.exec(select(ParentResponse.comment)).all() == [None]
    done = db.get(ErasureRequest, request.id)
    assert (done.confirmed_by_id, done.reason) == (world["second"].id, "[erased]")
    actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.child_id == ana.id).order_by(AuditEvent.id))]
    assert actions[-2:] == ["records.erasure_requested", "records.erasure_confirmed"]
    assert second.post(f"/records/erasure/{request.id}/confirm").status_code == 409  # once only
    # Bella is untouched.
    assert db.get(Child, world["bella"].id).preferred_name == "Bella"


def test_an_erasure_request_can_be_withdrawn(signed_in, world, db):
    first = signed_in(world["manager"])
    ana = world["ana"]
    first.post(f"/records/children/{ana.id}/erasure", {"reason": "Asked by the young person"})
    request = db.exec(select(ErasureRequest)).one()
    assert first.post(f"/records/erasure/{request.id}/cancel").status_code == 302
    assert signed_in(world["second"]).post(f"/records/erasure/{request.id}/confirm").status_code == 409
    db.expire_all()
    assert db.get(Child, ana.id).preferred_name == "Ana"
    assert db.exec(select(AuditEvent.action).where(AuditEvent.action == "records.erasure_cancelled")).all()
    assert first.post("/records/erasure/999999/cancel").status_code == 404
