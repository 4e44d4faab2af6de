"""The two stores answer every query alike, as the obvious reading of the rules does,
and SQLite gives back every field it was given."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat_server_app.store import MemoryStore, SqliteStore, StoredMessage
from chat_server_app.store.schema import SCHEMA

NAMES = st.sampled_from(["anna", "Bob", "çé", "zoë"])
OWNERS = st.sampled_from([None, "h-anna", "h-bob", "h-other"])
TEXTS = st.text(min_size=1, max_size=40)  # any code point SQLite keeps: NUL, U+2028, emoji


@st.composite
def histories(draw: st.DrawFn) -> list[StoredMessage]:
    count = draw(st.integers(min_value=0, max_value=12)) if draw(st.booleans()) else 70
    messages = []
    message_id = 0
    for i in range(1, count + 1):
        message_id += draw(st.sampled_from([1, 1, 1, 3]))  # ids need only increase
        sender = draw(NAMES)
        to = draw(st.none() | NAMES)
        messages.append(
            StoredMessage(
                id=message_id,
                ts=f"2026-12-04T10:00:{i:02d}.000Z",
                sender=sender,
                sender_key=sender.casefold(),
                text=draw(TEXTS),
                cid=draw(st.none() | st.sampled_from(["c1", "c2", "x"])),
                to=to,
                to_key=to.casefold() if to is not None else None,
                epoch=1_764_842_400.0 + i + draw(st.sampled_from([0.0, 0.25, 0.5])),
                sender_owner=draw(OWNERS),
                to_owner=draw(OWNERS) if to is not None else None,
            )
        )
    return messages


def obviously_visible(messages: list[StoredMessage], after: int, owner: str | None) -> list[StoredMessage]:
    """§8.1 as it reads: public to all; private to a session of its sender's or recipient's token."""
    return [
        m
        for m in messages
        if m.id > after and (m.to is None or (owner is not None and owner in (m.sender_owner, m.to_owner)))
    ]


def obvious_replay_start(
    messages: list[StoredMessage], after: int, owner: str | None, max_count: int
) -> tuple[int, bool]:
    following = obviously_visible(messages, after, owner)
    if len(following) <= max_count:
        return after, False
    return following[-max_count - 1].id, True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    histories(),
    st.sampled_from([1, 2, 4, 32, 33, 70]),
    OWNERS,
    st.integers(min_value=-3, max_value=230),
    st.integers(min_value=-1, max_value=80),
)
def test_sqlite_answers_as_the_memory_store_and_the_rules_do(
    messages: list[StoredMessage], batch: int, owner: str | None, after: int, count: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SqliteStore.in_dir(Path(tmp))
        memory = MemoryStore()
        try:
            for start in range(0, len(messages), batch):
                sqlite.append(messages[start : start + batch])
                memory.append(messages[start : start + batch])
            assert sqlite.last_id() == memory.last_id()
            for store in (sqlite, memory):
                # Every field comes back as it went in, of the same type.
                assert store.since(-1, owner) == obviously_visible(messages, -1, owner)
                assert store.since(after, owner) == obviously_visible(messages, after, owner)
                assert (
                    store.since(after, owner, limit=count)
                    == obviously_visible(messages, after, owner)[: max(count, 0)]
                )
                assert store.last(3, owner) == obviously_visible(messages, -1, owner)[-3:]
                assert store.replay_start(after, owner, count) == obvious_replay_start(
                    messages, after, owner, max(count, 0)
                )
            assert sqlite.recent_cids(1_764_842_400.0 + after) == memory.recent_cids(1_764_842_400.0 + after)
            for message_id in (-1, 0, 1, after, len(messages), len(messages) + 1, 2**63):
                assert sqlite.message(message_id) == memory.message(message_id)
            assert all(sqlite.message(m.id) == m for m in messages)
        finally:
            sqlite.close()


@settings(max_examples=30, deadline=None)
@given(histories(), OWNERS, st.integers(min_value=-1, max_value=80), st.integers(min_value=1, max_value=9))
def test_a_replay_read_in_slices_is_the_bounded_replay(
    messages: list[StoredMessage], owner: str | None, after: int, slice_size: int
) -> None:
    """How the core reads a replay: where it starts, then slice after slice."""
    store = MemoryStore()
    store.append(messages)
    start, truncated = store.replay_start(after, owner, 25)
    replayed: list[StoredMessage] = []
    while chunk := store.since(start, owner, limit=slice_size):
        replayed.extend(chunk)
        start = chunk[-1].id
    everything = obviously_visible(messages, after, owner)
    assert replayed == everything[-25:]
    assert truncated == (len(everything) > 25)


def test_a_reopened_history_gives_back_every_field(tmp_path: Path) -> None:
    sent = [
        StoredMessage(
            id=1, ts="2026-12-04T10:00:00.000Z", sender="Anna", sender_key="anna", text="ciao\n<b>", epoch=5.5
        ),
        StoredMessage(
            id=2, ts="2026-12-04T10:00:01.000Z", sender="Bob", sender_key="bob", text="🙂",
            cid="c-9", to="Anna", to_key="anna", epoch=6.25, sender_owner="h-bob", to_owner="h-anna",
        ),
    ]  # fmt: skip
    store = SqliteStore.in_dir(tmp_path)
    store.append(sent)
    store.close()
    reopened = SqliteStore.in_dir(tmp_path)
    try:
        assert reopened.since(0, "h-anna") == sent
        assert [type(v) for v in reopened.since(0, "h-anna")[1]] == [type(v) for v in sent[1]]
        assert reopened.last_id() == 2
    finally:
        reopened.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_recent_cids_go_back_to_the_first_older_message_not_by_the_clock(kind: str, tmp_path: Path) -> None:
    # The clock was set back between #2 and #3: #2 is older than #3 whatever its epoch says.
    epochs = {1: 100.0, 2: 900.0, 3: 400.0, 4: 700.0}
    messages = [
        StoredMessage(
            id=i, ts="2026-12-04T10:00:00.000Z", sender="a", sender_key="a", text="t", cid=f"c{i}", epoch=e
        )
        for i, e in epochs.items()
    ]
    store = MemoryStore() if kind == "memory" else SqliteStore.in_dir(tmp_path)
    try:
        store.append(messages)
        assert [m.id for m in store.recent_cids(500.0)] == [4]
        assert [m.id for m in store.recent_cids(50.0)] == [1, 2, 3, 4]
        assert store.recent_cids(1000.0) == []
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_any_message_older_than_the_window_ends_the_walk_back(kind: str, tmp_path: Path) -> None:
    # #1 was posted while the clock ran ahead; #2, without a cid, is older than the
    # window: the walk stops there, and a history with no old cid is not read through.
    epochs = {1: (900.0, "c1"), 2: (100.0, None), 3: (700.0, "c3")}
    messages = [
        StoredMessage(
            id=i, ts="2026-12-04T10:00:00.000Z", sender="a", sender_key="a", text="t", cid=c, epoch=e
        )
        for i, (e, c) in epochs.items()
    ]
    store = MemoryStore() if kind == "memory" else SqliteStore.in_dir(tmp_path)
    try:
        store.append(messages)
        assert [m.id for m in store.recent_cids(500.0)] == [3]
    finally:
        store.close()


@pytest.mark.parametrize(
    "index",
    [
        "CREATE INDEX messages_epoch_cid ON messages(epoch) WHERE cid IS NOT NULL",
        "CREATE INDEX messages_sender_cid ON messages(sender_key, cid) WHERE cid IS NOT NULL",
    ],
)
def test_a_history_from_an_earlier_version_loses_its_indexes(index: str, tmp_path: Path) -> None:
    # Each cost every message more than the query it served was worth (cid_filter.py).
    path = tmp_path / SqliteStore.FILENAME
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)
    old.execute(index)
    old.close()
    SqliteStore(path).close()
    indexes = (
        sqlite3.connect(path)
        .execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'")
        .fetchall()
    )
    # Only the rooms' own (general's messages are not in it) is left.
    assert indexes == [("messages_room",)]
