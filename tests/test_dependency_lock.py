"""The locks in requirements/ cover everything voice-app and its tests import, and agree with each other."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"voice_app", "tests", "bench"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(name: str) -> dict[str, str]:
    """A lock's packages: normalised name -> exact version (one per marker, so any will do)."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = {}
    for line in text.splitlines():
        if match := PIN.match(line):
            pins.setdefault(normalise(match[1]), match[2])
    return pins


def imported_distributions(folder: str) -> dict[str, set[str]]:
    """Every third-party distribution whose modules the folder's Python files import, with where."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY:
                    continue
                assert top in owners, f"{path.relative_to(ROOT)} imports {top}, which no installed distribution provides"
                for distribution in owners[top]:
                    found.setdefault(normalise(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {normalise(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]) for requirement in requirements}


@pytest.mark.parametrize(("folder", "lock"), [("voice_app", "app.txt"), ("tests", "test.txt")])
def test_every_imported_package_is_locked(folder, lock):
    pins = locked(lock)
    unlocked = {name: where for name, where in imported_distributions(folder).items() if name not in pins}
    assert not unlocked, f"imported but not in requirements/{lock}: {unlocked}"


def test_the_app_imports_only_what_it_declares():
    """A package the app imports only because something else pulls it in would vanish with that package."""
    # Part of a declared package's own API: Flask is Werkzeug + MarkupSafe, Flask-WTF is WTForms,
    # fpdf2 embeds fonts through fontTools.
    transitive_ok = {"werkzeug", "markupsafe", "wtforms", "fonttools"}
    undeclared = set(imported_distributions("voice_app")) - declared() - transitive_ok
    assert not undeclared, f"voice_app imports {undeclared} without declaring it in pyproject.toml"


def test_every_declared_dependency_is_locked():
    assert declared() <= set(locked("app.txt"))
    assert declared() | declared("test") <= set(locked("test.txt"))


def test_the_tests_lock_runs_the_apps_versions():
    app, test = locked("app.txt"), locked("test.txt")
    assert {name: test.get(name) for name in app} == app


def test_every_pin_has_hashes():
    for lock in ("app.txt", "test.txt", "tools.txt"):
        blocks = re.split(r"\n(?=\S)", (ROOT / "requirements" / lock).read_text(encoding="utf-8"))
        pinned = [block for block in blocks if PIN.match(block)]
        assert pinned, lock
        assert all("--hash=sha256:" in block for block in pinned), lock
