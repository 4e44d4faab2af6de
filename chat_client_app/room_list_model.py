"""The list beside the chat: ``general``, the user's other rooms by name, then one
private conversation per person; each with its unread count and mention marker."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from chat_client_app.plain_text import tooltip
from chat_client_app.session.state import GENERAL_CHAT, Chat, ChatKind

__all__ = ["RoomListModel", "RoomRole"]

AnyIndex = QModelIndex | QPersistentModelIndex


class RoomRole(enum.IntEnum):
    CHAT = Qt.ItemDataRole.UserRole + 1  # the row's Chat
    UNREAD = Qt.ItemDataRole.UserRole + 2  # int: messages from others not seen yet
    MENTION = Qt.ItemDataRole.UserRole + 3  # bool: one of them names the user (or is private)
    BOLD = Qt.ItemDataRole.UserRole + 4  # bool: shown in bold (there is something unread)


@dataclass(slots=True)
class _Row:
    chat: Chat
    unread: int = 0
    mention: bool = False


def _order(chat: Chat) -> tuple[int, str, str]:
    group = 0 if chat.is_general else 1 if chat.kind is ChatKind.ROOM else 2
    return (group, unicodedata.normalize("NFC", chat.name).casefold(), chat.name)


class RoomListModel(QAbstractListModel):
    """Rows of :class:`~chat_client_app.session.state.Chat`, general always first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = [_Row(GENERAL_CHAT)]

    # --- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        label = f"#{row.chat.name}" if row.chat.is_room else row.chat.name
        if role == Qt.ItemDataRole.DisplayRole:
            if not row.unread:
                return label
            return f"{label} ({row.unread}{' @' if row.mention else ''})"
        if role == RoomRole.CHAT:
            return row.chat
        if role == RoomRole.UNREAD:
            return row.unread
        if role == RoomRole.MENTION:
            return row.mention
        if role == RoomRole.BOLD:
            return row.unread > 0
        if role == Qt.ItemDataRole.FontRole and row.unread:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            said = self._spoken(row, label)
            return tooltip(said) if role == Qt.ItemDataRole.ToolTipRole else said
        return None

    def _spoken(self, row: _Row, label: str) -> str:
        if row.chat.is_room:
            said = self.tr("room {name}").format(name=label)
        else:
            said = self.tr("private conversation with {name}").format(name=row.chat.name)
        if row.unread:
            said += ", " + self.tr("%n unread", "", row.unread)
        if row.mention:
            said += ", " + self.tr("you are mentioned")
        return said

    # --- what the window reads ---------------------------------------------------------

    @property
    def chats(self) -> list[Chat]:
        return [row.chat for row in self._rows]

    def chat_at(self, row: int) -> Chat:
        return self._rows[row].chat

    def row_of(self, chat: Chat) -> int:
        """The row of ``chat``, or -1."""
        return next((i for i, row in enumerate(self._rows) if row.chat == chat), -1)

    def unread(self, chat: Chat) -> int:
        row = self.row_of(chat)
        return self._rows[row].unread if row >= 0 else 0

    def mentioned(self, chat: Chat) -> bool:
        row = self.row_of(chat)
        return self._rows[row].mention if row >= 0 else False

    # --- changes ---------------------------------------------------------------------

    def set_rooms(self, rooms: tuple[str, ...] | list[str]) -> None:
        """The user's rooms now (``general`` is always there); private ones stay."""
        wanted = {Chat.room(name) for name in rooms} | {GENERAL_CHAT}
        for i in range(len(self._rows) - 1, -1, -1):
            chat = self._rows[i].chat
            if chat.is_room and chat not in wanted:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        for chat in sorted(wanted, key=_order):
            self.add(chat)

    def add(self, chat: Chat) -> int:
        """``chat`` in its place (once); its row."""
        found = self.row_of(chat)
        if found >= 0:
            return found
        order = _order(chat)
        row = next((i for i, r in enumerate(self._rows) if _order(r.chat) > order), len(self._rows))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, _Row(chat))
        self.endInsertRows()
        return row

    def remove(self, chat: Chat) -> None:
        row = self.row_of(chat)
        if row <= 0:
            return  # general stays
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def count_unread(self, chat: Chat, count: int, *, mention: bool = False) -> None:
        """``count`` more unread in ``chat`` (added to the list if new)."""
        row = self.add(chat)
        entry = self._rows[row]
        entry.unread += count
        entry.mention = entry.mention or mention
        self._changed(row)

    def mark_read(self, chat: Chat) -> None:
        row = self.row_of(chat)
        if row < 0 or not (self._rows[row].unread or self._rows[row].mention):
            return
        self._rows[row].unread = 0
        self._rows[row].mention = False
        self._changed(row)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)
