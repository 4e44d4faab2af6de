"""Asked when the chat window closes with messages not sent yet: keep them, or not."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["UnsentDialog", "UnsentChoice"]


class UnsentChoice(enum.Enum):
    KEEP = "keep"  # saved for the next connection to this server
    DISCARD = "discard"
    CANCEL = "cancel"  # the window stays open


class UnsentDialog(QMessageBox):
    """ "3 messages not sent yet": *Keep them for next time*, *Discard* or *Cancel*."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unsentDialog")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Messages not sent yet"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(self.tr("%n message(s) not sent yet", "", count))
        self.setInformativeText(self.tr("Kept, they are sent the next time you connect to this server."))
        roles = QMessageBox.ButtonRole
        self.keep_button = self.addButton(self.tr("&Keep them for next time"), roles.AcceptRole)
        self.discard_button = self.addButton(self.tr("&Discard"), roles.DestructiveRole)
        cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(cancel)

    def choice(self) -> UnsentChoice:
        clicked = self.clickedButton()
        if clicked is self.keep_button:
            return UnsentChoice.KEEP
        if clicked is self.discard_button:
            return UnsentChoice.DISCARD
        return UnsentChoice.CANCEL

    @classmethod
    def ask(cls, parent: QWidget | None, count: int) -> UnsentChoice:
        """What the user wants done with ``count`` unsent messages (tests replace this)."""
        dialog = cls(count, parent)
        try:
            dialog.exec()
            return dialog.choice()
        finally:
            dialog.deleteLater()
