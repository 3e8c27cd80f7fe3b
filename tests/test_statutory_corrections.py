"""Corrections from a statutory read: an age given without a date of birth grows older; PN2's words; PN4 counted as taking part."""

from __future__ import annotations

from datetime import date, timedelta

from voice_app.models import DFE_PARTICIPATED, Participation, ReviewStatus, Role


def test_an_age_without_a_date_of_birth_grows_a_year_older_each_year(db, make):
    child = make.child(make.staff(), date_of_birth=None, age_years=3, age_recorded_on=date(2025, 6, 1))
    assert child.age_on(date(2025, 6, 1)) == 3
    assert child.age_on(date(2026, 5, 31)) == 3
    assert child.age_on(date(2026, 6, 1)) == 4
    assert child.age_on(date(2028, 1, 1)) == 5
    assert child.age_on(date(2024, 6, 1)) == 2  # before it was recorded: younger, never below 0
    assert child.age_on(date(2020, 1, 1)) == 0


def test_with_no_day_recorded_the_age_counts_from_the_day_the_record_was_made(db, make):
    child = make.child(make.staff(), date_of_birth=None, age_years=10)
    assert child.age_on(child.created_at.date() + timedelta(days=366)) == 11


def test_pn0_is_not_forced_on_a_review_after_the_child_turned_4(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(
        iro,
        date_of_birth=None,
        age_years=3,
        age_recorded_on=date.today() - timedelta(days=400),
        cared_for_since=date.today() - timedelta(days=30),
    )
    review = make.review(child, days_ahead=-2)
    client = signed_in(iro)
    page = client.get(f"/reviews/{review.id}/record").get_data(as_text=True)
    assert 'id="participation-pn0"' not in page  # PN0 is not set for them
    held = (date.today() - timedelta(days=2)).isoformat()
    assert (
        client.post(f"/reviews/{review.id}/record", {"outcome": "held", "held_on": held, "participation": "PN0"}).status_code
        == 422
    )
    assert client.post(
        f"/reviews/{review.id}/record", {"outcome": "held", "held_on": held, "participation": "PN1"}
    ).status_code in (302, 422)
    db.refresh(review)
    assert review.participation in (None, Participation.PN1) and review.status in (ReviewStatus.HELD, ReviewStatus.SCHEDULED)


def test_changing_the_age_on_the_childs_form_records_the_day(db, make, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro, date_of_birth=None, age_years=9, age_recorded_on=date.today() - timedelta(days=800))
    manager = signed_in(make.staff(Role.MANAGER))
    form = manager.get(f"/children/{child.id}/edit").get_data(as_text=True)
    assert 'value="11"' in form  # today's age, not the one written down two years ago
    data = {
        "preferred_name": child.preferred_name,
        "case_reference": child.case_reference,
        "age_years": "11",
        "preferred_language": "en-GB",
        "iro_id": str(iro.id),
        "cared_for": "y",
        "cared_for_since": "2024-01-08",
    }
    assert manager.post(f"/children/{child.id}/edit", data).status_code == 302
    db.refresh(child)
    assert (child.age_years, child.age_recorded_on) == (11, date.today())


def test_pn2_says_an_advocate_or_the_iro_spoke_and_pn4_counts_as_taking_part():
    assert Participation.PN2.words == "The child came and an advocate or the IRO spoke for them"
    assert (
        Participation.PN4 in DFE_PARTICIPATED
        and Participation.PN7 not in DFE_PARTICIPATED
        and Participation.PN0 not in DFE_PARTICIPATED
    )
