"""Plausible dates: one rule for every date field, a message that says the window, and old dates confirmed."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest
from wtforms import DateField

import voice_app.profiles.forms as profile_forms
import voice_app.staff.forms as staff_forms
from voice_app.dates import Plausible, window_problem, years_before
from voice_app.models import Role

TODAY = date(2026, 12, 7)


def test_inside_the_window_there_is_nothing_to_say():
    assert window_problem(TODAY, today=TODAY) is None
    assert window_problem(date(2001, 12, 7), today=TODAY) is None
    assert window_problem(date(2028, 12, 7), today=TODAY, ahead=2) is None


@pytest.mark.parametrize(
    ("day", "ahead", "words"),
    [
        (date(1753, 1, 1), 0, "That date is more than 25 years ago. Enter a date from 7 December 2001 to today. Check the year."),
        (
            date(1, 1, 1),
            2,
            "That date is more than 25 years ago. Enter a date from 7 December 2001 to 7 December 2028. Check the year.",
        ),
        (date(2026, 12, 8), 0, "The date cannot be in the future. Enter a date from 7 December 2001 to today."),
        (date(2104, 6, 2), 2, "That date is too far ahead. Enter a date from 7 December 2001 to 7 December 2028."),
    ],
)
def test_outside_the_window_the_message_says_the_window(day, ahead, words):
    assert window_problem(day, today=TODAY, ahead=ahead) == words


def test_a_leap_day_steps_back_to_the_first_of_march():
    assert years_before(date(2028, 2, 29), 25) == date(2003, 3, 1)


class _Field:
    def __init__(self, data):
        self.data = data


class _Form:
    def __init__(self, confirmed=False):
        self.date_confirmed = _Field(confirmed)
        self.needs_date_confirmation = False


def test_an_old_but_possible_date_is_asked_to_be_confirmed_then_accepted():
    rule = Plausible(confirm_after_days=2 * 365, today=lambda: TODAY)
    form = _Form()
    with pytest.raises(Exception, match="tick “The date is right”"):
        rule(form, _Field(date(2019, 5, 1)))
    assert form.needs_date_confirmation
    rule(_Form(confirmed=True), _Field(date(2019, 5, 1)))  # confirmed: accepted
    rule(_Form(), _Field(TODAY - timedelta(days=30)))  # recent: nothing asked
    with pytest.raises(Exception, match="25 years ago"):
        rule(_Form(confirmed=True), _Field(date(1990, 1, 1)))  # confirming never lets a slip through


def _date_fields():
    for module in (staff_forms, profile_forms):
        for name, form in inspect.getmembers(module, inspect.isclass):
            if form.__module__ != module.__name__:
                continue
            for attr, unbound in vars(form).items():
                if getattr(unbound, "field_class", None) is DateField:
                    yield f"{name}.{attr}", unbound


@pytest.mark.parametrize(("name", "field"), list(_date_fields()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_date_field_uses_the_shared_rule(name, field):
    validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
    shared = [v for v in validators if isinstance(v, Plausible)]
    assert shared or name == "ChildForm.expected_date_of_birth", name  # an unborn child's date: a year either way


def test_the_forms_have_date_fields_to_check():
    names = {name for name, _ in _date_fields()}
    assert {
        "ChildForm.date_of_birth",
        "ScheduleReviewForm.scheduled_for",
        "RecordVisitForm.held_on",
        "LetterGivenForm.given_on",
    } <= names


def test_a_date_of_birth_in_1753_is_refused_with_the_window(signed_in, make):
    iro, manager = make.staff(), make.staff(Role.MANAGER)
    client = signed_in(manager)
    page = client.post(
        "/children/new",
        {
            "preferred_name": "Sam",
            "case_reference": "LL-1",
            "date_of_birth": "1753-01-01",
            "preferred_language": "en-GB",
            "iro_id": iro.id,
            "cared_for": "y",
        },
    )
    assert page.status_code == 422 and "That date is more than 25 years ago. Enter a date from " in page.get_data(as_text=True)


def test_a_letter_given_on_0001_01_01_is_refused_and_one_two_years_ago_is_confirmed(signed_in, make, db):
    from voice_app.models import IroProfile

    iro = make.staff()
    child = make.child(iro)
    db.add(IroProfile(staff_id=iro.id, first_name="Jo", about="", symbol="sun"))
    db.commit()
    client = signed_in(iro)
    base = f"/children/{child.id}/letter/given"
    assert "25 years ago" in client.post(base, {"given_on": "0001-01-01"}).get_data(as_text=True)
    old = (date.today() - timedelta(days=2 * 365)).isoformat()
    asked = client.post(base, {"given_on": old})
    assert asked.status_code == 422 and 'name="date_confirmed"' in asked.get_data(as_text=True)
    assert client.post(base, {"given_on": old, "date_confirmed": "y"}).status_code == 302
