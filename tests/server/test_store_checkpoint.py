"""The history's log is checkpointed off the event loop, never inside a commit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.store import SqliteStore, StoredMessage, checkpoint

WAIT_MS = 5000
PAGE = 4096


def message(i: int) -> StoredMessage:
    # Longer than a page, so that every commit adds pages to the log.
    return StoredMessage(id=i, ts="2026-12-04T08:00:00Z", sender="anna", sender_key="anna", text="x" * PAGE)


def fill(store: SqliteStore, first: int, count: int) -> None:
    for i in range(first, first + count):
        store.append([message(i)])  # one transaction each, as one busy pass after another


def checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "history-checkpoint"]


def test_no_commit_checkpoints_on_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint.Checkpointer, "_run", lambda self: None)  # a checkpointer that idles
    store = SqliteStore.in_dir(tmp_path)
    size_before = store.path.stat().st_size
    fill(store, 1, 1200)  # past SQLite's own threshold of 1 000 pages in the log
    # SQLite would have checkpointed inside one of those commits, on the event loop.
    assert store.path.stat().st_size == size_before
    store.close()


def test_the_checkpointer_moves_the_log_into_the_database(qtbot: QtBot, tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    fill(store, 1, 1200)
    # The file grows while a checkpoint copies pages; the count follows when it is done.
    qtbot.waitUntil(
        lambda: store.checkpoints >= 1 and store.path.stat().st_size > 1200 * PAGE, timeout=WAIT_MS
    )
    assert [m.id for m in store.last(3, None)] == [1198, 1199, 1200]
    store.close()


def test_close_stops_the_checkpointer_and_keeps_everything(tmp_path: Path) -> None:
    threads_before = len(checkpoint_threads())
    store = SqliteStore.in_dir(tmp_path)
    assert len(checkpoint_threads()) == threads_before + 1
    fill(store, 1, 50)
    store.close()
    assert len(checkpoint_threads()) == threads_before
    reopened = SqliteStore.in_dir(tmp_path)
    assert reopened.last_id() == 50
    reopened.close()


def test_a_failed_checkpointer_hands_checkpoints_back_to_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: checkpoint.Checkpointer) -> None:
        self.failed = "disk I/O error"

    monkeypatch.setattr(checkpoint.Checkpointer, "_run", fail)
    store = SqliteStore.in_dir(tmp_path)
    size_before = store.path.stat().st_size
    fill(store, 1, 1200)
    # Without the thread, the commits checkpoint again: the log does not grow forever.
    assert store.path.stat().st_size > size_before
    assert store.checkpoints == 0
    store.close()


def test_the_log_stays_bounded_under_back_to_back_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steady commits never let SQLite start the log over by itself: the checkpointer must."""
    monkeypatch.setattr(checkpoint, "CHECKPOINT_INTERVAL", 0.02)
    store = SqliteStore.in_dir(tmp_path)
    log = store.path.with_name(store.path.name + "-wal")
    largest = 0
    for first in range(1, 12001, 200):
        fill(store, first, 200)  # 12 000 commits of two pages and more: 100 MB of log unchecked
        largest = max(largest, log.stat().st_size)
    limit = 3 * checkpoint.WAL_FRAMES_LIMIT * (PAGE + 24)
    assert largest < limit, f"the log reached {largest} bytes"
    assert store.last_id() == 12000
    store.close()
