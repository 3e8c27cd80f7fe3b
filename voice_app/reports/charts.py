"""Bar charts as accessible SVG, drawn on the server: a title, a description, and the numbers beside them.

Colours and fonts are presentation attributes (the CSP forbids style attributes), so the same SVG
looks the same on the page and when downloaded and pasted into a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from voice_app.reports.model import Cell, Figure, Row

WIDTH, BAR_SPACE, LABEL_HEIGHT, BAR_HEIGHT, GAP = 480, 380, 24, 18, 14
THIS_COLOUR, PREVIOUS_COLOUR, INK = "#0b4a5a", "#6f777b", "#0b0c0c"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    this: Cell
    previous: Cell
    measure: str  # "count" or "percent"

    def value(self, cell: Cell) -> float | None:
        return cell.count if self.measure == "count" else cell.percent

    def text(self, cell: Cell) -> str:
        if cell.hidden:
            return cell.display
        return cell.display if self.measure == "count" else f"{cell.percent:.0f}%" if cell.percent is not None else "no data"


def chart_rows(figure: Figure) -> tuple[list[Row], str]:
    """The rows worth a chart (the first breakdown; else the shares) and what the bars measure."""
    if not figure.chart:
        return [], "count"
    breakdown = [row for row in figure.rows if not row.total]
    if breakdown:
        group = breakdown[0].group
        return [row for row in breakdown if row.group == group], "count"
    return [row for row in figure.rows if row.is_share], "percent"


def bar_chart(figure: Figure, *, this_label: str, previous_label: str, standalone: bool = False) -> Markup | None:
    """An SVG bar chart of the figure, this period beside the previous one; None if nothing to draw."""
    rows, measure = chart_rows(figure)
    if not rows:
        return None
    bars = [Bar(row.label, row.this, row.previous, measure) for row in rows]
    values = [v for bar in bars for v in (bar.value(bar.this), bar.value(bar.previous)) if v is not None]
    top = 100.0 if measure == "percent" else max(values + [1])
    title_id, desc_id = f"chart-{figure.id}-title", f"chart-{figure.id}-desc"
    row_height = LABEL_HEIGHT + 2 * BAR_HEIGHT + GAP
    height = 40 + row_height * len(bars)
    unit = "percentages" if measure == "percent" else "counts"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="va-chart" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="{escape(FONT)}" font-size="15" fill="{INK}">',
        f'<title id="{title_id}">{escape(figure.title)}</title>',
        f'<desc id="{desc_id}">{escape(_description(bars, unit, this_label, previous_label, listed=standalone))}</desc>',
    ]
    if standalone:
        parts.append(f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    parts += _legend(this_label, previous_label)
    for index, bar in enumerate(bars):
        y = 40 + index * row_height
        parts.append(f'<text x="0" y="{y + 15}" font-weight="bold">{escape(_short(bar.label))}</text>')
        for offset, cell, colour in ((0, bar.this, THIS_COLOUR), (1, bar.previous, PREVIOUS_COLOUR)):
            bar_y = y + LABEL_HEIGHT + offset * BAR_HEIGHT
            value = bar.value(cell)
            length = 0 if value is None else round(BAR_SPACE * value / top, 1)
            if length:
                parts.append(f'<rect x="0" y="{bar_y}" width="{length}" height="{BAR_HEIGHT - 3}" fill="{colour}"/>')
            parts.append(f'<text x="{length + 6}" y="{bar_y + 14}" font-size="14">{escape(bar.text(cell))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 52) -> str:
    # SVG text does not wrap: long labels are cut here and given in full in the table.
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


def _legend(this_label: str, previous_label: str) -> list[str]:
    return [
        f'<rect x="0" y="6" width="14" height="14" fill="{THIS_COLOUR}"/>',
        f'<text x="20" y="18">{escape(this_label)}</text>',
        f'<rect x="{WIDTH // 2}" y="6" width="14" height="14" fill="{PREVIOUS_COLOUR}"/>',
        f'<text x="{WIDTH // 2 + 20}" y="18">{escape(previous_label)}</text>',
    ]


def _description(bars: list[Bar], unit: str, this_label: str, previous_label: str, *, listed: bool) -> str:
    """What the chart shows. A downloaded chart lists every bar's numbers (it travels without its table); on the
    page the table beside it has them, so a screen reader is not read every number twice (and the page is smaller)."""
    if not listed:
        return f"Bar chart of {unit}, {this_label} beside {previous_label}. The numbers are in the table after it."
    numbers = "; ".join(f"{bar.label}: {bar.text(bar.this)} ({bar.text(bar.previous)} before)" for bar in bars)
    return f"Bar chart of {unit}, {this_label} beside {previous_label}. {numbers}."
