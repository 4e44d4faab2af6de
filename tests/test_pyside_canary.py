"""Canary for the PySide6 pin: 6.12.0 on CPython 3.11 dropped a reference to ``None`` on
every call of a method returning ``void`` and killed the interpreter ("Fatal Python
error: none_dealloc") after a few thousand calls. Run in a child process so that such
a crash is a clear failure here, not a dead test run."""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 50_000

_PROGRAM = f"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer
app = QCoreApplication([])
timer = QTimer()
obj = QObject()
before = sys.getrefcount(None)
for i in range({CALLS}):
    timer.start(1000)      # void
    timer.stop()           # void
    obj.setObjectName("x") # void
after = sys.getrefcount(None)
print("ok", before, after)
"""


def test_void_methods_do_not_drop_references_to_none() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    assert words[0] == "ok"
    before, after = int(words[1]), int(words[2])
    # None is immortal only from 3.12 on; on 3.11 a leak shows as a falling count.
    assert after >= before - 100, f"refcount of None fell from {before} to {after}"
