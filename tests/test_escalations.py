"""Escalations (the dispute resolution procedure): deadlines on working days, stages, closing with an outcome for
the child, telling the child, the tracker, and who may see what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.escalations.procedure import ProcedureError, load_procedure
from voice_app.escalations.services import (
    EscalationError,
    Source,
    TrackerFilters,
    close_escalation,
    is_overdue,
    move_to_stage,
    open_escalations,
    raise_escalation,
    working_days_to_resolve,
)
from voice_app.models import AuditEvent, ChildResponse, Escalation, EscalationStep, PlanKind, Role, VisitMethod, VisitStatus

pytest_plugins = ["tests.statement_fixtures"]

ACCESS_TESTED_ENDPOINTS = {
    "escalations.new",
    "escalations.show",
    "escalations.move",
    "escalations.close",
    "escalations.example",
    "escalations.tracker",
    "escalations.tracker_csv",
}

PROCEDURE = load_procedure()
# Friday 18 December 2026; Christmas Day (Fri 25) and Boxing Day substitute (Mon 28) are bank holidays in England.
FRIDAY = date(2026, 12, 18)


def _raise(
    db,
    *,
    child,
    by,
    identified_on=FRIDAY,
    raised_on=FRIDAY,
    theme="lack_of_progress",
    plan=PlanKind.CARED_FOR,
    source=Source(),
    today=None,
):
    return raise_escalation(
        db,
        child=child,
        by=by,
        plan=plan,
        theme=theme,
        identified_on=identified_on,
        raised_on=raised_on,
        challenge="The dental treatment agreed at the review has not been funded.",
        with_whom="Social worker",
        source=source,
        today=today or raised_on,
    )


def _close(db, escalation, *, by, on=FRIDAY, outcome="You can smile.", response="Agreed.", tell_child=False):
    """Close it on `on` (also the day it is done) with the IRO's response and the outcome for the child."""
    return close_escalation(
        db,
        escalation=escalation,
        closed_on=on,
        response=response,
        outcome_for_child=outcome,
        tell_child=tell_child,
        by=by,
        today=on,
    )


def _move(db, escalation, stage, *, by, on=FRIDAY, with_whom="Team manager", response="No."):
    """Move it to `stage` on `on` (also the day it is done), with the response at the stage it leaves."""
    return move_to_stage(
        db,
        escalation=escalation,
        stage=stage,
        started_on=on,
        with_whom=with_whom,
        response_so_far=response,
        by=by,
        today=on,
    )


# ----- the procedure as data ------------------------------------------------------------------------


def test_the_default_procedure_has_the_seeds_stages_and_themes():
    assert [s.label for s in PROCEDURE.stages] == ["Alert", "Stage 1", "Stage 2", "Stage 3", "Stage 4"]
    assert PROCEDURE.stage("stage_1").working_days == 10
    assert PROCEDURE.overall_working_days == 20
    labels = [t.label for t in PROCEDURE.themes]
    assert (
        "Issue not addressed" in labels
        and "Late or no social worker report" in labels
        and "Report not shared with parents" in labels
    )


def test_a_service_can_reword_the_procedure(tmp_path):
    own = tmp_path / "drp.toml"
    own.write_text(
        'name = "Escalation policy"\noverall_working_days = 15\n'
        '[[stages]]\nkey = "informal"\nlabel = "Informal"\nworking_days = 2\n'
        '[[stages]]\nkey = "formal"\nlabel = "Formal"\nworking_days = 5\n'
        '[[themes]]\nkey = "drift"\nlabel = "Drift and delay"\n'
    )
    procedure = load_procedure(own)
    assert procedure.name == "Escalation policy"
    assert procedure.next_stage("informal").label == "Formal"
    assert procedure.stage_label("gone") == "Gone"  # a key no longer in the file still reads as words


def test_a_broken_procedure_file_is_refused_with_a_clear_message(tmp_path):
    broken = tmp_path / "drp.toml"
    broken.write_text('overall_working_days = 20\n[[stages]]\nkey = "a"\nlabel = "A"\nworking_days = 1\n')
    with pytest.raises(ProcedureError, match="missing"):
        load_procedure(broken)


def test_stage_deadlines_count_working_days_across_bank_holidays_and_weekends():
    # The alert, identified on Thursday 24 December: due the next working day, Tuesday 29 December.
    assert PROCEDURE.stage_due("alert", started_on=date(2026, 12, 24)) == date(2026, 12, 29)
    # Stage 1 from Friday 18 December: 10 working days skip two weekends, Christmas Day and the Boxing Day substitute.
    assert PROCEDURE.stage_due("stage_1", started_on=FRIDAY) == date(2027, 1, 6)
    # The whole procedure: 20 working days, New Year's Day too.
    assert PROCEDURE.overall_due(raised_on=FRIDAY) == date(2027, 1, 20)


