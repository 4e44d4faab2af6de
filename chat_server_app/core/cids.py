"""The ``cid`` memory: a ``say`` already accepted under its ``cid`` is not posted twice.

PROTOCOL.md §3: a ``say`` with a ``cid`` this name had accepted in the last 10
minutes is answered with the original message again. A filter says which few
message ids may be the original (almost always none); the message itself comes
from the pass not stored yet, or from the history.

Ages are counted on the monotonic clock: a wall clock stepped forward (NTP after a
laptop's sleep, an operator fixing the time) must not make the server forget what it
accepted a minute ago, and let a client's re-send post it twice. The filter rotates
whole windows, so a pair is remembered for 10 to 20 minutes: longer is only safer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chat_server_app.core.cid_filter import RecentCids
from chat_server_app.store import HistoryStore, StoredMessage, StoreError
from shared.limits import CID_MEMORY_SECONDS

__all__ = ["CidMemory"]


class CidMemory:
    def __init__(
        self, store: HistoryStore, wall_clock: Callable[[], float], monotonic: Callable[[], float]
    ) -> None:
        self._store = store
        self._wall = wall_clock
        self._monotonic = monotonic
        self._recent = RecentCids(CID_MEMORY_SECONDS, monotonic())
        self._load()

    def add(self, record: StoredMessage) -> None:
        assert record.cid is not None
        self._recent.add(record.sender_key, record.cid, record.id, self._monotonic())

    def original_of(
        self, sender_key: str, cid: str, pending: Sequence[StoredMessage]
    ) -> StoredMessage | None:
        """The message already accepted under this ``cid`` in the last 10 minutes, if any;
        ``pending`` is what this pass accepted and has not stored yet."""
        for message_id in self._recent.candidates(sender_key, cid, self._monotonic()):
            record = self._accepted(message_id, pending)
            if record is not None and record.cid == cid and record.sender_key == sender_key:
                return record
        return None

    def _accepted(self, message_id: int, pending: Sequence[StoredMessage]) -> StoredMessage | None:
        for record in reversed(pending):
            if record.id == message_id:
                return record
        try:
            return self._store.message(message_id)
        except StoreError:
            return None

    def _load(self) -> None:
        # A client whose say was stored just before a crash re-sends it after the
        # restart: the memory must survive the restart for that to be safe.
        try:
            recent = self._store.recent_cids(self._wall() - CID_MEMORY_SECONDS)
        except StoreError:
            return
        now = self._monotonic()
        for record in recent:
            assert record.cid is not None
            # Filed now: the window starts again at the restart, which only remembers
            # them longer.
            self._recent.add(record.sender_key, record.cid, record.id, now)
