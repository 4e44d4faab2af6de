"""The mentions dock: rows naming the user, and private ones, with their count."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from chat_client_app.message_model import MentionsFilter
from chat_client_app.message_view import MessageView

__all__ = ["MentionsDock"]


class _MentionsView(MessageView):
    """A view that asks for a few lines only: in a small window the dock opens beside
    the timeline, and does not take most of its height."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.fontMetrics().height() * 5)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.fontMetrics().height() * 3)


class MentionsDock(QDockWidget):
    """Signals: source_activated(QModelIndex) with the row in the full message model."""

    source_activated = Signal(QModelIndex)

    def __init__(self, mentions: MentionsFilter, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Mentions"), parent)
        self._mentions = mentions
        self.setObjectName("mentions")
        self.setAccessibleName(self.tr("Mentions"))
        self._view = _MentionsView(self)
        self._view.setMinimumHeight(0)  # the timeline's minimum is not the dock's
        self._view.setModel(mentions)
        self._view.setAccessibleName(self.tr("Mentions and private messages"))
        self.setWidget(self._view)
        self._view.activated.connect(self._on_view_activated)
        mentions.rowsInserted.connect(self._on_mentions_rows_changed)
        mentions.rowsRemoved.connect(self._on_mentions_rows_changed)
        mentions.modelReset.connect(self._on_mentions_rows_changed)

    @property
    def view(self) -> MessageView:
        return self._view

    def _on_view_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        source = self._mentions.mapToSource(index)
        if source.isValid():
            self.source_activated.emit(source)

    def _on_mentions_rows_changed(self) -> None:
        count = self._mentions.rowCount()
        self.setWindowTitle(self.tr("Mentions ({count})").format(count=count))
