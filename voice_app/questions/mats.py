"""Sorting mats as data (mats.toml): topics whose option cards a child places under a scale of 2 to 5 points.

Each option card becomes a question of part "mat" (kind "choice", its choices the scale's points), so a
placement is stored, checked, queued and answered exactly like any other answer. The question id is
"mat.<mat id>.<option id>"; the mat keeps the order of its cards and the scale's points.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from voice_app.questions.bank import ATTENTION_KINDS, MENU_EXTRA_CHOICES, BankError, Choice, Question

MAT_PART = "mat"
MAT_VERSION = "mat"
POINTS_RANGE = (2, 5)


@dataclass(frozen=True)
class Mat:
    """One topic: its title and symbol, its scale's points (as choices) and its option cards (as questions)."""

    id: str
    title: str  # English msgid
    symbol: str
    scale_id: str
    points: tuple[Choice, ...]
    cards: tuple[Question, ...]

    def point(self, point_id: str) -> Choice | None:
        return next((p for p in self.points if p.id == point_id), None)


def card_id(mat_id: str, option_id: str) -> str:
    """The question id of one option card on one mat."""
    return f"{MAT_PART}.{mat_id}.{option_id}"


def mat_id_of(question_id: str) -> str | None:
    """The mat a question id belongs to, or None for any other question."""
    parts = question_id.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == MAT_PART else None


def _points(raw: dict, source: str) -> tuple[str, tuple[Choice, ...]]:
    where = f"{source}: scale {raw.get('id', '?')!r}"
    try:
        points = tuple(
            Choice(id=p["id"], label=p["label"], symbol=p["symbol"], attention=p.get("attention", "")) for p in raw["points"]
        )
        scale_id = raw["id"]
    except KeyError as exc:
        raise BankError(f"{where} is missing {exc.args[0]!r}") from exc
    if not POINTS_RANGE[0] <= len(points) <= POINTS_RANGE[1]:
        raise BankError(f"{where} has {len(points)} points; a scale has 2 to 5")
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids) or set(ids) & set(MENU_EXTRA_CHOICES):
        raise BankError(f"{where} repeats a point id or uses one kept for the menu {MENU_EXTRA_CHOICES}")
    if any(p.attention not in ATTENTION_KINDS for p in points):
        raise BankError(f"{where} has a point whose attention is not one of {sorted(ATTENTION_KINDS)}")
    return scale_id, points


def load_mats(path: Path) -> tuple[Mat, ...]:
    """Read and check mats.toml: every mat names a known scale and has option cards with unique ids."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    scales = dict(_points(raw, path.name) for raw in data.get("scale", []))
    mats: list[Mat] = []
    for raw in data.get("mat", []):
        where = f"{path.name}: mat {raw.get('id', '?')!r}"
        try:
            mat_id, scale_id, options = raw["id"], raw["scale"], raw["options"]
            title, symbol = raw["title"], raw["symbol"]
            if "." in mat_id or any("." in o["id"] for o in options):
                raise BankError(f"{where}: ids may not contain a dot")
            if scale_id not in scales:
                raise BankError(f"{where} uses unknown scale {scale_id!r}")
            cards = tuple(
                Question(
                    id=card_id(mat_id, o["id"]),
                    part=MAT_PART,
                    kind="choice",
                    prompt=o["label"],
                    symbol=o["symbol"],
                    choices=scales[scale_id],
                    versions=frozenset({MAT_VERSION}),
                    mat=mat_id,
                )
                for o in options
            )
        except KeyError as exc:
            raise BankError(f"{where} is missing {exc.args[0]!r}") from exc
        if not cards:
            raise BankError(f"{where} needs options")
        if len({c.id for c in cards}) != len(cards):
            raise BankError(f"{where} repeats an option id")
        mats.append(Mat(mat_id, title, symbol, scale_id, scales[scale_id], cards))
    if len({m.id for m in mats}) != len(mats):
        raise BankError(f"{path.name} repeats a mat id")
    return tuple(mats)
