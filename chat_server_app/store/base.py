"""The records a history keeps and the interface every store implements."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple, Protocol

__all__ = [
    "StoreError",
    "StoredMessage",
    "Reservation",
    "BanKind",
    "Ban",
    "RoomRecord",
    "HistoryStore",
    "HistoryReads",
    "HistoryLookups",
    "SearchPage",
    "Around",
    "SEARCH_SCAN",
    "AROUND_SCAN",
    "search_words",
]


class StoreError(Exception):
    """The history could not be opened, read or written."""


class StoredMessage(NamedTuple):
    """One accepted message as it is kept.

    ``sender_key``/``to_key`` are the casefolded names, so that private messages are
    replayed to their two parties whatever case they reconnect with.
    ``sender_owner``/``to_owner`` are the hashes of the tokens that owned the
    sender's and the recipient's names when it was accepted (None: no token): a
    private message is replayed by owner, not by name (PROTOCOL.md §8.1).

    A named tuple: as immutable as a frozen dataclass, made in a third of the time
    (the server makes one per message), and SQLite binds it as a row as it stands:
    the fields are in the order of the table's columns (``schema.COLUMNS``).
    """

    id: int
    ts: str
    sender: str
    sender_key: str
    text: str
    cid: str | None = None
    to: str | None = None
    to_key: str | None = None
    epoch: float = 0.0
    sender_owner: str | None = None
    to_owner: str | None = None
    room: str | None = None
    """The room's name, ``None`` for ``general`` (and for private messages)."""


SEARCH_SCAN = 5000
"""The most matches of a search's words one search examines, whoever may see them: a
common word in rooms the searcher is not in would otherwise have the event loop read
all of them to fill a page (bench/README.md, "Bounded search")."""

AROUND_SCAN = 5000
"""The most messages of the history, on each side of a message, that a page of
``general`` or of a private conversation around it is looked for in (those have no
index of their own: the walk follows the ids)."""


class SearchPage(NamedTuple):
    """What one bounded search found (:meth:`HistoryStore.search`)."""

    messages: list[StoredMessage]
    """The matches the viewer may see, newest first."""
    resume: int | None
    """The ``before_id`` the next page starts from; None when no older match is left."""


class Around(NamedTuple):
    """A page of one chat's history around a message (:meth:`HistoryStore.around`)."""

    messages: list[StoredMessage]
    """In id order."""
    older: bool
    """Older messages of the chat may come before the first (the page or the walk ended)."""
    newer: bool
    """Newer ones may come after the last."""


class RoomRecord(NamedTuple):
    """A room as kept across restarts (PROTOCOL.md §8.3): ``general`` is not one."""

    key: str
    """The room's key, as names are compared (one room per key)."""
    name: str
    topic: str = ""
    read_only: bool = False
    since_epoch: float = 0.0
    members: frozenset[str] = frozenset()
    """The owners (token hashes) of the reserved names in it."""
    kept: bool = False
    """Made by the operator: kept with no one in it, until the operator closes it."""


class Reservation(NamedTuple):
    """A name kept for the token that first registered it (PROTOCOL.md §8.1)."""

    key: str
    """The name's key, as the server compares names (one reservation per key)."""
    name: str
    """The name as it was registered, for the operator's list."""
    owner: str
    """The hash of the token that owns the name."""
    since_epoch: float


class BanKind(enum.Enum):
    """What a ban's ``value`` is."""

    NAME = "name"
    """A name's key."""
    OWNER = "owner"
    """A token's hash."""
    ADDRESS = "address"
    """An IP address, as text."""


class Ban(NamedTuple):
    """The operator's ban of a name, a token or an address (PROTOCOL.md §8.1)."""

    kind: BanKind
    value: str
    until: float | None
    """Epoch seconds when it lapses; None: until the operator lifts it."""
    reason: str
    since_epoch: float

    def active(self, now: float) -> bool:
        return self.until is None or self.until > now


