"""Asks before the server is stopped while users are connected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["ConfirmStopDialog"]


class ConfirmStopDialog(QMessageBox):
    """Asks "Stop the server and disconnect everyone?"; Cancel is the default."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Stop the server?"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(self.tr("Stop the server and disconnect everyone?"))
        self.setInformativeText(self.tr("Users connected now: {count}").format(count=count))
        self._stop_button = self.addButton(self.tr("&Stop server"), QMessageBox.ButtonRole.AcceptRole)
        cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(cancel)
        self.setEscapeButton(cancel)
        self.setAccessibleName(self.tr("Confirm stopping the server"))
        self._stop_button.setAccessibleName(self.tr("Stop server"))
        cancel.setAccessibleName(self.tr("Cancel"))

    @classmethod
    def ask(cls, parent: QWidget | None, count: int) -> bool:
        """Whether the operator confirmed; tests replace this classmethod."""
        dialog = cls(count, parent)
        dialog.exec()
        confirmed = dialog.clickedButton() is dialog._stop_button
        dialog.deleteLater()
        return confirmed
