"""Working days, bank holidays and statutory review timescales (standard library only).

Timescales, England:
- Cared-for reviews (Care Planning, Placement and Case Review (England)
  Regulations 2010, reg. 33): the first review within 20 working days of the
  date the child became cared for; the second within 3 months of the first;
  each later review within 6 months of the previous one.
- Child protection (Working Together to Safeguard Children): the first review
  conference within 3 months of the initial (or transfer-in) conference, then
  within 6 months of the previous review conference.

Due dates are the last day allowed; they are not moved off weekends or bank
holidays. "Within N working days of D" counts from the day after D.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

BANK_HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "bank_holidays_england_wales.json"

CARED_FOR_REVIEW_KINDS = ("initial", "second", "subsequent")
CONFERENCE_KINDS = ("initial", "review", "transfer_in")

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
FIRST_CP_REVIEW_MONTHS = 3
LATER_CP_REVIEW_MONTHS = 6
VISIT_LEAD_WORKING_DAYS = 5


@cache
def _bank_holiday_data() -> tuple[frozenset[date], range]:
    document = json.loads(BANK_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    first, last = document["covers"]
    days = frozenset(date.fromisoformat(entry["date"]) for entry in document["holidays"])
    return days, range(first, last + 1)


def load_bank_holidays() -> frozenset[date]:
    """Return the England and Wales bank holidays shipped with the app (cached)."""
    return _bank_holiday_data()[0]


def bank_holiday_years() -> range:
    """Return the range of years the shipped bank holiday list covers."""
    return _bank_holiday_data()[1]


def _holidays_for(holidays: Iterable[date] | None, *days: date) -> frozenset[date]:
    """Return the holiday set to use, refusing dates the shipped list does not cover."""
    if holidays is not None:
        return frozenset(holidays)
    known, years = _bank_holiday_data()
    for day in days:
        if day.year not in years:
            raise ValueError(
                f"{day.isoformat()} is outside the bank holiday list "
                f"({years.start}-{years.stop - 1}); regenerate it with "
                "scripts/make_bank_holidays.py or pass holidays= explicitly"
            )
    return known


def is_working_day(day: date, *, holidays: Iterable[date] | None = None) -> bool:
    """Return True if day is Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in _holidays_for(holidays, day)


def _step_working_days(start: date, days: int, step: int, holidays: Iterable[date] | None) -> date:
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    if holidays is not None:
        holidays = frozenset(holidays)
    day = start
    while days:
        day += timedelta(days=step)
        if is_working_day(day, holidays=holidays):
            days -= 1
    return day


def add_working_days(start: date, days: int, *, holidays: Iterable[date] | None = None) -> date:
    """Return the date `days` working days after start, counting from the day after start."""
    return _step_working_days(start, days, 1, holidays)


def working_days_between(start: date, end: date, *, holidays: Iterable[date] | None = None) -> int:
    """Count working days after start up to and including end (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays=holidays)
    known = _holidays_for(holidays, start, end)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), holidays=known)
    )


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later (or earlier), clamped to the month end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _sorted_unique(dates: Iterable[date], what: str) -> list[date]:
    ordered = sorted(dates)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier == later:
            raise ValueError(f"{what} lists {earlier.isoformat()} twice")
    return ordered


def review_kind_for_next_cared_for(reviews_held_count: int) -> str:
    """Return "initial", "second" or "subsequent" for the next cared-for review."""
    if reviews_held_count < 0:
        raise ValueError(f"reviews_held_count must be 0 or more, not {reviews_held_count}")
    return CARED_FOR_REVIEW_KINDS[min(reviews_held_count, 2)]


def cared_for_review_due(
    *,
    became_cared_for: date,
    reviews_held: Iterable[date],
    holidays: Iterable[date] | None = None,
) -> date:
    """Return the latest date the next cared-for review may be held (reg. 33)."""
    held = _sorted_unique(reviews_held, "reviews_held")
    if held and held[0] < became_cared_for:
        raise ValueError(
            f"a review on {held[0].isoformat()} is before the child became cared for "
            f"on {became_cared_for.isoformat()}"
        )
    kind = review_kind_for_next_cared_for(len(held))
    if kind == "initial":
        return add_working_days(became_cared_for, FIRST_REVIEW_WORKING_DAYS, holidays=holidays)
    if kind == "second":
        return add_months(held[-1], SECOND_REVIEW_MONTHS)
    return add_months(held[-1], LATER_REVIEW_MONTHS)


def cp_review_due(*, conferences_held: Iterable[date]) -> date:
    """Return the latest date the next child protection review conference may be held."""
    held = _sorted_unique(conferences_held, "conferences_held")
    if not held:
        raise ValueError(
            "conferences_held is empty: a review conference is only due after an "
            "initial or transfer-in conference"
        )
    months = FIRST_CP_REVIEW_MONTHS if len(held) == 1 else LATER_CP_REVIEW_MONTHS
    return add_months(held[-1], months)


def visit_due_by(
    *,
    review_date: date,
    lead_working_days: int = VISIT_LEAD_WORKING_DAYS,
    holidays: Iterable[date] | None = None,
) -> date:
    """Return the date the pre-review visit should happen by: N working days before the review."""
    return _step_working_days(review_date, lead_working_days, -1, holidays)


def is_overdue(*, due: date, today: date) -> bool:
    """Return True if today is after the due date (the due date itself is not overdue)."""
    return today > due
