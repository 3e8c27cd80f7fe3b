"""How the child answers (touch, one switch, two switches, dwell): chosen at hand-over, changed by the IRO in child mode."""

import re

from sqlmodel import select

from tests.conftest import PASSWORD
from tests.test_child_offline import offline_files
from voice_app.child.handover import ACCESS_ACTION
from voice_app.models import AuditEvent, Handover
from voice_app.questions.access import AccessSettings, note_access, settings_from, stored_settings

pytest_plugins = ["tests.child_support"]

# Child mode only, with the IRO's password or PIN: tested here (and in the route x role matrix's rules).
ACCESS_TESTED_ENDPOINTS = {"child.access"}

ONE_SWITCH = {
    "access": "auto",
    "scan_s": "2.5",
    "dwell_s": "1.5",
    "accept_s": "0.3",
    "ignore_s": "1",
    "loops": "4",
    "speak": "y",
    "move_key": " ",
    "choose_key": "Enter",
}


def _handover(db, tablet) -> Handover:
    return db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).one()


def test_a_touch_hand_over_stores_nothing_and_loads_no_scanning(hand_over, db):
    tablet = hand_over()
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    assert _handover(db, tablet).access is None
    assert "child-scan" not in page and "data-access=" not in page and "data-scan-note" not in page
    files = offline_files(page)["files"]
    assert not any("child-scan" in url for url in files)


def test_one_switch_chosen_at_hand_over_reaches_the_childs_page(hand_over, db):
    tablet = hand_over(access=ONE_SWITCH)
    stored = stored_settings(_handover(db, tablet).access)
    assert stored == AccessSettings(mode="auto", scan_ms=2500, dwell_ms=1500, accept_ms=300, ignore_ms=1000, loops=4, speak=True)
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    assert re.search(r'<script src="/static/js/child-scan\.[0-9a-f]{12}\.js" defer>', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/child-scan\.[0-9a-f]{12}\.css">', page)
    for attribute in (
        'data-access="auto"',
        'data-scan-ms="2500"',
        'data-accept-ms="300"',
        'data-ignore-ms="1000"',
        'data-loops="4"',
        'data-scan-speak="true"',
        'data-move-key=" "',
        'data-choose-key="Enter"',
    ):
        assert attribute in page
    assert "Press your switch when the picture you want is highlighted." in page
    # Kept for time offline too, with the rest of the conversation's files.
    files = offline_files(page)["files"]
    assert any("/js/child-scan." in url for url in files) and any("/css/child-scan." in url for url in files)


def test_hand_over_refuses_timings_out_of_bounds_and_one_key_for_two_switches(hand_over, make, signed_in):
    tablet = hand_over()  # an IRO and a child with a visit
    client = signed_in(tablet.iro)
    url = f"/visits/{tablet.visit.id}/hand-over"
    base = {"version": "younger", "language": "en-GB", "parts": "views"}
    slow = client.post(url, {**base, "access": "auto", "scan_s": "9"})
    assert slow.status_code == 422 and "Give a number of seconds from 0.5 to 5." in slow.get_data(as_text=True)
    words = client.post(url, {**base, "access": "dwell", "dwell_s": "soon"})
    assert words.status_code == 422
    same = client.post(url, {**base, "access": "step", "move_key": "Enter", "choose_key": "Enter"})
    assert same.status_code == 422 and "Two switches need two different keys." in same.get_data(as_text=True)
    odd = client.post(url, {**base, "access": "telepathy"})
    assert odd.status_code == 422


def test_stored_settings_are_kept_within_bounds_whatever_is_stored():
    assert settings_from({"mode": "auto", "scan_ms": 1, "dwell_ms": 99999, "accept_ms": -5, "loops": 0}) == AccessSettings(
        mode="auto", scan_ms=500, dwell_ms=5000, accept_ms=0, loops=1
    )
    assert settings_from({"mode": "step", "move_key": "Enter", "choose_key": "Enter"}).move_key == " "
    assert settings_from({"mode": "rm -rf", "move_key": "<script>"}) == AccessSettings()
    assert stored_settings("{not json") == AccessSettings() and stored_settings(None) == AccessSettings()


def test_the_iro_changes_how_the_child_answers_with_their_password_without_taking_the_tablet_back(hand_over, db):
    tablet = hand_over()
    form = tablet.client.get("/child/access")
    assert form.status_code == 200 and re.search(
        r'<input checked id="access-0" name="access" type="radio" value="touch">', form.get_data(as_text=True)
    )
    changed = tablet.client.post("/child/access", {**ONE_SWITCH, "access": "step", "secret": PASSWORD})
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/child/")
    assert stored_settings(_handover(db, tablet).access).mode == "step"
    # Still in child mode, on the conversation, now with two switches.
    page = tablet.client.get(tablet.url())
    assert page.status_code == 200 and 'data-access="step"' in page.get_data(as_text=True)
    assert tablet.client.get("/caseload").status_code == 403
    trail = db.exec(select(AuditEvent).where(AuditEvent.action == ACCESS_ACTION)).all()
    assert [event.detail for event in trail] == ["ok"]


def test_a_child_cannot_change_it_without_the_secret_and_wrong_tries_count(hand_over, db):
    tablet = hand_over(pin="2468")
    wrong = tablet.client.post("/child/access", {**ONE_SWITCH, "secret": "1111"})
    assert wrong.status_code == 422 and "That isn&#39;t right. Please try again." in wrong.get_data(as_text=True)
    missing = tablet.client.post("/child/access", {**ONE_SWITCH})
    assert missing.status_code == 422
    handover = _handover(db, tablet)
    db.refresh(handover)
    assert handover.access is None and handover.handback_failures == 1  # the same count as taking the tablet back
    assert tablet.client.post("/child/access", {**ONE_SWITCH, "secret": "2468"}).status_code == 302
    db.refresh(handover)
    assert stored_settings(handover.access).mode == "auto"


def test_give_back_page_offers_the_settings(hand_over):
    tablet = hand_over()
    page = tablet.client.get("/child/give-back").get_data(as_text=True)
    assert 'href="/child/access"' in page and "Change how Ana answers" in page


def test_the_settings_page_needs_child_mode(client):
    assert client.get("/child/access").status_code == 404


def test_the_statement_says_how_the_child_answered_on_its_page_and_in_its_json(hand_over, signed_in, db):
    import jsonschema

    from voice_app.statements.exports import export_schema

    tablet = hand_over(access=ONE_SWITCH)
    assert tablet.client.post("/child/give-back", {"secret": PASSWORD}).status_code == 302
    page = tablet.client.get(f"/statements/{tablet.statement_id}").get_data(as_text=True)
    assert 'id="how-they-answered"' in page and "With one switch (automatic scanning)" in page
    document = tablet.client.get(f"/statements/{tablet.statement_id}/export.json").get_json()
    assert document["statement"]["access"] == ["auto"]
    jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())


