"""The SQLite history's tables, how an older file is brought up to them, and the
statements that write them."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Collection

from chat_server_app.store import search_index

__all__ = [
    "SCHEMA",
    "COLUMNS",
    "VISIBLE",
    "visible_sql",
    "migrate",
    "server_id",
    "high_water",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    epoch REAL NOT NULL,
    sender TEXT NOT NULL,
    sender_key TEXT NOT NULL,
    text TEXT NOT NULL,
    cid TEXT,
    recipient TEXT,
    recipient_key TEXT,
    sender_owner TEXT,
    recipient_owner TEXT,
    room TEXT
);
-- An index on epoch (for recent_cids) and one on (sender_key, cid) each cost every
-- message more than the queries they served (bench/README.md); a history that
-- still has them loses them.
DROP INDEX IF EXISTS messages_epoch_cid;
DROP INDEX IF EXISTS messages_sender_cid;

CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Ids are never handed out twice (PROTOCOL.md 8.2): the next id follows the highest
-- ever stored, which MAX(id) forgets when the newest rows are deleted. Whoever deletes
-- them (a retention job, an operator with the sqlite3 shell) leaves the mark here, in
-- the same transaction; an insert pays nothing for it (bench/README.md).
CREATE TRIGGER IF NOT EXISTS messages_high_water AFTER DELETE ON messages
WHEN OLD.id > COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'high_water'), 0)
BEGIN
    INSERT OR REPLACE INTO meta (key, value) VALUES ('high_water', OLD.id);
END;

CREATE TABLE IF NOT EXISTS names (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    since_epoch REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS rooms (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    topic TEXT NOT NULL,
    read_only INTEGER NOT NULL,
    since_epoch REAL NOT NULL,
    kept INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS room_members (
    room_key TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (room_key, owner)
);

CREATE TABLE IF NOT EXISTS bans (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    until REAL,
    reason TEXT NOT NULL,
    since_epoch REAL NOT NULL,
    PRIMARY KEY (kind, value)
);
"""

_ADDED_COLUMNS = (("sender_owner", "TEXT"), ("recipient_owner", "TEXT"), ("room", "TEXT"))
"""Columns of ``messages`` that a file made by an earlier version lacks."""

COLUMNS = (
    "id, ts, sender, sender_key, text, cid, recipient, recipient_key, epoch, sender_owner, recipient_owner,"
    " room"
)
"""The columns in the order of :class:`StoredMessage`'s fields: a row is one as it stands."""

VISIBLE = (
    "((recipient_key IS NULL AND room IS NULL)"
    " OR (recipient_key IS NOT NULL AND (sender_owner = :owner OR recipient_owner = :owner)))"
)
"""What :func:`~chat_server_app.store.base.visible` says, in SQL, for a viewer in
``general`` only: a NULL ``:owner`` equals nothing, so a session without a token sees
only public messages."""


def visible_sql(rooms: Collection[str]) -> tuple[str, dict[str, object]]:
    """:data:`VISIBLE` for a viewer in ``rooms`` too, and the parameters it names
    (``:r0``...): a user is in at most a few dozen rooms."""
    if not rooms:
        return VISIBLE, {}
    names = sorted(rooms)
    marks = ", ".join(f":r{i}" for i in range(len(names)))
    sql = (
        f"((recipient_key IS NULL AND (room IS NULL OR room IN ({marks})))"
        " OR (recipient_key IS NOT NULL AND (sender_owner = :owner OR recipient_owner = :owner)))"
    )
    return sql, {f"r{i}": name for i, name in enumerate(names)}


def migrate(db: sqlite3.Connection) -> None:
    """Bring a history made by any earlier version up to :data:`SCHEMA`.

    Each step is idempotent: a crash half-way is finished by the next open."""
    db.executescript(SCHEMA)
    present = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
    for name, kind in _ADDED_COLUMNS:
        if name not in present:
            # Old rows get NULL owners: their private messages are replayed to no one.
            db.execute(f"ALTER TABLE messages ADD COLUMN {name} {kind}")
    # A room's newest messages for whoever joins it (after the room column exists):
    # only rooms' rows are in it, so general's messages (all of a server without
    # rooms) pay nothing for it.
    db.execute("CREATE INDEX IF NOT EXISTS messages_room ON messages (room, id) WHERE room IS NOT NULL")
    search_index.ensure(db)
    if "kept" not in {row[1] for row in db.execute("PRAGMA table_info(rooms)")}:
        # Rooms kept before the operator could make one were all made by joining.
        db.execute("ALTER TABLE rooms ADD COLUMN kept INTEGER NOT NULL DEFAULT 0")


def server_id(db: sqlite3.Connection) -> str:
    """The history's id, made the first time this version opens it.

    A new file gets a new one, and so does a file from version 1, which has
    messages but no id: the ids go on from its messages, so a ``since`` from before
    the upgrade stays good, and a client that knew no ``server_id`` has none to
    compare the new one with."""
    db.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_id', ?)", (secrets.token_urlsafe(12),)
    )
    (value,) = db.execute("SELECT value FROM meta WHERE key = 'server_id'").fetchone()
    return str(value)


def high_water(db: sqlite3.Connection) -> int:
    """The highest id ever stored: the newest row's, or the mark deleted rows left."""
    row = db.execute(
        "SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0),"
        " COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'high_water'), 0))"
    ).fetchone()
    return int(row[0])
