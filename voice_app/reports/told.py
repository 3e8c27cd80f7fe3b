"""Children told who their IRO is: introduction letters given in the period (counted with everything else)."""

from __future__ import annotations

from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.queries import Counts


def told_figure(now: Counts, before: Counts) -> Figure:
    """How many introduction letters children were given (who their IRO is, and how to reach the service)."""
    return Figure(
        "told-who-their-iro-is",
        "Knowing their IRO",
        "Children told who their IRO is",
        "Introduction letters given to children on a day in the period, as recorded on the child's page: who "
        "their IRO is, what an IRO does, what happens at a review and how to get in touch. A child given a "
        "second letter in the period counts again.",
        [Row("told", "Introduction letters given", Value(now.letters[()]), Value(before.letters[()]))],
        child_level=True,
        chart=False,
    )
