"""Young people's conferences: who qualifies, marking one, the young person's own conversation and menu, the plan back, exports and the report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import BytesIO

import jsonschema
import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.reports_seed import PERIOD, Seeder, utc
from voice_app.child.flow import meeting_of
from voice_app.config import ConfigError, Settings
from voice_app.models import (
    Answer,
    AnswerChoice,
    FlowVersion,
    MenuDecision,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    Statement,
)
from voice_app.questions.bank import YOUNG_PERSONS_CONFERENCE, default_bank
from voice_app.staff.young_person import YoungPersonsError, mark_young_persons, qualifies

pytestmark = pytest.mark.usefixtures("today")  # 7 December 2026 (tests/clock.py)

CONFERENCE_DAY = date(2026, 12, 21)
HARM_OUTSIDE_HOME = ["yp-unsafe-places", "yp-unsafe-people", "yp-online", "yp-money-gifts", "yp-missing", "yp-friends", "yp-helps"]
YOUNG_PERSONS_MENU = ["yp-where-when", "yp-parts", "yp-out-for-part", "yp-trusted-adult", "yp-plan-words"]


# ----- who qualifies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "pathway", "from_age", "counts_pathway", "expected"),
    [
        (date(2013, 12, 21), False, 13, True, True),  # 13 on the conference day itself
        (date(2013, 12, 22), False, 13, True, False),  # 13 the day after
        (date(2016, 1, 1), True, 13, True, True),  # 10, on the young people's pathway
        (date(2016, 1, 1), True, 13, False, False),  # ... but this service does not count the pathway
        (date(2008, 1, 1), False, 0, True, False),  # 18, but age alone never qualifies here
        (date(2008, 1, 1), True, 0, True, True),  # ... the pathway does
        (None, False, 13, True, False),  # age not known
    ],
)
def test_who_qualifies_is_the_services_choice_of_age_and_pathway(make, born, pathway, from_age, counts_pathway, expected):
    child = make.child(date_of_birth=born, young_peoples_pathway=pathway, on_cp_plan=True)
    assert qualifies(child, on=CONFERENCE_DAY, from_age=from_age, pathway=counts_pathway) is expected


def test_the_service_sets_who_qualifies_in_its_environment():
    assert (Settings().young_persons_from_age, Settings().young_persons_pathway) == (13, True)
    settings = Settings.from_env({"VOICE_APP_YOUNG_PERSONS_FROM_AGE": "14", "VOICE_APP_YOUNG_PERSONS_PATHWAY": "off"})
    assert (settings.young_persons_from_age, settings.young_persons_pathway) == (14, False)
    with pytest.raises(ConfigError, match="YOUNG_PERSONS_FROM_AGE"):
        Settings.from_env({"VOICE_APP_YOUNG_PERSONS_FROM_AGE": "twelve"})
    with pytest.raises(ConfigError, match="between 0"):
        Settings(young_persons_from_age=19).check()


# ----- marking a conference ------------------------------------------------------------------


def _conference(make, iro, **child_fields):
    child = make.child(iro, cared_for=False, on_cp_plan=True, **child_fields)
    review = make.review(child, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE, scheduled_for=CONFERENCE_DAY)
    return child, review


def test_an_iro_makes_a_qualifying_conference_a_young_persons_and_back(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child, review = _conference(make, iro, date_of_birth=date(2011, 3, 1))
    client = signed_in(iro)
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert "qualifies: this service holds young person’s conferences for young people aged 13 and over" in page
    response = client.post(f"/reviews/{review.id}/young-person", {"young_persons": "yes"})
    assert response.status_code == 302
    db.refresh(review)
    assert review.young_persons
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert "It is now a young person&#39;s conference." in page and "Make it an ordinary conference" in page
    client.post(f"/reviews/{review.id}/young-person", {"young_persons": "no"})
    db.refresh(review)
    assert not review.young_persons


def test_a_child_who_does_not_qualify_is_refused_with_the_services_rule(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child, review = _conference(make, iro, date_of_birth=date(2016, 3, 1), name="Sam")
    client = signed_in(iro)
    assert "Make it a young person’s conference" not in client.get(f"/children/{child.id}").get_data(as_text=True)
    response = client.post(f"/reviews/{review.id}/young-person", {"young_persons": "yes"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sam does not qualify: this service holds young person&#39;s conferences for young people aged 13 and over" in page
    db.refresh(review)
    assert not review.young_persons
    assert client.post(f"/reviews/{review.id}/young-person", {"young_persons": "maybe"}).status_code == 400


def test_the_young_peoples_pathway_is_set_on_the_child_by_a_manager(db, make, signed_in):
    iro, manager = make.staff(Role.IRO), make.staff(Role.MANAGER)
    child, review = _conference(make, iro, date_of_birth=date(2016, 3, 1))
    form = {
        "preferred_name": child.preferred_name, "case_reference": child.case_reference, "date_of_birth": "2016-03-01",
        "preferred_language": "en-GB", "iro_id": str(iro.id), "on_cp_plan": "y", "young_peoples_pathway": "y",
    }
    response = signed_in(manager).post(f"/children/{child.id}/edit", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.refresh(child)
    assert child.young_peoples_pathway
    mark_young_persons(db, review=review, child=child, young_persons=True, from_age=13, pathway=True)
    assert review.young_persons


def test_only_a_booked_child_protection_conference_can_be_marked(db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, date_of_birth=date(2010, 1, 1))
    cared_for = make.review(child, kind=ReviewKind.CARED_FOR)
    with pytest.raises(YoungPersonsError, match="Only a child protection conference"):
        mark_young_persons(db, review=cared_for, child=child, young_persons=True, from_age=13, pathway=True)
    _, held = _conference(make, iro, date_of_birth=date(2010, 1, 1))
    held.status, held.held_on = ReviewStatus.HELD, CONFERENCE_DAY
    with pytest.raises(YoungPersonsError, match="already been held"):
        mark_young_persons(db, review=held, child=child, young_persons=True, from_age=13, pathway=True)


# ----- the young person's own conversation and menu -----------------------------------------


def test_the_young_persons_questions_are_asked_only_before_their_conference_in_the_older_version():
    bank = default_bank()

    def asked(meeting, version="older"):
        return [q.id for q in bank.for_child(parts=("views", "menu"), version=version, cared_for=False, on_cp_plan=True, meeting=meeting)]

    young, ordinary, review = asked(YOUNG_PERSONS_CONFERENCE), asked("conference"), asked("cared_for_review")
    for question_id in HARM_OUTSIDE_HOME + YOUNG_PERSONS_MENU:
        assert question_id in young and question_id not in ordinary and question_id not in review
        assert question_id not in asked(YOUNG_PERSONS_CONFERENCE, "younger")
        assert question_id not in asked(None)
    # A young person's conference is still a conference: meeting the chair, not choosing one.
    assert "menu-meet-chair" in young and "menu-chair" not in young
    assert all(bank.get(q).plan_label for q in YOUNG_PERSONS_MENU)
    assert [q for q in young if q.startswith("yp-") and bank.get(q).part == "views"] == HARM_OUTSIDE_HOME


def _hand_over_young_person(make, signed_in, db, *, version="younger"):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child, review = _conference(make, iro, date_of_birth=date(2011, 3, 1), name="Kai")
    mark_young_persons(db, review=review, child=child, young_persons=True, from_age=13, pathway=True)
    visit = make.visit(review, iro=iro)
    client = signed_in(iro)
    setup = client.get(f"/visits/{visit.id}/hand-over").get_data(as_text=True)
    assert "This is Kai’s young person’s conference" in setup
    response = client.post(f"/visits/{visit.id}/hand-over", {"version": version, "language": "en-GB", "parts": "views,menu"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    statement_id = int(response.headers["Location"].split("/statements/")[1].split("#")[0])
    return iro, child, review, visit, client, statement_id


def test_the_young_person_answers_their_menu_and_the_chairs_plan_is_stored_and_exported(db, make, signed_in):
    iro, child, review, visit, tablet, statement_id = _hand_over_young_person(make, signed_in, db, version="younger")
    statement = db.get(Statement, statement_id)
    assert statement.version == FlowVersion.OLDER  # whichever version the IRO ticked
    assert meeting_of(db, statement=statement) == YOUNG_PERSONS_CONFERENCE

    def answer(question_id, data):
        page = tablet.get(f"/child/statements/{statement_id}").get_data(as_text=True)
        while f'data-question="{question_id}"' not in page:
            current = page.split('data-question="')[1].split('"')[0]
            assert tablet.post(f"/child/statements/{statement_id}/questions/{current}", {"skip": "1"}).status_code == 302
            page = tablet.get(f"/child/statements/{statement_id}").get_data(as_text=True)
        assert tablet.post(f"/child/statements/{statement_id}/questions/{question_id}", data).status_code == 302

    answer("yp-money-gifts", {"choice": "not_sure"})
    answer("menu-attend", {"choice": "part"})
    answer("yp-parts", {"choice": ["open", "hear_plan"]})
    answer("yp-out-for-part", {"choice": ["dad"], "text": "Dad out while I give my views"})
    answer("yp-trusted-adult", {"choice": "someone_i_choose", "text": "My youth worker"})
    answer("yp-plan-words", {"choice": ["my_words", "short"]})

    stored = {a.question_id: a for a in db.exec(select(Answer).where(Answer.statement_id == statement_id)).all()}
    chosen = lambda q: sorted(c.choice_id for c in db.exec(select(AnswerChoice).where(AnswerChoice.answer_id == stored[q].id)))  # noqa: E731
    assert chosen("yp-parts") == ["hear_plan", "open"]
    assert chosen("yp-plan-words") == ["my_words", "short"]
    assert stored["yp-trusted-adult"].text == "My youth worker"
    assert db.exec(select(AnswerChoice.position).where(AnswerChoice.answer_id == stored["yp-out-for-part"].id)).one() == 1

    statement.ended_at, statement.end_reason = statement.started_at + timedelta(minutes=20), "finished"
    db.add(statement)
    db.commit()
    staff = signed_in(iro)
    page = staff.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert "The young person’s plan: their menu for the conference" in page
    assert "Child protection conference (young person&#39;s conference)" in page
    assert staff.post(f"/statements/{statement_id}/decisions/yp-parts", {"d-yp-parts-outcome": "agreed"}).status_code == 302
    refused = staff.post(f"/statements/{statement_id}/decisions/yp-out-for-part", {"d-yp-out-for-part-outcome": "not_possible", "d-yp-out-for-part-reason_for_child": ""})
    assert refused.status_code == 422  # a reason for the young person is required
    staff.post(
        f"/statements/{statement_id}/decisions/yp-out-for-part",
        {"d-yp-out-for-part-outcome": "not_possible", "d-yp-out-for-part-reason_for_child": "Your dad has a right to hear the plan, so he stays for that part."},
    )
    decisions = {d.item_id: d for d in db.exec(select(MenuDecision).where(MenuDecision.statement_id == statement_id)).all()}
    assert decisions["yp-parts"].outcome.value == "agreed"
    assert decisions["yp-out-for-part"].reason_for_child.startswith("Your dad has a right")

    document = json.loads(staff.get(f"/statements/{statement_id}/export.json").get_data(as_text=True))
    from voice_app.statements.exports import export_schema

    jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
    assert document["review"]["young_persons"] is True
    plan = {item["question_id"]: item for item in document["meeting_plan"]}
    assert set(YOUNG_PERSONS_MENU) - {"yp-where-when"} <= set(plan)
    assert plan["yp-parts"]["decision"]["outcome"] == "agreed"
    assert plan["yp-out-for-part"]["decision"]["outcome"] == "not_possible"
    assert plan["yp-out-for-part"]["decision"]["reason_for_child"].startswith("Your dad has a right")

    pdf = staff.get(f"/statements/{statement_id}/export.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages).split())
    assert "views before their young person's conference" in text
    assert "How I want my conference (my young person's plan)" in text
    assert "Parts the young person attends or leads" in text and "Your dad has a right to hear the plan" in text


def test_an_ordinary_conference_gets_no_young_persons_questions(db, make):
    iro = make.staff(Role.IRO)
    child, review = _conference(make, iro, date_of_birth=date(2011, 3, 1))
    visit = make.visit(review, iro=iro)
    statement = Statement(child_id=child.id, visit_id=visit.id, version=FlowVersion.OLDER, parts="views,menu")
    db.add(statement)
    db.commit()
    assert meeting_of(db, statement=statement) == "conference"


# ----- the live report ---------------------------------------------------------------------------


def _young_persons_rows(app):
    from voice_app.reports.report import build_report

    with app.extensions["voice_app_engine"].connect() as connection:
        figure = build_report(connection, PERIOD).figure("young-persons-conferences")
    return {row.key: row for row in figure.rows}


def test_the_report_counts_young_persons_conferences_and_their_plans_with_small_numbers_hidden(db, app):
    s = Seeder(db)
    for n in range(7):
        child = s.child(f"Young{n}", f"YP-{n}", cp=True)
        review = s.review(child, date(2024, 6, 10 + n), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE, young_persons=True)
        if n < 6:  # six of seven had their conversation before the day
            visit = s.visit(review, date(2024, 6, 3 + n))
            statement = s.statement(visit, child, utc(2024, 6, 3 + n, 10), utc(2024, 6, 3 + n, 11), version="older")
            s.decision(statement, "yp-parts", "agreed")
            s.decision(statement, "yp-plan-words", "agreed")
            if n < 2:
                s.decision(statement, "yp-out-for-part", "not_possible")
    ordinary = s.child("Ordinary", "OR-1", cp=True)
    other = s.review(ordinary, date(2024, 7, 1), kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE)
    statement = s.statement(s.visit(other, date(2024, 6, 25)), ordinary, utc(2024, 6, 25, 10), utc(2024, 6, 25, 11))
    s.decision(statement, "menu-format", "not_possible")
    db.commit()

    rows = _young_persons_rows(app)
    assert rows["held"].now.count == 7 and rows["held"].cells[0].display == "7"
    assert (rows["with_statement"].now.count, rows["with_statement"].now.base) == (6, 7)
    assert (rows["agreed"].now.count, rows["agreed"].now.base) == (12, 14)
    assert rows["not_possible"].now.count == 2
    assert rows["not_possible"].cells[0].display == "<5"  # two choices: too few to publish
    assert rows["held"].before.count == 0
