"""The rooms as a table model: name, members online, messages, read-only, topic.

Fed whole from :meth:`RoomDesk.listing <chat_server_app.room_desk.RoomDesk.listing>`:
a server holds at most a thousand rooms, so a listing is cheap, and the window asks
for one when rooms change and on its refresh timer, not per message. The read-only
cell is a check box; ticking it asks for the order (:attr:`RoomsModel.read_only_requested`)
and the box follows the engine's answer at the next listing.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from chat_server_app.dashboard.formatting import plain_tooltip
from chat_server_app.dashboard.table_header import header_text
from chat_server_app.room_desk import RoomView

__all__ = ["RoomColumn", "RoomsModel"]

_Index = QModelIndex | QPersistentModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class RoomColumn(enum.IntEnum):
    NAME = 0
    MEMBERS = 1
    MESSAGES = 2
    READ_ONLY = 3
    TOPIC = 4


class RoomsModel(QAbstractTableModel):
    """``general`` first, then the rooms by name, as the listing gives them."""

    read_only_requested = Signal(str, bool)  # room name, on: the operator ticked the box

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RoomView] = []
        self._titles = {
            RoomColumn.NAME: self.tr("Room"),
            RoomColumn.MEMBERS: self.tr("Members"),
            RoomColumn.MESSAGES: self.tr("Messages"),
            RoomColumn.READ_ONLY: self.tr("Read-only"),
            RoomColumn.TOPIC: self.tr("Topic"),
        }
        self._header_tips = {
            RoomColumn.NAME: self.tr("The room's name; #general is everyone's"),
            RoomColumn.MEMBERS: self.tr("Members connected now"),
            RoomColumn.MESSAGES: self.tr("Messages posted in the room since the server started"),
            RoomColumn.READ_ONLY: self.tr("While ticked, only the operator can write in the room"),
            RoomColumn.TOPIC: self.tr("The room's topic, shown to its members"),
        }

    def set_rooms(self, rows: list[RoomView]) -> None:
        """The rooms now: the same rooms are updated in place (the selection stays);
        a room made or gone resets the table."""
        if [r.name for r in rows] == [r.name for r in self._rows]:
            if rows != self._rows:
                self._rows = list(rows)
                last = self.index(len(rows) - 1, RoomColumn.TOPIC)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def room(self, row: int) -> RoomView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str) -> int | None:
        for row, room in enumerate(self._rows):
            if room.name == name:
                return row
        return None

    def names(self) -> list[str]:
        return [r.name for r in self._rows]

    # --- QAbstractTableModel -----------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(RoomColumn)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == RoomColumn.READ_ONLY:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        room = self.room(index.row()) if index.isValid() else None
        if room is None:
            return None
        column = RoomColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is RoomColumn.NAME:
                return "#" + room.name
            if column is RoomColumn.MEMBERS:
                return room.members
            if column is RoomColumn.MESSAGES:
                return room.messages
            if column is RoomColumn.TOPIC:
                return room.topic
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column is RoomColumn.READ_ONLY:
            return Qt.CheckState.Checked if room.read_only else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole and column is RoomColumn.READ_ONLY:
            return self.tr("read-only") if room.read_only else self.tr("open")
        if role == Qt.ItemDataRole.AccessibleTextRole and column is RoomColumn.TOPIC and not room.topic:
            return self.tr("no topic")  # an empty cell: a screen reader would say nothing
        if role == Qt.ItemDataRole.ToolTipRole and column in (RoomColumn.NAME, RoomColumn.TOPIC):
            text = "#" + room.name if column is RoomColumn.NAME else room.topic
            return plain_tooltip(text) if text else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (RoomColumn.MEMBERS, RoomColumn.MESSAGES) else _LEFT
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        room = self.room(index.row()) if index.isValid() else None
        if room is None or index.column() != RoomColumn.READ_ONLY or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = (
            Qt.CheckState(value) == Qt.CheckState.Checked if isinstance(value, int | Qt.CheckState) else False
        )
        if on != room.read_only:
            self.read_only_requested.emit(room.name, on)
        return False  # the box follows the engine, at the next listing

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        return header_text(self._titles, self._header_tips, section, orientation, role)
