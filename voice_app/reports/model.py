"""The shape of a report: figures made of rows, each with this period, the one before, and the change.

Small numbers: in a figure about children (child_level), any count from 1 to 4 is hidden ("<5"),
with the percentage and change that would give it away. When a group of rows (which adds up to a
total that is shown) has exactly one hidden count, the next smallest count of the group is hidden too
("hidden"), so the small one cannot be worked out by subtraction. See docs/reports.md for the limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SMALL = 5  # counts from 1 to SMALL - 1 are suppressed in child-level figures

Hidden = Literal["", "small", "secondary"]


@dataclass(frozen=True)
class Value:
    """One period's number on a row, with the denominator when a share of something is meaningful."""

    count: int
    base: int | None = None


@dataclass(frozen=True)
class Cell:
    """A value as published: the count and percentage, or nothing when suppressed."""

    count: int | None
    percent: float | None
    hidden: Hidden = ""

    @property
    def display(self) -> str:
        if self.hidden == "small":
            return "<5"
        if self.hidden == "secondary":
            return "hidden"
        return f"{self.count:,}"

    @property
    def percent_display(self) -> str:
        return "" if self.percent is None else f"{self.percent:.0f}%"


@dataclass
class Row:
    key: str
    label: str
    now: Value
    before: Value
    group: str = ""  # rows sharing a total; the secondary rule works within a group
    total: bool = False  # a service total: never suppressed
    cells: tuple[Cell, Cell] | None = None  # (this period, previous period), set by publish()

    @property
    def is_share(self) -> bool:
        return self.now.base is not None

    @property
    def this(self) -> Cell:
        assert self.cells is not None, "publish() the figure first"
        return self.cells[0]

    @property
    def previous(self) -> Cell:
        assert self.cells is not None, "publish() the figure first"
        return self.cells[1]

    @property
    def change(self) -> int | None:
        if self.this.count is None or self.previous.count is None:
            return None
        return self.this.count - self.previous.count

    @property
    def change_percent(self) -> float | None:
        """The change as a share of the previous count (for counts, not for shares)."""
        if self.change is None or not self.previous.count or self.is_share:
            return None
        return round(100 * self.change / self.previous.count, 1)

    @property
    def change_points(self) -> float | None:
        """The change in percentage points (for shares)."""
        if self.this.percent is None or self.previous.percent is None:
            return None
        return round(self.this.percent - self.previous.percent, 1)

    @property
    def change_display(self) -> str:
        if self.change is None:
            return ""
        if self.is_share:
            return "" if self.change_points is None else f"{self.change_points:+.0f} points"
        relative = f" ({self.change_percent:+.0f}%)" if self.change_percent is not None else ""
        return f"{self.change:+,}{relative}"


@dataclass
class Figure:
    id: str
    section: str
    title: str
    description: str
    rows: list[Row]
    child_level: bool = False
    chart: bool = True
    share_of: str = ""  # what percentages are shares of, in words

    def publish(self) -> Figure:
        """Work out the published cells of every row, applying the small-number rule when it applies."""
        hidden = [_suppressed(self.rows, index) if self.child_level else {} for index in (0, 1)]
        for row in self.rows:
            cells = []
            for index, value in enumerate((row.now, row.before)):
                kind = hidden[index].get(row.key, "")
                percent = None if kind else _percent(value, self.child_level)
                cells.append(Cell(None if kind else value.count, percent, kind))
            row.cells = (cells[0], cells[1])
        return self


def _percent(value: Value, child_level: bool) -> float | None:
    if value.base is None or value.base == 0:
        return None
    if child_level and 0 < value.base < SMALL:
        return None  # a share of one to four children tells too much
    return round(100 * value.count / value.base, 1)


def _suppressed(rows: list[Row], index: int) -> dict[str, Hidden]:
    """Which rows to hide in one period: small counts, then one more in any group left with one."""
    count = lambda row: (row.now if index == 0 else row.before).count  # noqa: E731
    hidden: dict[str, Hidden] = {row.key: "small" for row in rows if not row.total and 0 < count(row) < SMALL}
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if not row.total:
            groups.setdefault(row.group, []).append(row)
    for members in groups.values():
        if sum(1 for row in members if row.key in hidden) != 1 or len(members) < 2:
            continue
        others = [row for row in members if row.key not in hidden and count(row) > 0]
        if others:
            hidden[min(others, key=count).key] = "secondary"
    return hidden


@dataclass(frozen=True)
class Quote:
    """One line of a text list: what it is about, the (anonymised) words, and how many times it came up."""

    about: str
    text: str
    count: int = 1


@dataclass
class TextFigure:
    """Words rather than numbers: declined reasons, "you said, we did"."""

    id: str
    section: str
    title: str
    description: str
    items: list[Quote]
    total_now: int
    total_before: int
    shown_limit: int | None = None
    notes: list[str] = field(default_factory=list)
