"""Readable words for audit actions: each feature registers its own, so the trail never shows machine names.

A foundation module: features call `label_actions` when they are imported; the trail asks `action_label`.
An action nobody labelled still reads as words ("phone.revoked" -> "Phone: revoked"), never as a code.
"""

from __future__ import annotations

from collections.abc import Mapping

_LABELS: dict[str, str] = {}


def label_actions(labels: Mapping[str, str]) -> None:
    """Register readable words for some audit action names (later registrations win)."""
    _LABELS.update(labels)


def action_label(action: str) -> str:
    """The words for an audit action, or the action name made readable when none were registered."""
    if action in _LABELS:
        return _LABELS[action]
    area, _, what = action.partition(".")
    words = (what or area).replace("_", " ").strip()
    if not what:
        return words.capitalize()
    return f"{area.replace('_', ' ').capitalize()}: {words}"
