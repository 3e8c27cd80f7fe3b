"""Downloads: each figure (or all of them) as CSV, and the whole report as one JSON document."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from voice_app.reports.model import SMALL, Cell, Figure, Row, TextFigure
from voice_app.reports.report import Report

CSV_COLUMNS = [
    "figure",
    "section",
    "title",
    "row",
    "label",
    "this_period",
    "this_period_percent",
    "previous_period",
    "previous_period_percent",
    "change",
    "change_percent",
    "change_percentage_points",
    "text",
    "period_from",
    "period_to",
    "previous_from",
    "previous_to",
]
SUPPRESSION_RULE = (
    f"In figures about children, counts from 1 to {SMALL - 1} are shown as '<5', with the percentages and "
    "changes that would reveal them; where a group of rows would then have one hidden count, the next "
    "smallest count of the group is hidden too ('hidden'). Service totals are not suppressed."
)
# Spreadsheets run cells that start with these as formulas: such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _published(cell: Cell) -> tuple[object, object]:
    return (cell.display if cell.hidden else cell.count), ("" if cell.percent is None else cell.percent)


def _row_fields(figure: Figure, row: Row) -> dict[str, object]:
    this_count, this_percent = _published(row.this)
    previous_count, previous_percent = _published(row.previous)
    return {
        "row": row.key,
        "label": row.label,
        "this_period": this_count,
        "this_period_percent": this_percent,
        "previous_period": previous_count,
        "previous_period_percent": previous_percent,
        "change": "" if row.change is None else row.change,
        "change_percent": "" if row.change_percent is None else row.change_percent,
        "change_percentage_points": "" if row.change_points is None else row.change_points,
    }


def csv_records(report: Report, figures: Iterable[Figure | TextFigure]) -> Iterable[dict[str, object]]:
    """One record per row (numbers) or per item (words), in the CSV's columns."""
    dates = {
        "period_from": report.period.start.isoformat(),
        "period_to": report.period.end.isoformat(),
        "previous_from": report.previous.start.isoformat(),
        "previous_to": report.previous.end.isoformat(),
    }
    for figure in figures:
        base = {"figure": figure.id, "section": figure.section, "title": figure.title, **dates}
        if isinstance(figure, Figure):
            for row in figure.rows:
                yield {**base, **_row_fields(figure, row)}
        else:
            for index, item in enumerate(figure.items, start=1):
                yield {**base, "row": index, "label": item.about, "this_period": item.count, "text": item.text}


def to_csv(report: Report, figures: Iterable[Figure | TextFigure] | None = None) -> str:
    """CSV of these figures (all of them by default), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="raise", lineterminator="\r\n")
    writer.writeheader()
    for record in csv_records(report, report.figures if figures is None else figures):
        writer.writerow({key: safe_cell(value) for key, value in record.items()})
    return out.getvalue()


def _cell_json(cell: Cell) -> dict[str, object]:
    return {"count": cell.count, "percent": cell.percent, "suppressed": cell.hidden or None, "shown_as": cell.display}


def figure_json(figure: Figure | TextFigure) -> dict[str, object]:
    """One figure as plain data."""
    head = {"id": figure.id, "section": figure.section, "title": figure.title, "description": figure.description}
    if isinstance(figure, TextFigure):
        return {
            **head,
            "kind": "text",
            "total_this_period": figure.total_now,
            "total_previous_period": figure.total_before,
            "items": [{"about": item.about, "text": item.text, "count": item.count} for item in figure.items],
        }
    return {
        **head,
        "kind": "table",
        "child_level": figure.child_level,
        "percent_of": figure.share_of,
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "group": row.group,
                "total": row.total,
                "this_period": _cell_json(row.this),
                "previous_period": _cell_json(row.previous),
                "change": row.change,
                "change_percent": row.change_percent,
                "change_percentage_points": row.change_points,
            }
            for row in figure.rows
        ],
    }


def to_json(report: Report) -> str:
    """The whole report as one JSON document."""
    document = {
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat(), "label": report.period.label},
        "previous_period": {"from": report.previous.start.isoformat(), "to": report.previous.end.isoformat(), "label": report.previous.label},
        "made_at": report.made_at.isoformat(),
        "suppression": {"threshold": SMALL, "rule": SUPPRESSION_RULE},
        "figures": [figure_json(figure) for figure in report.figures],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
