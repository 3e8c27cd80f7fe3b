"""Working days, bank holidays and statutory review timescales, one episode at a time.

Timescales, England:
- Cared-for reviews (Care Planning, Placement and Case Review (England)
  Regulations 2010, reg. 33): the first review within 20 working days of the
  date the child became cared for; the second within 3 months of the first;
  each later review within 6 months of the previous one. Counted per period of
  care: a child who comes back into care starts again at the first review.
- Short breaks (the same Regulations, reg. 48, for a series of short breaks):
  the first review within 3 months of the start of the first short break, then
  within 6 months of the previous review (see docs/reviews.md).
- Child protection (Working Together to Safeguard Children): the initial
  conference within 15 working days of the strategy discussion (a transfer-in
  conference within 15 working days of being told of the transfer); the first
  review conference within 3 months of the initial (or transfer-in) conference,
  then within 6 months of the previous review conference. Counted per plan:
  only the conferences from the plan's own initial (or transfer-in) conference.

Due dates are the last day allowed; they are not moved off weekends or bank
holidays. "Within N working days of D" counts from the day after D. Bank
holidays come from the `holidays` library for the service's nation, for any
year (one-off holidays included), so no date is ever outside the calendar.
"""

from __future__ import annotations

import calendar
from collections.abc import Container, Iterable
from datetime import date, timedelta
from functools import cache

import holidays as holiday_calendars

# The service's nation (VOICE_APP_NATION) -> the `holidays` library's subdivision of GB.
NATIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
DEFAULT_NATION = "england"

CARED_FOR_REVIEW_KINDS = ("initial", "second", "subsequent")
CONFERENCE_KINDS = ("initial", "review", "transfer_in")
PLAN_STARTS = ("initial", "transfer_in")  # conferences that begin a plan's own timescale

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
SHORT_BREAK_FIRST_REVIEW_MONTHS = 3
SHORT_BREAK_LATER_REVIEW_MONTHS = 6
INITIAL_CONFERENCE_WORKING_DAYS = 15
FIRST_CP_REVIEW_MONTHS = 3
LATER_CP_REVIEW_MONTHS = 6
VISIT_LEAD_WORKING_DAYS = 5


@cache
def bank_holidays(nation: str = DEFAULT_NATION) -> Container[date]:
    """The nation's bank holidays for any year (the library fills in each year when first asked)."""
    if nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}; use one of {', '.join(NATIONS)}")
    return holiday_calendars.country_holidays("GB", subdiv=NATIONS[nation])


def _calendar(holidays: Iterable[date] | None, nation: str) -> Container[date]:
    if holidays is None:
        return bank_holidays(nation)
    return holidays if isinstance(holidays, frozenset) else frozenset(holidays)


def is_working_day(day: date, *, holidays: Iterable[date] | None = None, nation: str = DEFAULT_NATION) -> bool:
    """Return True if day is Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in _calendar(holidays, nation)


def _step_working_days(start: date, days: int, step: int, holidays: Iterable[date] | None, nation: str) -> date:
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    known = _calendar(holidays, nation)
    day = start
    while days:
        day += timedelta(days=step)
        if day.weekday() < 5 and day not in known:
            days -= 1
    return day


def add_working_days(start: date, days: int, *, holidays: Iterable[date] | None = None, nation: str = DEFAULT_NATION) -> date:
    """Return the date `days` working days after start, counting from the day after start."""
    return _step_working_days(start, days, 1, holidays, nation)


def working_days_between(start: date, end: date, *, holidays: Iterable[date] | None = None, nation: str = DEFAULT_NATION) -> int:
    """Count working days after start up to and including end (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays=holidays, nation=nation)
    known = _calendar(holidays, nation)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset), holidays=known))


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
    short_breaks: bool = False,
    holidays: Iterable[date] | None = None,
    nation: str = DEFAULT_NATION,
) -> date:
    """Return the latest date the next cared-for review of this period of care may be held (reg. 33, or reg. 48 for short breaks).

    Reviews held before the child became cared for (an earlier period of care) do not count.
    """
    held = [day for day in _sorted_unique(reviews_held, "reviews_held") if day >= became_cared_for]
    if short_breaks:
        if not held:
            return add_months(became_cared_for, SHORT_BREAK_FIRST_REVIEW_MONTHS)
        return add_months(held[-1], SHORT_BREAK_LATER_REVIEW_MONTHS)
    kind = review_kind_for_next_cared_for(len(held))
    if kind == "initial":
        return add_working_days(became_cared_for, FIRST_REVIEW_WORKING_DAYS, holidays=holidays, nation=nation)
    if kind == "second":
        return add_months(held[-1], SECOND_REVIEW_MONTHS)
    return add_months(held[-1], LATER_REVIEW_MONTHS)


def initial_conference_due(*, strategy_discussion: date, holidays: Iterable[date] | None = None, nation: str = DEFAULT_NATION) -> date:
    """Return the latest date an initial (or transfer-in) conference may be held: 15 working days after the strategy discussion (or notice of transfer)."""
    return add_working_days(strategy_discussion, INITIAL_CONFERENCE_WORKING_DAYS, holidays=holidays, nation=nation)


def current_plan(conferences_held: Iterable[tuple[date, str]]) -> list[date]:
    """The days of the conferences of the current plan: from the latest initial or transfer-in conference on.

    Each conference is (day held, kind) with kind from CONFERENCE_KINDS. With no initial or transfer-in
    conference there is no plan yet to review (empty list).
    """
    held = sorted(conferences_held)
    for kind in (kind for _day, kind in held):
        if kind not in CONFERENCE_KINDS:
            raise ValueError(f"unknown conference kind {kind!r}")
    starts = [index for index, (_day, kind) in enumerate(held) if kind in PLAN_STARTS]
    if not starts:
        return []
    return [day for day, _kind in held[starts[-1] :]]


def cp_review_due(*, conferences_held: Iterable[date]) -> date:
    """Return the latest date the next review conference of one plan may be held (its conferences only)."""
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
    nation: str = DEFAULT_NATION,
) -> date:
    """Return the date the pre-review visit should happen by: N working days before the review."""
    return _step_working_days(review_date, lead_working_days, -1, holidays, nation)


def is_overdue(*, due: date, today: date) -> bool:
    """Return True if today is after the due date (the due date itself is not overdue)."""
    return today > due
