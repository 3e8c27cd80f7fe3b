"""The dispute resolution procedure as data: stages, their timescales in working days, and the themes.

Read from voice_app/data/escalation_procedure.toml, or the file VOICE_APP_ESCALATION_FILE names, once
per path. Deadlines are counted with the same working-day rules as review dates (voice_app/schedule.py).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from voice_app.schedule import DEFAULT_NATION, add_working_days

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "escalation_procedure.toml"


class ProcedureError(ValueError):
    """The procedure file is not usable; the message says what to fix."""


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    working_days: int
    with_whom: str
    about: str


@dataclass(frozen=True)
class Theme:
    key: str
    label: str


@dataclass(frozen=True)
class Procedure:
    name: str
    overall_working_days: int
    stages: tuple[Stage, ...]
    themes: tuple[Theme, ...]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def stage_label(self, key: str | None) -> str:
        """The stage's words; a key the file no longer has reads as itself, never an error."""
        if key is None:
            return ""
        return next((s.label for s in self.stages if s.key == key), key.replace("_", " ").capitalize())

    def theme_label(self, key: str) -> str:
        return next((t.label for t in self.themes if t.key == key), key.replace("_", " ").capitalize())

    def next_stage(self, key: str) -> Stage | None:
        keys = [s.key for s in self.stages]
        if key not in keys or keys.index(key) == len(keys) - 1:
            return None
        return self.stages[keys.index(key) + 1]

    def later_stages(self, key: str) -> tuple[Stage, ...]:
        keys = [s.key for s in self.stages]
        return self.stages[keys.index(key) + 1 :] if key in keys else ()

    def stage_due(self, key: str, *, started_on: date, nation: str = DEFAULT_NATION) -> date:
        """The last day for a stage begun on a day: its working days counted from the day after."""
        return add_working_days(started_on, self.stage(key).working_days, nation=nation)

    def overall_due(self, *, raised_on: date, nation: str = DEFAULT_NATION) -> date:
        return add_working_days(raised_on, self.overall_working_days, nation=nation)


def _read(path: Path) -> Procedure:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProcedureError(f"cannot read the escalation procedure {path}: {exc}") from exc
    try:
        stages = tuple(
            Stage(str(s["key"]), str(s["label"]), int(s["working_days"]), str(s.get("with_whom", "")), str(s.get("about", "")))
            for s in data["stages"]
        )
        themes = tuple(Theme(str(t["key"]), str(t["label"])) for t in data["themes"])
        procedure = Procedure(
            str(data.get("name", "Dispute resolution procedure")), int(data["overall_working_days"]), stages, themes
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProcedureError(f"the escalation procedure {path} is missing or has a wrong value: {exc}") from exc
    if not stages or not themes:
        raise ProcedureError(f"the escalation procedure {path} needs at least one stage and one theme")
    for items in (stages, themes):
        keys = [item.key for item in items]
        if len(set(keys)) != len(keys) or any(not key or len(key) > 32 for key in keys):
            raise ProcedureError(f"the escalation procedure {path} has a repeated, empty or over-long key")
    if any(s.working_days < 0 for s in stages) or procedure.overall_working_days < 1:
        raise ProcedureError(f"the escalation procedure {path} has a timescale below zero")
    return procedure


@cache
def _load(path: str) -> Procedure:
    return _read(Path(path))


def load_procedure(path: Path | str | None = None) -> Procedure:
    """The service's procedure (its own file if VOICE_APP_ESCALATION_FILE names one)."""
    chosen = path or os.environ.get("VOICE_APP_ESCALATION_FILE") or DEFAULT_FILE
    return _load(str(chosen))
