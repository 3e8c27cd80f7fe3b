"""The results as CSV files: proper quoting, and safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from voice_app.parents.questions import ANSWERS
from voice_app.parents.results import FeedbackResults, Group

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting with = + - @ (or tab, CR) gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text with a header row; every text cell passed through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


ANSWERS_HEADER = [
    "Period",
    "Breakdown",
    "Group",
    "Responses in group",
    "Question",
    "Question wording",
    "Answer",
    "Count",
    "Percent of answers",
    "Answered",
    "Left blank",
]


def _group_rows(period: str, breakdown: str, group: Group):
    for number, counts in enumerate(group.questions, start=1):
        for answer in counts.question.answers:
            yield [
                period,
                breakdown,
                group.label,
                group.responses,
                f"Q{number}",
                counts.question.short,
                ANSWERS[answer].staff_label,
                counts.counts[answer],
                counts.percent(answer),
                counts.answered,
                counts.blank,
            ]


def answers_csv(results: FeedbackResults) -> str:
    """Every question's answer counts and percentages: overall, by conference type, by quarter, by chair."""
    period = results.period.short_label
    rows = list(_group_rows(period, "All", results.overall))
    breakdowns = (
        ("Conference type", results.stages),
        ("Quarter", results.quarters),
        ("Chair", results.chairs),
        ("Kind of meeting", results.meetings),
        ("Who answered", results.respondents),
        ("How the meeting was held", results.formats),
        ("Agency", results.agencies),
    )
    for breakdown, groups in breakdowns:
        for group in groups:
            if group.suppressed:  # too few to show: left out, as on the page
                continue
            rows.extend(_group_rows(period, breakdown, group))
    return to_csv(ANSWERS_HEADER, rows)


def rates_csv(results: FeedbackResults) -> str:
    """Response rate: conferences held, responses, responses per conference, share of conferences answered."""
    header = [
        "Period",
        "Group",
        "Conferences held",
        "Responses",
        "Responses per conference",
        "Conferences with a response",
        "Percent of conferences with a response",
    ]
    rows = [
        [
            results.period.short_label,
            rate.label,
            rate.conferences,
            rate.responses,
            rate.per_conference,
            rate.answered_conferences,
            rate.percent_answered,
        ]
        for rate in results.rates
    ]
    return to_csv(header, rows)


def comments_csv(results: FeedbackResults) -> str:
    """The parents' comments as written, with the quarter and conference type only (never names or dates)."""
    header = ["Period", "Quarter", "Conference type", "Comment"]
    rows = [
        [results.period.short_label, comment.quarter_label, comment.stage.label, comment.text] for comment in results.comments
    ]
    return to_csv(header, rows)


CSV_TABLES = {"answers": answers_csv, "rates": rates_csv, "comments": comments_csv}
