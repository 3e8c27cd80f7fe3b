"""Tests for voice_app.schedule: bank holidays per nation, working days, and every statutory timescale, hand-worked."""

from __future__ import annotations

from datetime import date

import pytest

from voice_app import schedule
from voice_app.schedule import (
    add_months,
    add_working_days,
    bank_holidays,
    cared_for_review_due,
    cp_review_due,
    current_plan,
    initial_conference_due,
    is_overdue,
    is_working_day,
    review_kind_for_next_cared_for,
    visit_due_by,
    working_days_between,
)

# --- Bank holidays: the `holidays` library, for the service's nation -----------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 29),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2020, 5, 8),  # early May holiday moved to VE Day
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # coronation of King Charles III
        date(2021, 12, 27),  # Christmas Day (substitute day)
        date(2021, 12, 28),  # Boxing Day (substitute day)
        date(2027, 12, 28),
        date(2014, 5, 26),  # spring bank holiday, before the old table began
        date(2040, 12, 25),  # after it ended
        date(2040, 8, 27),  # summer bank holiday 2040 (last Monday of August)
    ],
)
def test_known_bank_holidays_of_england_are_not_working_days(day):
    assert day in bank_holidays("england")
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2020, 5, 4), date(2022, 5, 30)])  # moved away from these Mondays
def test_moved_holidays_are_working_days(day):
    assert is_working_day(day)


def test_the_nation_decides_which_days_are_bank_holidays():
    # St Andrew's Day (substitute, Monday 2 December 2024) and 2 January are Scottish; St Patrick's Day is Northern Irish.
    assert is_working_day(date(2025, 1, 2), nation="england") and not is_working_day(date(2025, 1, 2), nation="scotland")
    assert is_working_day(date(2025, 3, 17), nation="wales") and not is_working_day(date(2025, 3, 17), nation="northern_ireland")
    # The summer bank holiday is early August in Scotland, late August elsewhere.
    assert not is_working_day(date(2025, 8, 4), nation="scotland") and is_working_day(date(2025, 8, 4), nation="england")
    # 20 working days after 22 December 2024: Scotland loses 2 January too.
    assert add_working_days(date(2024, 12, 22), 20, nation="england") == date(2025, 1, 22)
    assert add_working_days(date(2024, 12, 22), 20, nation="scotland") == date(2025, 1, 23)


def test_an_unknown_nation_is_refused():
    with pytest.raises(ValueError, match="unknown nation"):
        is_working_day(date(2025, 1, 2), nation="atlantis")


def test_the_calendar_is_made_once_per_nation():
    assert bank_holidays("wales") is bank_holidays("wales")


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


def test_dates_in_2014_and_2040_are_counted_not_refused():
    # Monday 2 June 2014 + 20 working days: 30 June 2014 (no bank holiday in June).
    assert add_working_days(date(2014, 6, 2), 20) == date(2014, 6, 30)
    # Wednesday 19 December 2040 + 20 working days, over 25, 26 December 2040 and 1 January 2041.
    assert add_working_days(date(2040, 12, 19), 20) == date(2041, 1, 21)
    assert working_days_between(date(2014, 6, 2), date(2040, 12, 19)) > 0


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


def test_reentry_to_care_starts_again_at_the_first_review():
    # Reviews of the earlier period of care (2025) do not count: 20 working days from 5 January 2026.
    earlier = [date(2025, 3, 3), date(2025, 6, 2)]
    assert cared_for_review_due(became_cared_for=date(2026, 1, 5), reviews_held=earlier) == date(2026, 2, 2)
    # Its first review held on 30 January 2026: the second is due within 3 months.
    assert cared_for_review_due(became_cared_for=date(2026, 1, 5), reviews_held=[*earlier, date(2026, 1, 30)]) == date(2026, 4, 30)


def test_first_review_in_2014_and_2040():
    assert cared_for_review_due(became_cared_for=date(2014, 6, 2), reviews_held=[]) == date(2014, 6, 30)
    assert cared_for_review_due(became_cared_for=date(2040, 12, 19), reviews_held=[]) == date(2041, 1, 21)


def test_short_breaks_first_review_in_three_months_then_every_six():
    # Regulation 48: the first review within 3 months of the first short break, then every 6 months.
    start = date(2025, 11, 30)
    assert cared_for_review_due(became_cared_for=start, reviews_held=[], short_breaks=True) == date(2026, 2, 28)
    assert cared_for_review_due(became_cared_for=start, reviews_held=[date(2026, 2, 20)], short_breaks=True) == date(2026, 8, 20)
    held = [date(2026, 2, 20), date(2026, 8, 31)]
    assert cared_for_review_due(became_cared_for=start, reviews_held=held, short_breaks=True) == date(2027, 2, 28)


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


def test_initial_conference_from_a_strategy_discussion_across_a_bank_holiday():
    # Strategy discussion Thursday 17 April 2025: Good Friday 18 April and Easter Monday 21 April do not
    # count, nor does the early May bank holiday (5 May). 15 working days: 22-25 April (4), 28 April-2 May (9),
    # 6-9 May (13), 12-13 May (15).
    assert initial_conference_due(strategy_discussion=date(2025, 4, 17)) == date(2025, 5, 13)
    # Without bank holidays it would be three working days sooner.
    assert initial_conference_due(strategy_discussion=date(2025, 4, 17), holidays=[]) == date(2025, 5, 8)


def test_transfer_in_conference_starts_its_plan_like_an_initial_one():
    assert initial_conference_due(strategy_discussion=date(2026, 1, 9)) == date(2026, 1, 30)
    plan = current_plan([(date(2025, 6, 2), "initial"), (date(2025, 9, 1), "review"), (date(2026, 1, 28), "transfer_in")])
    assert plan == [date(2026, 1, 28)]
    assert cp_review_due(conferences_held=plan) == date(2026, 4, 28)


def test_a_repeat_plan_counts_only_its_own_conferences():
    # The case: a plan in 2023 (initial, two reviews), and a new initial conference on 3 March 2025.
    held = [(date(2023, 1, 10), "initial"), (date(2023, 4, 6), "review"), (date(2023, 10, 5), "review"), (date(2025, 3, 3), "initial")]
    plan = current_plan(held)
    assert plan == [date(2025, 3, 3)]
    assert cp_review_due(conferences_held=plan) == date(2025, 6, 3)  # not 3 September 2025
    assert cp_review_due(conferences_held=[*plan, date(2025, 6, 2)]) == date(2025, 12, 2)


def test_no_plan_without_an_initial_or_transfer_in_conference():
    assert current_plan([]) == []
    assert current_plan([(date(2025, 6, 2), "review")]) == []
    with pytest.raises(ValueError, match="unknown conference kind"):
        current_plan([(date(2025, 6, 2), "tea party")])


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
