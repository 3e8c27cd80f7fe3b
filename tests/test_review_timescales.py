"""Due dates per episode on the staff pages, and recording a review with its participation code and a late review's reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.statement_factories import make_statement
from voice_app.config import ConfigError, Settings
from voice_app.models import (
    ChairRole,
    LateReason,
    Participation,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    Visit,
    VisitPurpose,
    VisitStatus,
)
from voice_app.schedule import initial_conference_due
from voice_app.staff.due import next_reviews_to_book
from voice_app.staff.services import due_for, refresh_due_dates, statutory_due_dates

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

CONF = dict(kind=ReviewKind.CP_CONFERENCE)


def _held(make, child, day, **fields):
    fields.setdefault("stage", ReviewStage.SUBSEQUENT)
    return make.review(child, days_ahead=(day - date.today()).days, status=ReviewStatus.HELD, held_on=day, **fields)


# --- Due dates per episode ------------------------------------------------------------------


@pytest.mark.every_day
def test_a_repeat_plan_is_reviewed_three_months_after_its_own_initial_conference(make, db):
    """The issue's case: a plan in 2023, a new initial conference on 3 March 2025: first review due 3 June 2025."""
    child = make.child(None, cared_for=False, cared_for_since=None, on_cp_plan=True, cp_plan_since=date(2025, 3, 3))
    old = [
        _held(make, child, date(2023, 1, 10), stage=ReviewStage.INITIAL_CONFERENCE, **CONF),
        _held(make, child, date(2023, 4, 6), stage=ReviewStage.REVIEW_CONFERENCE, **CONF),
    ]
    # Before the new conference: it is booked, from a strategy discussion on Monday 10 February 2025.
    new = make.review(child, days_ahead=-700, stage=ReviewStage.INITIAL_CONFERENCE, strategy_discussion_on=date(2025, 2, 10), **CONF)
    new.scheduled_for = date(2025, 3, 3)
    due = statutory_due_dates(child=child, reviews=[*old, new])
    assert due[ReviewKind.CP_CONFERENCE] == date(2025, 3, 3)  # 15 working days after 10 February, not an overdue 2023 review
    assert due_for(child=child, review=new, reviews=[*old, new]) == date(2025, 3, 3)
    new.status, new.held_on = ReviewStatus.HELD, date(2025, 3, 3)
    assert statutory_due_dates(child=child, reviews=[*old, new])[ReviewKind.CP_CONFERENCE] == date(2025, 6, 3)
    assert next_reviews_to_book(child=child, reviews=[*old, new])[0].stage == ReviewStage.REVIEW_CONFERENCE


def test_an_initial_conference_may_be_booked_before_any_plan(signed_in, make, db):
    iro = make.staff()
    child = make.child(iro, cared_for=False, cared_for_since=None, on_cp_plan=False, cp_conference_pending=True)
    to_book = next_reviews_to_book(child=child, reviews=[])
    assert [(s.kind, s.stage) for s in to_book] == [(ReviewKind.CP_CONFERENCE, ReviewStage.INITIAL_CONFERENCE)]
    strategy = date.today() - timedelta(days=3)
    response = signed_in(iro).post(
        f"/children/{child.id}/reviews",
        {"kind": "cp_conference", "stage": "initial_conference", "scheduled_for": (date.today() + timedelta(days=10)).isoformat(), "strategy_discussion_on": strategy.isoformat()},
    )
    assert response.status_code == 302
    review = db.exec(select(Review).where(Review.child_id == child.id)).one()
    assert (review.strategy_discussion_on, review.due_on) == (strategy, initial_conference_due(strategy_discussion=strategy))


def test_a_pre_birth_conference_takes_an_expected_date_of_birth(signed_in, make, db):
    manager, iro = make.staff(Role.MANAGER), make.staff()
    expected = date.today() + timedelta(days=60)
    response = signed_in(manager).post(
        "/children/new",
        {"preferred_name": "Baby", "case_reference": "PB-1", "preferred_language": "en-GB", "iro_id": str(iro.id), "expected_date_of_birth": expected.isoformat(), "cp_conference_pending": "y"},
    )
    assert response.status_code == 302
    page = signed_in(iro).get(response.headers["Location"]).data.decode()
    assert "Unborn (expected" in page and "Initial child protection conference being arranged" in page
    too_far = signed_in(manager).post(
        "/children/new",
        {"preferred_name": "B", "case_reference": "PB-2", "preferred_language": "en-GB", "iro_id": str(iro.id), "expected_date_of_birth": (date.today() + timedelta(days=400)).isoformat(), "cp_conference_pending": "y"},
    )
    assert too_far.status_code == 422 and b"within a year" in too_far.data


