"""``shared`` serves both apps and a headless server: none of it may load Qt's GUI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import shared

ROOT = Path(__file__).resolve().parents[2]


def _qt_modules_loaded_by(modules: list[str], prefixes: tuple[str, ...]) -> str:
    """Imports ``modules`` in a fresh interpreter; prints the loaded modules under ``prefixes``."""
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_no_module_of_shared_loads_qt_gui() -> None:
    modules = sorted(m.name for m in pkgutil.walk_packages(shared.__path__, "shared."))
    assert "shared.qt.startup_probe" in modules
    assert "shared.codec" in modules
    assert _qt_modules_loaded_by(modules, ("PySide6.QtGui", "PySide6.QtWidgets")) == "[]"


def test_no_file_of_shared_names_qt_gui() -> None:
    """Not even for the type checker: the package must not depend on the GUI modules."""
    paths = list(Path(shared.__path__[0]).rglob("*.py"))
    assert any(p.parent.name == "qt" for p in paths)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "QtGui" not in text, path
        assert "QtWidgets" not in text, path


def test_the_pure_protocol_loads_no_qt_at_all() -> None:
    """Every module of ``shared`` outside ``shared.qt`` is the pure protocol."""
    modules = sorted(
        m.name
        for m in pkgutil.walk_packages(shared.__path__, "shared.")
        if not m.name.startswith("shared.qt")
    )
    assert {"shared.codec", "shared.messages", "shared.validation", "shared.limits", "shared.errors"} <= set(
        modules
    )
    assert _qt_modules_loaded_by(modules, ("PySide6",)) == "[]"
