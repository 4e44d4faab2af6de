"""Delivery: a pass's messages stored in one transaction, then what each client
gets of the pass (one write each), and the replays' next slices."""

from __future__ import annotations

from collections.abc import Hashable

from chat_server_app.core.outbox import Delivery, Entry, Moves, common_bytes, pass_room, spliced, stream_of
from chat_server_app.core.outputs import MessagesPosted, Send, StoreFailed
from chat_server_app.core.rooms import Room
from chat_server_app.core.session import Link, Session
from chat_server_app.core.state import CoreState
from chat_server_app.store import StoredMessage, StoreError
from shared.errors import ErrorCode
from shared.messages import LeftReason

__all__ = ["Delivering"]


class Delivering(CoreState):
    """What :meth:`flush` hands the driver at the end of each pass."""

    def flush(self) -> Delivery | None:
        """Store the pass's messages in one transaction; what each client gets of the pass."""
        self._pass_clock = None
        batch, self._pending = self._pending, []
        entries, self._outbox = self._outbox, []
        if batch:
            try:
                self.store.append(batch)
            except StoreError as exc:
                entries = self._unaccept(batch, entries, str(exc))
            else:
                self._outputs.append(MessagesPosted(batch))
        fresh, self._fresh = self._fresh, {}
        moves, self._moves = self._moves, {}
        if not entries:
            self._pump_replays()
            return None
        one_audience, room = pass_room(entries)
        registered = self.fanout
        # Who gets the pass's common bytes: everyone, or one room's members.
        fanout = registered if room is None else room.fanout
        common, offsets, own = common_bytes(entries) if one_audience else (b"", [], {})
        self._burst_bytes += len(common) * len(fanout)
        skip: set[Hashable] = set()
        writes: list[tuple[Session[Link], bytes]] = []
        for session in self._replays.sessions:
            skip.add(session.sink)
            if not self._replays.hold(session, stream_of(session, entries, moves)):
                self._drop(session, LeftReason.SEND_QUEUE, abort=True)
        if not one_audience:
            delivery = self._deliver_mixed(entries, fresh, moves, skip, writes)
            self._pump_replays()
            return delivery
        for session in {**fresh, **own, **dict.fromkeys(moves)}:
            if registered.get(session.sink) is not session or session.sink in skip:
                continue  # gone during the pass, or replaying
            skip.add(session.sink)
            if self.keeps_up(session):
                if session in fresh or session in moves or fanout.get(session.sink) is not session:
                    # New this pass, in or out of a room during it, or not in the
                    # pass's room: entry by entry.
                    data = stream_of(session, entries, moves)
                else:
                    # Registered before every entry of the pass: the common bytes
                    # with its own few spliced in.
                    data = spliced(common, entries, offsets, own[session], session)
                writes.append((session, data))
        self._pump_replays()
        return Delivery(writes, common, list(fanout), skip)

    def _deliver_mixed(
        self,
        entries: list[Entry],
        fresh: dict[Session[Link], None],
        moves: Moves,
        skip: set[Hashable],
        writes: list[tuple[Session[Link], bytes]],
    ) -> Delivery:
        """A pass whose frames go to several audiences (general and rooms): each session
        gets, in id order, the frames of the rooms it is in (a member of two rooms must
        not get one room's block before the other's smaller ids).

        Sessions in the same rooms (of those the pass speaks in) get the same bytes:
        they are made once per such group, and the largest group goes through the
        driver's tight loop as the common bytes. Only sessions with bytes of their own
        in the pass, new in it, or moving between rooms during it go entry by entry.
        """
        rooms = {e.room for e in entries if e.room is not None and e.public is not None}
        special = {session for entry in entries for session in entry.special}
        groups: dict[frozenset[Room], list[Session[Link]]] = {}
        for session in list(self.fanout.values()):
            if session.sink in skip:
                continue
            if session in special or session in fresh or session in moves:
                skip.add(session.sink)
                if self.keeps_up(session) and (data := stream_of(session, entries, moves)):
                    self._burst_bytes += len(data)
                    writes.append((session, data))
                continue
            # From the session's own rooms (one or two), not every room of the pass.
            audience = frozenset(r for r in session.rooms.values() if r in rooms)
            groups.setdefault(audience, []).append(session)
        common: bytes = b""
        sinks: list[Hashable] = []
        largest = max(groups, key=lambda g: len(groups[g]), default=None)
        for audience, members in groups.items():
            data = b"".join(
                e.public for e in entries if e.public is not None and (e.room is None or e.room in audience)
            )
            self._burst_bytes += len(data) * len(members)
            if audience is largest:
                common, sinks = data, [s.sink for s in members]
                continue
            for session in members:
                skip.add(session.sink)
                if data and self.keeps_up(session):
                    writes.append((session, data))
        return Delivery(writes, common, sinks, skip)

    def _pump_replays(self) -> None:
        def send(session: Session[Link], data: bytes) -> None:
            self._burst_bytes += len(data)
            self._outputs.append(Send(session, data))

        def failed(session: Session[Link], reason: str) -> None:
            self._outputs.append(StoreFailed(reason))
            self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot read its history", fatal=True)

        if self._replays:
            self._replays.pump(send, failed)

    def keeps_up(self, session: Session[Link]) -> bool:
        """Whether a reader keeps up with its send queue; one too far behind is dropped."""
        # What is still queued from earlier passes decides: one busy pass may be
        # larger than the limit without the reader being slow.
        if session.conn.bytes_to_write > self.settings.send_queue:
            self._drop(session, LeftReason.SEND_QUEUE, abort=True)
            return False
        return True

    def _unaccept(self, batch: list[StoredMessage], entries: list[Entry], reason: str) -> list[Entry]:
        """The history cannot be written: nothing of the batch may be shown to anyone.

        Broadcasting unstored messages would break §6 (stored before broadcast) and,
        after a restart, hand their ids out again. Senders are told, per ``cid``.
        """
        self._outputs.append(StoreFailed(reason))
        failed = {m.id for m in batch}
        by_key = {s.key: s for s in self._users.values()}
        for record in batch:
            self._unaccepted += 1
            sender = by_key.get(record.sender_key)
            if sender is not None:
                self._reject(
                    sender, ErrorCode.SERVER_ERROR, "the server could not store the message", cid=record.cid
                )
        return [e for e in entries if e.message_id not in failed]
