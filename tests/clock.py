"""Fixed days for tests that depend on "today", so the suite answers the same on any day it runs.

Tests that use the `today` fixture run on PINNED_DAY. Tests marked `every_day` run once on each of
DAYS: days picked to show a date bug in every run rather than in some months of the year.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

LONDON = ZoneInfo("Europe/London")

PINNED_DAY = date(2026, 12, 7)  # a Monday in winter time, in a month the report counts live

DAYS = {
    "winter-monday": date(2026, 12, 7),
    "christmas-bank-holiday": date(2026, 12, 25),
    "clocks-go-forward": date(2027, 3, 28),
    "midsummer": date(2027, 6, 16),
    "clocks-go-back": date(2027, 10, 31),
    "leap-day": date(2028, 2, 29),
}


@contextmanager
def travel_to(day: date, *, hour: int = 12, tick: bool = True) -> Iterator[datetime]:
    """Python's clock (date.today, datetime.now, time.time) reads `hour` o'clock London time on `day`.

    With tick the clock then runs on as usual, so code that orders or compares instants still works.
    """
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
    with time_machine.travel(moment, tick=tick):
        yield moment
