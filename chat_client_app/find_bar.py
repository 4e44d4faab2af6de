"""The find bar (Ctrl+F): a search field with next, previous and a match count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from chat_client_app.window_names import name_clear_button

__all__ = ["FindBar"]


class _FindField(QLineEdit):
    """Enter finds the next match, Shift+Enter the previous one, Escape closes."""

    next_requested = Signal()
    previous_requested = Signal()
    close_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.close_requested.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """Signals: text_changed(str), next_requested, previous_requested, closed,
    server_search_requested(str): search the server's history for the text."""

    text_changed = Signal(str)
    server_search_requested = Signal(str)
    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Find bar"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        label = QLabel(self.tr("&Find:"), self)
        label.setAccessibleName(self.tr("Find"))
        self._field = _FindField(self)
        self._field.setPlaceholderText(self.tr("Text to find in the messages"))
        self._field.setAccessibleName(self.tr("Find text"))
        self._field.setClearButtonEnabled(True)
        name_clear_button(self._field, self.tr("Clear the find text"))
        label.setBuddy(self._field)
        self._previous = QToolButton(self)
        self._previous.setText(self.tr("Previous"))
        self._previous.setAccessibleName(self.tr("Previous match"))
        self._previous.setToolTip(self.tr("Previous match (Shift+Enter)"))
        self._next = QToolButton(self)
        self._next.setText(self.tr("Next"))
        self._next.setAccessibleName(self.tr("Next match"))
        self._next.setToolTip(self.tr("Next match (Enter)"))
        self._server = QToolButton(self)
        self._server.setText(self.tr("Search the server"))
        self._server.setAccessibleName(self.tr("Search the server"))
        self._server.setToolTip(self.tr("Search the whole history on the server, not only what is loaded"))
        self._count = QLabel(self)
        self._count.setAccessibleDescription(self.tr("Matches"))
        self._close = QToolButton(self)
        self._close.setText("✕")
        self._close.setAccessibleName(self.tr("Close the find bar"))
        self._close.setToolTip(self.tr("Close (Escape)"))
        for widget in (label, self._field, self._previous, self._next, self._server, self._count):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self._close)
        self._field.textChanged.connect(self.text_changed)
        self._field.next_requested.connect(self.next_requested)
        self._field.previous_requested.connect(self.previous_requested)
        self._field.close_requested.connect(self.close_bar)
        self._next.clicked.connect(self.next_requested)
        self._previous.clicked.connect(self.previous_requested)
        self._close.clicked.connect(self.close_bar)
        self._server.clicked.connect(self._on_server_clicked)

    @property
    def server_button(self) -> QToolButton:
        return self._server

    def _on_server_clicked(self) -> None:
        if self._field.text().strip():
            self.server_search_requested.emit(self._field.text())

    @property
    def field(self) -> QLineEdit:
        return self._field

    @property
    def text(self) -> str:
        return self._field.text()

    def open_bar(self) -> None:
        self.show()
        self._field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def set_count(self, current: int, total: int) -> None:
        """Show "current of total" (current 0: none chosen yet); an empty search shows nothing."""
        if not self._field.text():
            self._count.clear()
        elif total == 0:
            self._count.setText(self.tr("No matches"))
        elif current:
            self._count.setText(self.tr("{current} of {total}").format(current=current, total=total))
        else:
            self._count.setText(self.tr("%n match(es)", "", total))
