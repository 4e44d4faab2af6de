"""History in one SQLite file: the embedded default store."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Collection, Sequence
from pathlib import Path

from chat_server_app.store import inserts, integrity, schema, search_index
from chat_server_app.store.base import (
    SEARCH_SCAN,
    Ban,
    BanKind,
    HistoryReads,
    Reservation,
    RoomRecord,
    SearchPage,
    StoredMessage,
    StoreError,
    recent_with_cids,
)
from chat_server_app.store.checkpoint import WAL_FRAMES_LIMIT, Checkpointer
from chat_server_app.store.files import FILE_MODE, private_dir, private_file, tighten
from chat_server_app.store.integrity import BANS, NAMES, ROOM_MEMBERS, ROOMS, row_ok
from chat_server_app.store.schema import (
    COLUMNS,
    visible_sql,
)
from chat_server_app.store.sqlite_reads import SQLITE_MAX_ID, SqliteReader, SqliteReads, bound

__all__ = ["SqliteStore"]


class SqliteStore(SqliteReads):
    """History, reserved names and bans in one SQLite file, in WAL mode.

    ``synchronous=FULL``: every commit syncs the log to the disk before it returns,
    because the server acknowledges a message (its echo with the ``cid``) only once
    it would survive a power cut (PROTOCOL.md §8.2); NORMAL would survive the
    server being killed but not the machine losing power. The price is a sync per
    commit, that is per event-loop pass that accepted messages, not per message
    (bench/README.md, "Durable acks"). The log is copied into the database by
    :class:`Checkpointer`, off the event loop.

    Ids are never handed out twice: :meth:`last_id` is the highest id ever stored,
    kept across restarts even when the newest rows are deleted, by a trigger that
    leaves a mark in ``meta`` only when a row is deleted (schema.py): a mark
    written by every commit, or AUTOINCREMENT's ``sqlite_sequence``, would cost
    every pass a second page of log (bench/README.md, "Durable acks").

    ``server_id`` is made on the first open of a file by this version, a new file
    or one from version 1 (:func:`schema.server_id`), and kept in ``meta``.

    The folder is made 0700 and the file 0600, whatever the umask: it holds private
    messages. SQLite gives its ``-wal`` and ``-shm`` the database file's mode. A row
    edited by hand into something the server cannot send is found at open if it is
    recent (:func:`integrity.check`, a :class:`StoreError`), else when it is read:
    that read raises :class:`StoreError` as a disk error would.
    """

    FILENAME = "history.sqlite3"

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            private_dir(path.parent)
            # Before SQLite opens it: changing the mode by descriptor under an open
            # connection would drop SQLite's locks (files.py).
            private_file(path)
            for companion in ("-wal", "-shm"):
                tighten(path.with_name(path.name + companion), FILE_MODE)
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=True, cached_statements=inserts.STATEMENTS
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the history at {path}: {exc}") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            schema.migrate(self._db)
            self._server_id = schema.server_id(self._db)
            self._last_id = schema.high_water(self._db)
            self._fts_upto = search_index.indexed_upto(self._db)
            integrity.check(self._last_id)
            # The checkpointer's job; the commits' only past WAL_FRAMES_LIMIT.
            self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_FRAMES_LIMIT}")
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"cannot open the history at {path}: {exc}") from None
        except integrity.DamageError as exc:
            self._db.close()
            raise StoreError(f"the history at {path} is damaged: {exc}; repair it or move it away") from None
        try:
            # What every start reads anyway, and the messages a replay most likely asks
            # for (private ones too): damage there stops the server now, not a client later.
            self._query(
                f"SELECT {COLUMNS} FROM messages ORDER BY id DESC LIMIT :count",  # noqa: S608
                {"count": integrity.CHECKED_AT_OPEN},
            )
            self.reservations()
            self.bans()
        except StoreError as exc:
            self._db.close()
            raise StoreError(f"{exc}; repair it or move it away") from None
        self._checkpointer: Checkpointer | None = Checkpointer(path)
        self._query_words: search_index.QueryWords | None = None

    @classmethod
    def in_dir(cls, data_dir: Path) -> SqliteStore:
        return cls(data_dir / cls.FILENAME)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def durability(self) -> int:
        """SQLite's ``synchronous`` level on the connection that commits (2: FULL)."""
        return int(self._read("PRAGMA synchronous", {})[0][0])

    def append(self, messages: Sequence[StoredMessage]) -> None:
        if not messages:
            return
        try:
            # One statement is a transaction of its own (the connection autocommits): a
            # pass of up to 32 messages, as every pass at a trickle is, needs no BEGIN and
            # COMMIT around it, two round trips into SQLite fewer.
            statements = list(inserts.batches(messages))
            several = len(statements) > 1
            if several:
                self._db.execute("BEGIN")
            for sql, values in statements:
                self._db.execute(sql, values)
            if several:
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"cannot write the history: {exc}") from None
        self._last_id = max(self._last_id, messages[-1].id)
        if self._last_id - self._fts_upto >= search_index.INDEX_BATCH:
            # The messages are stored and acknowledged whatever happens here: an index
            # that fails now is caught up before the next search.
            with contextlib.suppress(sqlite3.Error):
                self._fts_upto = search_index.index_pending(self._db, self._fts_upto, self._last_id)
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

    def _write(self, sql: str, params: dict[str, object]) -> int:
        """Run one statement, its own transaction; the rows it changed."""
        try:
            return self._db.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the history: {exc}") from None

    def since(
        self,
        after_id: int,
        viewer_owner: str | None,
        limit: int | None = None,
        rooms: Collection[str] = (),
    ) -> list[StoredMessage]:
        if after_id >= SQLITE_MAX_ID or (limit is not None and limit <= 0):
            return []
        visible, params = visible_sql(rooms)
        return self._query(
            # Only constants are spliced in; values go through parameters.
            f"SELECT {COLUMNS} FROM messages WHERE id > :after AND {visible} ORDER BY id LIMIT :limit",  # noqa: S608
            {"after": max(after_id, -1), "owner": viewer_owner, "limit": bound(limit), **params},
        )

    def last(self, count: int, viewer_owner: str | None, rooms: Collection[str] = ()) -> list[StoredMessage]:
        if count <= 0:
            return []
        visible, params = visible_sql(rooms)
        newest = self._query(
            f"SELECT {COLUMNS} FROM messages WHERE {visible} ORDER BY id DESC LIMIT :count",  # noqa: S608
            {"count": bound(count), "owner": viewer_owner, **params},
        )
        newest.reverse()
        return newest

    def replay_start(
        self, after_id: int, viewer_owner: str | None, max_count: int, rooms: Collection[str] = ()
    ) -> tuple[int, bool]:
        if after_id >= SQLITE_MAX_ID:
            return after_id, False
        # Backwards from the newest along the primary key: the walk stops at the
        # (max_count + 1)th visible message, however long the history.
        visible, params = visible_sql(rooms)
        row = self._read(
            f"SELECT id FROM messages WHERE id > :after AND {visible} ORDER BY id DESC LIMIT 1 OFFSET :skip",  # noqa: S608
            {"after": max(after_id, -1), "owner": viewer_owner, "skip": bound(max(max_count, 0)), **params},
        )
        return (int(row[0][0]), True) if row else (after_id, False)

    def message(self, message_id: int) -> StoredMessage | None:
        if not -(2**63) <= message_id <= SQLITE_MAX_ID:
            return None  # beyond SQLite's integers: not an id it could hold
        found = self._query(
            f"SELECT {COLUMNS} FROM messages WHERE id = :id",  # noqa: S608
            {"id": message_id},
        )
        return found[0] if found else None

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage:
        # Whatever is stored is found: what waits to be indexed is indexed first.
        self.index_pending()
        return super().search(query, viewer_owner, rooms, limit, before_id, scan)

    def index_pending(self) -> None:
        try:
            self._fts_upto = search_index.index_pending(self._db, self._fts_upto, self._last_id)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot index the history for a search: {exc}") from None

    def reader(self) -> HistoryReads:
        return SqliteReader(self._path)

    def last_id(self) -> int:
        return self._last_id

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        # Backwards along the ids, not through an index on epoch: that index cost
        # every message more than this one query at startup is worth. Every message
        # stops the walk, not only those with a cid: a history with none that old
        # would otherwise be read to its first row.
        try:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM messages ORDER BY id DESC")  # noqa: S608
            return recent_with_cids(self._checked(rows), after_epoch)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the history at {self._path}: {exc}") from None

    def server_id(self) -> str:
        return self._server_id

    def reservations(self) -> list[Reservation]:
        rows = self._read("SELECT key, name, owner, since_epoch FROM names ORDER BY key", {})
        if not all(row_ok(NAMES, row) for row in rows):
            raise self._damaged(NAMES)
        return list(map(Reservation._make, rows))

    def reserve(self, reservation: Reservation) -> None:
        self._write(
            "INSERT OR REPLACE INTO names (key, name, owner, since_epoch)"
            " VALUES (:key, :name, :owner, :since_epoch)",
            reservation._asdict(),
        )

    def release(self, key: str) -> bool:
        return self._write("DELETE FROM names WHERE key = :key", {"key": key}) > 0

    def bans(self, now: float | None = None) -> list[Ban]:
        if now is not None:
            self._write("DELETE FROM bans WHERE until <= :now", {"now": now})
        rows = self._read("SELECT kind, value, until, reason, since_epoch FROM bans ORDER BY kind, value", {})
        if not all(row_ok(BANS, row) for row in rows):
            raise self._damaged(BANS)
        known = {kind.value: kind for kind in BanKind}
        # A kind this version does not know comes from a newer one: it stays in the
        # file for that version, and is not enforced here rather than stop the server.
        return [Ban(known[row[0]], *row[1:]) for row in rows if row[0] in known]

    def add_ban(self, ban: Ban) -> None:
        self._write(
            "INSERT OR REPLACE INTO bans (kind, value, until, reason, since_epoch)"
            " VALUES (:kind, :value, :until, :reason, :since_epoch)",
            {**ban._asdict(), "kind": ban.kind.value},
        )

    def remove_ban(self, kind: BanKind, value: str) -> bool:
        removed = self._write(
            "DELETE FROM bans WHERE kind = :kind AND value = :value", {"kind": kind.value, "value": value}
        )
        return removed > 0

    def room_tail(self, room: str, count: int) -> list[StoredMessage]:
        if count <= 0:
            return []
        tail = self._query(
            f"SELECT {COLUMNS} FROM messages WHERE room = :room AND recipient_key IS NULL"  # noqa: S608
            " ORDER BY id DESC LIMIT :count",
            {"room": room, "count": bound(count)},
        )
        tail.reverse()
        return tail

    def rooms(self) -> list[RoomRecord]:
        members: dict[str, set[str]] = {}
        for row in self._read("SELECT room_key, owner FROM room_members", {}):
            if not row_ok(ROOM_MEMBERS, row):
                raise self._damaged(ROOM_MEMBERS)
            members.setdefault(row[0], set()).add(row[1])
        rows = self._read("SELECT key, name, topic, read_only, since_epoch, kept FROM rooms ORDER BY key", {})
        for row in rows:
            if not row_ok(ROOMS, row):
                raise self._damaged(ROOMS)
        return [
            RoomRecord(key, name, topic, bool(read_only), since, frozenset(members.get(key, ())), bool(kept))
            for key, name, topic, read_only, since, kept in rows
        ]

    def save_room(self, room: RoomRecord) -> None:
        try:
            with self._db:  # one transaction: the room and its members go together
                self._db.execute("BEGIN")
                self._db.execute(
                    "INSERT OR REPLACE INTO rooms (key, name, topic, read_only, since_epoch, kept)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (room.key, room.name, room.topic, int(room.read_only), room.since_epoch, int(room.kept)),
                )
                self._db.execute("DELETE FROM room_members WHERE room_key = ?", (room.key,))
                self._db.executemany(
                    "INSERT INTO room_members (room_key, owner) VALUES (?, ?)",
                    [(room.key, owner) for owner in sorted(room.members)],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the history: {exc}") from None

    def drop_room(self, key: str) -> None:
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.execute("DELETE FROM rooms WHERE key = ?", (key,))
                self._db.execute("DELETE FROM room_members WHERE room_key = ?", (key,))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the history: {exc}") from None

    def close(self) -> None:
        if self._query_words is not None:
            self._query_words.close()
            self._query_words = None
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        with contextlib.suppress(sqlite3.Error):
            # The last connection to close checkpoints what is left and removes the log.
            self._db.close()
