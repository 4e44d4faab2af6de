"""The connected users as a table model, in the order they joined."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from chat_server_app.dashboard.formatting import format_bytes, format_rtt, local_since, plain_tooltip
from chat_server_app.dashboard.table_header import header_text
from chat_server_app.engine import Session

__all__ = ["Column", "UsersModel", "SESSION_ROLE"]

SESSION_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`Session`, for the window's actions."""

_Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    NAME = 0
    ADDRESS = 1
    SINCE = 2
    MESSAGES = 3
    QUEUED = 4
    RTT = 5
    RATE_HITS = 6


_LIVE_FIRST = Column.MESSAGES
_LIVE_LAST = Column.RATE_HITS
"""The columns whose values change while a user stays: refreshed on a timer,
because the engine does not signal every counter change."""

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class UsersModel(QAbstractTableModel):
    """Registered sessions; fed by ``user_joined``/``user_left``, refreshed by :meth:`refresh_live`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: list[Session] = []
        self._known: set[Session] = set()  # membership without a scan of thousands of rows
        self._titles = {
            Column.NAME: self.tr("Name"),
            Column.ADDRESS: self.tr("Address"),
            Column.SINCE: self.tr("Since"),
            Column.MESSAGES: self.tr("Messages"),
            Column.QUEUED: self.tr("Queued"),
            Column.RTT: self.tr("Ping"),
            Column.RATE_HITS: self.tr("Too fast"),
        }
        # Short titles keep seven columns on half a laptop screen; the tips say it all.
        self._header_tips = {
            Column.NAME: self.tr("The name the user registered with"),
            Column.ADDRESS: self.tr("The user's IP address and port"),
            Column.SINCE: self.tr("Connected since (local time)"),
            Column.MESSAGES: self.tr("Messages this user posted"),
            Column.QUEUED: self.tr("Bytes waiting to be sent to this user"),
            Column.RTT: self.tr("Round-trip time of the last ping"),
            Column.RATE_HITS: self.tr("Messages dropped because this user wrote too fast"),
        }

    # --- changing ----------------------------------------------------------------

    def add(self, session: Session) -> None:
        if session in self._known:
            return
        row = len(self._sessions)
        self.beginInsertRows(QModelIndex(), row, row)
        self._sessions.append(session)
        self._known.add(session)
        self.endInsertRows()

    def remove(self, session: Session) -> None:
        if session not in self._known:
            return
        row = self._sessions.index(session)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._sessions[row]
        self._known.discard(session)
        self.endRemoveRows()

    def reset(self, sessions: Iterable[Session]) -> None:
        """Replace every row (the engine stopped, or the window opened on a running engine)."""
        self.beginResetModel()
        self._sessions = list(dict.fromkeys(sessions))
        self._known = set(self._sessions)
        self.endResetModel()

    def refresh_live(self) -> None:
        """Tell views that the counters may have changed; they repaint only what they show."""
        if self._sessions:
            top = self.index(0, _LIVE_FIRST)
            bottom = self.index(len(self._sessions) - 1, _LIVE_LAST)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    def session(self, row: int) -> Session:
        return self._sessions[row]

    # --- Qt's model interface ------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._sessions)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._sessions):
            return None
        session = self._sessions[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(session, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column >= Column.MESSAGES else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            # Names are up to 32 characters of anything printable: show them whole.
            return plain_tooltip(session.name)
        if role == SESSION_ROLE:
            return session
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            return _RIGHT if section >= Column.MESSAGES else _LEFT
        return header_text(self._titles, self._header_tips, section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    @staticmethod
    def _display(session: Session, column: Column) -> str:
        if column == Column.NAME:
            return session.name
        if column == Column.ADDRESS:
            return session.address
        if column == Column.SINCE:
            return local_since(session.connected_at)
        if column == Column.MESSAGES:
            return str(session.messages_sent)
        if column == Column.QUEUED:
            return format_bytes(session.queued_bytes)
        if column == Column.RTT:
            return format_rtt(session.rtt)
        return str(session.rate_hits)
