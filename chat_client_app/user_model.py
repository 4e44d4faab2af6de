"""The user list: names sorted case-insensitively, with a count."""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from chat_client_app.colours import name_colour
from chat_client_app.plain_text import tooltip
from shared.validation import name_key

__all__ = ["UserListModel"]

AnyIndex = QModelIndex | QPersistentModelIndex


def _sort_key(name: str) -> tuple[str, str]:
    # casefold first (Anna next to anna), the exact name second so the order is total.
    # Not name_key: a skeleton is for comparing, and would sort Mario as "rnario".
    return (unicodedata.normalize("NFC", name).casefold(), name)


class UserListModel(QAbstractListModel):
    """Who is in the chat; the user's own name is shown in bold."""

    count_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._keys: list[tuple[str, str]] = []
        self._listed: dict[str, str] = {}  # name_key -> the name as listed: one per key
        self._own_key = ""
        self._dark = False

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._names):
            return None
        name = self._names[index.row()]
        own = name_key(name) == self._own_key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(name_colour(name, self._dark))
        if role == Qt.ItemDataRole.FontRole and own:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            said = self.tr("{name} (you)").format(name=name) if own else name
            return tooltip(said) if role == Qt.ItemDataRole.ToolTipRole else said
        return None

    # --- changes ---------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) >= 0

    def set_own_name(self, name: str) -> None:
        self._own_key = name_key(name)
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            if self._names:
                self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def reset(self, names: Iterable[str]) -> None:
        """The whole list at once (welcome)."""
        unique: dict[str, str] = {}
        for name in names:
            unique.setdefault(name_key(name), name)
        self.beginResetModel()
        self._listed = unique
        self._names = sorted(unique.values(), key=_sort_key)
        self._keys = [_sort_key(n) for n in self._names]
        self.endResetModel()
        self.count_changed.emit(len(self._names))

    def add(self, name: str) -> None:
        if self._find(name) >= 0:
            return
        key = _sort_key(name)
        row = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._names.insert(row, name)
        self._keys.insert(row, key)
        self._listed[name_key(name)] = name
        self.endInsertRows()
        self.count_changed.emit(len(self._names))

    def remove(self, name: str) -> None:
        row = self._find(name)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._listed[name_key(self._names[row])]
        del self._names[row]
        del self._keys[row]
        self.endRemoveRows()
        self.count_changed.emit(len(self._names))

    def clear(self) -> None:
        self.reset([])

    def _find(self, name: str) -> int:
        """The row of the name listed with ``name``'s key, or -1."""
        listed = self._listed.get(name_key(name))
        if listed is None:
            return -1
        key = _sort_key(listed)
        row = bisect.bisect_left(self._keys, key)
        return row if row < len(self._keys) and self._keys[row] == key else -1
