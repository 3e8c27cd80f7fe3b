"""Counts the service report keeps per closed month, so a year's report need not re-read every answer."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.models.base import UTCDateTime


class ReportMonth(SQLModel, table=True):
    """One local calendar month's counts for the service report (voice_app/reports/rollup.py)."""

    __tablename__ = "report_month"

    month: date = Field(primary_key=True)  # the first day of the month, in local time
    # Raised by every change that alters the month's counts (voice_app/reports/staleness.py); a report
    # stores counts only against the generation it read, so a change made while it counted wins.
    generation: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    counts: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))  # JSON; NULL when stale
    computed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
