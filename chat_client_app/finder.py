"""Finding text in the messages: the find bar's requests over the model and the views."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QListView

from chat_client_app.find_bar import FindBar
from chat_client_app.message_model import MessageModel
from chat_client_app.message_view import MessageView

__all__ = ["Finder"]


class Finder(QObject):
    """Highlights what the find bar holds in both views and steps through the matches."""

    def __init__(
        self, model: MessageModel, view: MessageView, mentions_view: MessageView, find_bar: FindBar
    ) -> None:
        super().__init__(find_bar)
        self._model = model
        self._view = view
        self._mentions_view = mentions_view
        self._find_bar = find_bar
        find_bar.text_changed.connect(self._on_find_bar_text_changed)
        find_bar.next_requested.connect(self.find_next)
        find_bar.previous_requested.connect(self.find_previous)
        find_bar.closed.connect(self._on_find_bar_closed)

    def open(self) -> None:
        self._find_bar.open_bar()
        self._on_find_bar_text_changed(self._find_bar.text)

    def find_next(self) -> None:
        self._find(backwards=False)

    def find_previous(self) -> None:
        self._find(backwards=True)

    def _matches(self) -> list[int]:
        needle = self._find_bar.text.casefold()
        if not needle:
            return []
        return [row for row, e in enumerate(self._model.entries()) if needle in e.text.casefold()]

    def _highlight(self, text: str) -> None:
        for view in (self._view, self._mentions_view):
            view.delegate.set_highlight(text)
            view.viewport().update()

    def _on_find_bar_text_changed(self, text: str) -> None:
        self._highlight(text)
        self._find_bar.set_count(0, len(self._matches()))

    def _find(self, backwards: bool) -> None:
        if self._find_bar.isHidden():
            self.open()
        matches = self._matches()
        if not matches:
            self._find_bar.set_count(0, 0)
            return
        current = self._view.currentIndex().row() if self._view.currentIndex().isValid() else -1
        if backwards:
            before = [r for r in matches if r < current]
            row = before[-1] if before else matches[-1]
        else:
            after = [r for r in matches if r > current]
            row = after[0] if after else matches[0]
        index = self._model.index(row)
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)
        self._find_bar.set_count(matches.index(row) + 1, len(matches))

    def _on_find_bar_closed(self) -> None:
        self._highlight("")
