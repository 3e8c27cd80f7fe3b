"""Financial years (1 April to 31 March) and their quarters, the periods the service reports on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from voice_app.financial_year import financial_year_of, quarter_bounds, year_bounds

QUARTER_MONTHS = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}


@dataclass(frozen=True)
class Period:
    """A financial year (quarter None) or one of its quarters; `end` is the last day, inclusive."""

    year: int  # the calendar year the financial year starts in: 2025 means 1 April 2025 to 31 March 2026
    quarter: int | None
    start: date
    end: date

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        if self.quarter is None:
            return f"financial year {self.year_label}"
        return f"Q{self.quarter} {self.year_label} ({QUARTER_MONTHS[self.quarter]} {self.start.year})"

    @property
    def short_label(self) -> str:
        return self.year_label if self.quarter is None else f"Q{self.quarter} {self.year_label}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_for(year: int, quarter: int | None = None) -> Period:
    """The period for a financial year, or one quarter of it."""
    start, end = year_bounds(year) if quarter is None else quarter_bounds(year, quarter)
    return Period(year, quarter, start, end)


def quarters_of(period: Period) -> list[Period]:
    """The quarters a period covers: all four for a year, itself for a quarter."""
    if period.quarter is not None:
        return [period]
    return [period_for(period.year, quarter) for quarter in QUARTER_MONTHS]


def current_period(today: date) -> Period:
    """The financial year that today is in."""
    return period_for(financial_year_of(today))
