"""The room list beside the chat: rooms and private conversations, a "+" to join or
make a room, and a context menu to join, leave or list the server's rooms."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chat_client_app.room_list_model import RoomListModel, RoomRole
from chat_client_app.session.state import Chat

__all__ = ["RoomListPanel"]


class _FitDelegate(QStyledItemDelegate):
    """Rows as wide as the list, whatever their name: a list view lays its rows out
    as wide as the widest hint, and would scroll sideways under a long room name
    instead of eliding it (the tooltip has the whole name)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(0, super().sizeHint(option, index).height())


class RoomListPanel(QWidget):
    """Signals: chat_selected(Chat), join_requested(room), part_requested(room),
    list_requested()."""

    chat_selected = Signal(object)
    join_requested = Signal(str)
    part_requested = Signal(str)
    list_requested = Signal()

    def __init__(self, rooms: RoomListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rooms = rooms
        self.setAccessibleName(self.tr("Rooms panel"))
        title = QLabel(self.tr("Rooms"), self)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setAccessibleName(self.tr("Rooms"))
        self._add = QToolButton(self)
        self._add.setText("+")
        self._add.setAccessibleName(self.tr("Join or create a room"))
        self._add.setToolTip(self.tr("Join or create a room"))
        self._list = QListView(self)
        self._list.setModel(rooms)
        self._list.setAccessibleName(self.tr("Rooms and private conversations"))
        self._list.setAccessibleDescription(self.tr("Select one to read and write there."))
        self._list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self._list.setItemDelegate(_FitDelegate(self._list))
        self._list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self._add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self._list)

        self._add.clicked.connect(self.ask_room)
        self._list.customContextMenuRequested.connect(self._on_list_context_menu_requested)
        self._list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self._list.activated.connect(self._on_list_current_changed)

    @property
    def list_view(self) -> QListView:
        return self._list

    @property
    def add_button(self) -> QToolButton:
        return self._add

    def show_chat(self, chat: Chat) -> None:
        """Make ``chat``'s row the current one (without telling anyone)."""
        row = self._rooms.row_of(chat)
        if row < 0:
            return
        selection = self._list.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(self._rooms.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)

    def ask_room(self) -> None:
        room, ok = QInputDialog.getText(
            self,
            self.tr("Join a room"),
            self.tr("Room to join (it is made if it does not exist):"),
            QLineEdit.EchoMode.Normal,
            "",
        )
        room = room.strip().removeprefix("#").strip()
        if ok and room:
            self.join_requested.emit(room)

    def menu_for(self, chat: Chat | None) -> QMenu:
        """The context menu of ``chat``'s row (``None``: of the empty space)."""
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Room actions"))
        menu.addAction(self.tr("&Join or create a room…"), self.ask_room)
        if chat is not None and chat.is_room and not chat.is_general:
            menu.addAction(
                self.tr("&Leave #{room}").format(room=chat.name), lambda: self.part_requested.emit(chat.name)
            )
        menu.addAction(self.tr("List the server's &rooms"), self.list_requested.emit)
        return menu

    def _on_list_context_menu_requested(self, point: QPoint) -> None:
        index = self._list.indexAt(point)
        chat = index.data(RoomRole.CHAT) if index.isValid() else None
        self.menu_for(chat).exec(self._list.viewport().mapToGlobal(point))

    def _on_list_current_changed(self, index: QModelIndex | QPersistentModelIndex, *_: object) -> None:
        chat = index.data(RoomRole.CHAT)
        if isinstance(chat, Chat):
            self.chat_selected.emit(chat)
