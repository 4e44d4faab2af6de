"""The message list: every row the chat view shows, with bounded scrollback.

Rows are chat messages, presence events, notices, errors, local hints, the "missed
while you were away" divider and the unread marker. The user's own messages that
the server has not acknowledged yet (*pending*) are kept together at the bottom (the
*tail*); everything above it is in the server's order. When a pending message's echo
arrives, its row moves up to the end of the ordered part and becomes *sent*: every
client then shows the same order, the server's.

Bursts (a history replay) are inserted with one ``beginInsertRows`` per burst, and
the oldest rows are dropped with one ``beginRemoveRows`` once the scrollback is full.

Presence rows (joined, left) have a cap of their own and do not count against the
scrollback's: a storm of thousands of joins and leaves drops older presence rows,
never the conversation.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from chat_client_app.colours import NameColours
from chat_client_app.controller import Outgoing, SendState
from chat_client_app.message_entry import PRESENCE_KINDS, ROLE_NAMES, Entry, EntryKind, Role, epoch_of
from chat_client_app.past_rows import rows_for_past
from chat_client_app.plain_text import tooltip
from shared.messages import ChatMessage
from shared.validation import name_key

__all__ = [
    "EntryKind",
    "Entry",
    "Role",
    "MessageModel",
    "MentionsFilter",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_PRESENCE_ROWS",
]

DEFAULT_MAX_ROWS = 10_000
"""Rows kept by default (a setting): hours of a busy class chat in a few MB."""

DEFAULT_MAX_PRESENCE_ROWS = 1_000
"""Joined and left rows kept besides them: a whole school arriving at once, or a day of
comings and goings; past it only older presence rows go."""

AnyIndex = QModelIndex | QPersistentModelIndex


class MessageModel(QAbstractListModel):
    """Every row of the chat view; see the module docstring for the ordering rules."""

    def __init__(
        self,
        max_rows: int = DEFAULT_MAX_ROWS,
        parent: QObject | None = None,
        *,
        max_presence_rows: int = DEFAULT_MAX_PRESENCE_ROWS,
    ) -> None:
        super().__init__(parent)
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        if max_presence_rows < 1:
            raise ValueError("max_presence_rows must be at least 1")
        self._rows: list[Entry] = []
        self._tail = 0  # pending rows at the end
        self._max_rows = max_rows
        self._max_presence = max_presence_rows
        self._presence: deque[Entry] = deque()  # the presence rows, oldest first
        self._by_cid: dict[str, Entry] = {}  # pending and failed own messages
        self._own_name = ""
        self._own_key = ""
        self._mention_re: re.Pattern[str] | None = None
        self._dark = False
        self._colours = NameColours()

    # --- settings ---------------------------------------------------------------------

    @property
    def max_rows(self) -> int:
        return self._max_rows

    def set_max_rows(self, max_rows: int) -> None:
        self._max_rows = max(1, max_rows)
        self._trim()

    @property
    def own_name(self) -> str:
        return self._own_name

    def set_own_name(self, name: str) -> None:
        """The user's registered name: decides ``own`` and ``mention`` of later rows."""
        self._own_name = name
        self._own_key = name_key(name)
        # A mention is the name as a word of its own, in any case ("@Anna," "anna?").
        self._mention_re = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) if name else None

    @property
    def name_colours(self) -> NameColours:
        """Who has which colour here (the members list shows the same)."""
        return self._colours

    def set_dark(self, dark: bool) -> None:
        """Name colours for a dark (or light) palette."""
        if dark == self._dark:
            return
        self._dark = dark
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [Role.COLOUR])

    # --- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update(ROLE_NAMES)
        return names

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        entry = self._rows[row]
        if role == Role.ENTRY:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Role.TEXT):
            # Exactly the text as received: the view shows it as plain text.
            return entry.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.accessible_text(entry)
        if role == Role.KIND:
            return entry.kind.value
        if role == Role.SENDER:
            return entry.sender
        if role == Role.TIMESTAMP:
            return QDateTime.fromMSecsSinceEpoch(int(entry.epoch * 1000)) if entry.epoch else None
        if role == Role.OWN:
            return entry.own
        if role == Role.STATE:
            return entry.state.value if entry.state is not None else ""
        if role == Role.REASON:
            return entry.reason
        if role == Role.PEER:
            return entry.peer or ""
        if role == Role.PRIVATE:
            return entry.private
        if role == Role.COLOUR:
            return self._colours.colour(entry.sender, self._dark) if entry.sender else None
        if role == Role.MENTION:
            return entry.mention
        if role == Role.MESSAGE_ID:
            return entry.msg_id
        if role == Role.CID:
            return entry.cid or ""
        return None

    # --- reading -------------------------------------------------------------------

    def entry(self, row: int) -> Entry:
        return self._rows[row]

    def entries(self) -> Sequence[Entry]:
        """The rows, oldest first (read-only view for searching)."""
        return self._rows

    @property
    def pending_count(self) -> int:
        return self._tail

    def row_of(self, entry: Entry) -> int:
        """Row of ``entry`` (searching from the newest: that is where updates happen)."""
        rows = self._rows
        for row in range(len(rows) - 1, -1, -1):
            if rows[row] is entry:
                return row
        return -1

    def row_of_cid(self, cid: str) -> int:
        entry = self._by_cid.get(cid)
        return self.row_of(entry) if entry is not None else -1

    @staticmethod
    def accessible_text(entry: Entry) -> str:
        """What a screen reader says for a row."""
        if entry.kind is not EntryKind.MESSAGE:
            return entry.text
        who = entry.sender
        if entry.peer is not None:
            who = f"{entry.sender} → {entry.peer}"
        state = f" ({entry.state.value})" if entry.own and entry.state is not None else ""
        return f"{entry.local_time()} {who}: {entry.text}{state}"

    def _tooltip(self, entry: Entry) -> str | None:
        if not entry.epoch:
            return None
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.epoch))
        if entry.state is SendState.FAILED:
            return tooltip(f"{stamp}\n{entry.reason}")  # the reason is the server's words
        return stamp

    # --- adding rows -----------------------------------------------------------------

    @property
    def _boundary(self) -> int:
        return len(self._rows) - self._tail

    def _entry_for(self, message: ChatMessage) -> Entry:
        own = bool(self._own_key) and name_key(message.sender) == self._own_key
        peer = None
        if message.to is not None:
            peer = message.to if own else message.sender
        pattern = self._mention_re
        named = pattern is not None and pattern.search(message.text) is not None
        mention = not own and (peer is not None or named)
        return Entry(
            kind=EntryKind.MESSAGE,
            text=message.text,
            sender=message.sender,
            epoch=epoch_of(message.ts),
            msg_id=message.id,
            cid=message.cid if own else None,
            own=own,
            state=SendState.SENT if own else None,
            peer=peer,
            mention=mention,
            history=message.history,
            offline=own and message.offline,
        )

    def add_messages(self, messages: Iterable[ChatMessage]) -> list[Entry]:
        """Messages from the server, in its order (one insert per run between echoes).

        Returns the rows added (not the pending rows that an echo confirmed).
        """
        added: list[Entry] = []
        batch: list[Entry] = []
        for message in messages:
            pending = self._by_cid.get(message.cid) if message.cid is not None else None
            if pending is not None and pending.state is not SendState.SENT:
                self._insert(batch)
                batch = []
                self._confirm(pending, message)
            else:
                entry = self._entry_for(message)
                batch.append(entry)
                added.append(entry)
        self._insert(batch)
        self._trim()
        return added

    def insert_past(self, messages: Iterable[ChatMessage]) -> list[Entry]:
        """Messages from the past the user asked to see, each at its place by id above the
        pending rows (:func:`~chat_client_app.past_rows.rows_for_past`), none twice; not
        trimmed away at once when the scrollback is full. Returns the rows added."""
        added: list[Entry] = []
        for row, message in rows_for_past(self._rows[: self._boundary], messages):
            entry = self._entry_for(message)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, entry)
            self.endInsertRows()
            added.append(entry)
        return added

    def add_outgoing(self, out: Outgoing) -> None:
        """A say the user just typed: a pending row at the very bottom."""
        entry = Entry(
            kind=EntryKind.MESSAGE,
            text=out.text,
            sender=self._own_name,
            epoch=out.queued_at,
            cid=out.cid,
            own=True,
            state=out.state,
            peer=out.to,
        )
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(entry)
        if out.state is SendState.PENDING:
            self._tail += 1
        self.endInsertRows()
        self._by_cid[out.cid] = entry
        self._trim()

    def add_event(self, kind: EntryKind, text: str, sender: str = "", epoch: float | None = None) -> Entry:
        """A presence event, notice, error or local hint, above the pending messages."""
        entry = Entry(kind=kind, text=text, sender=sender, epoch=time.time() if epoch is None else epoch)
        self._insert([entry])
        if sender and kind is EntryKind.LEFT:
            self._colours.left(sender)  # free for the next newcomer (NameColours)
        elif sender and kind is EntryKind.JOINED:
            self._colours.arrived(sender)
        if kind in PRESENCE_KINDS:
            self._presence.append(entry)
            self._trim_presence()
        else:
            self._trim()
        return entry

    def add_divider(self, text: str, count: int, first_id: int) -> None:
        """The "N missed while you were away" row, just above message ``first_id``."""
        row = self._boundary
        if first_id:
            for candidate in range(self._boundary - 1, -1, -1):
                msg_id = self._rows[candidate].msg_id
                if msg_id == first_id:
                    row = candidate
                    break
                if 0 < msg_id < first_id:
                    break  # ids only grow: it is not here (trimmed away already)
        entry = Entry(kind=EntryKind.DIVIDER, text=text, epoch=time.time(), count=count)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, entry)
        self.endInsertRows()
        self._trim()

    def place_unread_marker(self, text: str) -> None:
        """Move the unread marker to just above the next row to arrive."""
        self.remove_kind(EntryKind.UNREAD)
        self._insert([Entry(kind=EntryKind.UNREAD, text=text, epoch=time.time())])
        self._trim()

    def remove_kind(self, kind: EntryKind) -> None:
        """Remove every row of ``kind`` (markers; there are few of them)."""
        for row in range(len(self._rows) - 1, -1, -1):
            if self._rows[row].kind is kind:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()

    def _insert(self, entries: list[Entry]) -> None:
        if not entries:
            return
        if len(entries) > self._max_rows:
            entries = entries[-self._max_rows :]  # older than the scrollback: never shown
        row = self._boundary
        self.beginInsertRows(QModelIndex(), row, row + len(entries) - 1)
        self._rows[row:row] = entries
        self.endInsertRows()

    def _trim(self) -> None:
        """Drop the oldest rows while more than ``max_rows`` are not presence rows (and
        the presence rows older than those)."""
        excess = len(self._rows) - len(self._presence) - self._max_rows
        if excess <= 0:
            return
        # Only rows above the pending ones go: what the user is still sending stays.
        rows, boundary, cut = self._rows, self._boundary, 0
        while excess > 0 and cut < boundary:
            if rows[cut].kind not in PRESENCE_KINDS:
                excess -= 1
            cut += 1
        if cut == 0:
            return
        self.beginRemoveRows(QModelIndex(), 0, cut - 1)
        dropped = rows[:cut]
        del rows[:cut]
        self.endRemoveRows()
        presence = self._presence
        for entry in dropped:
            if entry.cid is not None:
                self._by_cid.pop(entry.cid, None)
            elif presence and presence[0] is entry:
                presence.popleft()

    def _trim_presence(self) -> None:
        """Drop the oldest presence rows beyond ``max_presence_rows``."""
        presence = self._presence
        while len(presence) > self._max_presence:
            # Identity, not equality (Entry has eq=False): a scan in C up to that row.
            row = self._rows.index(presence.popleft())
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # --- send states -----------------------------------------------------------------

    def _leave_tail(self, entry: Entry) -> int:
        """Move a pending row up to the end of the ordered part; returns its new row."""
        row = self.row_of(entry)
        boundary = self._boundary
        if row < boundary:
            return row  # not in the tail
        if row != boundary:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), boundary)
            self._rows.insert(boundary, self._rows.pop(row))
            self.endMoveRows()
        self._tail -= 1
        return boundary

    def _confirm(self, entry: Entry, message: ChatMessage) -> None:
        row = self._leave_tail(entry)
        entry.msg_id = message.id
        entry.sender = message.sender  # as the server stored it
        entry.epoch = epoch_of(message.ts)
        entry.time_text = ""
        entry.state = SendState.SENT
        entry.reason = ""
        entry.offline = message.offline
        if entry.cid is not None:
            self._by_cid.pop(entry.cid, None)
        self._changed(row)

    def set_send_state(self, cid: str, state: SendState | str, reason: str = "") -> None:
        """The controller's verdict on one of the user's messages."""
        entry = self._by_cid.get(cid)
        if entry is None:
            return  # confirmed by its echo already, or scrolled away
        new = SendState(state)
        if new is SendState.PENDING:
            row = self.row_of(entry)
            if row < self._boundary:
                last = len(self._rows) - 1
                if row != last:
                    # A retried message goes back to the bottom, with the others being sent.
                    self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), len(self._rows))
                    self._rows.append(self._rows.pop(row))
                    self.endMoveRows()
                    row = last
                self._tail += 1
            entry.state = SendState.PENDING
            entry.reason = ""
            self._changed(row)
            return
        row = self._leave_tail(entry)
        entry.state = new
        entry.reason = reason
        if new is SendState.SENT:
            self._by_cid.pop(cid, None)
        self._changed(row)

    def _changed(self, row: int) -> None:
        self._rows[row].size_cache = (-1, 0)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    # --- clearing --------------------------------------------------------------------

    def clear(self, include_pending: bool = False) -> None:
        """Forget every row; the messages still being sent too only if asked to."""
        end = len(self._rows) if include_pending else self._boundary
        if end == 0:
            return
        self.beginRemoveRows(QModelIndex(), 0, end - 1)
        dropped = self._rows[:end]
        del self._rows[:end]
        if include_pending:
            self._tail = 0
        self._presence.clear()  # never in the pending tail: all of them went
        self.endRemoveRows()
        for entry in dropped:
            if entry.cid is not None:
                self._by_cid.pop(entry.cid, None)

    def invalidate_sizes(self) -> None:
        """Forget the delegate's cached sizes (the font changed)."""
        for entry in self._rows:
            entry.size_cache = (-1, 0)


class MentionsFilter(QSortFilterProxyModel):
    """Only others' rows that mention the user or are private to them: what the user
    wrote is never news to them, not even a private message of their own."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(Role.MENTION)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, MessageModel) or source_parent.isValid():
            return False
        entry = model.entry(source_row)
        return entry.mention and not entry.own