@pytest.mark.every_day
def test_transfer_in_conference_is_due_fifteen_working_days_after_notice(make):
    child = make.child(None, cared_for=False, on_cp_plan=True)
    review = make.review(child, stage=ReviewStage.TRANSFER_IN, transfer_notified_on=date(2026, 1, 9), **CONF)
    assert due_for(child=child, review=review, reviews=[review]) == date(2026, 1, 30)


@pytest.mark.every_day
def test_re_entry_to_care_counts_only_the_current_period(make):
    child = make.child(None, cared_for_since=date(2025, 9, 1))
    earlier = [_held(make, child, date(2025, 1, 20)), _held(make, child, date(2025, 4, 14))]
    # 20 working days after Monday 1 September 2025: 29 September.
    assert statutory_due_dates(child=child, reviews=earlier)[ReviewKind.CARED_FOR] == date(2025, 9, 29)
    old = earlier[0]
    assert due_for(child=child, review=old, reviews=earlier) is None  # an earlier period's start is not kept: not known


@pytest.mark.every_day
def test_short_breaks_follow_their_own_schedule(make):
    child = make.child(None, cared_for_since=date(2025, 11, 30), short_breaks=True)
    assert statutory_due_dates(child=child, reviews=[])[ReviewKind.CARED_FOR] == date(2026, 2, 28)


def test_reviews_in_2014_and_2040_never_break_the_caseload(signed_in, make, db):
    iro, manager = make.staff(), make.staff(Role.MANAGER)
    child = make.child(iro, cared_for_since=date(2014, 5, 1))
    client = signed_in(iro)
    assert client.post(f"/children/{child.id}/reviews", {"kind": "cared_for", "stage": "initial", "scheduled_for": "2014-06-02"}).status_code == 302
    make.review(make.child(iro, cared_for_since=date(2040, 1, 2)), days_ahead=(date(2040, 12, 19) - date.today()).days)
    for user_client in (client, signed_in(manager)):
        caseload = user_client.get("/caseload")
        assert caseload.status_code == 200 and "Due by law: 2 Jun 2014" in caseload.data.decode()
    page = client.get(f"/children/{child.id}").data.decode()
    assert "Due by law: 2 Jun 2014" in page  # 20 working days after Thursday 1 May 2014, over the bank holidays of 5 and 26 May


def test_the_nation_setting(app):
    assert Settings.from_env({"VOICE_APP_NATION": "Northern Ireland"}).nation == "northern_ireland"
    settings = Settings(env="test", nation="atlantis")
    with pytest.raises(ConfigError, match="VOICE_APP_NATION"):
        settings.check()
    assert app.config["VOICE_APP"].nation == "england"


@pytest.mark.every_day
def test_the_nation_setting_moves_due_dates(make):
    child = make.child(None, cared_for_since=date(2024, 12, 22))
    assert statutory_due_dates(child=child, reviews=[], nation="england")[ReviewKind.CARED_FOR] == date(2025, 1, 22)
    assert statutory_due_dates(child=child, reviews=[], nation="scotland")[ReviewKind.CARED_FOR] == date(2025, 1, 23)


@pytest.mark.every_day
def test_refreshing_due_dates_follows_a_change_of_episode(make, db):
    child = make.child(None, cared_for_since=date(2025, 9, 1))
    review = make.review(child, days_ahead=10, stage=ReviewStage.INITIAL)
    refresh_due_dates(db, child=child)
    db.refresh(review)
    assert review.due_on == date(2025, 9, 29)
    child.cared_for_since = date(2025, 9, 8)
    refresh_due_dates(db, child=child)
    db.refresh(review)
    assert review.due_on == date(2025, 10, 6)


# --- Recording a review: its participation code, and why it was late -----------------------------


def _recordable(make, iro, *, since=None, **child_fields):
    """A cared-for review booked three days ago, first of a period of care begun `since` (default: in time)."""
    child = make.child(iro, cared_for_since=since or date.today() - timedelta(days=10), **child_fields)
    return make.review(child, days_ahead=-3, stage=ReviewStage.INITIAL), child


def _post(client, review, **data):
    data.setdefault("outcome", "held")
    data.setdefault("held_on", review.scheduled_for.isoformat())
    return client.post(f"/reviews/{review.id}/record", data)


