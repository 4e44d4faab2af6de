"""The user list: names sorted case-insensitively, with a count.

A welcome can list a hundred thousand names, and each needs its key (a confusables
skeleton) and its sort key: :meth:`UserListModel.reset` works through them in slices of
:data:`FILL_BUDGET` across event-loop passes, then shows them in one model reset. Joins
and leaves that arrive meanwhile apply to the list being filled.
"""

from __future__ import annotations

import bisect
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from chat_client_app.colours import NameColours
from chat_client_app.plain_text import tooltip
from chat_client_app.presence_look import presence_icon, presence_words
from shared.messages import PresenceState
from shared.validation import name_key

__all__ = ["UserListModel", "FILL_BUDGET", "PresenceOf", "shown_name"]

PresenceOf = Callable[[str], tuple[PresenceState, str]]
"""Where a list reads a user's presence (the controller's ``rooms.presence``)."""


def _available(name: str) -> tuple[PresenceState, str]:
    return (PresenceState.AVAILABLE, "")


def shown_name(name: str, text: str) -> str:
    """A list's line for a user: the name, and their status text after it."""
    return f"{name} — {text}" if text else name


FILL_BUDGET = 0.008
"""Seconds of work on a welcome's names per event-loop pass: the window still paints
and takes input while a list of 100 000 names is read (a second or so of work)."""

AnyIndex = QModelIndex | QPersistentModelIndex


def _sort_key(name: str) -> tuple[str, str]:
    # casefold first (Anna next to anna), the exact name second so the order is total.
    # Not name_key: a skeleton is for comparing, and would sort Mario as "rnario".
    return (unicodedata.normalize("NFC", name).casefold(), name)


class UserListModel(QAbstractListModel):
    """Who is in the chat; the user's own name is shown in bold."""

    count_changed = Signal(int)
    filled = Signal()  # a reset's names are all shown

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._keys: list[tuple[str, str]] = []
        self._listed: dict[str, str] = {}  # name_key -> the name as listed: one per key
        self._own_key = ""
        self._own_listed = ""  # the user's own name as listed ("" if not listed)
        self._dark = False
        self._colours = NameColours()  # the timeline's, once the window shares it
        self._presence_of: PresenceOf = _available
        # A reset being filled: the welcome's names not read yet, and what is read.
        self._unread: Iterator[str] | None = None
        self._filling: dict[str, tuple[tuple[str, str], str]] = {}  # name_key -> (sort key, name)
        self._gone: set[str] = set()  # left while the list was being read
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.timeout.connect(self._fill)

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
        # No name_key here: a view asks for data many times per row and paint.
        own = bool(self._own_listed) and name == self._own_listed
        if role == Qt.ItemDataRole.EditRole:
            return name
        if role == Qt.ItemDataRole.DisplayRole:
            return shown_name(name, self._presence_of(name)[1])
        if role == Qt.ItemDataRole.DecorationRole:
            return presence_icon(self._presence_of(name)[0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(self._colours.colour(name, self._dark))
        if role == Qt.ItemDataRole.FontRole and own:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            said = presence_words(name, *self._presence_of(name), own=own)
            return tooltip(said) if role == Qt.ItemDataRole.ToolTipRole else said
        return None

    def set_presence_source(self, presence_of: PresenceOf) -> None:
        """Where each user's state and status text are read from."""
        self._presence_of = presence_of

    def presence_changed(self, name: str) -> None:
        """``name``'s state or text changed: their row is drawn again."""
        row = self._find(name)
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row))

    # --- changes ---------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._names)

    @property
    def filling(self) -> bool:
        """Whether a reset's names are still being read (the list shows the old ones)."""
        return self._unread is not None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) >= 0

    def set_own_name(self, name: str) -> None:
        self._own_key = name_key(name)
        self._own_listed = self._listed.get(self._own_key, "")
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def set_name_colours(self, colours: NameColours) -> None:
        """Use the colours of the timeline listed beside: one name, one colour."""
        self._colours = colours
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            if self._names:
                self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def reset(self, names: Iterable[str]) -> None:
        """The whole list at once (welcome): read in slices, shown when all are read."""
        self._unread = iter(list(names))
        self._filling = {}
        self._gone = set()
        self._fill_timer.stop()
        self._fill()

    def _fill(self) -> None:
        unread, filling, gone = self._unread, self._filling, self._gone
        assert unread is not None
        deadline = time.monotonic() + FILL_BUDGET
        for read, name in enumerate(unread, 1):
            key = name_key(name)
            if key not in gone and key not in filling:
                filling[key] = (_sort_key(name), name)
            if read % 256 == 0 and time.monotonic() > deadline:
                self._fill_timer.start(0)
                return
        self._unread, self._filling, self._gone = None, {}, set()
        # A server sends its list sorted, nearly as we sort it: timsort's best case.
        keyed = sorted(filling.values())
        self.beginResetModel()
        self._listed = {key: name for key, (_, name) in filling.items()}
        self._names = [name for _, name in keyed]
        self._keys = [order for order, _ in keyed]
        self._own_listed = self._listed.get(self._own_key, "")
        self.endResetModel()
        self.count_changed.emit(len(self._names))
        self.filled.emit()

    def add(self, name: str) -> None:
        if self._unread is not None:
            key = name_key(name)
            self._gone.discard(key)
            self._filling.setdefault(key, (_sort_key(name), name))
            return
        if self._find(name) >= 0:
            return
        order = _sort_key(name)
        row = bisect.bisect_left(self._keys, order)
        self.beginInsertRows(QModelIndex(), row, row)
        self._names.insert(row, name)
        self._keys.insert(row, order)
        key = name_key(name)
        self._listed[key] = name
        if key == self._own_key:
            self._own_listed = name
        self.endInsertRows()
        self.count_changed.emit(len(self._names))

    def remove(self, name: str) -> None:
        if self._unread is not None:
            key = name_key(name)
            self._filling.pop(key, None)
            self._gone.add(key)  # not read yet: it must not come back when it is
            return
        row = self._find(name)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        key = name_key(self._names[row])
        del self._listed[key]
        if key == self._own_key:
            self._own_listed = ""
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