class HistoryLookups(Protocol):
    """The reads a search and a page of the past make: the store's own, or a reader's."""

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage: ...

    def around(
        self,
        message_id: int,
        viewer_owner: str | None,
        *,
        room: str | None = None,
        with_key: str | None = None,
        count: int = 25,
        scan: int = AROUND_SCAN,
    ) -> Around: ...


class HistoryReads(HistoryLookups, Protocol):
    """A second way into the history, for :meth:`HistoryStore.search` and
    :meth:`HistoryStore.around` on a thread of their own (:meth:`HistoryStore.reader`)."""

    def interrupt(self) -> None:
        """Stop a read under way (from any thread): it raises :class:`StoreError`."""

    def close(self) -> None: ...


class HistoryStore(Protocol):
    """Messages, reserved names and bans: what the server keeps across restarts.

    Every method that reads or writes raises :class:`StoreError`, whatever the
    storage underneath fails with; ``last_id`` and ``server_id`` are known from
    the moment the store is open and do not fail.
    """

    def append(self, messages: Sequence[StoredMessage]) -> None:
        """Persist a batch in one transaction; durable once this returns."""

    def since(
        self,
        after_id: int,
        viewer_owner: str | None,
        limit: int | None = None,
        rooms: Collection[str] = (),
    ) -> list[StoredMessage]:
        """The messages after ``after_id`` that ``viewer_owner`` may see, in id order:
        the first ``limit`` of them, or all with None. A negative ``after_id`` reads
        from the first message on. A viewer sees ``general`` and the ``rooms`` named."""

    def last(self, count: int, viewer_owner: str | None, rooms: Collection[str] = ()) -> list[StoredMessage]:
        """The newest ``count`` messages ``viewer_owner`` may see, in id order."""

    def replay_start(
        self, after_id: int, viewer_owner: str | None, max_count: int, rooms: Collection[str] = ()
    ) -> tuple[int, bool]:
        """Where a bounded replay after ``after_id`` starts, and whether it leaves any out.

        The id ``start`` such that at most ``max_count`` messages that ``viewer_owner``
        may see follow it, all of them after ``after_id``; ``truncated`` says whether
        some such messages after ``after_id`` come at or before ``start``. Without
        truncation ``start`` is ``after_id`` itself. The replay is then read in
        slices: ``since(start, viewer_owner, limit=n)``, then from the last id read.
        """

    def message(self, message_id: int) -> StoredMessage | None:
        """The message stored under ``message_id``, if any."""

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage:
        """Messages whose text holds every word of ``query`` (:func:`search_words`), the
        last one as a word's beginning too, newest first, older than ``before_id`` (None:
        from the newest).

        At most ``scan`` such matches are examined, whoever may see them; of those, the
        first ``limit`` that ``viewer_owner`` may see (:func:`visible`) are returned.
        ``resume`` is where the next page starts: the oldest id returned when ``limit``
        were found, else the oldest match examined when ``scan`` were, else None. A
        query without words finds nothing. Its cost is bounded by the index and
        ``scan``, not by the length of the history: it runs on the event loop."""

    def around(
        self,
        message_id: int,
        viewer_owner: str | None,
        *,
        room: str | None = None,
        with_key: str | None = None,
        count: int = 25,
        scan: int = AROUND_SCAN,
    ) -> Around:
        """Up to ``count`` messages of one chat older than ``message_id`` and up to
        ``count`` from it on, in id order: of ``room`` (its name), or of the private
        conversation of ``viewer_owner`` with the name whose key is ``with_key``, or of
        ``general`` with neither. A room's are found however far apart (its index); the
        others only among the ``scan`` messages of the history nearest ``message_id`` on
        each side. A viewer without an owner has no private conversation."""

    def index_pending(self) -> None:
        """Make every stored message findable by :meth:`search` on a :meth:`reader`
        (a store that indexes as it stores has nothing to do)."""

    def reader(self) -> HistoryReads | None:
        """A connection of its own for searches and pages of the past, to be used on
        one other thread and closed there; None: read through the store itself."""

    def last_id(self) -> int:
        """The highest id ever stored, 0 if none: it never goes back, not even when
        the newest messages are deleted, so that no id is handed out twice."""

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        """Messages with a ``cid`` accepted after ``after_epoch``, for de-duplication.

        Newest first back to the first message (with a cid or not) accepted at or
        before ``after_epoch``, then in id order: ids follow acceptance, so a clock set
        back and forth again does not make messages from before the step count as
        recent, and the walk never goes further back than the window.
        """

    def server_id(self) -> str:
        """An id that stays the same for as long as this history does (``welcome.server_id``)."""

    def reservations(self) -> list[Reservation]:
        """Every reserved name, by key."""

    def reserve(self, reservation: Reservation) -> None:
        """Keep a name for its owner, in place of any reservation of the same key."""

    def release(self, key: str) -> bool:
        """Free a reserved name; whether it was reserved."""

    def bans(self, now: float | None = None) -> list[Ban]:
        """Every ban, by kind and value. With ``now``, the bans lapsed by then are
        deleted and left out; the caller still checks :meth:`Ban.active` when it
        enforces one, since a ban lapses while the server runs."""

    def add_ban(self, ban: Ban) -> None:
        """Keep a ban, in place of any of the same kind and value."""

    def remove_ban(self, kind: BanKind, value: str) -> bool:
        """Lift a ban; whether there was one."""

    def room_tail(self, room: str, count: int) -> list[StoredMessage]:
        """The newest ``count`` messages of ``room`` (its name), in id order: what a user
        who joins it is shown of its past."""

    def rooms(self) -> list[RoomRecord]:
        """Every room kept, by key, with its reserved members."""

    def save_room(self, room: RoomRecord) -> None:
        """Keep a room (its name, topic, read-only and members), in place of any of its key."""

    def drop_room(self, key: str) -> None:
        """Forget a room and its members (its messages stay in the history)."""

    def close(self) -> None:
        """Release the store."""


