"""What only the SQLite history has to prove: upgrades, durability, restarts, failures."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat_server_app.store import (
    Ban,
    BanKind,
    Reservation,
    SqliteStore,
    StoredMessage,
    StoreError,
    checkpoint,
    search_index,
)

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


def test_a_version_1_history_gains_owners_and_rooms_and_keeps_its_messages(tmp_path: Path) -> None:
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
    assert columns[-3:] == ["sender_owner", "recipient_owner", "room"]


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


def test_commits_are_synced_to_the_disk(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    try:
        assert store.durability == 2  # FULL: an acknowledged message survives a power cut
    finally:
        store.close()


def copy_as_a_crash_leaves_it(store: SqliteStore, to: Path) -> SqliteStore:
    """The database and its log as they are on the disk this instant, the store still open."""
    to.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(store.path.with_name(store.path.name + suffix), to / (store.path.name + suffix))
    return SqliteStore.in_dir(to)


def test_a_crash_loses_no_acknowledged_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The test plays the checkpointer, between two batches, so that the copy is not
    # taken while the thread writes the database file.
    monkeypatch.setattr(checkpoint.Checkpointer, "_run", lambda self: None)
    store = SqliteStore.in_dir(tmp_path / "live")
    other = sqlite3.connect(store.path, isolation_level=None)
    acked = 0
    try:
        for size in (1, 40, 3, 100, 1, 7):  # one statement, and transactions of several
            batch = [message(acked + i) for i in range(1, size + 1)]
            store.append(batch)
            acked = batch[-1].id  # append returned: the server echoes these
            if size == 100:
                other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        survivor = copy_as_a_crash_leaves_it(store, tmp_path / "after-crash")
    finally:
        other.close()
        store.close()
    try:
        assert survivor.last_id() >= acked
        assert [m.id for m in survivor.since(-1, None)] == list(range(1, acked + 1))
        survivor.append([message(survivor.last_id() + 1)])
        assert survivor.last_id() == acked + 1
    finally:
        survivor.close()


def edit_by_hand(path: Path, sql: str) -> None:
    """What an operator could do with the sqlite3 shell, the server stopped."""
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "deletion",
    ["DELETE FROM messages WHERE id > 7", "DELETE FROM messages", "DELETE FROM messages WHERE id IN (3, 10)"],
)
def test_ids_never_go_back_when_the_newest_messages_are_deleted(tmp_path: Path, deletion: str) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(i) for i in range(1, 11)])
    store.close()
    edit_by_hand(store.path, deletion)
    reopened = SqliteStore.in_dir(tmp_path)
    try:
        assert reopened.last_id() == 10
        reopened.append([message(11)])
        assert reopened.last_id() == 11
    finally:
        reopened.close()
    edit_by_hand(store.path, "DELETE FROM messages WHERE id < 5")  # older ones: the mark stays
    last = SqliteStore.in_dir(tmp_path)
    try:
        assert last.last_id() == 11
    finally:
        last.close()


def test_names_and_bans_survive_a_restart(tmp_path: Path) -> None:
    anna = Reservation(key="anna", name="Anna", owner="h-anna", since_epoch=1.5)
    bans = [
        Ban(BanKind.ADDRESS, "2001:db8::1", None, "flood", 2.0),
        Ban(BanKind.NAME, "mallory", 99.5, "", 3.0),
    ]
    store = SqliteStore.in_dir(tmp_path)
    store.reserve(anna)
    for ban in bans:
        store.add_ban(ban)
    store.close()
    reopened = SqliteStore.in_dir(tmp_path)
    try:
        assert reopened.reservations() == [anna]
        assert reopened.bans() == bans
        assert [type(b.kind) for b in reopened.bans()] == [BanKind, BanKind]
    finally:
        reopened.close()


def test_a_ban_of_a_kind_from_a_newer_version_is_kept_but_not_listed(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.add_ban(Ban(BanKind.NAME, "mallory", None, "", 1.0))
    edit_by_hand(
        store.path, "INSERT INTO bans VALUES ('network', '192.0.2.0/24', NULL, 'from a newer version', 1.0)"
    )
    try:
        assert store.bans() == [Ban(BanKind.NAME, "mallory", None, "", 1.0)]
        assert sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM bans").fetchone() == (2,)
    finally:
        store.close()


def test_every_read_and_write_fails_with_store_error_never_sqlite3_error(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(1)])
    edit_by_hand(store.path, "DROP TABLE messages")  # one statement per call: three calls
    edit_by_hand(store.path, "DROP TABLE names")
    edit_by_hand(store.path, "DROP TABLE bans")
    calls: list[Callable[[], object]] = [
        lambda: store.since(0, None),
        lambda: store.since(0, "h-anna", limit=3),
        lambda: store.last(3, None),
        lambda: store.replay_start(-1, None, 10),
        lambda: store.message(1),
        lambda: store.recent_cids(0.0),
        store.reservations,
        store.bans,
        lambda: store.bans(now=5.0),
        lambda: store.append([message(2)]),
        lambda: store.reserve(Reservation("anna", "anna", "h-anna", 0.0)),
        lambda: store.release("anna"),
        lambda: store.add_ban(Ban(BanKind.NAME, "x", None, "", 0.0)),
        lambda: store.remove_ban(BanKind.NAME, "x"),
    ]
    try:
        for call in calls:
            with pytest.raises(StoreError):
                call()
        assert store.last_id() == 1
    finally:
        store.close()


def test_a_file_that_is_no_history_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / SqliteStore.FILENAME).write_bytes(b"not a database, only bytes" * 200)
    with pytest.raises(StoreError, match="cannot open the history"):
        SqliteStore.in_dir(tmp_path)


# --- the search index (docs/PROTOCOL.md §8.7) -------------------------------------------------


def _indexed(path: Path, word: str) -> list[int]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid", (f'"{word}"',)
        )
        return [row[0] for row in rows]


def test_a_history_from_before_search_is_indexed_at_open(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(1)._replace(text="older words"), message(2)._replace(text="older still")])
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / SqliteStore.FILENAME)) as db:
        # What a file made before the index looks like.
        db.executescript(
            "DROP TRIGGER messages_fts_delete; DROP TRIGGER messages_fts_update;"
            " DROP TABLE messages_fts; DELETE FROM meta WHERE key = 'fts_upto';"
        )
    store = SqliteStore.in_dir(tmp_path)
    assert [m.id for m in store.search("older", "h-anna").messages] == [2, 1]
    store.close()


def test_the_index_follows_rows_deleted_or_edited_by_hand(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(i)._replace(text=f"word{i} common") for i in (1, 2, 3)])
    assert len(store.search("common", "h-anna").messages) == 3  # indexed now
    store.close()
    path = tmp_path / SqliteStore.FILENAME
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM messages WHERE id = 2")
        db.execute("UPDATE messages SET text = 'replaced' WHERE id = 3")
    assert _indexed(path, "common") == [1]
    assert _indexed(path, "replaced") == [3]
    store = SqliteStore.in_dir(tmp_path)
    assert [m.id for m in store.search("common", "h-anna").messages] == [1]
    store.close()


def test_messages_are_indexed_in_batches_and_found_before_that(tmp_path: Path) -> None:
    """A commit does not index its message (that doubled what storing costs); a
    search indexes what waits first, and a full batch is indexed after its commit."""
    store = SqliteStore.in_dir(tmp_path)
    path = tmp_path / SqliteStore.FILENAME
    store.append([message(1)._replace(text="fresh words")])
    assert _indexed(path, "fresh") == []
    assert [m.id for m in store.search("fresh", "h-anna").messages] == [1]
    assert _indexed(path, "fresh") == [1]
    batch = [message(i)._replace(text=f"batch {i}") for i in range(2, 2 + search_index.INDEX_BATCH)]
    store.append(batch)
    assert len(_indexed(path, "batch")) == search_index.INDEX_BATCH
    store.close()


def test_an_index_with_word_positions_is_made_again_without_them(tmp_path: Path) -> None:
    """Version 2's first index kept every word's position; this one keeps only which
    rows hold a word (half the cost a row), and an older file's index is remade."""
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(1)._replace(text="kept words"), message(2)._replace(text="kept too")])
    assert len(store.search("kept", "h-anna").messages) == 2
    store.close()
    path = tmp_path / SqliteStore.FILENAME
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            "DROP TABLE messages_fts;"
            " CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id',"
            " tokenize='unicode61 remove_diacritics 2');"
            " INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
        )
    store = SqliteStore.in_dir(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        (made,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").fetchone()
    assert "detail=none" in made
    assert [m.id for m in store.search("kept", "h-anna").messages] == [2, 1]
    store.close()


def test_a_word_that_sqlite_reads_as_two_is_searched_as_two(tmp_path: Path) -> None:
    """U+19B1 is a letter for Python but parts words for SQLite's older Unicode tables:
    quoted whole, "ab\u19b1cd" would be a phrase, which an index without positions
    refuses. SQLite's own tokenizer cuts the query, so it finds what it indexed."""
    store = SqliteStore.in_dir(tmp_path)
    store.append([message(1)._replace(text="ab\u19b1cd here"), message(2)._replace(text="ab only")])
    assert [m.id for m in store.search("ab\u19b1cd", "h-anna").messages] == [1]
    assert [m.id for m in store.search("\u19b1\u19b1", "h-anna").messages] == []
    store.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=40))
