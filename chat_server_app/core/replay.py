"""Replays produced as fast as their reader takes them (PROTOCOL.md §8.2).

A ``since`` may ask for 10 000 messages of a history of millions. Reading and
encoding them at the ``hello`` would stall everyone for as long, and queue them
all at once would hold megabytes per slow reader. Instead each replay is a cursor
into the history: every event-loop pass reads a few slices for the replays whose
readers have room, and the pass's live frames for that session wait behind the
replay (``held``), so that it sees every stored message before any live one.
"""

from __future__ import annotations

from collections.abc import Callable

from chat_server_app.core.frames import history_frame
from chat_server_app.core.session import Link, Session
from chat_server_app.store import HistoryStore, StoreError

__all__ = ["Replays", "REPLAY_SLICE", "SLICES_PER_PASS"]

REPLAY_SLICE = 200
"""Messages one read takes: about half a millisecond to read and encode."""

SLICES_PER_PASS = 4
"""Reads one pass makes for all replays together: what a replay adds to a pass is
bounded, however many clients replay and however long their histories are."""


class _Replay:
    __slots__ = ("after", "upto", "owner", "rooms", "held", "held_bytes")

    def __init__(self, after: int, upto: int, owner: str | None, rooms: tuple[str, ...]) -> None:
        self.after = after  # the newest id sent so far (or the since)
        self.upto = upto  # the newest id stored at the hello: later ones come live
        self.owner = owner
        self.rooms = rooms  # the rooms besides general the reader was in at the start
        self.held: list[bytes] = []
        self.held_bytes = 0


class Replays:
    """The replays in progress, each behind its session's socket."""

    def __init__(
        self, store: HistoryStore, send_queue: int, file_of: Callable[[int], str | None] = lambda _: None
    ) -> None:
        self._store = store
        self._file_of = file_of  # a file message's ``file`` JSON, by message id
        # A reader gets its next slice while less than half its queue is waiting:
        # never more than the send-queue limit ahead of it.
        self._room = send_queue // 2
        self._send_queue = send_queue
        self._active: dict[Session[Link], _Replay] = {}

    def __contains__(self, session: Session[Link]) -> bool:
        return session in self._active

    def __len__(self) -> int:
        return len(self._active)

    @property
    def sessions(self) -> list[Session[Link]]:
        return list(self._active)

    def start(
        self, session: Session[Link], after: int, upto: int, owner: str | None, rooms: tuple[str, ...] = ()
    ) -> None:
        self._active[session] = _Replay(after, upto, owner, rooms)

    def hold(self, session: Session[Link], data: bytes) -> bool:
        """Keep live bytes until the replay is out; ``False`` once they pass the
        send-queue limit (the reader is too slow: the caller drops it)."""
        replay = self._active[session]
        replay.held.append(data)
        replay.held_bytes += len(data)
        return replay.held_bytes <= self._send_queue

    def cancel(self, session: Session[Link]) -> None:
        self._active.pop(session, None)

    def ready(self) -> bool:
        """Whether some replay's reader has room for its next slice now."""
        return any(s.conn.bytes_to_write < self._room for s in self._active)

    def pump(
        self,
        send: Callable[[Session[Link], bytes], None],
        failed: Callable[[Session[Link], str], None],
    ) -> None:
        """Send the next slices to readers with room, within the pass's budget;
        a replay that reaches its end sends what was held behind it and is done."""
        budget = SLICES_PER_PASS
        served = []
        for session in list(self._active):
            if budget <= 0:
                break
            if session.conn.bytes_to_write >= self._room:
                continue
            replay = self._active[session]
            budget -= 1
            served.append(session)
            try:
                records = self._store.since(replay.after, replay.owner, REPLAY_SLICE, replay.rooms)
            except StoreError as exc:
                del self._active[session]
                failed(session, str(exc))
                continue
            parts = []
            size = 0
            done = len(records) < REPLAY_SLICE
            for record in records:
                if record.id > replay.upto:
                    done = True
                    break
                part = history_frame(record, replay.owner, self._file_of(record.id))
                parts.append(part)
                replay.after = record.id
                size += len(part)
                if size >= self._room:  # long messages: the reader gets no more than that
                    done = False
                    break
            if done or replay.after >= replay.upto:
                del self._active[session]
                parts.extend(replay.held)
            if parts:
                send(session, b"".join(parts))
        # Round robin: whoever was served goes to the back.
        for session in served:
            if session in self._active:
                self._active[session] = self._active.pop(session)
