"""How the child answers: by touch, by one or two switches (scanning), or by dwell (eye-gaze, head pointer).

Chosen by the IRO at hand-over and kept on the hand-over row; the IRO may change it during the conversation
(with their password or PIN, so a child cannot change it by accident). The page carries the settings as data
attributes on <body>; static/js/child-scan.js does the scanning and the dwell.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from voice_app.models import Statement

MODES = ("touch", "auto", "step", "dwell")
# Keys a switch interface may send (KeyboardEvent.key), with the names the IRO sees.
KEYS = {
    " ": "Space",
    "Enter": "Enter",
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
    "F1": "F1",
    "F2": "F2",
    "F3": "F3",
    "F4": "F4",
    "ArrowRight": "→",
    "ArrowLeft": "←",
    "Tab": "Tab",
}
# Bounds in milliseconds: speed and dwell 0.5 to 5 s, acceptance up to 2 s, the ignore delay up to 3 s.
SCAN_RANGE = (500, 5000)
ACCEPT_RANGE = (0, 2000)
IGNORE_RANGE = (0, 3000)
LOOPS_RANGE = (1, 10)

MODE_LABELS = {
    "touch": _l("Touch: they tap the pictures"),
    "auto": _l("One switch: the highlight moves by itself, a press chooses"),
    "step": _l("Two switches: one moves the highlight, the other chooses"),
    "dwell": _l("Dwell (eye-gaze or head pointer): resting on a picture chooses it"),
}


@dataclass(frozen=True)
class AccessSettings:
    """One hand-over's access settings (times in milliseconds)."""

    mode: str = "touch"
    scan_ms: int = 1500  # how long the highlight stays on each item (one switch)
    dwell_ms: int = 1500  # how long the pointer rests on an item to choose it
    accept_ms: int = 0  # a press must last this long to count (filters tremor)
    ignore_ms: int = 500  # presses this soon after a choice are ignored
    loops: int = 3  # one switch: scanning pauses after this many rounds without a press
    speak: bool = False  # auditory scanning: each item read out as it is highlighted
    move_key: str = " "
    choose_key: str = "Enter"

    @property
    def scanning(self) -> bool:
        """True unless the child taps the screen."""
        return self.mode != "touch"

    def to_json(self) -> str | None:
        """As stored on the hand-over (None for the default: touch with nothing changed)."""
        return None if self == AccessSettings() else json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    def data_attributes(self) -> dict[str, str]:
        """The attributes <body> carries for child-scan.js."""
        return {
            "data-access": self.mode,
            "data-scan-ms": str(self.scan_ms),
            "data-dwell-ms": str(self.dwell_ms),
            "data-accept-ms": str(self.accept_ms),
            "data-ignore-ms": str(self.ignore_ms),
            "data-loops": str(self.loops),
            "data-scan-speak": "true" if self.speak else "false",
            "data-move-key": self.move_key,
            "data-choose-key": self.choose_key,
        }


def _clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def settings_from(raw: dict | None) -> AccessSettings:
    """Settings from a stored or posted dict, every value kept within its bounds (anything unknown: the default)."""
    default = AccessSettings()
    if not isinstance(raw, dict):
        return default
    mode = raw.get("mode") if raw.get("mode") in MODES else default.mode
    move_key = raw.get("move_key") if raw.get("move_key") in KEYS else default.move_key
    choose_key = raw.get("choose_key") if raw.get("choose_key") in KEYS else default.choose_key
    if move_key == choose_key and mode == "step":
        move_key, choose_key = default.move_key, default.choose_key  # two switches need two keys
    return replace(
        default,
        mode=mode,
        scan_ms=_clamp(raw.get("scan_ms"), *SCAN_RANGE, default.scan_ms),
        dwell_ms=_clamp(raw.get("dwell_ms"), *SCAN_RANGE, default.dwell_ms),
        accept_ms=_clamp(raw.get("accept_ms"), *ACCEPT_RANGE, default.accept_ms),
        ignore_ms=_clamp(raw.get("ignore_ms"), *IGNORE_RANGE, default.ignore_ms),
        loops=_clamp(raw.get("loops"), *LOOPS_RANGE, default.loops),
        speak=bool(raw.get("speak")),
        move_key=move_key,
        choose_key=choose_key,
    )


def stored_settings(value: str | None) -> AccessSettings:
    """A hand-over's stored settings (touch when none, or when what is stored cannot be read)."""
    if not value:
        return AccessSettings()
    try:
        return settings_from(json.loads(value))
    except ValueError:
        return AccessSettings()


# How the statement says the child answered (staff wording, like the rest of the statement page and its PDF).
ACCESS_WORDS = {
    "touch": "by touch (tapping the pictures)",
    "auto": "with one switch (automatic scanning)",
    "step": "with two switches (step scanning)",
    "dwell": "by dwell (eye-gaze or a head pointer)",
}
SWITCH_OR_DWELL = frozenset({"auto", "step", "dwell"})


def access_used(db: Session, *, statement_id: int) -> tuple[str, ...]:
    """The ways of answering this statement's hand-overs were set to, in the order first used."""
    stored = db.exec(select(Statement.access_modes).where(Statement.id == statement_id)).first()
    return modes_of(stored)


def modes_of(stored: str | None) -> tuple[str, ...]:
    """A statement's access_modes column as a tuple of modes (empty when no hand-over set one)."""
    return tuple(mode for mode in (stored or "").split(",") if mode in MODES)


def note_access(db: Session, *, statement_id: int, settings: AccessSettings) -> None:
    """Add this way of answering to the statement's record of them (once each, in the order first used); not committed."""
    statement = db.get(Statement, statement_id)
    if statement is None:
        return
    modes = modes_of(statement.access_modes)
    if settings.mode not in modes:
        statement.access_modes = ",".join((*modes, settings.mode))
        db.add(statement)
