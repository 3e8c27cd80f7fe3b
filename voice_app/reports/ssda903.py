"""A CSV of each cared-for review held in a period with the SSDA903 return's Reviews columns, to check a return against."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import ReviewKind, ReviewStatus
from voice_app.reports.export import safe_cell
from voice_app.reports.period import Period
from voice_app.reports.queries import child_t, review_t

# The SSDA903 Reviews file: the child's identifier, date of birth, review date and participation code.
COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


def reviews_csv(connection: Connection, period: Period) -> str:
    """One row per cared-for review held in the period (one query), oldest first; a review without a code has an empty REVIEW_CODE."""
    query = (
        sa.select(child_t.c.case_reference, child_t.c.date_of_birth, review_t.c.held_on, review_t.c.participation)
        .select_from(review_t.join(child_t, review_t.c.child_id == child_t.c.id))
        .where(
            review_t.c.kind == ReviewKind.CARED_FOR,
            review_t.c.status == ReviewStatus.HELD,
            review_t.c.held_on.between(period.start, period.end),
        )
        .order_by(review_t.c.held_on, child_t.c.case_reference, review_t.c.id)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for reference, born, held_on, code in connection.execute(query):
        writer.writerow([safe_cell(reference), f"{born:%d/%m/%Y}" if born else "", f"{held_on:%d/%m/%Y}", code.value if code else ""])
    return out.getvalue()
