"""The line the user types into: Enter sends, Up/Down recall what was sent before."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

__all__ = ["InputLine", "HISTORY_SIZE"]

HISTORY_SIZE = 200
"""Lines remembered for Up/Down, as a shell would."""


class InputLine(QLineEdit):
    """A :class:`QLineEdit` with a shell-like history of the lines sent."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: list[str] = []
        self._position = 0  # == len(history): editing a new line
        self._draft = ""

    @property
    def history(self) -> list[str]:
        return list(self._history)

    def remember(self, line: str) -> None:
        """Add a sent line to the history (not twice in a row) and start a new line."""
        if line and (not self._history or self._history[-1] != line):
            self._history.append(line)
            del self._history[:-HISTORY_SIZE]
        self._position = len(self._history)
        self._draft = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Up and self._history:
            if self._position == len(self._history):
                self._draft = self.text()  # what was being typed comes back with Down
            if self._position > 0:
                self._position -= 1
                self.setText(self._history[self._position])
            return
        if key == Qt.Key.Key_Down and self._position < len(self._history):
            self._position += 1
            at_draft = self._position == len(self._history)
            self.setText(self._draft if at_draft else self._history[self._position])
            return
        super().keyPressEvent(event)