def test_two_ways_in_one_statement_are_both_said_in_the_order_used(hand_over, db):
    from voice_app.questions.access import access_used
    from voice_app.statements.access import load_context
    from voice_app.statements.reading import how_they_answered, read_statement

    tablet = hand_over()  # touch
    handover = db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).one()
    db.add(
        Handover(
            statement_id=tablet.statement_id,
            token_hash="f" * 64,
            created_by_id=tablet.iro.id,
            expires_at=handover.expires_at,
            access=AccessSettings(mode="dwell").to_json(),
        )
    )
    note_access(db, statement_id=tablet.statement_id, settings=AccessSettings(mode="dwell"))  # as a second hand-over does
    db.commit()
    assert access_used(db, statement_id=tablet.statement_id) == ("touch", "dwell")
    record = read_statement(db, load_context(db, tablet.statement_id))
    assert how_they_answered(record) == "By touch (tapping the pictures) and by dwell (eye-gaze or a head pointer)"
    # Hand-overs are disposed of after a while (retention); the statement keeps how the child answered.
    for row in db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).all():
        db.delete(row)
    db.commit()
    assert access_used(db, statement_id=tablet.statement_id) == ("touch", "dwell")


def test_a_child_who_answered_with_switches_and_asks_to_come_is_suggested_pn3(make, db):
    from datetime import date, timedelta

    from tests.statement_factories import AnswerSpec, make_statement
    from voice_app.models import Participation, VisitStatus
    from voice_app.staff.participation import suggested_participation

    iro = make.staff()
    child = make.child(iro, cared_for_since=date.today() - timedelta(days=10))
    review = make.review(child, days_ahead=-3)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=review.scheduled_for - timedelta(days=2))
    statement = make_statement(
        db, child=child, visit=visit, answers=[AnswerSpec("menu-attend", ["all"]), AnswerSpec("menu-share", ["say"])]
    )
    assert suggested_participation(db, review=review)[0] == Participation.PN1  # no hand-over known: as before
    db.add(
        Handover(
            statement_id=statement.id,
            token_hash="e" * 64,
            created_by_id=iro.id,
            expires_at=statement.started_at,
            access=AccessSettings(mode="step").to_json(),
        )
    )
    note_access(db, statement_id=statement.id, settings=AccessSettings(mode="step"))
    db.commit()
    code, why = suggested_participation(db, review=review)
    assert code == Participation.PN3 and "with two switches (step scanning)" in why and "choose PN1" in why


def test_the_report_counts_statements_by_how_the_child_answered_live(app, make, db):
    from datetime import date

    from tests.statement_factories import make_statement
    from voice_app.models import VisitMethod, VisitStatus
    from voice_app.reports.period import financial_year, financial_year_of
    from voice_app.reports.report import build_report

    iro = make.staff()
    child = make.child(iro)
    review = make.review(child)
    ways = [["touch"], ["auto"], ["auto", "dwell"], []]  # the last: given without a hand-over (not counted)
    for modes in ways:
        visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
        statement = make_statement(db, child=child, visit=visit, answers=[])
        for n, mode in enumerate(modes):
            access = AccessSettings(mode=mode).to_json()
            db.add(
                Handover(
                    statement_id=statement.id,
                    token_hash=f"{statement.id:032d}{n:032d}",
                    created_by_id=iro.id,
                    expires_at=statement.started_at,
                    access=access,
                )
            )
            note_access(db, statement_id=statement.id, settings=AccessSettings(mode=mode))
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(financial_year_of(date.today())))
    rows = {row.key: row.now.count for row in report.figure("statements-access").rows}
    assert rows == {"touch": 1, "auto": 2, "step": 0, "dwell": 1, "observation": 0, "observation-helped": 0}
    assert {row.now.base for row in report.figure("statements-access").rows} == {3}
