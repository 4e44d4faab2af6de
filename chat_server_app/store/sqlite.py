"""History in one SQLite file: the embedded default store."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

from chat_server_app.store.base import StoredMessage, StoreError, recent_with_cids
from chat_server_app.store.checkpoint import WAL_FRAMES_LIMIT, Checkpointer
from chat_server_app.store.schema import COLUMNS, INSERTS, ROWS_PER_INSERT, SCHEMA, VISIBLE

__all__ = ["SqliteStore"]


class SqliteStore:
    """History in one SQLite file, in WAL mode.

    ``synchronous=NORMAL`` with WAL: a commit is a write to the log, with no fsync
    on the event loop's path; what was committed survives the server being killed
    (SIGKILL). Only a power cut can lose the last commits before a checkpoint, which
    :class:`Checkpointer` runs off the event loop.
    """

    FILENAME = "history.sqlite3"

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()
            # The checkpointer's job; the commits' only past WAL_FRAMES_LIMIT.
            self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_FRAMES_LIMIT}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the history at {path}: {exc}") from None
        self._last_id = int(row[0])
        self._checkpointer: Checkpointer | None = Checkpointer(path)

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
            several = len(messages) > ROWS_PER_INSERT
            if several:
                self._db.execute("BEGIN")
            for start in range(0, len(messages), ROWS_PER_INSERT):
                rows = messages[start : start + ROWS_PER_INSERT]
                self._db.execute(INSERTS[len(rows)], tuple(chain.from_iterable(rows)))
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
            f"SELECT {COLUMNS} FROM messages WHERE id > :after AND {VISIBLE} ORDER BY id",  # noqa: S608
            {"after": after_id, "viewer": viewer_key},
        )

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        if count <= 0:
            return []
        newest = self._query(
            f"SELECT {COLUMNS} FROM messages WHERE {VISIBLE} ORDER BY id DESC LIMIT :count",  # noqa: S608
            {"count": count, "viewer": viewer_key},
        )
        newest.reverse()
        return newest

    def message(self, message_id: int) -> StoredMessage | None:
        if not -(2**63) <= message_id < 2**63:
            return None  # beyond SQLite's integers: not an id it could hold
        found = self._query(
            f"SELECT {COLUMNS} FROM messages WHERE id = :id",  # noqa: S608
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
            rows = self._db.execute(f"SELECT {COLUMNS} FROM messages ORDER BY id DESC")  # noqa: S608
            return recent_with_cids(map(StoredMessage._make, rows), after_epoch)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history: {exc}") from None

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        with contextlib.suppress(sqlite3.Error):
            # The last connection to close checkpoints what is left and removes the log.
            self._db.close()
