"""What the IRO observed (issue 29): a child's views shown without words, with who helped interpret them.

Recorded against the conversation's topics, kept encrypted, shown on the statement page, its PDF and JSON, answered in
"you said, we did", used by the participation code suggestion and counted by the service report.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import BytesIO

import jsonschema
import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import AuditEvent, Observation, Participation, Role, VisitMethod, VisitStatus
from voice_app.statements.exports import export_schema

# The route x role matrix (tests/attack_support.RULES) covers every kind of visitor; these cover whose statement.
ACCESS_TESTED_ENDPOINTS = {"statements.observations", "statements.remove_observation_route", "statements.observe_visit"}

SEEN = {
    "topic": "school",
    "what": "Pushed the photo of school away and turned to the window",
    "place": "In the front room at home",
    "with_whom": "Her foster carer",
    "certainty": "fairly",
    "helpers": ["carer", "salt"],
    "helper_names": "Ms Khan, speech therapist",
}


@pytest.fixture
def world(make, db):
    """A child who answered one question by touch (or not at all), at a done visit before a held review."""
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Mia", cared_for_since=date.today() - timedelta(days=90))
    review = make.review(child, days_ahead=-3)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=review.scheduled_for - timedelta(days=2), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(db, child=child, visit=visit, answers=[AnswerSpec("feel-today", ["happy"])])
    return dict(iro=iro, child=child, review=review, visit=visit, statement=statement)


def _observe(client, statement_id: int, **changes):
    form = {**SEEN, **changes}
    return client.post(f"/statements/{statement_id}/observations", form)


def _pdf_text(data: bytes) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def test_the_iro_records_what_they_saw_and_it_is_kept_encrypted(world, signed_in, db, database_url):
    world["child"].passport_yes_no = "Looks at the card for yes, turns away for no"
    db.add(world["child"])
    db.commit()
    client = signed_in(world["iro"])
    form_page = client.get(f"/statements/{world['statement'].id}/observations").get_data(as_text=True)
    assert "How is school or college?" in form_page and "A speech and language therapist" in form_page
    assert "Mia’s communication passport" in form_page and "turns away for no" in form_page  # beside the form
    saved = _observe(client, world["statement"].id)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#observed")

    stored = db.exec(select(Observation)).one()
    assert (stored.topic, stored.what, stored.certainty, stored.helpers) == ("school", SEEN["what"], "fairly", "carer,salt")
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        raw = connection.execute(sa.text("SELECT what, place, with_whom, helper_names FROM observation")).one()
    engine.dispose()
    assert all(cell.startswith("enc1:") for cell in raw) and not any("photo" in cell or "Khan" in cell for cell in raw)

    page = client.get(f"/statements/{world['statement'].id}").get_data(as_text=True)
    assert SEEN["what"] in page and "Fairly sure" in page and "A carer and a speech and language therapist (Ms Khan, speech therapist)" in page
    assert (
        "By touch (tapping the pictures)" not in page  # no hand-over in this statement: only what is known is said
        and "By observation (the IRO saw what they did, 1 observation), interpreted with the help of a carer and a speech and language therapist"
        in page
    )
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "statement.observation")).all()
    assert len(events) == 1 and "photo" not in (events[0].detail or "")


def test_bad_input_gets_clear_messages_and_another_iro_gets_404(world, signed_in, make, db):
    client = signed_in(world["iro"])
    empty = _observe(client, world["statement"].id, what="   ", certainty="", topic="")
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert "Write what the child did." in text and "Choose how sure you are of what it meant." in text and "Choose what it was about." in text
    assert _observe(client, world["statement"].id, topic="not-a-topic").status_code == 422
    assert _observe(client, world["statement"].id, helpers=["wizard"]).status_code == 422
    assert _observe(client, world["statement"].id, what="x" * 1001).status_code == 422
    assert db.exec(select(Observation)).all() == []
    other = signed_in(make.staff(Role.IRO))
    assert other.get(f"/statements/{world['statement'].id}/observations").status_code == 404
    assert _observe(other, world["statement"].id).status_code == 404
    assert db.exec(select(Observation)).all() == []


def test_removing_an_observation_and_never_another_statements(world, signed_in, make, db):
    client = signed_in(world["iro"])
    _observe(client, world["statement"].id)
    observation_id = db.exec(select(Observation.id)).one()
    other_statement = make_statement(db, child=world["child"], visit=world["visit"], answers=[])
    assert client.post(f"/statements/{other_statement.id}/observations/{observation_id}/remove").status_code == 404
    assert client.post(f"/statements/{world['statement'].id}/observations/{observation_id}/remove").status_code == 302
    assert db.exec(select(Observation)).all() == []
    assert client.post(f"/statements/{world['statement'].id}/observations/{observation_id}/remove").status_code == 302  # again: nothing to do
    assert "How their views were gathered" not in client.get(f"/statements/{world['statement'].id}").get_data(as_text=True)


def test_the_pdf_and_json_show_the_observation_and_how_the_views_were_gathered(world, signed_in, db):
    client = signed_in(world["iro"])
    _observe(client, world["statement"].id)
    _observe(client, world["statement"].id, topic="general", what="Smiled and reached for the photo of her brother", helpers=[], certainty="sure", helper_names="")
    # "You said, we did" on school: a topic the child did not answer, only showed.
    answered = client.post(f"/statements/{world['statement'].id}/responses/school", {"r-school-we_did": "We will talk to your school about a quiet room."})
    assert answered.status_code == 302

    for audience in ("case_record", "meeting"):
        document = json.loads(client.get(f"/statements/{world['statement'].id}/export.json?for={audience}").data)
        jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
        assert document["statement"]["gathered"] == ["observation"]
        first, second = document["observations"]
        assert first["what"] == SEEN["what"] and first["helped_by"] == ["carer", "salt"] and first["certainty"] == "fairly"
        assert first["topic_label"] == "How is school or college?" and first["observed_by"] == "Jo Reviewer"
        assert first["response"]["we_did"] == "We will talk to your school about a quiet room."
        assert second["topic"] == "general" and second["helped_by"] == [] and second["response"] is None

        pdf = client.get(f"/statements/{world['statement'].id}/export.pdf?for={audience}")
        assert pdf.status_code == 200
        text = _pdf_text(pdf.data)
        assert "What the IRO observed (views shown without words)" in text and "Pushed the photo of school away" in text
        assert "Who helped interpret: A carer and a speech and language therapist (Ms Khan, speech therapist)" in text
        assert "How their views were gathered: By observation (the IRO saw what they did, 2 observations)" in text
        assert "We will talk to your school about a quiet room." in text
    # An observed topic appears once among the things the IRO answers on the page.
    page = client.get(f"/statements/{world['statement'].id}").get_data(as_text=True)
    assert page.count("You said, we did: How is school or college? (observed)") == 1


def test_the_words_and_the_switch_and_the_observation_are_all_said(world, signed_in, db):
    from voice_app.models import Handover
    from voice_app.questions.access import AccessSettings, note_access

    db.add(Handover(statement_id=world["statement"].id, token_hash="f" * 64, created_by_id=world["iro"].id, expires_at=world["statement"].started_at))
    note_access(db, statement_id=world["statement"].id, settings=AccessSettings(mode="auto"))
    db.commit()
    words = make_statement(db, child=world["child"], visit=world["visit"], answers=[AnswerSpec("anything-else", text="I want a dog")])
    client = signed_in(world["iro"])
    _observe(client, world["statement"].id, helpers=[])
    page = client.get(f"/statements/{world['statement'].id}").get_data(as_text=True)
    assert "With one switch (automatic scanning) and by observation (the IRO saw what they did, 1 observation), with nobody else helping to interpret" in page
    assert "In their own words" in client.get(f"/statements/{words.id}").get_data(as_text=True)
    assert json.loads(client.get(f"/statements/{words.id}/export.json").data)["statement"]["gathered"] == ["words"]


def test_an_observed_child_is_suggested_pn3_or_pn6_when_they_asked_not_to_come(world, signed_in, make, db):
    from voice_app.staff.participation import suggested_participation

    assert suggested_participation(db, review=world["review"])[0] == Participation.PN6  # nothing observed: as before
    _observe(signed_in(world["iro"]), world["statement"].id)
    code, why = suggested_participation(db, review=world["review"])
    assert code == Participation.PN3 and "by observation" in why and "a carer and a speech and language therapist" in why and "PN6" in why

    not_coming = make_statement(db, child=world["child"], visit=world["visit"], answers=[AnswerSpec("menu-attend", ["not"])])
    not_coming.started_at = world["statement"].started_at + timedelta(minutes=5)  # the latest statement is the one used
    db.add(not_coming)
    db.add(Observation(statement_id=not_coming.id, topic="general", what="Cried at the word meeting", certainty="sure", recorded_by_id=world["iro"].id))
    db.commit()
    code, why = suggested_participation(db, review=world["review"])
    assert code == Participation.PN6 and "asked not to come" in why and "choose PN3" in why


def test_the_report_counts_statements_gathered_by_observation(app, world, make, db):
    from voice_app.reports.period import financial_year, financial_year_of
    from voice_app.reports.report import build_report

    def observe(statement, helpers=""):
        db.add(Observation(statement_id=statement.id, topic="school", what="Pointed", certainty="sure", helpers=helpers, recorded_by_id=world["iro"].id))

    observe(world["statement"], helpers="parent")
    observe(world["statement"], helpers="")  # a second observation of the same statement: still one statement
    observe(make_statement(db, child=world["child"], visit=world["visit"], answers=[]))
    unfinished = make_statement(db, child=world["child"], visit=world["visit"], answers=[], finished=False)
    observe(unfinished)  # not completed: not counted
    make_statement(db, child=world["child"], visit=world["visit"], answers=[])  # no hand-over, no observation: not counted
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(financial_year_of(date.today())))
    figure = report.figure("statements-access")
    rows = {row.key: row.now.count for row in figure.rows}
    assert rows == {"touch": 0, "auto": 0, "step": 0, "dwell": 0, "observation": 2, "observation-helped": 1}
    assert {row.now.base for row in figure.rows} == {2}


def test_subject_access_includes_observations_and_retention_wipes_their_words(world, signed_in, app, db):
    from voice_app.models import utcnow
    from voice_app.records.retention import REMOVED, anonymise_child
    from voice_app.records.subject_access import gather

    _observe(signed_in(world["iro"]), world["statement"].id)
    access = gather(db, child_id=world["child"].id, made_by=None)
    assert SEEN["what"] in repr(access) and "Ms Khan, speech therapist" in repr(access)
    with app.extensions["voice_app_engine"].begin() as connection:
        anonymise_child(connection, child_id=world["child"].id, now=utcnow())
    db.expire_all()
    wiped = db.exec(select(Observation)).one()
    assert (wiped.what, wiped.place, wiped.with_whom, wiped.helper_names) == (REMOVED, "", "", "")
    assert (wiped.topic, wiped.helpers) == ("school", "carer,salt")  # what the report counts stays


def test_a_child_who_never_uses_the_tablet_gets_a_statement_of_what_the_iro_observed(make, signed_in, db, app):
    from voice_app.models import Statement, VisitPurpose
    from voice_app.reports.period import financial_year, financial_year_of
    from voice_app.reports.report import build_report

    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Noor")
    visit = make.visit(make.review(child, days_ahead=10), iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    client = signed_in(iro)
    assert f'action="/visits/{visit.id}/observe"' in client.get(f"/children/{child.id}").get_data(as_text=True)
    assert signed_in(make.staff(Role.IRO)).post(f"/visits/{visit.id}/observe").status_code == 404  # another IRO's child
    started = client.post(f"/visits/{visit.id}/observe")
    statement = db.exec(select(Statement).where(Statement.visit_id == visit.id)).one()
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/statements/{statement.id}/observations")
    assert statement.end_reason is not None and statement.access_modes is None
    assert client.post(f"/visits/{visit.id}/observe").headers["Location"] == started.headers["Location"]  # the same one again
    assert _observe(client, statement.id, topic="home", helpers=["parent"]).status_code == 302
    page = client.get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "By observation (the IRO saw what they did, 1 observation), interpreted with the help of a parent" in page
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(financial_year_of(date.today())))
    rows = {row.key: (row.now.count, row.now.base) for row in report.figure("statements-access").rows}
    assert rows["observation"] == (1, 1) and rows["observation-helped"] == (1, 1)
    # Handing the tablet over afterwards carries on in the same statement.
    handed = client.post(f"/visits/{visit.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views"})
    assert handed.status_code == 302 and f"/child/statements/{statement.id}" in handed.headers["Location"]
    # A practitioner's visit is not the IRO's to observe at.
    practitioners = make.visit(make.review(child, days_ahead=20), iro=iro, purpose=VisitPurpose.PRACTITIONER)
    assert signed_in(iro).post(f"/visits/{practitioners.id}/observe").status_code == 404
