"""The reserved names (PROTOCOL.md §8.1) as a table model: who owns which name, since when."""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from chat_server_app.dashboard.formatting import local_since, plain_tooltip
from chat_server_app.dashboard.table_header import header_text
from chat_server_app.store import Reservation

__all__ = ["ReservationColumn", "ReservationsModel", "RESERVATION_ROLE", "SORT_ROLE"]

RESERVATION_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`Reservation`, for the Release button."""

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""What a column sorts by: the name's key, the time as a number."""

_Index = QModelIndex | QPersistentModelIndex


class ReservationColumn(enum.IntEnum):
    NAME = 0
    SINCE = 1


class ReservationsModel(QAbstractTableModel):
    """The engine's ``reservations``, replaced whole on each of its changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Reservation] = []
        self._titles = {
            ReservationColumn.NAME: self.tr("Name"),
            ReservationColumn.SINCE: self.tr("Reserved since"),
        }
        self._header_tips = {
            ReservationColumn.NAME: self.tr("The name as its owner first registered it"),
            ReservationColumn.SINCE: self.tr("When the name was first registered (local time)"),
        }

    def reset(self, reservations: Iterable[Reservation]) -> None:
        self.beginResetModel()
        self._rows = list(reservations)
        self.endResetModel()

    def reservation(self, row: int) -> Reservation:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        """The row of the name with this key, if it is reserved."""
        return next((row for row, r in enumerate(self._rows) if r.key == key), None)

    # --- Qt's model interface ------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(ReservationColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        reservation = self._rows[index.row()]
        column = ReservationColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ReservationColumn.NAME:
                return reservation.name
            return local_since(reservation.since_epoch)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ReservationColumn.NAME:
                return plain_tooltip(reservation.name)  # a user's name is not markup
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(reservation.since_epoch))
        if role == SORT_ROLE:
            return reservation.key if column == ReservationColumn.NAME else reservation.since_epoch
        if role == RESERVATION_ROLE:
            return reservation
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        return header_text(self._titles, self._header_tips, section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
