"""Tests for voice_app.schedule and the shipped bank holiday list."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from voice_app import schedule
from voice_app.schedule import (
    add_months,
    add_working_days,
    cared_for_review_due,
    cp_review_due,
    is_overdue,
    is_working_day,
    load_bank_holidays,
    review_kind_for_next_cared_for,
    visit_due_by,
    working_days_between,
)

ROOT = Path(__file__).resolve().parent.parent
JSON_PATH = ROOT / "voice_app" / "data" / "bank_holidays_england_wales.json"
GENERATOR_PATH = ROOT / "scripts" / "make_bank_holidays.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_bank_holidays", GENERATOR_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def document():
    return json.loads(JSON_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def titles(document):
    return {date.fromisoformat(entry["date"]): entry["title"] for entry in document["holidays"]}


# --- The shipped bank holiday list -------------------------------------------------


def test_json_says_where_it_came_from_and_which_years_it_covers(document):
    assert "scripts/make_bank_holidays.py" in document["source"]
    assert "GOV.UK" in document["source"]
    assert document["covers"] == [2015, 2035]


def test_json_entries_are_sorted_unique_weekdays_within_the_covered_years(document):
    days = [date.fromisoformat(entry["date"]) for entry in document["holidays"]]
    assert days == sorted(set(days))
    assert {day.year for day in days} == set(range(2015, 2036))
    assert all(day.weekday() < 5 for day in days), "a bank holiday is never on a weekend"
    assert all(set(entry) == {"date", "title"} and entry["title"] for entry in document["holidays"])


def test_every_ordinary_year_has_eight_bank_holidays(document):
    per_year: dict[int, int] = {}
    for entry in document["holidays"]:
        year = int(entry["date"][:4])
        per_year[year] = per_year.get(year, 0) + 1
    assert per_year.pop(2022) == 10
    assert per_year.pop(2023) == 9
    assert set(per_year.values()) == {8}


@pytest.mark.parametrize(
    ("day", "title"),
    [
        (date(2024, 3, 29), "Good Friday"),
        (date(2024, 4, 1), "Easter Monday"),
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "Easter Monday"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2020, 5, 8), "Early May bank holiday (VE Day)"),
        (date(2022, 6, 2), "Spring bank holiday"),
        (date(2022, 6, 3), "Platinum Jubilee bank holiday"),
        (date(2022, 9, 19), "Bank holiday for the State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
        (date(2015, 12, 28), "Boxing Day (substitute day)"),
        (date(2017, 1, 2), "New Year's Day (substitute day)"),
        (date(2021, 12, 27), "Christmas Day (substitute day)"),
        (date(2021, 12, 28), "Boxing Day (substitute day)"),
        (date(2022, 1, 3), "New Year's Day (substitute day)"),
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day (substitute day)"),
        (date(2023, 1, 2), "New Year's Day (substitute day)"),
        (date(2026, 12, 28), "Boxing Day (substitute day)"),
        (date(2027, 12, 27), "Christmas Day (substitute day)"),
        (date(2027, 12, 28), "Boxing Day (substitute day)"),
        (date(2028, 1, 3), "New Year's Day (substitute day)"),
        (date(2032, 12, 27), "Christmas Day (substitute day)"),
        (date(2032, 12, 28), "Boxing Day (substitute day)"),
        (date(2033, 1, 3), "New Year's Day (substitute day)"),
        (date(2025, 5, 5), "Early May bank holiday"),
        (date(2025, 5, 26), "Spring bank holiday"),
        (date(2025, 8, 25), "Summer bank holiday"),
    ],
)
def test_json_has_known_bank_holiday(titles, day, title):
    assert titles.get(day) == title


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 4),  # early May holiday moved to VE Day
        date(2022, 5, 30),  # spring holiday moved for the Platinum Jubilee
        date(2021, 12, 25),  # Saturday: substitute on Monday instead
        date(2022, 12, 25),  # Sunday
        date(2022, 1, 1),  # Saturday
    ],
)
def test_json_leaves_out_moved_and_weekend_dates(titles, day):
    assert day not in titles


def test_generator_reproduces_the_committed_json_exactly():
    generator = load_generator()
    assert generator.render() == JSON_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "sunday",
    [
        date(1818, 3, 22),  # earliest possible
        date(1943, 4, 25),  # latest possible
        date(2008, 3, 23),
        date(2011, 4, 24),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2038, 4, 25),
        date(2285, 3, 22),
    ],
)
def test_generator_computes_gregorian_easter(sunday):
    assert load_generator().easter_sunday(sunday.year) == sunday


def test_load_bank_holidays_is_a_cached_frozenset_of_dates():
    holidays = load_bank_holidays()
    assert isinstance(holidays, frozenset)
    assert date(2025, 12, 25) in holidays
    assert load_bank_holidays() is holidays


# --- Working days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 16), True),  # Friday
        (date(2026, 1, 17), False),  # Saturday
        (date(2026, 1, 18), False),  # Sunday
        (date(2025, 12, 25), False),
        (date(2025, 12, 29), True),
        (date(2026, 4, 6), False),  # Easter Monday
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 1, 14), 0, date(2026, 1, 14)),
        (date(2026, 1, 17), 0, date(2026, 1, 17)),  # zero days leaves even a Saturday alone
        (date(2026, 1, 14), 1, date(2026, 1, 15)),  # counting starts the day after
        (date(2026, 1, 16), 1, date(2026, 1, 19)),  # Friday -> Monday
        (date(2026, 1, 17), 1, date(2026, 1, 19)),  # Saturday -> Monday
        (date(2026, 1, 16), 20, date(2026, 2, 13)),  # four clear weeks from a Friday
        (date(2026, 5, 25), 20, date(2026, 6, 22)),  # start on a bank holiday
        (date(2025, 12, 10), 20, date(2026, 1, 12)),  # across 25, 26 Dec and 1 Jan
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over Easter 2026
        (date(2026, 3, 30), 20, date(2026, 4, 29)),
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_add_working_days_uses_the_holidays_given():
    assert add_working_days(date(2025, 12, 24), 1, holidays=[]) == date(2025, 12, 25)
    assert add_working_days(date(2040, 1, 2), 3, holidays=frozenset()) == date(2040, 1, 5)


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError, match="days must be 0 or more, not -1"):
        add_working_days(date(2026, 1, 14), -1)


def test_dates_outside_the_bank_holiday_list_are_refused_not_guessed():
    with pytest.raises(ValueError, match="outside the bank holiday list"):
        add_working_days(date(2035, 12, 20), 20)
    with pytest.raises(ValueError, match="outside the bank holiday list"):
        is_working_day(date(2014, 6, 2))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 14), date(2026, 1, 14), 0),
        (date(2026, 1, 16), date(2026, 1, 19), 1),  # Friday to Monday
        (date(2026, 1, 16), date(2026, 1, 18), 0),  # into the weekend only
        (date(2025, 12, 10), date(2026, 1, 12), 20),
        (date(2026, 1, 12), date(2025, 12, 10), -20),
        (date(2026, 4, 2), date(2026, 4, 7), 1),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_undoes_add_working_days():
    start = date(2025, 11, 3)
    for days in range(0, 60):
        assert working_days_between(start, add_working_days(start, days)) == days


# --- Months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),  # over the year end
        (date(2025, 8, 31), 6, date(2026, 2, 28)),  # clamped to the month end
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2026, 5, 31), 3, date(2026, 8, 31)),
        (date(2026, 2, 28), 3, date(2026, 5, 28)),  # no creep to the month end
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -2, date(2025, 11, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# --- Cared-for reviews ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "kind"),
    [(0, "initial"), (1, "second"), (2, "subsequent"), (7, "subsequent")],
)
def test_review_kind_for_next_cared_for(count, kind):
    assert review_kind_for_next_cared_for(count) == kind
    assert kind in schedule.CARED_FOR_REVIEW_KINDS


def test_review_kind_refuses_a_negative_count():
    with pytest.raises(ValueError, match="0 or more"):
        review_kind_for_next_cared_for(-1)


def test_cared_for_sequence_initial_then_second_then_subsequent():
    became = date(2025, 12, 10)
    assert cared_for_review_due(became_cared_for=became, reviews_held=[]) == date(2026, 1, 12)
    held = [date(2026, 1, 8)]
    assert cared_for_review_due(became_cared_for=became, reviews_held=held) == date(2026, 4, 8)
    held.append(date(2026, 4, 1))
    assert cared_for_review_due(became_cared_for=became, reviews_held=held) == date(2026, 10, 1)
    held.append(date(2026, 9, 30))
    assert cared_for_review_due(became_cared_for=became, reviews_held=held) == date(2027, 3, 30)


def test_cared_for_timescale_runs_from_the_review_actually_held_even_if_late():
    due = cared_for_review_due(became_cared_for=date(2025, 12, 10), reviews_held=[date(2026, 1, 20)])
    assert due == date(2026, 4, 20)


def test_cared_for_reviews_may_be_given_in_any_order():
    held = [date(2026, 9, 30), date(2026, 1, 8), date(2026, 4, 1)]
    due = cared_for_review_due(became_cared_for=date(2025, 12, 10), reviews_held=held)
    assert due == date(2027, 3, 30)


def test_second_review_after_a_month_end_first_review_is_clamped():
    due = cared_for_review_due(became_cared_for=date(2025, 11, 3), reviews_held=[date(2025, 11, 30)])
    assert due == date(2026, 2, 28)


def test_initial_review_may_be_on_the_day_the_child_became_cared_for():
    day = date(2026, 3, 2)
    assert cared_for_review_due(became_cared_for=day, reviews_held=[day]) == date(2026, 6, 2)


def test_review_before_the_child_became_cared_for_is_refused():
    with pytest.raises(ValueError, match="before the child became cared for on 2026-01-05"):
        cared_for_review_due(became_cared_for=date(2026, 1, 5), reviews_held=[date(2025, 12, 1)])


def test_the_same_review_date_twice_is_refused():
    with pytest.raises(ValueError, match="reviews_held lists 2026-02-02 twice"):
        cared_for_review_due(
            became_cared_for=date(2026, 1, 5), reviews_held=[date(2026, 2, 2), date(2026, 2, 2)]
        )


# --- Child protection conferences --------------------------------------------------


def test_cp_sequence_first_review_in_three_months_then_every_six():
    held = [date(2026, 1, 12)]  # initial or transfer-in conference
    assert cp_review_due(conferences_held=held) == date(2026, 4, 12)
    held.append(date(2026, 4, 9))
    assert cp_review_due(conferences_held=held) == date(2026, 10, 9)
    held.append(date(2026, 10, 1))
    assert cp_review_due(conferences_held=held) == date(2027, 4, 1)


def test_cp_conferences_may_be_given_in_any_order():
    held = [date(2026, 4, 9), date(2026, 1, 12)]
    assert cp_review_due(conferences_held=held) == date(2026, 10, 9)


def test_cp_first_review_after_a_month_end_conference_is_clamped():
    assert cp_review_due(conferences_held=[date(2025, 11, 30)]) == date(2026, 2, 28)


def test_cp_review_needs_an_initial_or_transfer_in_conference():
    with pytest.raises(ValueError, match="initial or transfer-in"):
        cp_review_due(conferences_held=[])


def test_cp_the_same_conference_date_twice_is_refused():
    with pytest.raises(ValueError, match="conferences_held lists 2026-01-12 twice"):
        cp_review_due(conferences_held=[date(2026, 1, 12), date(2026, 1, 12)])


def test_conference_kind_vocabulary():
    assert schedule.CONFERENCE_KINDS == ("initial", "review", "transfer_in")


# --- Pre-review visits and overdue status -------------------------------------------


@pytest.mark.parametrize(
    ("review", "lead", "expected"),
    [
        (date(2026, 3, 16), 5, date(2026, 3, 9)),  # Monday -> Monday before
        (date(2026, 4, 7), 5, date(2026, 3, 27)),  # skips Good Friday and Easter Monday
        (date(2026, 1, 9), 5, date(2026, 1, 2)),  # skips New Year's Day
        (date(2026, 3, 16), 1, date(2026, 3, 13)),
        (date(2026, 3, 16), 0, date(2026, 3, 16)),
        (date(2026, 3, 16), 10, date(2026, 3, 2)),
    ],
)
def test_visit_due_by(review, lead, expected):
    assert visit_due_by(review_date=review, lead_working_days=lead) == expected


def test_visit_due_by_defaults_to_five_working_days():
    assert visit_due_by(review_date=date(2026, 3, 16)) == date(2026, 3, 9)


def test_visit_due_by_refuses_a_negative_lead():
    with pytest.raises(ValueError, match="0 or more"):
        visit_due_by(review_date=date(2026, 3, 16), lead_working_days=-1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 1, 11), False), (date(2026, 1, 12), False), (date(2026, 1, 13), True)],
)
def test_is_overdue_only_after_the_due_date(today, expected):
    assert is_overdue(due=date(2026, 1, 12), today=today) is expected
