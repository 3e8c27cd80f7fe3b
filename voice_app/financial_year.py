"""The financial year (1 April to 31 March) and its quarters, as plain dates.

Shared by the parents' feedback results (parents/periods.py) and the service report
(reports/period.py), which wrap them in periods of their own.
"""

from __future__ import annotations

from datetime import date, timedelta


def financial_year_of(day: date) -> int:
    """The financial year a day falls in, named by its starting calendar year (31 March 2026 -> 2025)."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: date) -> int:
    """The financial quarter of a day: Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March."""
    return (day.month - 4) % 12 // 3 + 1


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_bounds(start_year: int) -> tuple[date, date]:
    """1 April of `start_year` and 31 March of the next year."""
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def quarter_bounds(start_year: int, number: int) -> tuple[date, date]:
    """First and last day of quarter `number` (1 is April to June) of the financial year starting in `start_year`."""
    if number not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    start = add_months(date(start_year, 4, 1), 3 * (number - 1))
    return start, add_months(start, 3) - timedelta(days=1)
