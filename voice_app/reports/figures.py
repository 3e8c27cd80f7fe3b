"""Service figures: pre-review visits, statements completed, and how many children took part."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from voice_app.models import ReviewKind, VisitMethod
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.queries import Counts

LANGUAGE_NAMES = {
    "en-GB": "English",
    "cy": "Welsh",
    "ar": "Arabic",
    "ckb": "Kurdish (Sorani)",
    "fa": "Farsi",
    "pl": "Polish",
    "ps": "Pashto",
    "ro": "Romanian",
    "ti": "Tigrinya",
    "ur": "Urdu",
}


def total(counter: Counter, match: Callable[[tuple], bool] = lambda key: True) -> int:
    """The sum of a counter's values whose key matches."""
    return sum(value for key, value in counter.items() if match(key))


T = TypeVar("T")  # one period's counts (Counts), or anything else counted the same way in both periods


def rows_for(
    keys: Iterable[tuple[str, str]],
    now: T,
    before: T,
    count: Callable[[T, str], int],
    *,
    base: Callable[[T], int] | None = None,
    group: str = "",
    total_row: bool = False,
) -> list[Row]:
    """One row per (key, label), counted in both periods the same way."""
    return [
        Row(
            key,
            label,
            Value(count(now, key), base(now) if base else None),
            Value(count(before, key), base(before) if base else None),
            group=group,
            total=total_row,
        )
        for key, label in keys
    ]


def visits_figure(now: Counts, before: Counts) -> Figure:
    """Pre-review visits held, by method, and those the child declined."""
    held = lambda c: total(c.visits, lambda k: k[0] == "done")  # noqa: E731
    offered = lambda c: total(c.visits, lambda k: k[0] in {"done", "declined"})  # noqa: E731
    methods = [(m.value, m.label) for m in VisitMethod]
    if total(now.visits, lambda k: k[0] == "done" and k[1] is None) or total(before.visits, lambda k: k[0] == "done" and k[1] is None):
        methods.append(("not_recorded", "Method not recorded"))

    def by_method(c: Counts, key: str) -> int:
        method = None if key == "not_recorded" else key
        return total(c.visits, lambda k: k[0] == "done" and k[1] == method)

    rows = rows_for(methods, now, before, by_method, base=held, group="method")
    rows += rows_for([("held", "Visits held")], now, before, lambda c, _k: held(c), total_row=True)
    rows += rows_for(
        [(f"held_{kind.value}", f"Held before a {kind.label.lower()}") for kind in ReviewKind],
        now,
        before,
        lambda c, key: total(c.visits, lambda k: k[0] == "done" and f"held_{k[2]}" == key),
        base=held,
        group="kind",
    )
    rows += rows_for(
        [("declined", "Declined by the child")],
        now,
        before,
        lambda c, _k: total(c.visits, lambda k: k[0] == "declined"),
        base=offered,
        total_row=True,
    )
    return Figure(
        "visits",
        "Pre-review visits",
        "Pre-review visits held, by how the IRO and child met",
        "Visits held on a day in the period, by method; and visits the child declined, counted on the day "
        "they were planned for. The share declined is of all visits held or declined.",
        rows,
        share_of="of visits held (declined: of visits held or declined)",
    )


def statements_figures(now: Counts, before: Counts) -> list[Figure]:
    """Statements completed (finished or stopped early), and who gave them: version, scribed, language."""
    all_done = lambda c: total(c.statements)  # noqa: E731
    ends = rows_for(
        [("finished", "Finished"), ("stopped", "Stopped early")],
        now,
        before,
        lambda c, key: total(c.statements, lambda k: k[0] == key),
        base=all_done,
        group="end",
        total_row=True,
    )
    ends += rows_for([("completed", "Statements completed")], now, before, lambda c, _k: all_done(c), total_row=True)
    completed = Figure(
        "statements",
        "Children's statements",
        "Children's statements completed",
        "Statements that ended in the period: finished by the child, or stopped early (what the child "
        "had said by then is kept and counted).",
        ends,
        share_of="of statements completed",
    )

    def breakdown(fig_id: str, title: str, position: int, keys: list[tuple[str, str]]) -> Figure:
        rows = rows_for(
            keys,
            now,
            before,
            lambda c, key: total(c.statements, lambda k: str(k[position]) == key),
            base=all_done,
            group="all",
        )
        return Figure(
            fig_id,
            "Children's statements",
            title,
            "Statements completed in the period. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            rows,
            child_level=True,
            share_of="of statements completed",
        )

    languages = sorted(
        {str(k[3]) for k in now.statements} | {str(k[3]) for k in before.statements},
        key=lambda code: (code != "en-GB", LANGUAGE_NAMES.get(code, code)),
    )
    return [
        completed,
        breakdown(
            "statements-version",
            "Statements by version (younger or older children, or the sorting mat)",
            1,
            [("younger", "Younger children's version"), ("older", "Older children's version"), ("mat", "Sorting mat")],
        ),
        breakdown("statements-scribed", "Statements written by the child or scribed", 2, [("False", "The child used the tablet"), ("True", "Scribed by the IRO for the child")]),
        breakdown("statements-language", "Statements by language", 3, [(code, LANGUAGE_NAMES.get(code, code)) for code in languages]),
    ]


def participation_figure(now: Counts, before: Counts) -> Figure:
    """The share of reviews held with the child's statement from a visit before the review (voice-app's own measure, not the DfE's)."""
    rows: list[Row] = []
    for kind in ReviewKind:
        held = lambda c, kind=kind: total(c.reviews, lambda k: k[0] == kind.value)  # noqa: E731
        rows += rows_for([(f"held_{kind.value}", f"{kind.label}s held")], now, before, lambda c, _k, held=held: held(c), total_row=True)
        rows += rows_for(
            [(f"participated_{kind.value}", f"{kind.label}s with the child's statement from a visit before")],
            now,
            before,
            lambda c, _k, kind=kind: c.participated[kind.value],
            base=held,
            total_row=True,
        )
    return Figure(
        "participation",
        "Children taking part",
        "Reviews with the child's statement from a visit before",
        "Reviews and conferences held in the period, and how many had the child's statement from one of "
        "the review's own visits, begun on or before the day of the review. Statements given after a "
        "review do not count for it. This is not the DfE's participation measure: see the participation codes.",
        rows,
        share_of="of reviews held",
    )
