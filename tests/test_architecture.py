"""The import contracts in pyproject.toml ([tool.importlinter]): no circle, no import up a layer.

docs/architecture.md tells what each layer is for and what it may import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on a project folder (its pyproject.toml and voice_app package), as a developer would."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=300)


def copy_of_the_code(to: Path) -> Path:
    """The package's Python files and the contracts, apart from the work tree, to change without harm."""
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    shutil.copytree(ROOT / "voice_app", to / "voice_app", ignore=lambda _dir, names: [n for n in names if n == "__pycache__"])
    return to


def test_every_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_foundation_module_importing_a_user_area_breaks_the_layers(tmp_path):
    project = copy_of_the_code(tmp_path)
    db = project / "voice_app" / "db.py"
    db.write_text(db.read_text() + "\n\ndef _upward():\n    from voice_app.parents.links import link_state  # noqa: F401\n")

    result = lint_imports(project)

    assert result.returncode == 1
    assert "voice_app.db -> voice_app.parents.links" in result.stdout


def test_a_circle_between_two_areas_is_refused(tmp_path):
    project = copy_of_the_code(tmp_path)
    links = project / "voice_app" / "parents" / "links.py"
    links.write_text(links.read_text() + "\n\ndef _circle():\n    from voice_app.child.flow import next_step  # noqa: F401\n")
    flow = project / "voice_app" / "child" / "flow.py"
    flow.write_text(flow.read_text() + "\n\ndef _circle():\n    from voice_app.parents.links import link_state  # noqa: F401\n")

    result = lint_imports(project)

    assert result.returncode == 1
    assert "No cycles are allowed in voice_app." in result.stdout
