"""Counts the service report keeps per closed month, so a year's report need not re-read every answer."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.models.base import UTCDateTime, utcnow


class ReportMonth(SQLModel, table=True):
    """One closed month's statement, answer, choice and menu-decision counts, valid while its fingerprint holds."""

    __tablename__ = "report_month"

    month: date = Field(primary_key=True)  # the first day of the month, in local time
    # count, sum of ids and latest updated_at of the statements completed in the month
    fingerprint: str = Field(max_length=128)
    counts: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
