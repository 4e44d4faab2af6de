"""The chat's message list view: plain-text rows, clickable links, sticks to the bottom."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QWidget

from chat_client_app.controller import SendState
from chat_client_app.links import find_links
from chat_client_app.message_delegate import MessageDelegate
from chat_client_app.message_model import Entry, EntryKind, Role
from chat_client_app.new_below import NewBelowButton

__all__ = ["MessageView", "BATCH_SIZE"]

BATCH_SIZE = 300
"""Rows the view lays out per event-loop pass (Qt's batched layout): a 10 000-row
burst is laid out in about 30 short steps instead of one long freeze."""

_BOTTOM_SLACK = 4
"""Pixels from the end that still count as "at the bottom" (a wheel notch is ~20)."""


class MessageView(QListView):
    """A :class:`QListView` over a :class:`~chat_client_app.message_model.MessageModel`.

    Signals:
        link_clicked(str): the user clicked (or chose from the menu) a web link.
        retry_requested(str): the user asked to send a failed message (by cid) again.
    """

    link_clicked = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._delegate = MessageDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(BATCH_SIZE)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always shown: a scroll bar that appears would change the width of every row
        # and lay out all of them again in the middle of a burst.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        # Smaller, every line wraps after a word or two and a message or two is in
        # sight: the splitter and the mentions dock stop there.
        metrics = self.fontMetrics()
        self.setMinimumSize(metrics.horizontalAdvance("M") * 14, metrics.height() * 6)
        self._stick = True
        self._new_below = NewBelowButton(self)
        self._new_below.clicked.connect(self._on_new_below_clicked)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scroll_bar_value_changed)
        bar.rangeChanged.connect(self._on_scroll_bar_range_changed)

    @property
    def delegate(self) -> MessageDelegate:
        return self._delegate

    # --- staying at the bottom ----------------------------------------------------------

    @property
    def at_bottom(self) -> bool:
        """Whether new rows keep the view scrolled to the end (the user did not scroll up)."""
        return self._stick

    @property
    def new_below(self) -> NewBelowButton:
        return self._new_below

    def scroll_to_end(self) -> None:
        self._stick = True
        self._new_below.hide()
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_new_below_clicked(self) -> None:
        self.scroll_to_end()
        self.setFocus()

    def _on_scroll_bar_value_changed(self, value: int) -> None:
        self._stick = value >= self.verticalScrollBar().maximum() - _BOTTOM_SLACK
        if self._stick:
            self._new_below.hide()

    def rowsInserted(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int) -> None:
        super().rowsInserted(parent, start, end)
        if self._stick or self._new_below.isVisible():
            return
        model = self.model()
        for row in range(start, end + 1):
            entry = model.index(row, 0, parent).data(Role.ENTRY)
            if isinstance(entry, Entry) and entry.kind is EntryKind.MESSAGE:
                self._new_below.appear()
                return

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self._new_below.hide()  # another chat: its own bottom

    def _on_scroll_bar_range_changed(self, minimum: int, maximum: int) -> None:
        # Rows arrived (or the batched layout got further): follow them, unless the
        # user scrolled up to read something.
        if self._stick:
            self.verticalScrollBar().setValue(maximum)

    def resizeEvent(self, event: QResizeEvent) -> None:
        stick = self._stick
        super().resizeEvent(event)
        if stick:
            self.scroll_to_end()
        self._new_below.place()

    # --- links and the mouse ------------------------------------------------------------

    def _link_at(self, pos: QPoint) -> str | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        return self._delegate.link_at(index, self.visualRect(index), pos, self.font())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over_link = self._link_at(event.position().toPoint()) is not None
        if over_link:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            url = self._link_at(event.position().toPoint())
            if url is not None:
                self.link_clicked.emit(url)
        super().mouseReleaseEvent(event)

    # --- copying and the context menu ---------------------------------------------------

    def _entries(self, indexes: list[QModelIndex]) -> list[Entry]:
        entries = [i.data(Role.ENTRY) for i in sorted(indexes, key=lambda i: i.row())]
        return [e for e in entries if isinstance(e, Entry)]

    @staticmethod
    def _line(entry: Entry) -> str:
        if entry.kind is EntryKind.MESSAGE:
            who = entry.sender if entry.peer is None else f"{entry.sender} → {entry.peer}"
            return f"[{entry.local_time()}] {who}: {entry.text}"
        return f"[{entry.local_time()}] {entry.text}" if entry.epoch else entry.text

    def copy_selection(self) -> None:
        lines = [self._line(e) for e in self._entries(self.selectedIndexes())]
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Keyboard users open a selected row's first link with Enter.
            entries = self._entries([self.currentIndex()]) if self.currentIndex().isValid() else []
            links = find_links(entries[0].text) if entries else []
            if links:
                self.link_clicked.emit(links[0][2])
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        entry = index.data(Role.ENTRY) if index.isValid() else None
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Message actions"))
        copy = menu.addAction(self.tr("Copy"))
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.triggered.connect(self.copy_selection)
        if isinstance(entry, Entry):
            if not self.selectionModel().isSelected(index):
                self.setCurrentIndex(index)
            for _, _, url in find_links(entry.text)[:5]:
                menu.addAction(self.tr("Open {url}").format(url=url[:60])).triggered.connect(
                    lambda _checked=False, u=url: self.link_clicked.emit(u)
                )
            if entry.own and entry.state is SendState.FAILED and entry.cid:
                retry = menu.addAction(self.tr("Send again"))
                retry.triggered.connect(lambda _checked=False, c=entry.cid: self.retry_requested.emit(c))
        menu.exec(event.globalPos())
