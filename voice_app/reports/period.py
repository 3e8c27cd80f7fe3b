"""Reporting periods: financial years (April to March), quarters, or any dates, and the one before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from voice_app.financial_year import add_months, financial_year_of, quarter_bounds, year_bounds

# Days are the service's days: a statement begun at 00:30 on 1 April (British Summer Time) is April's.
LOCAL_TIME = ZoneInfo("Europe/London")
EARLIEST = date(2000, 1, 1)
LONGEST_DAYS = 366 * 10 + 3  # ten years, whichever leap days they hold


class PeriodError(ValueError):
    """Dates that do not make a period; the message says what to change."""


@dataclass(frozen=True)
class Period:
    """Every day from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The instants [start, end) in UTC: local midnight at the start, local midnight after the end."""
        return local_midnight_utc(self.start), local_midnight_utc(self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        fy = financial_year_of(self.start)
        if self == financial_year(fy):
            return f"Financial year {fy}/{str(fy + 1)[-2:]}"
        for number in range(1, 5):
            if self == quarter(fy, number):
                return f"Quarter {number} of {fy}/{str(fy + 1)[-2:]} ({self.start:%B} to {self.end:%B %Y})"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def previous(self) -> Period:
        """The period of the same length just before: the same number of whole months, or of days."""
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which `day` begins in the service's local time."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TIME).astimezone(UTC)


def financial_year(start_year: int) -> Period:
    """1 April of `start_year` to 31 March of the next year."""
    return Period(*year_bounds(start_year))


def quarter(start_year: int, number: int) -> Period:
    """Quarter 1 is April to June of the financial year starting in `start_year`."""
    try:
        return Period(*quarter_bounds(start_year, number))
    except ValueError as exc:
        raise PeriodError(str(exc)) from exc


def default_period(today: date) -> Period:
    """The current financial year."""
    return financial_year(financial_year_of(today))


def bounded_year(raw: str) -> int:
    """A year from a query string, as four digits: anything else is a ValueError, never an OverflowError later."""
    if len(raw) != 4 or not raw.isascii() or not raw.isdigit():
        raise ValueError("A year is four digits.")
    return int(raw)


def parse_choice(choice: str) -> Period:
    """A named period: "fy-2025" (financial year 2025/26) or "q-2025-1" (its first quarter)."""
    parts = choice.split("-")
    try:
        if parts[0] == "fy" and len(parts) == 2:
            return financial_year(bounded_year(parts[1]))
        if parts[0] == "q" and len(parts) == 3:
            return quarter(bounded_year(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise PeriodError("Choose a period from the list.") from exc
    raise PeriodError("Choose a period from the list.")


def _parse_date(raw: str, what: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise PeriodError(f"Enter the {what} date as a real date, for example 2025-04-01.") from exc


def parse_dates(raw_from: str, raw_to: str, *, today: date) -> Period:
    """Any dates, checked: both given, real, in order, not before 2000 and no longer than ten years."""
    if not raw_from.strip() or not raw_to.strip():
        raise PeriodError("Enter both a start date and an end date.")
    start, end = _parse_date(raw_from, "start"), _parse_date(raw_to, "end")
    if start > end:
        raise PeriodError("The start date must be on or before the end date.")
    if start < EARLIEST:
        raise PeriodError(f"Choose dates from {EARLIEST:%-d %B %Y} onwards.")
    if end > date(today.year + 1, 12, 31):
        raise PeriodError("Choose an end date no later than the end of next year.")
    period = Period(start, end)
    if period.days > LONGEST_DAYS:
        raise PeriodError("Choose a period of ten years or less.")
    return period


def period_from_args(args, *, today: date) -> Period:
    """The period asked for in a query string (from/to, or period=...), else the current financial year."""
    if args.get("from") or args.get("to"):
        return parse_dates(args.get("from", ""), args.get("to", ""), today=today)
    if args.get("period"):
        period = parse_choice(args["period"])
        if period.start < EARLIEST or period.start > date(today.year + 1, 12, 31):
            raise PeriodError("Choose a period from the list.")
        return period
    return default_period(today)


def period_choices(today: date, *, years: int = 6) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options for the chooser: recent financial years, and the quarters of each."""
    current = financial_year_of(today)
    years_list = [(f"fy-{fy}", financial_year(fy).label) for fy in range(current, current - years, -1)]
    quarters = [
        (f"q-{fy}-{n}", quarter(fy, n).label)
        for fy in range(current, current - years, -1)
        for n in (4, 3, 2, 1)
        if quarter(fy, n).start <= today
    ]
    return [("Financial years", years_list), ("Quarters", quarters)]


def choice_key(period: Period) -> str | None:
    """The chooser's key for a named period, if it is one."""
    fy = financial_year_of(period.start)
    if period == financial_year(fy):
        return f"fy-{fy}"
    for number in range(1, 5):
        if period == quarter(fy, number):
            return f"q-{fy}-{number}"
    return None
