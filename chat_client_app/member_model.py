"""The members of one room (not ``general``, whose list is the
:class:`~chat_client_app.user_model.UserListModel`), those online first, each with the
dot and words of their presence.

A room is small next to a server (at most its members), so a change reads the whole
list again: simpler than the slices and bisections that ``general``'s 100 000 names need.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from chat_client_app.colours import NameColours
from chat_client_app.plain_text import tooltip
from chat_client_app.presence_look import presence_icon, presence_words
from chat_client_app.user_model import PresenceOf, shown_name
from shared.messages import PresenceState
from shared.validation import name_key

__all__ = ["MemberListModel"]

AnyIndex = QModelIndex | QPersistentModelIndex


def _nobody(name: str) -> tuple[PresenceState, str]:
    return (PresenceState.AVAILABLE, "")


class MemberListModel(QAbstractListModel):
    """Who is in the current room: online members first, then by name."""

    count_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._absent: set[str] = set()  # name keys of members who are not online
        self._own_key = ""
        self._dark = False
        self._colours = NameColours()  # the timeline's, once the window shares it
        self._presence_of: PresenceOf = _nobody

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
        key = name_key(name)
        absent = key in self._absent
        state, text = self._presence_of(name)
        if role == Qt.ItemDataRole.EditRole:
            return name
        if role == Qt.ItemDataRole.DisplayRole:
            return shown_name(name, "" if absent else text)
        if role == Qt.ItemDataRole.DecorationRole:
            return presence_icon(state, absent)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(self._colours.colour(name, self._dark))
        if role == Qt.ItemDataRole.FontRole and key == self._own_key:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            said = presence_words(name, state, text, own=key == self._own_key, absent=absent)
            return tooltip(said) if role == Qt.ItemDataRole.ToolTipRole else said
        return None

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def set_own_name(self, name: str) -> None:
        self._own_key = name_key(name)

    def set_name_colours(self, colours: NameColours) -> None:
        """Use the colours of the timeline listed beside: one name, one colour."""
        self._colours = colours
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1))

    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def set_presence_source(self, presence_of: PresenceOf) -> None:
        self._presence_of = presence_of

    def set_members(self, names: Iterable[str], present: Callable[[str], bool]) -> None:
        """The room's members; ``present`` tells who of them is online."""
        members = list(names)
        absent = {name_key(n) for n in members if not present(n)}

        def order(name: str) -> tuple[bool, str, str]:
            return (name_key(name) in absent, unicodedata.normalize("NFC", name).casefold(), name)

        self.beginResetModel()
        self._names = sorted(members, key=order)
        self._absent = absent
        self.endResetModel()
        self.count_changed.emit(len(self._names))

    def presence_changed(self, name: str) -> None:
        key = name_key(name)
        for row, listed in enumerate(self._names):
            if name_key(listed) == key:
                self.dataChanged.emit(self.index(row), self.index(row))
