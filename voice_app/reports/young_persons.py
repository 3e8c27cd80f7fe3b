"""Young people's conferences: how many were held, with the young person's own conversation before, and the chair's plan back."""

from __future__ import annotations

from voice_app.reports.figures import rows_for, total
from voice_app.reports.model import Figure, Row
from voice_app.reports.queries import Counts

SECTION = "Young people's conferences"


def young_persons_figure(now: Counts, before: Counts) -> Figure:
    """Young person's conferences held, how many had the young person's statement first, and their plans' choices agreed or not."""
    held = lambda c: total(c.young_persons)  # noqa: E731
    plan = lambda c: total(c.young_persons_plan)  # noqa: E731
    rows: list[Row] = rows_for([("held", "Young person's conferences held")], now, before, lambda c, _k: held(c), total_row=True)
    rows += rows_for(
        [("with_statement", "With the young person's own conversation and menu before it")],
        now,
        before,
        lambda c, _k: total(c.young_persons, bool),
        base=held,
        group="held",
    )
    rows += rows_for(
        [("agreed", "Their choices agreed"), ("not_possible", "Their choices not possible (with a reason for the young person)")],
        now,
        before,
        lambda c, key: c.young_persons_plan[key],
        base=plan,
        group="plan",
    )
    return Figure(
        "young-persons-conferences",
        SECTION,
        "Young people's conferences, shaped with the young person",
        "Child protection conferences held in the period that were young person's conferences, and how many "
        "had the young person's own conversation and menu from a visit before the day; and the chair's "
        "answer to each choice on their plans, in statements completed in the period.",
        rows,
        child_level=True,
        share_of="of young person's conferences held (choices: of the choices answered)",
    )
