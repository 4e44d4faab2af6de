"""The bans in force (PROTOCOL.md §8.1) as a table model: what, until when, why."""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from chat_server_app.dashboard.formatting import local_since, one_line, plain_tooltip
from chat_server_app.dashboard.table_header import header_text
from chat_server_app.store import Ban, BanKind, Reservation

__all__ = ["BanColumn", "BansModel", "BAN_ROLE", "SORT_ROLE", "REASON_MAX_CHARS"]

BAN_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`Ban`, for the Lift button."""

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""What a column sorts by: a ban until lifted after every timed one."""

REASON_MAX_CHARS = 200
"""Characters of a reason shown on its row; the tooltip has it whole."""

OWNER_SHOWN_CHARS = 12
"""Hex digits of an unknown owner's hash shown: enough to tell two apart."""

_KIND_ORDER = {BanKind.NAME: 0, BanKind.OWNER: 1, BanKind.ADDRESS: 2}

_Index = QModelIndex | QPersistentModelIndex


class BanColumn(enum.IntEnum):
    KIND = 0
    WHAT = 1
    UNTIL = 2
    REASON = 3


class BansModel(QAbstractTableModel):
    """The engine's ``bans``, replaced whole on each of its changes.

    A ban holds a name's key, never the name (keys are for comparing, not for
    showing): the reserved names passed to :meth:`reset` give the names back, and
    the owners' names. A name nobody reserved shows as its key.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Ban, str]] = []  # each ban with what the WHAT column shows
        self._titles = {
            BanColumn.KIND: self.tr("Banned"),
            BanColumn.WHAT: self.tr("Who"),
            BanColumn.UNTIL: self.tr("Until"),
            BanColumn.REASON: self.tr("Reason"),
        }
        self._header_tips = {
            BanColumn.KIND: self.tr("A name, the client that owns a name, or an IP address"),
            BanColumn.WHAT: self.tr("The name, the name's owner or the address"),
            BanColumn.UNTIL: self.tr("When the ban ends (local time)"),
            BanColumn.REASON: self.tr("The reason shown to whoever the ban shuts out"),
        }
        self._kinds = {
            BanKind.NAME: self.tr("Name"),
            BanKind.OWNER: self.tr("Owner of"),
            BanKind.ADDRESS: self.tr("Address"),
        }
        self._kind_tips = {
            BanKind.NAME: self.tr("Nobody may use this name"),
            BanKind.OWNER: self.tr("The client that owns the name may not come back under any name"),
            BanKind.ADDRESS: self.tr("Nobody may connect from this address"),
        }

    def reset(self, bans: Iterable[Ban], reservations: Iterable[Reservation] = ()) -> None:
        names: dict[str, str] = {}
        owners: dict[str, list[str]] = {}
        for reservation in reservations:
            names[reservation.key] = reservation.name
            owners.setdefault(reservation.owner, []).append(reservation.name)
        rows = [(ban, self._what(ban, names, owners)) for ban in bans]
        rows.sort(key=lambda row: (_KIND_ORDER[row[0].kind], row[1].casefold()))
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def _what(self, ban: Ban, names: dict[str, str], owners: dict[str, list[str]]) -> str:
        if ban.kind is BanKind.NAME:
            return names.get(ban.value, ban.value)
        if ban.kind is BanKind.OWNER:
            owned = owners.get(ban.value)
            if owned:
                return ", ".join(owned)
            return self.tr("a released name (client {id}…)").format(id=ban.value[:OWNER_SHOWN_CHARS])
        return ban.value

    def ban(self, row: int) -> Ban:
        return self._rows[row][0]

    def row_of(self, kind: BanKind, value: str) -> int | None:
        return next(
            (row for row, (ban, _) in enumerate(self._rows) if ban.kind is kind and ban.value == value), None
        )

    def next_end(self) -> float | None:
        """When the first of the timed bans shown ends (epoch seconds), if any is timed."""
        ends = [ban.until for ban, _ in self._rows if ban.until is not None]
        return min(ends) if ends else None

    # --- Qt's model interface ------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(BanColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        ban, what = self._rows[index.row()]
        column = BanColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(ban, what, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(ban, what, column)
        if role == SORT_ROLE:
            if column == BanColumn.KIND:
                return _KIND_ORDER[ban.kind]
            if column == BanColumn.UNTIL:
                return math.inf if ban.until is None else ban.until
            return self._display(ban, what, column).casefold()
        if role == BAN_ROLE:
            return ban
        return None

    def _display(self, ban: Ban, what: str, column: BanColumn) -> str:
        if column == BanColumn.KIND:
            return self._kinds[ban.kind]
        if column == BanColumn.WHAT:
            return what
        if column == BanColumn.UNTIL:
            return self.tr("until lifted") if ban.until is None else local_since(ban.until)
        return one_line(ban.reason, REASON_MAX_CHARS)

    def _tooltip(self, ban: Ban, what: str, column: BanColumn) -> str | None:
        if column == BanColumn.KIND:
            return self._kind_tips[ban.kind]
        if column == BanColumn.WHAT:
            return plain_tooltip(what)  # a user's name is not markup
        if column == BanColumn.UNTIL:
            if ban.until is None:
                return self.tr("Until the operator lifts it")
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ban.until))
        return plain_tooltip(ban.reason) if ban.reason else None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        return header_text(self._titles, self._header_tips, section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
