"""Calendar arithmetic that holds on every day of the year, and plausible dates: one rule for every date a person types (births, reviews, visits, letters, away days).

A date outside a sensible window is refused with a message that says the window ("Enter a date from 7 December
2001 to 7 December 2028"), so a slip of the year ("0024", "1753", "2104") never reaches the timescale
arithmetic or a child's record. Where an old date can be real (a review held years ago, entered late), a date
further back than `confirm_after_days` is asked to be confirmed instead: the form shows "The date is right" and
accepts it once that is ticked. A foundation module: forms of any feature use it; it imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from wtforms.validators import ValidationError

BACK_YEARS = 25  # nobody in care today, nor any review of theirs, is older than this
AHEAD_YEARS_FOR_BOOKINGS = 2  # a review or visit booked further ahead is a typing slip
CONFIRM_FIELD = "date_confirmed"


def anniversary(day: date, years: int) -> date:
    """The day `years` years after `day` (before it, when negative); 29 February falls on 1 March in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (1 March for 29 February in a year without one)."""
    return anniversary(day, -years)


def years_after(day: date, years: int) -> date:
    return anniversary(day, years)


def _words(day: date, today: date) -> str:
    return "today" if day == today else f"{day:%-d %B %Y}"


def window_problem(day: date | None, *, today: date, back_years: int = BACK_YEARS, ahead: timedelta | int = 0) -> str | None:
    """Why this date is outside [today - back_years, today + ahead], in words that give the window; None when inside.

    `ahead` is a timedelta, or a number of years.
    """
    if day is None:
        return None
    start = years_before(today, back_years)
    end = years_after(today, ahead) if isinstance(ahead, int) else today + ahead
    window = f"Enter a date from {_words(start, today)} to {_words(end, today)}."
    if day > end:
        return f"The date cannot be in the future. {window}" if end == today else f"That date is too far ahead. {window}"
    if day < start:
        if back_years == 0:
            return f"That day has passed. {window}"
        return f"That date is more than {back_years} years ago. {window} Check the year."
    return None


@dataclass(frozen=True)
class Plausible:
    """A WTForms validator: the date is inside the window, and confirmed when it is further back than a while.

    Forms that use `confirm_after_days` have a BooleanField named CONFIRM_FIELD ("The date is right"), which their
    template shows (components/forms.html, date_confirmation) when a date needs it or it was ticked.
    """

    back_years: int = BACK_YEARS
    ahead: timedelta | int = 0
    confirm_after_days: int | None = None
    today: Callable[[], date] = date.today

    def __call__(self, form, field) -> None:
        today = self.today()
        problem = window_problem(field.data, today=today, back_years=self.back_years, ahead=self.ahead)
        if problem:
            raise ValidationError(problem)
        if self.confirm_after_days is None or field.data is None or field.data >= today - timedelta(days=self.confirm_after_days):
            return
        confirm = getattr(form, CONFIRM_FIELD, None)
        if confirm is not None and confirm.data:
            return
        form.needs_date_confirmation = True
        years = self.confirm_after_days // 365
        raise ValidationError(
            f"That date is more than {years} year{'s' if years != 1 else ''} ago. If it is right (a meeting entered late, say), "
            "tick “The date is right” and save again; if not, check the year."
        )
