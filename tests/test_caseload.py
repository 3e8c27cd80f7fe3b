"""The caseload and child pages, and planning and recording visits."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from voice_app.models import Review, ReviewStatus, Role, Visit, VisitMethod, VisitStatus
from voice_app.staff.caseload import VisitState, visit_state

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs


def _review(days_ahead: int) -> Review:
    return Review(child_id=1, kind="cared_for", stage="subsequent", scheduled_for=date(2026, 6, 15) + timedelta(days=days_ahead))


TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("days_ahead", "visit", "expected"),
    [
        (30, None, VisitState.NOT_PLANNED),
        (30, Visit(review_id=1, iro_id=1, planned_for=date(2026, 7, 1)), VisitState.PLANNED),
        (30, Visit(review_id=1, iro_id=1, status=VisitStatus.DONE), VisitState.DONE),
        (30, Visit(review_id=1, iro_id=1, status=VisitStatus.DECLINED, declined_reason="x"), VisitState.DECLINED),
        (-10, None, VisitState.OVERDUE),  # review is close and nothing has happened
        (30, Visit(review_id=1, iro_id=1, planned_for=date(2026, 5, 20)), VisitState.OVERDUE),  # planned date passed
    ],
)
def test_visit_state(days_ahead, visit, expected):
    assert visit_state(review=_review(days_ahead), visit=visit, today=TODAY)[0] == expected


def test_no_review_means_no_visit_state():
    assert visit_state(review=None, visit=None, today=TODAY) == (VisitState.NO_REVIEW, None)


def test_an_iro_sees_only_their_own_children(signed_in, make):
    iro, other = make.staff(Role.IRO), make.staff(Role.IRO)
    mine = make.child(iro, name="Aisha")
    make.child(other, name="Zed")
    make.review(mine)
    page = signed_in(iro).get("/caseload").get_data(as_text=True)
    assert "Aisha" in page and "Zed" not in page


def test_a_manager_sees_every_iros_caseload_and_can_filter(signed_in, make):
    manager = make.staff(Role.MANAGER)
    iro_a, iro_b = make.staff(Role.IRO, name="Jo Reviewer"), make.staff(Role.IRO, name="Sam Okafor")
    make.child(iro_a, name="Aisha")
    make.child(iro_b, name="Zed")
    client = signed_in(manager)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Aisha" in page and "Zed" in page and "Sam Okafor" in page
    filtered = client.get(f"/caseload?iro={iro_b.id}").get_data(as_text=True)
    assert "Zed" in filtered and "Aisha" not in filtered


def test_caseload_filter_returns_a_fragment_for_htmx(signed_in, make):
    iro = make.staff()
    make.child(iro, name="Aisha")
    make.child(iro, name="Ben")
    response = signed_in(iro).get("/caseload?q=ais", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="caseload-results">') and "<html" not in html
    assert "Aisha" in html and "Ben" not in html


def test_caseload_shows_next_review_and_visit_state(signed_in, make):
    iro = make.staff()
    child = make.child(iro, name="Aisha")
    review = make.review(child, days_ahead=30)
    make.visit(review, iro=iro)
    page = signed_in(iro).get("/caseload").get_data(as_text=True)
    assert review.scheduled_for.strftime("%-d %b %Y") in page
    assert "Planned" in page


def test_caseload_query_count_does_not_grow_with_children(signed_in, make, app):
    from sqlalchemy import event

    iro = make.staff()
    client = signed_in(iro)

    def count_queries(children: int) -> int:
        for _ in range(children):
            child = make.child(iro)
            make.visit(make.review(child), iro=iro)
        statements = []
        engine = app.extensions["voice_app_engine"]
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get("/caseload")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_queries(2) == count_queries(10)


def test_child_page_shows_details_and_history(signed_in, make):
    iro = make.staff()
    child = make.child(iro, name="Aisha", communication_needs="Likes <b>pictures</b>")
    make.review(child)
    page = signed_in(iro).get(f"/children/{child.id}").get_data(as_text=True)
    assert "Aisha" in page and child.case_reference in page
    assert "Likes &lt;b&gt;pictures&lt;/b&gt;" in page  # escaped, never interpreted
    assert "Plan the pre-review visit" in page


def test_plan_a_visit_for_the_next_review(signed_in, make, db):
    iro = make.staff()
    child = make.child(iro)
    review = make.review(child, days_ahead=30)
    planned = review.scheduled_for - timedelta(days=7)
    client = signed_in(iro)
    response = client.post(f"/reviews/{review.id}/visits", {"planned_for": planned.isoformat(), "method": "face_to_face"})
    assert response.status_code == 302
    visit = db.exec(select(Visit).where(Visit.review_id == review.id)).one()
    assert visit.status == VisitStatus.PLANNED and visit.planned_for == planned and visit.method == VisitMethod.FACE_TO_FACE
    # Planning again moves the same visit rather than adding a second one.
    client.post(f"/reviews/{review.id}/visits", {"planned_for": (planned - timedelta(days=1)).isoformat()})
    assert len(db.exec(select(Visit).where(Visit.review_id == review.id)).all()) == 1


def test_a_visit_after_the_review_is_refused_kindly(signed_in, make):
    iro = make.staff()
    review = make.review(make.child(iro), days_ahead=10)
    response = signed_in(iro).post(f"/reviews/{review.id}/visits", {"planned_for": (review.scheduled_for + timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert b"Plan the visit for before the review" in response.data


@pytest.mark.parametrize("bad", ["", "not-a-date", "2026-13-45"])
def test_bad_visit_dates_get_a_clear_error_not_a_500(signed_in, make, bad):
    iro = make.staff()
    review = make.review(make.child(iro))
    response = signed_in(iro).post(f"/reviews/{review.id}/visits", {"planned_for": bad})
    assert response.status_code == 422
    assert b"There is a problem" in response.data


def test_record_a_visit_as_done(signed_in, make, db):
    iro = make.staff()
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    response = signed_in(iro).post(f"/visits/{visit.id}/record", {"outcome": "done", "held_on": date.today().isoformat(), "method": "video_call"})
    assert response.status_code == 302
    db.refresh(visit)
    assert visit.status == VisitStatus.DONE and visit.method == VisitMethod.VIDEO_CALL


def test_a_declined_visit_needs_the_reason(signed_in, make, db):
    iro = make.staff()
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    client = signed_in(iro)
    refused = client.post(f"/visits/{visit.id}/record", {"outcome": "declined", "declined_reason": "   "})
    assert refused.status_code == 422 and b"Write down why the child did not want a visit" in refused.data
    db.refresh(visit)
    assert visit.status == VisitStatus.PLANNED
    ok = client.post(f"/visits/{visit.id}/record", {"outcome": "declined", "declined_reason": "Said she was too busy with football."})
    assert ok.status_code == 302
    db.refresh(visit)
    assert visit.status == VisitStatus.DECLINED and visit.declined_reason == "Said she was too busy with football."


def test_a_done_visit_needs_date_and_method(signed_in, make):
    iro = make.staff()
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    response = signed_in(iro).post(f"/visits/{visit.id}/record", {"outcome": "done"})
    assert response.status_code == 422
    assert b"Enter the date the visit happened" in response.data and b"Choose how you met the child" in response.data


def test_book_a_review(signed_in, make, db):
    iro = make.staff()
    child = make.child(iro)
    day = date.today() + timedelta(days=40)
    response = signed_in(iro).post(f"/children/{child.id}/reviews", {"kind": "cared_for", "stage": "subsequent", "scheduled_for": day.isoformat()})
    assert response.status_code == 302
    review = db.exec(select(Review).where(Review.child_id == child.id)).one()
    assert review.scheduled_for == day and review.status == ReviewStatus.SCHEDULED and review.chair_id == iro.id


def test_a_stage_must_match_its_kind(signed_in, make):
    iro = make.staff()
    child = make.child(iro)
    response = signed_in(iro).post(f"/children/{child.id}/reviews", {"kind": "cared_for", "stage": "transfer_in", "scheduled_for": (date.today() + timedelta(days=5)).isoformat()})
    assert response.status_code == 422


def test_a_manager_adds_a_child_and_allocates_an_iro(signed_in, make, db):
    from voice_app.models import Child

    manager, iro = make.staff(Role.MANAGER), make.staff(Role.IRO)
    client = signed_in(manager)
    form = {"preferred_name": "Nadia", "case_reference": "LL-9999", "age_years": "12", "preferred_language": "ar", "iro_id": str(iro.id), "cared_for": "y", "cared_for_since": "2026-01-05"}
    response = client.post("/children/new", form)
    assert response.status_code == 302, response.data
    child = db.exec(select(Child).where(Child.case_reference == "LL-9999")).one()
    assert child.iro_id == iro.id and child.age_years == 12
    duplicate = client.post("/children/new", form)
    assert duplicate.status_code == 422 and b"already has that case record reference" in duplicate.data


def test_a_child_needs_a_date_of_birth_or_an_age(signed_in, make):
    manager, iro = make.staff(Role.MANAGER), make.staff(Role.IRO)
    response = signed_in(manager).post("/children/new", {"preferred_name": "N", "case_reference": "R1", "preferred_language": "en-GB", "iro_id": str(iro.id), "cared_for": "y"})
    assert response.status_code == 422 and b"Enter a date of birth, or an age" in response.data


def test_a_done_visit_without_date_or_method_still_shows(signed_in, make):
    iro = make.staff()
    child = make.child(iro)
    make.visit(make.review(child), iro=iro, status=VisitStatus.DONE, held_on=None, method=None)
    response = signed_in(iro).get(f"/children/{child.id}")
    assert response.status_code == 200 and b"date not recorded" in response.data