def visible(message: StoredMessage, viewer_owner: str | None, rooms: Collection[str] = ()) -> bool:
    """Whether a replay shows ``message`` to a session of ``viewer_owner`` (§8.1).

    A private message belongs to the tokens that owned its two names: a session
    without a token sees none, whatever name it took. A private message stored
    without owners (before owners were kept, or between tokenless names) is thus
    replayed to no one: its parties were known only by name, which anyone may
    have taken since."""
    if message.to_key is None:
        return message.room is None or message.room in rooms
    return viewer_owner is not None and viewer_owner in (message.sender_owner, message.to_owner)


def in_chat(message: StoredMessage, viewer_owner: str | None, room: str | None, with_key: str | None) -> bool:
    """Whether ``message`` is of the chat :meth:`HistoryStore.around` reads: ``room``
    (None: ``general``), or with ``with_key`` the private conversation of
    ``viewer_owner`` with that name, by owner on the viewer's side as a replay is."""
    if with_key is None:
        return message.to_key is None and message.room == room
    return (
        viewer_owner is not None
        and message.to_key is not None
        and (
            (message.sender_owner == viewer_owner and message.to_key == with_key)
            or (message.to_owner == viewer_owner and message.sender_key == with_key)
        )
    )


_WORD = re.compile(r"[^\W_]+")
"""A word as SQLite's unicode61 tokenizer reads one: letters and digits."""


PREFIX_MIN_CHARS = 3
"""A search's last word this long or longer also matches the words it begins ("quak"
finds "quake"); a shorter one would merge the lists of thousands of words."""


def search_words(text: str) -> list[str]:
    """The words of ``text`` as a search compares them: casefolded and without accents,
    as SQLite's ``unicode61 remove_diacritics 2`` reads them; punctuation only parts them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c)))


def recent_with_cids(newest_first: Iterable[StoredMessage], after_epoch: float) -> list[StoredMessage]:
    """:meth:`HistoryStore.recent_cids` from the messages, newest first: back to the
    first one accepted at or before ``after_epoch``, those with a cid, in id order."""
    recent = []
    for message in newest_first:
        if message.epoch <= after_epoch:
            break
        if message.cid is not None:
            recent.append(message)
    recent.reverse()
    return recent


def ban_order(ban: Ban) -> tuple[str, str]:
    return ban.kind.value, ban.value
