"""Asks for the optional reason given to a kicked user."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from shared.limits import TEXT_MAX_CHARS

__all__ = ["KickDialog"]


class KickDialog(QDialog):
    """Asks "Disconnect NAME?" with a reason line; Kick kicks, Cancel (Escape) does not."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kick user"))
        self.setAccessibleName(self.tr("Kick user"))

        question = QLabel(self.tr("Disconnect {name} from the chat?").format(name=name), self)
        question.setTextFormat(Qt.TextFormat.PlainText)  # a user's name is not markup
        question.setWordWrap(True)
        question.setAccessibleName(self.tr("Question"))

        self._reason = QLineEdit(self)
        self._reason.setMaxLength(TEXT_MAX_CHARS)
        self._reason.setPlaceholderText(self.tr("Reason (optional, shown to the user)"))
        self._reason.setAccessibleName(self.tr("Reason"))
        reason_label = QLabel(self.tr("&Reason:"), self)
        reason_label.setBuddy(self._reason)
        reason_label.setAccessibleName(self.tr("Reason"))

        buttons = QDialogButtonBox(self)
        kick = buttons.addButton(self.tr("&Kick"), QDialogButtonBox.ButtonRole.AcceptRole)
        kick.setAccessibleName(self.tr("Kick"))
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.setAccessibleName(self.tr("Dialog buttons"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        # Wide enough for the placeholder and a sentence of reason without scrolling.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 30)

        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(reason_label)
        layout.addWidget(self._reason)
        layout.addWidget(buttons)
        self._reason.setFocus()

    @property
    def reason(self) -> str:
        return self._reason.text().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, name: str) -> str | None:
        """The reason (possibly empty) if the operator confirmed, ``None`` if cancelled."""
        dialog = cls(name, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        reason = dialog.reason
        dialog.deleteLater()
        return reason if accepted else None