# ----- raising, moving on, closing ---------------------------------------------------------------------


def test_raising_starts_at_the_alert_with_its_deadline_and_the_whole_procedures(db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    escalation = _raise(db, child=child, by=iro)
    assert escalation.stage == "alert"
    assert escalation.stage_due_on == date(2026, 12, 21)  # Monday: the next working day after Friday
    assert escalation.overall_due_on == date(2027, 1, 20)
    assert escalation.next_due_on == date(2026, 12, 21)
    steps = db.exec(select(EscalationStep).where(EscalationStep.escalation_id == escalation.id)).all()
    assert [(s.stage, s.with_whom) for s in steps] == [("alert", "Social worker")]
    assert db.exec(select(AuditEvent.action).where(AuditEvent.child_id == child.id)).all() == ["escalation.raised"]


def test_free_text_is_encrypted_at_rest(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    raw = db.connection().exec_driver_sql(f"SELECT challenge FROM escalation WHERE id = {escalation.id}").scalar()
    assert "dental" not in raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(theme="nonsense"), "theme"),
        (dict(identified_on=FRIDAY, raised_on=FRIDAY - timedelta(days=1)), "before the issue"),
        (dict(raised_on=FRIDAY, today=FRIDAY - timedelta(days=1), identified_on=FRIDAY - timedelta(days=3)), "future"),
    ],
)
def test_raising_refuses_what_cannot_be_right(db, make, changes, message):
    iro = make.staff(Role.IRO)
    with pytest.raises(EscalationError, match=message):
        _raise(db, child=make.child(iro), by=iro, **changes)


