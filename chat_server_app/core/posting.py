"""Posting: what a ``say`` becomes (PROTOCOL.md §3, §5, §8.1).

A part of :class:`~chat_server_app.core.server.ServerCore` kept apart: the checks a
``say`` passes in order (a re-send, read-only, the rate, the recipient), then the
stored record and the frames each party gets of it.
"""

from __future__ import annotations

from chat_server_app.core.frames import message_frames, offline_echo
from chat_server_app.core.outbox import Entry
from chat_server_app.core.rooms import Room
from chat_server_app.core.session import Link, Session
from chat_server_app.core.state import CoreState
from chat_server_app.store import Reservation, StoredMessage
from shared.errors import ErrorCode
from shared.limits import NAME_MAX_CHARS, RATE_ABUSE_DROPS
from shared.messages import GENERAL, Say
from shared.quoting import quoted
from shared.validation import name_key, normalize_name

__all__ = ["Posting"]


class Posting(CoreState):
    """Turns each accepted ``say`` into a record of the pass and its frames."""

    def _on_say(self, session: Session[Link], say: Say) -> None:
        if say.cid is not None:
            original = self._cids.original_of(session.key, say.cid, self._pending)
            if original is not None:
                # Already posted (a re-send after a reconnect): answer with the original.
                # Its id goes with it: should the original be this pass's and the pass
                # fail to store, the answer is withdrawn with it (_unaccept).
                echo = message_frames(original)[1]
                self._outbox.append(Entry(None, next(self._seqs), {session: echo}, message_id=original.id))
                return
        room: Room | None = None
        if say.room != GENERAL:
            room = session.rooms.get(name_key(say.room))
            if room is None:
                self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{say.room}", cid=say.cid)
                return
            if room.read_only:
                message = f"#{room.name} is read-only right now"
                self._reject(session, ErrorCode.READ_ONLY, message, cid=say.cid)
                return
        elif self.rooms.general.read_only:
            self._reject(session, ErrorCode.READ_ONLY, "the chat is read-only right now", cid=say.cid)
            return
        if not session.bucket.take():
            session.rate_hits += 1
            session.drops_in_row += 1
            if session.drops_in_row > RATE_ABUSE_DROPS:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many messages, too fast", fatal=True)
            else:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many messages: slow down", cid=say.cid)
            return
        target: Session[Link] | None = None
        absent: Reservation | None = None
        if say.to is not None:
            wanted = normalize_name(say.to)
            # A key costs a table look-up per character: a `to` longer than any name
            # names no one, and is not worth the cost (it may be a frame's worth).
            to_key = name_key(wanted) if len(wanted) <= NAME_MAX_CHARS else ""
            target = self._users.get(to_key)
            # A reserved name's owner gets it in their next replay (§8.1).
            if target is None and (absent := self.identities.reservation(to_key)) is None:
                self._reject(session, ErrorCode.NO_SUCH_USER, f"no user named {quoted(say.to)}", cid=say.cid)
                return
        session.drops_in_row = 0
        session.messages_sent += 1
        ts, epoch = self._clock()
        # In field order (id, ts, sender, sender_key, text, cid, to, to_key, epoch,
        # sender_owner, to_owner): keywords cost a named tuple twice the time, and this
        # is once per message.
        to: str | None = None
        to_key_: str | None = None
        to_owner: str | None = None
        if target is not None:
            to, to_key_, to_owner = target.name, target.key, target.owner
        elif absent is not None:
            to, to_key_, to_owner = absent.name, absent.key, absent.owner
        record = StoredMessage(
            self._next_id,
            ts,
            session.name,
            session.key,
            say.text,
            say.cid,
            to,
            to_key_,
            epoch,
            session.owner,
            to_owner,
            None if room is None else room.name,
        )
        self._next_id += 1
        self._pending.append(record)
        if say.cid is not None:
            self._cids.add(record)
        public, echo = message_frames(record)
        if absent is not None:
            self._outbox.append(
                Entry(None, next(self._seqs), {session: offline_echo(record)}, message_id=record.id)
            )
        elif target is None:
            special = {session: echo} if echo is not public else {}
            self._outbox.append(Entry(public, next(self._seqs), special, message_id=record.id, room=room))
        else:
            special = {target: public, session: echo} if target is not session else {session: echo}
            self._outbox.append(Entry(None, next(self._seqs), special, message_id=record.id))