def test_any_query_is_answered_never_refused(tmp_path: Path, query: str) -> None:
    """What a user types is words, never FTS5 syntax nor a phrase the index refuses."""
    store = SqliteStore.in_dir(tmp_path)
    words = search_index.QueryWords()
    try:
        said = message(store.last_id() + 1)._replace(text=query)
        store.append([said])
        found = [m.id for m in store.search(query, "h-anna").messages]
        if words(query):
            assert found[0] == said.id  # the newest message holding every word
    finally:
        words.close()
        store.close()


_maybe = st.none() | st.text(min_size=1, max_size=8)


@st.composite
def _stored(draw: st.DrawFn) -> StoredMessage:
    to = draw(_maybe)
    return StoredMessage(
        id=0, ts="2026-12-06T10:00:00.000Z", sender="anna", sender_key="anna",
        text=draw(st.text(max_size=20)), cid=draw(_maybe), to=to,
        to_key=None if to is None else to.casefold(), epoch=1.5,
        sender_owner=draw(_maybe), to_owner=draw(_maybe), room=draw(_maybe),
    )  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(_stored(), min_size=1, max_size=80))
def test_rows_of_every_shape_are_stored_as_they_were(tmp_path: Path, drawn: list[StoredMessage]) -> None:
    """NULL is written out in the INSERT for what a row lacks (inserts.py): whatever the
    mix of shapes in a pass, and however it is cut into statements, each row reads back
    whole, in its own columns."""
    store = SqliteStore.in_dir(tmp_path)
    try:
        first = store.last_id() + 1
        batch = [m._replace(id=first + i) for i, m in enumerate(drawn)]
        store.append(batch)
        assert [store.message(m.id) for m in batch] == batch
    finally:
        store.close()
