"""Reading a SQLite history: what the store's own connection and a reader's share.

A search or a page of one chat's past (§8.7, §8.8) may read for tens of milliseconds
(a common word as a prefix merges the index's whole lists). The store's connection is
the event loop's, so these reads also run on a :class:`SqliteReader`, a connection of
its own that a worker thread holds: SQLite lets readers run beside the writer in WAL
mode, and Python's sqlite3 lets go of the interpreter while SQLite works, so a long
search delays no one's chat. Both read alike: the statements live here, once.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from chat_server_app.store import integrity, search_index
from chat_server_app.store.base import (
    AROUND_SCAN,
    SEARCH_SCAN,
    Around,
    SearchPage,
    StoredMessage,
    StoreError,
)
from chat_server_app.store.integrity import MESSAGES, message_ok
from chat_server_app.store.schema import COLUMNS, visible_sql

__all__ = ["SqliteReads", "SqliteReader", "SQLITE_MAX_ID", "bound"]

_SEARCH_COLUMNS = ", ".join("m." + c.strip() for c in COLUMNS.split(","))
_SEARCH_NULLS = ", ".join(["NULL"] * (len(COLUMNS.split(",")) - 3))

SQLITE_MAX_ID = 2**63 - 1
"""SQLite's integers are 64-bit: no id lies beyond."""


_PRIVATE_WITH = (
    "recipient_key IS NOT NULL AND ((sender_owner = :owner AND recipient_key = :with)"
    " OR (recipient_owner = :owner AND sender_key = :with))"
)
"""The viewer's private conversation with one name, as :func:`~chat_server_app.store.base.in_chat` says."""

_BELOW = "SELECT id FROM messages WHERE id < :at ORDER BY id DESC LIMIT 1 OFFSET :skip"
_ABOVE = "SELECT id FROM messages WHERE id >= :at ORDER BY id LIMIT 1 OFFSET :skip"
"""The first message beyond the ``:skip`` nearest ones below ``:at``, and from it on:
where a walk of ``general`` or a private conversation stops (rowids only, no columns)."""


def bound(count: int | None) -> int:
    """A count as SQLite's LIMIT takes it: -1 for none, and never past its integers."""
    return -1 if count is None else min(count, SQLITE_MAX_ID)


class SqliteReads:
    """The reads of messages that a search and a page around a message make."""

    _db: sqlite3.Connection
    _path: Path
    _query_words: search_index.QueryWords | None

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history at {self._path}: {exc}") from None
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("COMMIT")

    def _read(self, sql: str, params: dict[str, object]) -> list[Any]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history at {self._path}: {exc}") from None

    def _damaged(
        self, table: integrity.Table, where: str = "", params: tuple[object, ...] = ()
    ) -> StoreError:
        try:
            what = integrity.describe(self._db, table, where, params)
        except sqlite3.Error as exc:
            what = str(exc)
        return StoreError(f"the history at {self._path} is damaged: {what}")

    def _query(self, sql: str, params: dict[str, object]) -> list[StoredMessage]:
        rows = self._read(sql, params)
        for row in rows:
            if not message_ok(row):
                raise self._damaged(MESSAGES, "id = ?", (row[0],))
        return list(map(StoredMessage._make, rows))

    def _checked(self, rows: Iterable[Any]) -> Iterator[StoredMessage]:
        for row in rows:
            if not message_ok(row):
                raise self._damaged(MESSAGES, "id = ?", (row[0],))
            yield StoredMessage._make(row)

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage:
        if limit <= 0 or scan <= 0:
            return SearchPage([], None)
        try:
            if self._query_words is None:
                self._query_words = search_index.QueryWords()
            words = self._query_words(query)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the search's words: {exc}") from None
        if not words:
            return SearchPage([], None)
        visible, params = visible_sql(rooms)
        # The visibility columns are the messages table's, named without a prefix.
        rows = self._read(
            search_index.SEARCH.format(columns=_SEARCH_COLUMNS, visible=visible, nulls=_SEARCH_NULLS),
            {
                "match": search_index.match_expression(words),
                "before": SQLITE_MAX_ID if before_id is None else min(before_id, SQLITE_MAX_ID),
                "scan": bound(scan),
                "owner": viewer_owner,
                "limit": bound(limit),
                **params,
            },
        )
        # The summary is the row without an id (a message's is its primary key: never NULL).
        ((_, examined, oldest, *_),) = [row for row in rows if row[0] is None]
        found = list(self._checked(row for row in rows if row[0] is not None))
        if len(found) == limit:
            return SearchPage(found, found[-1].id)
        return SearchPage(found, int(oldest) if examined == scan else None)

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
        if count <= 0 or (with_key is not None and viewer_owner is None):
            return Around([], False, False)
        anchor = max(min(message_id, SQLITE_MAX_ID), -(2**63))
        params: dict[str, object] = {"at": anchor, "n": count + 1, "room": room, "owner": viewer_owner}
        if room is not None:
            # Along the room index (room, id): only the room's rows are read.
            chat = "room = :room AND recipient_key IS NULL"
            low, high = "", ""
        else:
            # Along the primary key, within the ``scan`` rows on each side: the
            # (scan + 1)th row's id, if there is one, bounds the walk.
            chat = "room IS NULL AND recipient_key IS NULL"
            if with_key is not None:
                chat = _PRIVATE_WITH
                params["with"] = with_key
            params["skip"] = bound(max(scan, 0))
            low = f" AND id > COALESCE(({_BELOW}), -1)"
            high = f" AND id < COALESCE(({_ABOVE}), :max)"
            params["max"] = SQLITE_MAX_ID
        # One snapshot for the three reads: a reader on another thread would otherwise
        # see a commit of the writer's land between them.
        with self._snapshot():
            older = self._query(
                f"SELECT {COLUMNS} FROM messages WHERE {chat} AND id < :at{low} ORDER BY id DESC LIMIT :n",  # noqa: S608
                params,
            )
            newer = self._query(
                f"SELECT {COLUMNS} FROM messages WHERE {chat} AND id >= :at{high} ORDER BY id LIMIT :n",  # noqa: S608
                params,
            )
            more_older, more_newer = len(older) > count, len(newer) > count
            if room is None:
                bounds = self._read(f"SELECT EXISTS ({_BELOW}), EXISTS ({_ABOVE})", params)
                more_older = more_older or bool(bounds[0][0])
                more_newer = more_newer or bool(bounds[0][1])
        older = older[:count]
        older.reverse()
        return Around(older + newer[:count], more_older, more_newer)


class SqliteReader(SqliteReads):
    """A connection of its own to the history at ``path``, for :meth:`search` and
    :meth:`around` on another thread: opened where the store is, then used by one
    thread at a time (``check_same_thread`` off). It never writes (``query_only``):
    what waits to be indexed is indexed by the store before a search is handed over."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._query_words = None
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA query_only=1")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the history at {path} for reading: {exc}") from None

    def interrupt(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.interrupt()

    def close(self) -> None:
        if self._query_words is not None:
            self._query_words.close()
            self._query_words = None
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
