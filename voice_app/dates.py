"""Calendar arithmetic that holds on every day of the year, 29 February included (foundation: imports nothing of ours)."""

from __future__ import annotations

from datetime import date


def anniversary(day: date, years: int) -> date:
    """The day `years` years after `day` (before it, when negative); 29 February falls on 1 March in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