def test_a_held_cared_for_review_needs_its_code(signed_in, make, db):
    iro = make.staff()
    review, _child = _recordable(make, iro)
    client = signed_in(iro)
    response = _post(client, review)
    assert response.status_code == 422 and b"Choose how the child took part" in response.data
    assert _post(client, review, participation="PN5").status_code == 302
    db.refresh(review)
    assert (review.participation, review.late_reason) == (Participation.PN5, None)


def test_pn0_is_set_for_a_child_under_four_and_refused_for_an_older_one(signed_in, make, db):
    iro = make.staff()
    young, _ = _recordable(make, iro, date_of_birth=date.today() - timedelta(days=365 * 2))
    client = signed_in(iro)
    assert b"was under 4 on the day" in client.get(f"/reviews/{young.id}/record").data
    assert _post(client, young, participation="PN1").status_code == 302
    db.refresh(young)
    assert young.participation == Participation.PN0
    older, _ = _recordable(make, iro)
    response = _post(client, older, participation="PN0")
    assert response.status_code == 422 and b"PN0 is only for a child under 4" in response.data


@pytest.mark.every_day
def test_a_late_review_asks_for_the_reason(signed_in, make, db):
    iro = make.staff()
    review, _child = _recordable(make, iro, since=date.today() - timedelta(days=120))
    client = signed_in(iro)
    response = _post(client, review, participation="PN1")
    assert response.status_code == 422 and b"choose why it was held later" in response.data
    response = _post(client, review, participation="PN1", late_reason="other")
    assert response.status_code == 422 and b"Write the other reason" in response.data
    assert _post(client, review, participation="PN1", late_reason="other", late_reason_other="Carer was in hospital").status_code == 302
    db.refresh(review)
    assert (review.late_reason, review.late_reason_other) == (LateReason.OTHER, "Carer was in hospital")
    assert review.due_on is not None and review.held_on > review.due_on
    page = client.get(f"/children/{review.child_id}").data.decode()
    assert "Late: Other (Carer was in hospital)" in page and "Participation: PN1" in page


@pytest.mark.every_day
def test_a_reason_is_not_kept_for_a_review_held_in_time(signed_in, make, db):
    iro = make.staff()
    review, _child = _recordable(make, iro)
    assert _post(signed_in(iro), review, participation="PN2", late_reason="quoracy").status_code == 302
    db.refresh(review)
    assert review.late_reason is None


def test_a_conference_records_the_same_words_without_a_code_and_only_an_independent_chair(signed_in, make, db):
    iro = make.staff()
    child = make.child(iro, on_cp_plan=True)
    conference = make.review(child, days_ahead=-3, stage=ReviewStage.INITIAL_CONFERENCE, **CONF)
    client = signed_in(iro)
    page = client.get(f"/reviews/{conference.id}/record").data.decode()
    assert "how their views were brought" in page and "PN1: " not in page and "The social worker" not in page
    response = _post(client, conference, chaired_by="social_worker")
    assert response.status_code == 422
    assert _post(client, conference, chaired_by="iro").status_code == 302  # no code needed for a conference
    assert _post(client, conference, chaired_by="iro", participation="PN6").status_code == 302
    db.refresh(conference)
    assert (conference.chaired_by, conference.participation) == (ChairRole.IRO, Participation.PN6)
    assert "The child: The child did not come, but sent their views another way" in client.get(f"/children/{child.id}").data.decode()


def test_the_form_suggests_a_code_from_a_statement_before_the_review(signed_in, make, db):
    iro = make.staff()
    review, child = _recordable(make, iro)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=review.scheduled_for - timedelta(days=2))
    make_statement(db, child=child, visit=visit)
    page = signed_in(iro).get(f"/reviews/{review.id}/record").data.decode()
    assert 'id="participation-suggestion"' in page and "PN6" in page
    assert 'checked' not in page.split('id="participation"')[1].split("</fieldset>")[0]  # suggested, never chosen for the IRO


@pytest.mark.parametrize(
    ("attend", "share", "code"),
    [(["all"], ["advocate"], Participation.PN2), (["part"], ["say"], Participation.PN1), (["not"], ["advocate"], Participation.PN5), (["not"], ["write"], Participation.PN6), ([], [], Participation.PN6)],
)
def test_the_suggestion_follows_what_the_child_asked_for_in_their_menu(make, db, attend, share, code):
    from tests.statement_factories import AnswerSpec
    from voice_app.staff.participation import suggested_participation

    iro = make.staff()
    review, child = _recordable(make, iro)
    assert suggested_participation(db, review=review) is None
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=review.scheduled_for - timedelta(days=2))
    answers = [spec for spec in (AnswerSpec("menu-attend", attend) if attend else None, AnswerSpec("menu-share", share) if share else None) if spec]
    make_statement(db, child=child, visit=visit, answers=answers)
    suggested, why = suggested_participation(db, review=review)
    assert suggested == code and "gave a statement with voice-app" in why


