"""Heard equally: a child's optional equality details, kept from the child, and the report's splits with small numbers hidden."""

from __future__ import annotations

import csv
import html as html_module
import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import (
    Answer,
    AnswerChoice,
    AuditEvent,
    Child,
    Escalation,
    Participation,
    PlanKind,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    Statement,
    StatementEnd,
    VisitStatus,
)
from voice_app.records.retention import anonymise_child
from voice_app.records.subject_access import gather
from voice_app.reports.period import Period
from voice_app.reports.report import build_report
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, statement_json
from voice_app.statements.reading import read_statement

pytestmark = pytest.mark.usefixtures("today")  # a fixed day (tests/clock.py)
pytest_plugins = ["tests.child_support"]  # the hand_over fixture

ACCESS_TESTED_ENDPOINTS = {"staff.equality"}  # below, and in the route x role matrix (tests/attack_support.py)
DETAILS = dict(disability="yes", ethnicity="BAFR", gender="2")
SHOWN_TO_STAFF = ["Disabled", "Black African", "BAFR"]


def _text(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


# --- the child's record ----------------------------------------------------------------------------------------


def test_the_childs_iro_records_the_details_and_each_change_is_audited_with_the_old_value_kept(make, signed_in, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Amara")
    client = signed_in(iro)
    page = _text(client.get(f"/children/{child.id}"))
    assert "0 of 3 recorded" in page and "Black African" not in page
    form = _text(client.get(f"/children/{child.id}/equality"))
    assert "Special-category data" in form and "Black African (BAFR)" in form and "Not recorded" in form
    assert client.post(f"/children/{child.id}/equality", DETAILS).status_code == 302
    db.refresh(child)
    assert (child.disability, child.ethnicity, child.gender) == ("yes", "BAFR", "2")
    page = _text(client.get(f"/children/{child.id}"))
    assert "3 of 3 recorded" in page and not any(word in page for word in SHOWN_TO_STAFF)  # the values stay on their own page
    assert client.post(f"/children/{child.id}/equality", {**DETAILS, "ethnicity": ""}).status_code == 302
    db.refresh(child)
    assert child.ethnicity == "" and child.disability == "yes"  # "Not recorded" is always an answer
    events = db.exec(select(AuditEvent).where(AuditEvent.child_id == child.id)).all()
    changed = [e for e in events if e.action == "child.details_changed"]
    assert sorted(e.detail for e in changed) == ["field=disability", "field=ethnicity", "field=ethnicity", "field=gender"]
    assert "BAFR" in {e.old_value for e in changed} and not any("BAFR" in (e.detail or "") for e in events)
    assert sum(1 for e in events if e.action == "child.equality_viewed") == 1


def test_a_code_that_is_not_the_dfes_is_a_clear_message_not_a_500(make, signed_in, db):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    response = signed_in(iro).post(f"/children/{child.id}/equality", {"ethnicity": "XXXX", "disability": "maybe", "gender": "7"})
    assert response.status_code == 422 and "Not a valid choice" in _text(response)
    db.refresh(child)
    assert (child.disability, child.ethnicity, child.gender) == ("", "", "")


def test_another_iro_and_an_admin_never_see_them(make, signed_in, client):
    child = make.child(make.staff(Role.IRO), **DETAILS)
    assert "/sign-in" in client.get(f"/children/{child.id}/equality").headers["Location"]
    assert "/sign-in" in client.post(f"/children/{child.id}/equality", DETAILS).headers["Location"]
    assert signed_in(make.staff(Role.IRO)).get(f"/children/{child.id}/equality").status_code == 404
    assert signed_in(make.staff(Role.ADMIN)).get(f"/children/{child.id}/equality").status_code == 403
    assert signed_in(make.staff(Role.MANAGER)).get(f"/children/{child.id}/equality").status_code == 200


def test_the_child_never_sees_them_in_the_conversation_the_offline_pack_or_a_statement(hand_over, make, db):
    tablet = hand_over(name="Amara", **DETAILS)
    words = [*SHOWN_TO_STAFF, "Ethnicity", "Disability", "Gender", "equality"]
    pages = [
        _text(tablet.client.get(tablet.url())),
        _text(tablet.client.get(tablet.url("/pack/en-GB.json"))),
    ]
    tablet.skip_to("who-i-am")
    pages.append(_text(tablet.client.get(tablet.url())))
    for page in pages:
        assert not [word for word in words if word in page]
    statement = make_statement(db, child=tablet.child, visit=tablet.visit, answers=[AnswerSpec("feel-today", ["happy"])])
    document = statement_json(read_statement(db, load_context(db, statement.id)), audience=Audience.MEETING)
    assert not [word for word in ["BAFR", "disability", "ethnicity", "gender"] if word in document]


def test_they_are_in_a_subject_access_copy_and_taken_out_with_the_childs_identity(make, db, engine):
    child = make.child(make.staff(Role.IRO), **DETAILS)
    record = gather(db, child_id=child.id, made_by=None).record
    assert {key: record["child"][key] for key in DETAILS} == DETAILS
    with engine.begin() as connection:
        anonymise_child(connection, child_id=child.id, now=datetime.now(UTC))
    db.expire_all()
    child = db.get(Child, child.id)
    assert (child.disability, child.ethnicity, child.gender) == ("", "", "")


# --- the report's splits ---------------------------------------------------------------------------------------


@pytest.fixture
def engine(app):
    return app.extensions["voice_app_engine"]


def _period(today: date) -> Period:
    return Period(today - timedelta(days=60), today)


def _statement(db, *, child, visit, started: datetime, heard: str, about_id: int) -> None:
    statement = Statement(
        child_id=child.id, visit_id=visit.id, started_at=started, ended_at=started + timedelta(minutes=30),
        end_reason=StatementEnd.FINISHED, about_review_id=about_id, parts="after,views",
    )
    db.add(statement)
    db.commit()
    answer = Answer(statement_id=statement.id, question_id="after-heard", answered_at=started)
    db.add(answer)
    db.commit()
    db.add(AnswerChoice(answer_id=answer.id, choice_id=heard))
    db.commit()


def _child_heard(make, db, iro, today, *, born: date | None, held: date, kind: ReviewKind, participation, in_time: bool | None,
                 statement_before: bool, heard: str, escalations: int = 0, **details) -> Child:
    child = make.child(iro, date_of_birth=born, on_cp_plan=kind == ReviewKind.CP_CONFERENCE, **details)
    stage = ReviewStage.SUBSEQUENT if kind == ReviewKind.CARED_FOR else ReviewStage.REVIEW_CONFERENCE
    due = None if in_time is None else held + timedelta(days=3 if in_time else -3)
    review = make.review(child, kind=kind, stage=stage, scheduled_for=held, held_on=held, status=ReviewStatus.HELD,
                         participation=participation, due_on=due)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=held - timedelta(days=3))
    start = datetime.combine(held - timedelta(days=3) if statement_before else held + timedelta(days=1), time(10), tzinfo=UTC)
    _statement(db, child=child, visit=visit, started=start, heard=heard, about_id=review.id)
    for n in range(escalations):
        raised = held + timedelta(days=1)
        db.add(Escalation(child_id=child.id, raised_by_id=iro.id, plan=PlanKind.CARED_FOR if kind == ReviewKind.CARED_FOR else PlanKind.CP_PLAN,
                          theme="plan", identified_on=raised, raised_on=raised, challenge=f"Worry {n}", stage="informal",
                          stage_started_on=raised, stage_due_on=raised, overall_due_on=raised))
    db.commit()
    return child


@pytest.fixture
def heard_world(make, db, today):
    """Six disabled Black African girls of 12 heard well; three White British boys of 17 not; one child with nothing recorded."""
    iro = make.staff(Role.IRO)
    held = today - timedelta(days=10)
    for n in range(6):
        _child_heard(make, db, iro, today, born=date(today.year - 12, 1, 1), held=held, kind=ReviewKind.CARED_FOR,
                     participation=Participation.PN1, in_time=True, statement_before=True, heard="yes",
                     escalations=1 if n < 5 else 0, **DETAILS)
    for n in range(3):
        _child_heard(make, db, iro, today, born=date(today.year - 17, 1, 1), held=held, kind=ReviewKind.CP_CONFERENCE,
                     participation=Participation.PN7, in_time=False, statement_before=False, heard="no",
                     escalations=1 if n == 0 else 0, disability="no", ethnicity="WBRI", gender="1")
    _child_heard(make, db, iro, today, born=None, held=held, kind=ReviewKind.CARED_FOR, participation=None, in_time=None,
                 statement_before=False, heard="bit")
    return iro


def _rows(report, figure_id: str) -> dict[str, tuple]:
    figure = report.figure(figure_id)
    return {row.key: (row.now.count, row.now.base, row.this.display, row.this.percent) for row in figure.rows}


def test_every_split_on_hand_made_data_with_small_numbers_hidden(engine, heard_world, today):
    with engine.connect() as connection:
        report = build_report(connection, _period(today))

    taking_part = _rows(report, "equality-participation")
    assert taking_part["all"] == (6, 9, "6", 66.7)
    assert taking_part["ethnicity:black"] == (6, 6, "6", 100.0) and taking_part["ethnicity:white"] == (0, 3, "0", None)
    assert taking_part["disability:yes"][:2] == (6, 6) and taking_part["disability:no"][:2] == (0, 3)
    assert taking_part["gender:2"][:2] == (6, 6) and taking_part["gender:1"][:2] == (0, 3) and taking_part["gender:not_recorded"][:2] == (0, 0)
    assert taking_part["age:10_15"][:2] == (6, 6) and taking_part["age:16_plus"][:2] == (0, 3)
    assert taking_part["plan:cared_for"][:2] == (6, 6) and taking_part["plan:cp"][:2] == (0, 3)

    statement = _rows(report, "equality-statement")
    assert statement["all"][:2] == (6, 10) and statement["age:not_known"][:2] == (0, 1)
    assert statement["ethnicity:not_recorded"][:2] == (0, 1) and statement["disability:not_recorded"][:2] == (0, 1)

    heard = _rows(report, "equality-heard")
    assert heard["all"][:2] == (6, 10) and heard["ethnicity:black"][:2] == (6, 6) and heard["ethnicity:white"][:2] == (0, 3)
    assert heard["plan:cp"][:2] == (0, 3)

    timely = _rows(report, "equality-timeliness")
    assert timely["all"][:2] == (6, 9) and timely["age:16_plus"][:2] == (0, 3)  # no due date: left out

    escalations = _rows(report, "equality-escalations")
    assert escalations["all"] == (6, 6, "6", 100.0)
    # One White British boy's escalation is a small number; the Black African girls' five would give it away by subtraction.
    assert escalations["ethnicity:white"][2] == "<5" and escalations["ethnicity:black"][2] == "hidden"
    assert escalations["ethnicity:white"][3] is None and escalations["ethnicity:black"][3] is None
    assert escalations["gender:1"][2] == "<5" and escalations["gender:2"][2] == "hidden"
    before = report.figure("equality-escalations").rows[0]
    assert (before.before.count, before.previous.display) == (0, "0")


def test_a_split_counts_live_and_follows_a_change_to_the_childs_details(engine, heard_world, db, today):
    child = db.exec(select(Child).where(Child.ethnicity == "")).one()
    child.ethnicity = "CHNE"
    db.add(child)
    db.commit()
    with engine.connect() as connection:
        rows = _rows(build_report(connection, _period(today)), "equality-statement")
    assert rows["ethnicity:other"][:2] == (0, 1) and rows["ethnicity:not_recorded"][:2] == (0, 0)


def test_the_splits_are_in_the_page_the_json_and_the_csv(make, signed_in, heard_world, today):
    manager = signed_in(make.staff(Role.MANAGER))
    period = _period(today)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    page = _text(manager.get(f"/reports/?{query}"))
    assert "Heard equally" in page and "Children who felt listened to at their meeting" in page and "Ethnicity: Black or Black British" in page
    document = json.loads(manager.get(f"/reports/report.json?{query}").get_data(as_text=True))
    text = json.dumps(document)
    assert "equality-heard" in text and "ethnicity:black" in text
    table = list(csv.reader(io.StringIO(manager.get(f"/reports/report.csv?{query}").get_data(as_text=True))))
    assert any("equality-escalations" in line and "ethnicity:white" in line and "<5" in line for line in table)
    figure_csv = manager.get(f"/reports/figures/equality-timeliness.csv?{query}")
    assert figure_csv.status_code == 200 and "gender:1" in figure_csv.get_data(as_text=True)


def test_the_age_band_is_the_age_on_the_day_from_a_birthday_or_an_age_recorded(make, db, engine, today):
    iro = make.staff(Role.IRO)
    held = today - timedelta(days=10)
    five_that_day = date(held.year - 5, held.month, held.day)
    children = [
        make.child(iro, date_of_birth=five_that_day),  # 5 on the day itself: 5 to 9
        make.child(iro, date_of_birth=five_that_day + timedelta(days=1)),  # 5 the day after: 0 to 4
        make.child(iro, date_of_birth=None, age_years=15, age_recorded_on=held - timedelta(days=2 * 366)),  # 15 then, 17 now
    ]
    for child in children:
        make.review(child, scheduled_for=held, held_on=held, status=ReviewStatus.HELD)
    with engine.connect() as connection:
        rows = _rows(build_report(connection, _period(today)), "equality-statement")
    assert {key: rows[key][1] for key in rows if key.startswith("age:")} == {"age:0_4": 1, "age:5_9": 1, "age:10_15": 0, "age:16_plus": 1, "age:not_known": 0}
