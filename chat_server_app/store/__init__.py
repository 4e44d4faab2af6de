"""Message history: a small store interface, and SQLite as the embedded default.

The engine assigns ids; a store persists a batch of messages in one transaction
and answers the replay queries. A server-grade database can take SQLite's place
by implementing :class:`HistoryStore`.
"""

from __future__ import annotations

from chat_server_app.store.base import (
    Ban,
    BanKind,
    HistoryReads,
    HistoryStore,
    Reservation,
    RoomRecord,
    StoredMessage,
    StoreError,
)
from chat_server_app.store.checkpoint import CHECKPOINT_INTERVAL, WAL_FRAMES_LIMIT
from chat_server_app.store.memory import MemoryStore
from chat_server_app.store.sqlite import SqliteStore

__all__ = [
    "StoredMessage",
    "HistoryStore",
    "HistoryReads",
    "SqliteStore",
    "MemoryStore",
    "StoreError",
    "Reservation",
    "RoomRecord",
    "Ban",
    "BanKind",
    "CHECKPOINT_INTERVAL",
    "WAL_FRAMES_LIMIT",
]
