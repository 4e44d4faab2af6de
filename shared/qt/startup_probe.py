"""``PARLA_EXIT_WHEN_SHOWN=1``: say when the first window is on screen, then leave.

For the packaging checks and the startup timing (``packaging/measure_startup.py``):
the line ``shown: <window title>`` goes to stdout once the first window has been
exposed and painted, then every window closes as the user would close it, so the
program exits the usual way (0). Both apps install it.

It imports QtCore only, as the rest of :mod:`shared`: the window and the
application are recognised by Qt's own type information (``isWindowType``,
``inherits``), and a headless server never loads the GUI modules through it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

__all__ = ["ENV_VAR", "install_if_asked"]

ENV_VAR = "PARLA_EXIT_WHEN_SHOWN"


# What the probe uses of a window and of a widget application, by shape: naming the
# GUI classes, even for the type checker only, would tie shared to Qt's GUI modules.
class _Window(Protocol):
    def isExposed(self) -> bool: ...

    def title(self) -> str: ...


class _TopLevel(Protocol):
    def isVisible(self) -> bool: ...

    def close(self) -> bool: ...


class _WidgetApp(Protocol):
    def topLevelWidgets(self) -> Sequence[_TopLevel]: ...

    def removeEventFilter(self, obj: QObject) -> None: ...

    def installEventFilter(self, obj: QObject) -> None: ...


class _FirstExpose(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = cast(_WidgetApp, app)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and watched.isWindowType():
            window = cast(_Window, watched)
            if window.isExposed():
                self._app.removeEventFilter(self)
                title = window.title()
                # Posted: it runs once this expose has been handled, that is painted.
                QTimer.singleShot(0, lambda: self._report(title))
        return False

    def _report(self, title: str) -> None:
        if sys.stdout is not None:  # None in a windowed Windows program
            sys.stdout.write(f"shown: {title}\n")
            sys.stdout.flush()
        for widget in self._app.topLevelWidgets():
            if widget.isVisible():
                widget.close()


def install_if_asked(app: QCoreApplication) -> None:
    """Watch for the first window when the environment asks for it (a no-op otherwise)."""
    if os.environ.get(ENV_VAR) and app.inherits("QApplication"):
        app.installEventFilter(_FirstExpose(app))
