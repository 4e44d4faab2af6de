"""A store whose reads or writes fail on demand, for the server's error paths.

    store = FailingStore()              # over a MemoryStore; or FailingStore(SqliteStore(...))
    server = make_server(store=store)
    store.fail_reads = True             # every read from now on raises StoreError
    ... a hello with since -> error server_error (PROTOCOL.md §8.2)

``last_id`` and ``server_id`` never fail: every store knows them from the moment
it is open (HistoryStore's docstring).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from chat_server_app.store import (
    Ban,
    BanKind,
    HistoryStore,
    MemoryStore,
    Reservation,
    RoomRecord,
    StoredMessage,
    StoreError,
)
from chat_server_app.store.base import AROUND_SCAN, SEARCH_SCAN, Around, SearchPage

__all__ = ["FailingStore"]


class FailingStore:
    """Any :class:`HistoryStore`, with two switches settable at any time."""

    def __init__(self, inner: HistoryStore | None = None) -> None:
        self.inner: HistoryStore = inner if inner is not None else MemoryStore()
        self.fail_reads = False
        self.fail_writes = False
        self.failed_reads = 0

    def _reading(self) -> None:
        if self.fail_reads:
            self.failed_reads += 1
            raise StoreError("cannot read the history: disk I/O error (FailingStore)")

    def _writing(self) -> None:
        if self.fail_writes:
            raise StoreError("cannot write the history: disk full (FailingStore)")

    def append(self, messages: Sequence[StoredMessage]) -> None:
        self._writing()
        self.inner.append(messages)

    def since(
        self, after_id: int, viewer_owner: str | None, limit: int | None = None, rooms: Collection[str] = ()
    ) -> list[StoredMessage]:
        self._reading()
        return self.inner.since(after_id, viewer_owner, limit, rooms)

    def last(self, count: int, viewer_owner: str | None, rooms: Collection[str] = ()) -> list[StoredMessage]:
        self._reading()
        return self.inner.last(count, viewer_owner, rooms)

    def replay_start(
        self, after_id: int, viewer_owner: str | None, max_count: int, rooms: Collection[str] = ()
    ) -> tuple[int, bool]:
        self._reading()
        return self.inner.replay_start(after_id, viewer_owner, max_count, rooms)

    def message(self, message_id: int) -> StoredMessage | None:
        self._reading()
        return self.inner.message(message_id)

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage:
        self._reading()
        return self.inner.search(query, viewer_owner, rooms, limit, before_id, scan)

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
        self._reading()
        return self.inner.around(
            message_id, viewer_owner, room=room, with_key=with_key, count=count, scan=scan
        )

    def index_pending(self) -> None:
        self._reading()

    def reader(self) -> None:
        return None  # reads through the failures it simulates

    def last_id(self) -> int:
        return self.inner.last_id()

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        self._reading()
        return self.inner.recent_cids(after_epoch)

    def server_id(self) -> str:
        return self.inner.server_id()

    def reservations(self) -> list[Reservation]:
        self._reading()
        return self.inner.reservations()

    def reserve(self, reservation: Reservation) -> None:
        self._writing()
        self.inner.reserve(reservation)

    def release(self, key: str) -> bool:
        self._writing()
        return self.inner.release(key)

    def bans(self, now: float | None = None) -> list[Ban]:
        self._reading()
        return self.inner.bans(now)

    def add_ban(self, ban: Ban) -> None:
        self._writing()
        self.inner.add_ban(ban)

    def remove_ban(self, kind: BanKind, value: str) -> bool:
        self._writing()
        return self.inner.remove_ban(kind, value)

    def close(self) -> None:
        self.inner.close()

    def room_tail(self, room: str, count: int) -> list[StoredMessage]:
        self._reading()
        return self.inner.room_tail(room, count)

    def rooms(self) -> list[RoomRecord]:
        self._reading()
        return self.inner.rooms()

    def save_room(self, room: RoomRecord) -> None:
        self._writing()
        self.inner.save_room(room)

    def drop_room(self, key: str) -> None:
        self._writing()
        self.inner.drop_room(key)
