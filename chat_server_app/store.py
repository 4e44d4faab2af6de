"""Message history: a small store interface, and SQLite as the embedded default.

The engine assigns ids; a store persists a batch of messages in one transaction
and answers the replay queries. A server-grade database can take SQLite's place
by implementing :class:`HistoryStore`.
"""

from __future__ import annotations

import bisect
import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import NamedTuple, Protocol

__all__ = [
    "StoredMessage",
    "HistoryStore",
    "SqliteStore",
    "MemoryStore",
    "StoreError",
    "CHECKPOINT_INTERVAL",
    "WAL_FRAMES_LIMIT",
]

CHECKPOINT_INTERVAL = 0.5
"""Seconds between two checkpoints of the history's log, while messages come in."""

WAL_FRAMES_LIMIT = 4096
"""Pages in the history's log (16 MiB) past which a commit checkpoints by itself.

SQLite starts the log over only when a write finds all of it copied, which steady
commits racing the checkpointer never let happen: without this backstop the log grew
without end (found in review: 968 MB in 10 s of back-to-back commits). At a busy
server's pace a commit then checkpoints every second or so, on the event loop, as
SQLite's default of 1 000 pages did four times as often; a light one never reaches it."""


class StoreError(Exception):
    """The history could not be opened, read or written."""


class StoredMessage(NamedTuple):
    """One accepted message as it is kept.

    ``sender_key``/``to_key`` are the casefolded names, so that private messages are
    replayed to their two parties whatever case they reconnect with.

    A named tuple: as immutable as a frozen dataclass, made in a third of the time
    (the server makes one per message), and SQLite binds it as a row as it stands:
    the fields are in the order of ``_COLUMNS``.
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


class HistoryStore(Protocol):
    def append(self, messages: Sequence[StoredMessage]) -> None:
        """Persist a batch in one transaction; durable once this returns."""

    def since(self, after_id: int, viewer_key: str) -> list[StoredMessage]:
        """Every message after ``after_id`` that ``viewer_key`` may see, in id order."""

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        """The newest ``count`` messages ``viewer_key`` may see, in id order."""

    def message(self, message_id: int) -> StoredMessage | None:
        """The message stored under ``message_id``, if any."""

    def last_id(self) -> int:
        """The id of the newest message stored, 0 if none."""

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        """Messages with a ``cid`` accepted after ``after_epoch``, for de-duplication.

        Newest first back to the first message (with a cid or not) accepted at or
        before ``after_epoch``, then in id order: ids follow acceptance, so a clock set
        back and forth again does not make messages from before the step count as
        recent, and the walk never goes further back than the window.
        """

    def close(self) -> None:
        """Release the store."""


def _recent_with_cids(newest_first: Iterable[StoredMessage], after_epoch: float) -> list[StoredMessage]:
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


def _id_of(message: StoredMessage) -> int:
    return message.id


def _visible(message: StoredMessage, viewer_key: str) -> bool:
    return message.to_key is None or viewer_key in (message.sender_key, message.to_key)


class MemoryStore:
    """History kept in memory only: for tests and throwaway servers."""

    def __init__(self) -> None:
        self._messages: list[StoredMessage] = []

    def append(self, messages: Sequence[StoredMessage]) -> None:
        self._messages.extend(messages)

    def since(self, after_id: int, viewer_key: str) -> list[StoredMessage]:
        return [m for m in self._messages if m.id > after_id and _visible(m, viewer_key)]

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        if count <= 0:
            return []
        return [m for m in self._messages if _visible(m, viewer_key)][-count:]

    def message(self, message_id: int) -> StoredMessage | None:
        at = bisect.bisect_left(self._messages, message_id, key=_id_of)
        if at < len(self._messages) and self._messages[at].id == message_id:
            return self._messages[at]
        return None

    def last_id(self) -> int:
        return self._messages[-1].id if self._messages else 0

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        return _recent_with_cids(reversed(self._messages), after_epoch)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    epoch REAL NOT NULL,
    sender TEXT NOT NULL,
    sender_key TEXT NOT NULL,
    text TEXT NOT NULL,
    cid TEXT,
    recipient TEXT,
    recipient_key TEXT
);
-- Earlier versions indexed epoch for recent_cids, and (sender_key, cid) for the cid
-- look-ups that the engine's cid memory now answers with message ids: both cost every
-- message more than the queries they served (a log page per message for the second,
-- with clients' random cids). Gone.
DROP INDEX IF EXISTS messages_epoch_cid;
DROP INDEX IF EXISTS messages_sender_cid;
"""
_COLUMNS = "id, ts, sender, sender_key, text, cid, recipient, recipient_key, epoch"
"""The columns in the order of :class:`StoredMessage`'s fields: a row is one as it stands."""

_ROWS_PER_INSERT = 32
"""Rows one INSERT statement takes. A statement of many rows is bound and stepped
once: 3.7 us a message against 5.3 for ``executemany``'s statement per row (90 rows a
transaction, a busy pass); 32 x 9 parameters stay under the 999 of older SQLites."""

_INSERTS = [""] + [
    f"INSERT INTO messages ({_COLUMNS}) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * rows)  # noqa: S608
    for rows in range(1, _ROWS_PER_INSERT + 1)
]
"""The INSERT of n rows at index n (a busy pass's last few rows take their own size)."""
_VISIBLE = "(recipient_key IS NULL OR sender_key = :viewer OR recipient_key = :viewer)"