def test_a_review_held_before_codes_shows_not_recorded(signed_in, make):
    iro = make.staff()
    child = make.child(iro)
    _held(make, child, date.today() - timedelta(days=30))
    assert "Participation: not recorded" in signed_in(iro).get(f"/children/{child.id}").data.decode()


def test_mid_way_visits_and_seen_alone(signed_in, make, db):
    iro = make.staff()
    child = make.child(iro)
    review = make.review(child, days_ahead=40)
    client = signed_in(iro)
    planned = (date.today() + timedelta(days=5)).isoformat()
    assert client.post(f"/reviews/{review.id}/visits", {"planned_for": planned, "purpose": "mid_way"}).status_code == 302
    assert client.post(f"/reviews/{review.id}/visits", {"planned_for": planned}).status_code == 302
    visits = db.exec(select(Visit).where(Visit.review_id == review.id).order_by(Visit.id)).all()
    assert [v.purpose for v in visits] == [VisitPurpose.MID_WAY, VisitPurpose.PRE_REVIEW]  # two visits, not one moved
    mid_way = visits[0]
    done = {"outcome": "done", "held_on": date.today().isoformat(), "method": "face_to_face", "seen_alone": "yes"}
    assert client.post(f"/visits/{mid_way.id}/record", done).status_code == 302
    db.refresh(mid_way)
    assert (mid_way.status, mid_way.seen_alone) == (VisitStatus.DONE, True)
    page = client.get(f"/children/{child.id}").data.decode()
    assert "Mid-way visit" in page and "seen alone" in page


def test_upgrading_fills_in_the_due_dates_of_reviews_that_have_none(make, db):
    from voice_app.staff.services import fill_missing_due_dates

    child = make.child(None, cared_for_since=date(2025, 9, 1))
    first = _held(make, child, date(2025, 9, 20), stage=ReviewStage.INITIAL)
    booked = make.review(child, days_ahead=30)
    assert (first.due_on, booked.due_on) == (None, None)  # as reviews made before migration i15_0005 are
    assert fill_missing_due_dates(db) == 1
    db.refresh(first)
    db.refresh(booked)
    assert (first.due_on, booked.due_on) == (date(2025, 9, 29), date(2025, 12, 20))
    assert fill_missing_due_dates(db) == 0


@pytest.mark.parametrize("day", ["0024-06-02", "1989-12-31"])
def test_a_date_from_a_typing_slip_is_a_clear_error(signed_in, make, day):
    iro = make.staff()
    child = make.child(iro)
    response = signed_in(iro).post(f"/children/{child.id}/reviews", {"kind": "cared_for", "stage": "initial", "scheduled_for": day})
    assert response.status_code == 422 and b"before 1990" in response.data


def test_a_review_at_the_start_of_the_calendar_never_breaks_a_page(signed_in, make):
    iro = make.staff()
    child = make.child(iro, cared_for_since=date(1, 1, 1))
    make.review(child, days_ahead=(date(1, 1, 2) - date.today()).days)
    client = signed_in(iro)
    assert client.get("/caseload").status_code == 200
    assert client.get(f"/children/{child.id}").status_code == 200


def test_the_childs_menu_asks_about_the_chair_only_before_a_cared_for_review(make, db):
    from voice_app.child.flow import asked_questions, meeting_of
    from voice_app.questions.bank import default_bank

    iro = make.staff()
    child = make.child(iro, on_cp_plan=True)
    asked = {}
    for kind, stage in ((ReviewKind.CARED_FOR, ReviewStage.SUBSEQUENT), (ReviewKind.CP_CONFERENCE, ReviewStage.REVIEW_CONFERENCE)):
        visit = make.visit(make.review(child, kind=kind, stage=stage), iro=iro)
        statement = make_statement(db, child=child, visit=visit, answers=[], finished=False)
        statement.parts = "views,menu"
        meeting = meeting_of(db, statement=statement)
        asked[meeting] = {q.id for q in asked_questions(default_bank(), statement=statement, child=child, answers={}, meeting=meeting)}
    assert set(asked) == {"cared_for_review", "conference"}
    assert "menu-chair" in asked["cared_for_review"] and "menu-meet-chair" not in asked["cared_for_review"]
    assert "menu-chair" not in asked["conference"] and "menu-meet-chair" in asked["conference"]
