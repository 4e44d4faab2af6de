"""The message log as a bounded list model: chat messages and server events, oldest first."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication

from chat_server_app.core.privacy import operator_view
from chat_server_app.dashboard.colours import Tone, is_dark, tone_colour
from chat_server_app.dashboard.formatting import local_clock, one_line, plain_tooltip
from chat_server_app.store import StoredMessage

__all__ = ["LogKind", "LogEntry", "LogModel", "KIND_ROLE", "TEXT_ROLE", "MAX_ROWS", "DISPLAY_MAX_CHARS"]

MAX_ROWS = 5000
"""Scrollback kept: an hour of a busy classroom, and a flood cannot grow memory or
make the view slow."""

DISPLAY_MAX_CHARS = 500
"""Characters of one entry shown on its row: wider than any screen; the tooltip
and Copy have the whole text."""

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
"""The entry's :class:`LogKind` value (a string), for styling delegates and tests."""

TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
"""The entry's whole text with its time, unshortened: what Copy puts on the clipboard."""

_Index = QModelIndex | QPersistentModelIndex


class LogKind(enum.Enum):
    MESSAGE = "message"
    PRIVATE = "private"
    JOIN = "join"
    LEAVE = "leave"
    KICK = "kick"
    ERROR = "error"
    NOTICE = "notice"
    SERVER = "server"


@dataclass(frozen=True, slots=True)
class LogEntry:
    kind: LogKind
    epoch: float
    text: str


@dataclass(frozen=True, slots=True)
class _Style:
    tone: Tone | None  # None: the palette's own text colour
    bold: bool = False
    italic: bool = False


# Colour is never the only cue: every kind also reads differently as text.
_STYLES: dict[LogKind, _Style] = {
    LogKind.MESSAGE: _Style(None),
    LogKind.PRIVATE: _Style(Tone.PURPLE, italic=True),
    LogKind.JOIN: _Style(Tone.GREEN),
    LogKind.LEAVE: _Style(Tone.ORANGE),
    LogKind.KICK: _Style(Tone.RED, bold=True),
    LogKind.ERROR: _Style(Tone.RED),
    LogKind.NOTICE: _Style(Tone.BLUE, bold=True),
    LogKind.SERVER: _Style(None, italic=True),
}


def message_entry(message: StoredMessage, reads_private: bool = False) -> LogEntry:
    """``sender: text``; for a private message ``sender → to (private)``, or with its
    text when the operator reads private messages."""
    header, text = operator_view(message, reads_private)
    kind = LogKind.MESSAGE if message.to is None else LogKind.PRIVATE
    return LogEntry(kind, message.epoch, f"{header}: {text}" if text is not None else f"{header} (private)")


class LogModel(QAbstractListModel):
    """At most ``max_rows`` entries; appending past that drops the oldest.

    Every string is returned as plain text for ``DisplayRole``: a view must not
    interpret it (a QListView does not).
    """

    def __init__(self, max_rows: int = MAX_ROWS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        self._max_rows = max_rows
        self._entries: list[LogEntry] = []
        app = QGuiApplication.instance()
        self._dark = isinstance(app, QGuiApplication) and is_dark(app.palette())
        self._fonts: dict[LogKind, QFont] = {}

    @property
    def max_rows(self) -> int:
        return self._max_rows

    def entry(self, row: int) -> LogEntry:
        return self._entries[row]

    # --- changing ----------------------------------------------------------------

    def append(self, entries: Sequence[LogEntry]) -> None:
        """Add entries at the end: one removal and one insertion, however many there are."""
        if not entries:
            return
        if len(entries) > self._max_rows:
            entries = entries[-self._max_rows :]
        overflow = len(self._entries) + len(entries) - self._max_rows
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._entries[:overflow]
            self.endRemoveRows()
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self._entries.extend(entries)
        self.endInsertRows()

    def append_messages(self, messages: Sequence[StoredMessage], reads_private: bool = False) -> None:
        """One ``messages_posted`` batch of the engine, as one insertion."""
        self.append([message_entry(m, reads_private) for m in messages])

    def clear(self) -> None:
        if not self._entries:
            return
        self.beginRemoveRows(QModelIndex(), 0, len(self._entries) - 1)
        self._entries.clear()
        self.endRemoveRows()

    def set_dark(self, dark: bool) -> None:
        """Pick the colour shades for a dark (or light) palette."""
        if dark == self._dark:
            return
        self._dark = dark
        if self._entries:
            last = self.index(len(self._entries) - 1, 0)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])

    # --- Qt's model interface ------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{local_clock(entry.epoch)}  {one_line(entry.text, DISPLAY_MAX_CHARS)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = _STYLES[entry.kind].tone
            return None if tone is None else tone_colour(tone, self._dark)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(entry.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(entry.text)
        if role == KIND_ROLE:
            return entry.kind.value
        if role == TEXT_ROLE:
            return f"{local_clock(entry.epoch)}  {entry.text}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _font(self, kind: LogKind) -> QFont | None:
        style = _STYLES[kind]
        if not (style.bold or style.italic):
            return None
        font = self._fonts.get(kind)
        if font is None:
            font = QFont()
            font.setBold(style.bold)
            font.setItalic(style.italic)
            self._fonts[kind] = font
        return font
