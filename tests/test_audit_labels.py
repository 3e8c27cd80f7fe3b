"""The audit trail reads as words: every action the app records has a label, and unknown ones still read."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import voice_app
from voice_app.audit_labels import _LABELS, action_label

# Every feature registers its words when imported, as the app does at start-up.
for _module in pkgutil.walk_packages(voice_app.__path__, "voice_app."):
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)

ROOT = Path(__file__).resolve().parent.parent / "voice_app"


def _recorded_actions() -> set[str]:
    """Every literal action name passed as action=... or named *_ACTION in the app's code."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                if any(isinstance(t, ast.Name) and t.id.endswith("_ACTION") for t in node.targets):
                    found.add(node.value.value)
    return {name for name in found if isinstance(name, str) and "." in name}


def test_the_scan_finds_the_actions_it_should():
    assert {"records.corrected", "handover.hand_back"} <= _recorded_actions()


def test_records_and_hand_back_have_words():
    assert action_label("records.erasure_confirmed") == "Confirmed the erasure (a second person)"
    assert action_label("handover.hand_back") == "Taking the tablet back from child mode"
    assert action_label("statement.view") == "Viewed the statement"


def test_an_unlabelled_action_still_reads_as_words():
    assert action_label("phone.device_revoked") == "Phone: device revoked"
    assert action_label("signed_in") == "Signed in"


def test_labelled_actions_cover_the_literal_ones_recorded():
    # New literal actions should come with words; the fallback is for safety, not for everyday use.
    missing = sorted(_recorded_actions() - set(_LABELS))
    assert not missing, f"register words for these audit actions with label_actions(): {missing}"
