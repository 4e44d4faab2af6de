"""``shared`` serves both apps and a headless server: none of it may load Qt's GUI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import shared

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_shared_loads_qt_gui() -> None:
    modules = sorted(m.name for m in pkgutil.iter_modules(shared.__path__, "shared."))
    assert "shared.startup_probe" in modules
    assert "shared.codec" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6.QtGui', 'PySide6.QtWidgets'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_codec_and_the_message_model_load_no_qt_at_all() -> None:
    script = (
        "import sys\n"
        "import shared.codec, shared.messages, shared.validation, shared.limits, shared.errors\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