def test_moving_to_stage_1_records_the_alerts_response_and_the_new_deadline(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    _move(db, escalation, "stage_1", by=iro, response="Not resolved on the phone.")
    assert escalation.stage == "stage_1"
    assert escalation.stage_due_on == date(2027, 1, 6)
    assert escalation.next_due_on == date(2027, 1, 6)  # sooner than the whole procedure's
    steps = db.exec(select(EscalationStep).where(EscalationStep.escalation_id == escalation.id).order_by(EscalationStep.id)).all()
    assert [(s.stage, s.response) for s in steps] == [("alert", "Not resolved on the phone."), ("stage_1", "")]


def test_a_later_stage_is_due_no_later_than_the_whole_procedure(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    _move(db, escalation, "stage_4", by=iro, on=date(2027, 1, 18), with_whom="Director")
    assert escalation.stage_due_on == date(2027, 1, 25)
    assert escalation.next_due_on == escalation.overall_due_on == date(2027, 1, 20)


def test_it_cannot_go_back_a_stage(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    _move(db, escalation, "stage_2", by=iro, with_whom="Service manager")
    with pytest.raises(EscalationError, match="later stage"):
        _move(db, escalation, "stage_1", by=iro)


def test_closing_without_an_outcome_for_the_child_is_refused(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    with pytest.raises(EscalationError, match="outcome for the child"):
        _close(db, escalation, by=iro, outcome="   ")
    assert db.get(Escalation, escalation.id).closed_on is None


def test_closing_records_the_stage_and_the_working_days_taken(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    _move(db, escalation, "stage_1", by=iro, on=date(2026, 12, 21))
    _close(db, escalation, by=iro, on=date(2026, 12, 30), outcome="You can have your teeth fixed.", response="Finance panel agreed.")
    assert (escalation.closed_stage, escalation.next_due_on) == ("stage_1", None)
    assert working_days_to_resolve(escalation) == 6  # 21, 22, 23, 24, 29 and 30 December: Christmas and the weekends do not count
    assert not is_overdue(escalation, today=date(2027, 6, 1))
    with pytest.raises(EscalationError, match="closed"):
        _move(db, escalation, "stage_2", by=iro, on=date(2026, 12, 30), with_whom="x", response="x")


def test_overdue_is_the_day_after_the_next_deadline(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    assert not is_overdue(escalation, today=date(2026, 12, 21))
    assert is_overdue(escalation, today=date(2026, 12, 22))


# ----- telling the child --------------------------------------------------------------------------------


def _child_with_statement(db, make, bank):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Aisha")
    review = make.review(child)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(
        db, child=child, visit=visit, answers=[AnswerSpec("safe-scale", scale=2), AnswerSpec("tell-iro", text="My teeth hurt")]
    )
    return iro, child, statement


def _raised_from_the_statement(db, make, bank):
    """An escalation raised today from what Aisha asked the IRO to tell them (her statement's "tell-iro" answer)."""
    iro, child, statement = _child_with_statement(db, make, bank)
    today = date.today()
    escalation = _raise(
        db, child=child, by=iro, identified_on=today, raised_on=today, source=Source(statement_id=statement.id, question_id="tell-iro")
    )
    return iro, child, statement, escalation


def test_telling_the_child_puts_the_outcome_in_you_said_we_did_on_the_answer_that_prompted_it(db, make, bank):
    iro, child, statement, escalation = _raised_from_the_statement(db, make, bank)
    today = date.today()
    _close(db, escalation, by=iro, on=today, outcome="Your dentist visit is booked.", tell_child=True)
    response = db.exec(select(ChildResponse).where(ChildResponse.statement_id == statement.id)).one()
    assert (response.question_id, response.we_did, response.shown_to_child_at) == (
        "tell-iro",
        "Your dentist visit is booked.",
        None,
    )
    assert escalation.told_via_response_id == response.id
    assert "escalation.told_child" in db.exec(select(AuditEvent.action).where(AuditEvent.child_id == child.id)).all()


def test_telling_the_child_keeps_what_the_iro_already_wrote_there(db, make, bank):
    iro, child, statement = _child_with_statement(db, make, bank)
    db.add(
        ChildResponse(statement_id=statement.id, question_id="general", we_did="We talked to your carer.", written_by_id=iro.id)
    )
    db.commit()
    today = date.today()
    escalation = _raise(
        db, child=child, by=iro, identified_on=today, raised_on=today
    )  # from the child's page: the latest statement's general item
    _close(db, escalation, by=iro, on=today, outcome="You will see your sister every week.", tell_child=True)
    response = db.exec(
        select(ChildResponse).where(ChildResponse.statement_id == statement.id, ChildResponse.question_id == "general")
    ).one()
    assert response.we_did == "We talked to your carer.\n\nYou will see your sister every week."


def test_with_no_statement_to_answer_through_it_closes_and_says_so(db, make):
    iro = make.staff(Role.IRO)
    escalation = _raise(db, child=make.child(iro), by=iro)
    with pytest.raises(EscalationError, match="no statement"):
        _close(db, escalation, by=iro, outcome="Done.", tell_child=True)
    db.refresh(escalation)
    assert escalation.closed_on == FRIDAY


# ----- the tracker ---------------------------------------------------------------------------------------


@pytest.fixture
def service(db, make):
    """Two IROs, a manager, and open escalations at different stages, themes and plans."""
    jo, sam, manager = make.staff(Role.IRO, name="Jo"), make.staff(Role.IRO, name="Sam"), make.staff(Role.MANAGER)
    amy = make.child(jo, name="Amy")
    ben = make.child(jo, name="Ben", cared_for=False, on_cp_plan=True)
    cal = make.child(sam, name="Cal")
    late = _raise(db, child=amy, by=jo, identified_on=date(2026, 11, 2), raised_on=date(2026, 11, 2), today=FRIDAY)
    cp = _raise(db, child=ben, by=jo, theme="report_not_shared", plan=PlanKind.CP_PLAN, today=FRIDAY)
    sams = _raise(db, child=cal, by=sam, identified_on=date(2026, 12, 14), raised_on=date(2026, 12, 14), today=FRIDAY)
    move_to_stage(
        db,
        escalation=sams,
        stage="stage_1",
        started_on=date(2026, 12, 15),
        with_whom="Team manager",
        response_so_far="No.",
        by=sam,
        today=FRIDAY,
    )
    closed = _raise(db, child=cal, by=sam, today=FRIDAY)
    _close(db, closed, by=sam, outcome="Sorted.", response="Yes.")
    return dict(jo=jo, sam=sam, manager=manager, late=late, cp=cp, sams=sams, closed=closed)


def _ids(rows):
    return [row.escalation.id for row in rows]


def test_the_manager_sees_every_open_one_oldest_deadline_first(db, service):
    rows = open_escalations(db, user=service["manager"])
    assert _ids(rows) == [service["late"].id, service["cp"].id, service["sams"].id]
    assert [row.overdue(FRIDAY) for row in rows] == [True, False, False]


def test_an_iro_sees_only_their_own_childrens(db, service):
    assert _ids(open_escalations(db, user=service["jo"])) == [service["late"].id, service["cp"].id]
    assert _ids(open_escalations(db, user=service["sam"])) == [service["sams"].id]
    # An IRO cannot filter their way into another IRO's children.
    assert _ids(open_escalations(db, user=service["sam"], filters=TrackerFilters(iro_id=service["jo"].id))) == [
        service["sams"].id
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (lambda s: TrackerFilters(iro_id=s["sam"].id), ["sams"]),
        (lambda s: TrackerFilters(stage="alert"), ["late", "cp"]),
        (lambda s: TrackerFilters(stage="stage_1"), ["sams"]),
        (lambda s: TrackerFilters(theme="report_not_shared"), ["cp"]),
        (lambda s: TrackerFilters(plan=PlanKind.CP_PLAN), ["cp"]),
        (lambda s: TrackerFilters(plan=PlanKind.CARED_FOR, iro_id=s["jo"].id), ["late"]),
    ],
)
def test_the_trackers_filters(db, service, filters, expected):
    assert _ids(open_escalations(db, user=service["manager"], filters=filters(service))) == [
        service[name].id for name in expected
    ]


def test_an_admin_sees_none(db, service, make):
    assert open_escalations(db, user=make.staff(Role.ADMIN)) == []


# ----- the pages -------------------------------------------------------------------------------------------


def test_an_iro_raises_one_from_a_childs_answer_moves_it_on_and_closes_it(db, make, bank, signed_in):
    iro, child, statement = _child_with_statement(db, make, bank)
    client = signed_in(iro)
    url = f"/children/{child.id}/escalations/new?statement={statement.id}&question=tell-iro"
    page = client.get(url)
    assert page.status_code == 200
    assert "My teeth hurt" in page.get_data(as_text=True)  # the child's words that prompted it, beside the form
    today = date.today().isoformat()
    typed = {"plan": "cared_for", "theme": "lack_of_progress", "with_whom": "Social worker", "challenge": "Dental treatment not funded."}
    slip = client.post(url, {**typed, "identified_on": "0026-01-05", "raised_on": today})
    assert slip.status_code == 422 and "Check the year" in slip.get_data(as_text=True)  # the one rule for typed dates (dates.py)
    raised = client.post(
        url,
        {
            "plan": "cared_for",
            "theme": "lack_of_progress",
            "identified_on": today,
            "raised_on": today,
            "with_whom": "Social worker",
            "challenge": "Dental treatment not funded.",
        },
    )
    assert raised.status_code == 302, raised.get_data(as_text=True)[:2000]
    escalation = db.exec(select(Escalation)).one()
    assert (escalation.statement_id, escalation.question_id) == (statement.id, "tell-iro")
    shown = client.get(raised.headers["Location"]).get_data(as_text=True)
    assert "My teeth hurt" in shown and "Dental treatment not funded." in shown
    moved = client.post(
        f"/escalations/{escalation.id}/stage",
        {"stage": "stage_1", "started_on": today, "with_whom": "Team manager", "response_so_far": "Not on the phone."},
    )
    assert moved.status_code == 302
    refused = client.post(
        f"/escalations/{escalation.id}/close", {"closed_on": today, "response": "Agreed.", "outcome_for_child": ""}
    )
    assert refused.status_code == 422 and "Write the outcome for the child" in refused.get_data(as_text=True)
    closed = client.post(
        f"/escalations/{escalation.id}/close",
        {"closed_on": today, "response": "Agreed.", "outcome_for_child": "You can smile.", "tell_child": "y"},
    )
    assert closed.status_code == 302
    db.refresh(escalation)
    assert (escalation.closed_stage, escalation.outcome_for_child) == ("stage_1", "You can smile.")
    assert escalation.told_via_response_id is not None
    assert "You can smile." in client.get(f"/escalations/{escalation.id}").get_data(as_text=True)


def test_a_source_from_another_child_is_not_found(db, make, bank, signed_in):
    iro, child, statement = _child_with_statement(db, make, bank)
    other = make.child(iro)
    assert signed_in(iro).get(f"/children/{other.id}/escalations/new?statement={statement.id}").status_code == 404


def test_the_caseload_and_child_page_show_open_escalations_with_the_deadline(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Amy")
    _raise(
        db,
        child=child,
        by=iro,
        identified_on=date.today() - timedelta(days=40),
        raised_on=date.today() - timedelta(days=40),
        today=date.today(),
    )
    caseload = signed_in(iro).get("/caseload").get_data(as_text=True)
    assert "Open escalations" in caseload and "Overdue" in caseload
    assert "Overdue" in signed_in(iro).get(f"/children/{child.id}").get_data(as_text=True)


def test_the_tracker_csv_lists_the_open_ones_filtered(db, service, signed_in):
    client = signed_in(service["manager"])
    body = client.get("/escalations.csv?plan=cp_plan").get_data(as_text=True)
    lines = body.strip().splitlines()
    assert lines[0].startswith("Case reference,Child,IRO")
    assert len(lines) == 2 and "Ben" in lines[1] and "Report not shared with parents" in lines[1]


@pytest.mark.parametrize(("who", "status"), [("jo", 200), ("sam", 404), ("manager", 200)])
def test_only_the_childs_iro_and_managers_open_an_escalation(db, service, signed_in, make, who, status):
    assert signed_in(service[who]).get(f"/escalations/{service['late'].id}").status_code == status


def test_bad_input_gets_a_clear_message_not_a_500(db, service, signed_in):
    client = signed_in(service["jo"])
    response = client.post(
        f"/escalations/{service['late'].id}/stage",
        {"stage": "stage_9", "started_on": "not a date", "with_whom": "", "response_so_far": ""},
    )
    assert response.status_code == 422
    assert client.get("/escalations?plan=nonsense&stage=x&iro=abc").status_code == 200


def test_a_manager_picks_a_closed_one_as_an_example(db, service, signed_in):
    client = signed_in(service["manager"])
    assert client.post(f"/escalations/{service['closed'].id}/example", {"chosen": "yes"}).status_code == 302
    db.refresh(service["closed"])
    assert service["closed"].report_example
    assert signed_in(service["sam"]).post(f"/escalations/{service['closed'].id}/example", {"chosen": "no"}).status_code == 403


# ----- the child's record ----------------------------------------------------------------------------------


def test_escalations_are_in_the_childs_subject_access_export(db, make, bank):
    from voice_app.records.subject_access import export_zip, gather

    iro, child, statement, escalation = _raised_from_the_statement(db, make, bank)
    today = date.today()
    _close(db, escalation, by=iro, on=today, response="Agreed at once.")
    access = gather(db, child_id=child.id, made_by=None)
    (found,) = access.record["escalations"]
    assert found["the_worry"].startswith("The dental treatment")
    assert found["stages"][0]["response"] == "Agreed at once."
    assert (found["closed_at_stage"], found["outcome_for_child"]) == ("Alert", "You can smile.")
    assert found["prompted_by"] == {"statement_id": statement.id, "question_id": "tell-iro", "visit_id": None, "review_id": None}
    assert export_zip(access)[:2] == b"PK"


def test_retention_takes_the_words_out_and_keeps_what_the_figures_count(db, make, app):
    from voice_app.records.retention import REMOVED, anonymise_child

    iro = make.staff(Role.IRO)
    child = make.child(iro)
    escalation = _raise(db, child=child, by=iro)
    _close(db, escalation, by=iro)
    with app.extensions["voice_app_engine"].begin() as connection:
        anonymise_child(connection, child_id=child.id, now=escalation.created_at)
    db.expire_all()
    kept = db.get(Escalation, escalation.id)
    assert (kept.challenge, kept.outcome_for_child) == (REMOVED, REMOVED)
    assert (kept.closed_stage, kept.theme, kept.raised_on, kept.plan) == ("alert", "lack_of_progress", FRIDAY, PlanKind.CARED_FOR)
    (step,) = db.exec(select(EscalationStep).where(EscalationStep.escalation_id == escalation.id)).all()
    assert step.response == REMOVED


def test_the_outcome_is_in_the_recap_the_child_sees_at_their_next_visit(db, make, bank):
    from voice_app.child.flow import recap_for

    iro, child, statement, escalation = _raised_from_the_statement(db, make, bank)
    today = date.today()
    _close(db, escalation, by=iro, on=today, outcome="Your dentist visit is booked.", tell_child=True)
    next_review = make.review(child, days_ahead=120)
    next_visit = make.visit(next_review, iro=iro, status=VisitStatus.DONE, held_on=today, method=VisitMethod.FACE_TO_FACE)
    later = make_statement(db, child=child, visit=next_visit, answers=[AnswerSpec("tell-iro", text="Thank you")], finished=False)
    later.started_at = statement.started_at + timedelta(minutes=50)
    db.add(later)
    db.commit()
    (item,) = recap_for(db, statement=later, bank=bank)
    assert (item.question_id, item.response.we_did) == ("tell-iro", "Your dentist visit is booked.")