class _Checkpointer:
    """Copies the history's log into the database file, on a thread of its own.

    SQLite checkpoints inside a commit once the log passes 1 000 pages, and with
    ``synchronous=NORMAL`` a checkpoint syncs both files: at 100 messages a second
    that stalled the event loop 5 ms every 3 s, on whichever broadcast came next
    (measured under F1000). Here the wait for the disk happens on this thread, with
    its own connection, outside the GIL; PASSIVE never waits for the writer nor makes
    it wait.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self.commits = 0  # bumped by the writer; read here, under the GIL
        self.checkpoints = 0
        self.failed: str | None = None
        self._thread = threading.Thread(target=self._run, name="history-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=True)
        except sqlite3.Error as exc:
            self.failed = str(exc)
            return
        seen = 0
        try:
            while not self._stop.wait(CHECKPOINT_INTERVAL):
                if self.commits != seen:
                    seen = self.commits
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
        except Exception as exc:  # whatever stops it, SQLite checkpoints again
            self.failed = str(exc) or type(exc).__name__
        finally:
            db.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class SqliteStore:
    """History in one SQLite file, in WAL mode.

    ``synchronous=NORMAL`` with WAL: a commit is a write to the log, with no fsync
    on the event loop's path; what was committed survives the server being killed
    (SIGKILL). Only a power cut can lose the last commits before a checkpoint, which
    :class:`_Checkpointer` runs off the event loop.
    """

    FILENAME = "history.sqlite3"

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()
            # The checkpointer's job; the commits' only past WAL_FRAMES_LIMIT.
            self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_FRAMES_LIMIT}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the history at {path}: {exc}") from None
        self._last_id = int(row[0])
        self._checkpointer: _Checkpointer | None = _Checkpointer(path)

    @classmethod
    def in_dir(cls, data_dir: Path) -> SqliteStore:
        return cls(data_dir / cls.FILENAME)

    @property
    def path(self) -> Path:
        return self._path

    def append(self, messages: Sequence[StoredMessage]) -> None:
        if not messages:
            return
        try:
            # One statement is a transaction of its own (the connection autocommits): a
            # pass of up to 32 messages, as every pass at a trickle is, needs no BEGIN and
            # COMMIT around it, two round trips into SQLite fewer (17 us instead of 19).
            several = len(messages) > _ROWS_PER_INSERT
            if several:
                self._db.execute("BEGIN")
            for start in range(0, len(messages), _ROWS_PER_INSERT):
                rows = messages[start : start + _ROWS_PER_INSERT]
                self._db.execute(_INSERTS[len(rows)], tuple(chain.from_iterable(rows)))
            if several:
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"cannot write the history: {exc}") from None
        self._last_id = max(self._last_id, messages[-1].id)
        if (checkpointer := self._checkpointer) is not None:
            checkpointer.commits += 1
            if checkpointer.failed is not None:
                self._checkpoint_on_commit()

    def _checkpoint_on_commit(self) -> None:
        """The checkpointer stopped: SQLite's own checkpoints again, or the log grows forever."""
        self._checkpointer = None
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_autocheckpoint=1000")

    @property
    def checkpoints(self) -> int:
        """Checkpoints made off the event loop so far."""
        return self._checkpointer.checkpoints if self._checkpointer is not None else 0

    def _query(self, sql: str, params: dict[str, object]) -> list[StoredMessage]:
        try:
            rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history: {exc}") from None
        return list(map(StoredMessage._make, rows))

    def since(self, after_id: int, viewer_key: str) -> list[StoredMessage]:
        # SQLite integers are 64-bit: a larger ``since`` asks for nothing at all.
        if after_id >= 2**63 - 1:
            return []
        after_id = max(after_id, -1)
        return self._query(
            # Only constants are spliced in; values go through parameters.
            f"SELECT {_COLUMNS} FROM messages WHERE id > :after AND {_VISIBLE} ORDER BY id",  # noqa: S608
            {"after": after_id, "viewer": viewer_key},
        )

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        if count <= 0:
            return []
        newest = self._query(
            f"SELECT {_COLUMNS} FROM messages WHERE {_VISIBLE} ORDER BY id DESC LIMIT :count",  # noqa: S608
            {"count": count, "viewer": viewer_key},
        )
        newest.reverse()
        return newest

    def message(self, message_id: int) -> StoredMessage | None:
        if not -(2**63) <= message_id < 2**63:
            return None  # beyond SQLite's integers: not an id it could hold
        found = self._query(
            f"SELECT {_COLUMNS} FROM messages WHERE id = :id",  # noqa: S608
            {"id": message_id},
        )
        return found[0] if found else None

    def last_id(self) -> int:
        return self._last_id

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        # Backwards along the ids, not through an index on epoch: that index cost
        # every message a microsecond (a sixth of storing it) to serve this one
        # query at startup. Every message stops the walk, not only those with a cid:
        # a history with none that old would otherwise be read to its first row.
        try:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM messages ORDER BY id DESC")  # noqa: S608
            return _recent_with_cids(map(StoredMessage._make, rows), after_epoch)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history: {exc}") from None

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        with contextlib.suppress(sqlite3.Error):
            # The last connection to close checkpoints what is left and removes the log.
            self._db.close()
