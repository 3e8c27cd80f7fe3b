"""Accessible SVG charts made on the server: role="img", a <title> and <desc>, presentation attributes only."""

from __future__ import annotations

from markupsafe import Markup, escape

from voice_app.parents.questions import (
    AGREE,
    ANSWERS,
    DISAGREE,
    NOT_APPLICABLE,
    STRONGLY_AGREE,
    STRONGLY_DISAGREE,
)
from voice_app.parents.results import Group, RateRow

# Fill and the text colour that reads on it (contrast at least 4.5:1 for the words inside a bar).
COLOURS = {
    STRONGLY_AGREE: ("#00703c", "#ffffff"),
    AGREE: ("#a7c957", "#0b0c0c"),
    DISAGREE: ("#f47738", "#0b0c0c"),
    STRONGLY_DISAGREE: ("#a3281b", "#ffffff"),
    NOT_APPLICABLE: ("#b1b4b6", "#0b0c0c"),
}
WIDTH = 640
LABEL_HEIGHT = 22
BAR_HEIGHT = 30
ROW_GAP = 18


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="va-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def answers_chart(group: Group, *, chart_id: str, title: str) -> Markup:
    """One 100% bar per question, split by answer, with the percentages written in the wider parts."""
    body: list[str] = []
    summaries = []
    y = 0
    for number, counts in enumerate(group.questions, start=1):
        body.append(f'<text x="0" y="{y + 16}" font-size="15" fill="#0b0c0c">Q{number}. {escape(counts.question.short)}</text>')
        bar_y = y + LABEL_HEIGHT
        if counts.answered == 0:
            body.append(f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{BAR_HEIGHT}" fill="#f3f2f1" stroke="#b1b4b6"/>')
            body.append(f'<text x="8" y="{bar_y + 20}" font-size="14" fill="#0b0c0c">No answers</text>')
            summaries.append(f"Q{number}: no answers")
        else:
            x = 0.0
            parts = []
            for answer in counts.question.answers:
                count = counts.counts[answer]
                if not count:
                    continue
                width = WIDTH * count / counts.answered
                fill, ink = COLOURS[answer]
                share = counts.percent(answer)
                label = ANSWERS[answer].staff_label
                body.append(
                    f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{fill}">'
                    f"<title>{escape(label)}: {count} ({share}%)</title></rect>"
                )
                if width >= 44:
                    body.append(f'<text x="{x + 6:.1f}" y="{bar_y + 20}" font-size="14" fill="{ink}">{share}%</text>')
                parts.append(f"{label.lower()} {share}%")
                x += width
            summaries.append(f"Q{number}: " + ", ".join(parts))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    y = _legend(body, y)
    desc = f"Share of answers to each question, from {group.responses} responses. " + "; ".join(summaries) + "."
    return _svg(chart_id, title, desc, y, body)


def _legend(body: list[str], y: int) -> int:
    x = 0
    for answer, (fill, _ink) in COLOURS.items():
        label = ANSWERS[answer].staff_label
        body.append(f'<rect x="{x}" y="{y}" width="16" height="16" fill="{fill}"/>')
        body.append(f'<text x="{x + 22}" y="{y + 13}" font-size="14" fill="#0b0c0c">{escape(label)}</text>')
        x += 30 + 8 * len(label)
    return y + 24


def rates_chart(rates: list[RateRow], *, chart_id: str, title: str) -> Markup:
    """Paired bars for each group: conferences held and responses received."""
    body: list[str] = []
    peak = max([1] + [max(rate.conferences, rate.responses) for rate in rates])
    label_width = 200
    scale = (WIDTH - label_width - 50) / peak
    y = 0
    summaries = []
    for rate in rates:
        body.append(f'<text x="0" y="{y + 24}" font-size="15" fill="#0b0c0c">{escape(rate.label)}</text>')
        for offset, value, fill, word in ((0, rate.conferences, "#505a5f", "conferences"), (20, rate.responses, "#0b4a5a", "responses")):
            width = max(value * scale, 1)
            body.append(f'<rect x="{label_width}" y="{y + offset}" width="{width:.1f}" height="16" fill="{fill}"><title>{value} {word}</title></rect>')
            body.append(f'<text x="{label_width + width + 6:.1f}" y="{y + offset + 13}" font-size="13" fill="#0b0c0c">{value}</text>')
        summaries.append(f"{rate.label}: {rate.conferences} conferences, {rate.responses} responses")
        y += 48
    body.append(f'<rect x="0" y="{y}" width="16" height="16" fill="#505a5f"/><text x="22" y="{y + 13}" font-size="14" fill="#0b0c0c">Conferences held</text>')
    body.append(f'<rect x="200" y="{y}" width="16" height="16" fill="#0b4a5a"/><text x="222" y="{y + 13}" font-size="14" fill="#0b0c0c">Responses</text>')
    desc = "Conferences held and parents' responses. " + "; ".join(summaries) + "."
    return _svg(chart_id, title, desc, y + 24, body)
