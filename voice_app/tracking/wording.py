"""The service's words for the work between reviews (voice_app/data/between_reviews.toml, or VOICE_APP_BETWEEN_REVIEWS_FILE)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from voice_app.models import NOT_YET

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "between_reviews.toml"
NOT_YET_LABEL = "Not yet: no plan of permanence"


@dataclass(frozen=True)
class Wording:
    permanence: tuple[tuple[str, str], ...]  # (key, label), without "not yet"
    future_home_questions: tuple[str, ...]
    mid_point_warning_days: int

    def permanence_label(self, key: str | None) -> str:
        if key is None:
            return "Not recorded"
        if key == NOT_YET:
            return NOT_YET_LABEL
        return dict(self.permanence).get(key, key.replace("_", " ").capitalize())

    @property
    def permanence_choices(self) -> list[tuple[str, str]]:
        return [*self.permanence, (NOT_YET, NOT_YET_LABEL)]


@cache
def _load(path: str) -> Wording:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        kinds = tuple((str(k["key"]), str(k["label"])) for k in data["permanence"])
        questions = tuple(str(q) for q in data.get("future_home_questions", []))
        warning = int(data.get("mid_point_warning_days", 14))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"cannot use the between-reviews wording {path}: {exc}") from exc
    keys = [key for key, _label in kinds]
    if not kinds or len(set(keys)) != len(keys) or NOT_YET in keys or any(not key or len(key) > 32 for key in keys):
        raise ValueError(
            f"the between-reviews wording {path} needs distinct permanence keys (up to 32 characters, not {NOT_YET!r})"
        )
    return Wording(kinds, questions, warning)


def load_wording(path: Path | str | None = None) -> Wording:
    return _load(str(path or os.environ.get("VOICE_APP_BETWEEN_REVIEWS_FILE") or DEFAULT_FILE))
