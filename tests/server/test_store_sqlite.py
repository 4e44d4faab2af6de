"""What only the SQLite history has to prove: upgrades, restarts, failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chat_server_app.store import SqliteStore, StoredMessage, StoreError

V1_SCHEMA = """
CREATE TABLE messages (
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
"""
"""The table as version 1 made it."""


def message(message_id: int, owner: str | None = "h-anna", to: str | None = None) -> StoredMessage:
    return StoredMessage(
        id=message_id, ts="2026-12-04T10:00:00.000Z", sender="anna", sender_key="anna", text=f"m{message_id}",
        to=to, to_key=to, epoch=float(message_id), sender_owner=owner, to_owner="h-bob" if to else None,
    )  # fmt: skip


def v1_history(path: Path) -> None:
    """A history file as version 1 left it: a public and a private message."""
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.executemany(
        "INSERT INTO messages (id, ts, epoch, sender, sender_key, text, cid, recipient, recipient_key)"
        " VALUES (?, '2026-01-01T00:00:00.000Z', 1.0, 'Anna', 'anna', ?, NULL, ?, ?)",
        [(1, "hello all", None, None), (2, "hello bob", "Bob", "bob")],
    )
    db.commit()
    db.close()


def test_a_version_1_history_gains_owners_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / SqliteStore.FILENAME
    v1_history(path)
    store = SqliteStore(path)
    try:
        assert store.last_id() == 2
        assert store.since(-1, None) == [
            StoredMessage(1, "2026-01-01T00:00:00.000Z", "Anna", "anna", "hello all", epoch=1.0)
        ]
        # Its private message had parties known only by name: replayed to no one now.
        assert [m.id for m in store.since(-1, "h-bob")] == [1]
        assert store.message(2) == StoredMessage(
            2, "2026-01-01T00:00:00.000Z", "Anna", "anna", "hello bob", None, "Bob", "bob", 1.0, None, None
        )
        store.append([message(3, to="bob")])
        assert [m.id for m in store.since(-1, "h-bob")] == [1, 3]
    finally:
        store.close()
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(messages)")]
    assert columns[-2:] == ["sender_owner", "recipient_owner"]


def test_a_version_1_history_gets_a_server_id_on_its_first_open_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / SqliteStore.FILENAME
    v1_history(path)
    first = SqliteStore(path)
    made = first.server_id()
    first.close()
    again = SqliteStore(path)
    try:
        assert again.server_id() == made
        assert again.last_id() == 2  # the ids go on: a since from before the upgrade holds
    finally:
        again.close()


def test_the_server_id_lasts_as_long_as_the_file(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    made = store.server_id()
    store.append([message(1)])
    store.close()
    reopened = SqliteStore.in_dir(tmp_path)
    assert reopened.server_id() == made
    reopened.close()
    for leftover in tmp_path.iterdir():  # the operator wipes the data dir
        leftover.unlink()
    wiped = SqliteStore.in_dir(tmp_path)
    try:
        assert wiped.server_id() != made
        assert wiped.last_id() == 0
    finally:
        wiped.close()


def test_a_file_that_is_no_history_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / SqliteStore.FILENAME).write_bytes(b"not a database, only bytes" * 200)
    with pytest.raises(StoreError, match="cannot open the history"):
        SqliteStore.in_dir(tmp_path)
