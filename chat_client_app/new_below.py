"""The "New messages below" button: shown over the timeline when messages arrive while
the user has scrolled up to read; a click goes down to them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton

__all__ = ["NewBelowButton"]

_MARGIN = 8
"""Pixels between the button and the bottom of the timeline."""


class NewBelowButton(QPushButton):
    """A button floating at the bottom centre of ``area``'s viewport; hidden at first."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self.setText(self.tr("New messages below ↓"))
        self.setAccessibleName(self.tr("New messages below"))
        self.setToolTip(self.tr("Go down to the newest messages"))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoDefault(False)
        self.hide()

    def appear(self) -> None:
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        """Bottom centre of the viewport (called again when the timeline is resized)."""
        self.adjustSize()
        viewport = self._area.viewport().geometry()
        x = viewport.x() + (viewport.width() - self.width()) // 2
        y = viewport.bottom() - self.height() - _MARGIN
        self.move(max(viewport.x(), x), max(viewport.y(), y))
