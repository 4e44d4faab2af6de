"""Rooms, presence and typing (PROTOCOL.md §8.3-§8.4, as docs/PROTOCOL.md reads them).

``join`` makes a room that does not exist yet; the joiner gets ``joined`` naming
themselves with the members and the topic, the other members ``joined``. ``part``
is answered with the ``left`` the members get. A reserved name stays in its rooms
while offline and is put back in at its next welcome. ``status`` goes to everyone
registered (everyone shares ``general``); ``typing`` to a room's other members or
to one user, at most one a second per sender and target.
"""

from __future__ import annotations

from chat_server_app.core.frames import history_frame
from chat_server_app.core.outbox import Entry
from chat_server_app.core.outputs import StoreFailed
from chat_server_app.core.rooms import Room
from chat_server_app.core.session import Link, Session
from chat_server_app.core.state import CoreState
from chat_server_app.store import StoreError
from shared.codec import encode
from shared.errors import ErrorCode
from shared.limits import NAME_MAX_CHARS
from shared.messages import (
    Join,
    Joined,
    Left,
    LeftReason,
    PresenceState,
    RoomList,
    Status,
    Typing,
)
from shared.validation import name_key, normalize_name

__all__ = ["RoomRules", "TYPING_INTERVAL"]

TYPING_INTERVAL = 1.0
"""Seconds between two ``typing`` passed on for one sender and target; a client sends
one every few seconds while its user types, more are noise."""


class RoomRules(CoreState):
    """``join``, ``part``, ``list_rooms``, ``status`` and ``typing``."""

    # --- join and part -----------------------------------------------------------------

    def _on_join(self, session: Session[Link], join: Join) -> None:
        room = self.rooms.find(join.room)
        if room is not None and (room.is_general or room.key in session.rooms):
            self._answer_joined(session, room)  # harmless: the same answer, no one else told
            return
        if len(session.rooms) >= self.settings.max_rooms_per_user:
            message = f"you are in {self.settings.max_rooms_per_user} rooms already: leave one first"
            self._reject(session, ErrorCode.TOO_MANY_ROOMS, message)
            return
        made = room is None
        if room is None:
            if len(self.rooms) >= self.settings.max_rooms:
                self._reject(session, ErrorCode.TOO_MANY_ROOMS, "this server has no room for more rooms")
                return
            room = self.rooms.make(join.room, self._wall())
        self._enter(session, room)
        self._save_room(room)
        if not made:
            self._show_past(session, room)

    def _show_past(self, session: Session[Link], room: Room) -> None:
        """The room's newest messages (``history_on_join``), to the user who just came
        in, after the room's ``joined``: a room is not a blank page to a newcomer."""
        try:
            tail = self.store.room_tail(room.name, self.settings.history_on_join)
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            return
        if tail:
            past = b"".join(
                history_frame(record, session.owner, self._file_json(record.id)) for record in tail
            )
            self._outbox.append(Entry(None, next(self._seqs), {session: past}))

    def _enter(self, session: Session[Link], room: Room) -> None:
        """``session`` joins ``room``: the others hear of it, the joiner gets the room."""
        self._moved(session, room, entered=True)
        session.rooms[room.key] = room
        room.fanout[session.sink] = session
        if session.owner is not None:
            room.reserved.add(session.owner)
        ts, _ = self._clock()
        others = encode(Joined(session.name, ts, room.name).to_dict())
        self._outbox.append(Entry(others, next(self._seqs), {session: b""}, room=room))
        self._answer_joined(session, room)

    def _answer_joined(self, session: Session[Link], room: Room) -> None:
        self._outbox.append(Entry(None, next(self._seqs), {session: self._own_joined(session, room)}))

    def _own_joined(self, session: Session[Link], room: Room) -> bytes:
        ts, _ = self._clock()
        users = sorted(s.name for s in self._users.values()) if room.is_general else room.names()
        joined = Joined(session.name, ts, room.name, tuple(users), room.topic, read_only=room.read_only)
        return encode(joined.to_dict())

    def _on_part(self, session: Session[Link], room_name: str) -> None:
        room = self.rooms.find(room_name)
        if room is not None and room.is_general:
            self._reject(session, ErrorCode.ROOM_INVALID, "everyone is in #general: it cannot be left")
            return
        if room is None or room.key not in session.rooms:
            self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{room_name}")
            return
        ts, _ = self._clock()
        left = encode(Left(session.name, ts, LeftReason.PART.value, room.name).to_dict())
        # Made while the user is a member: the members and the user get it.
        self._outbox.append(Entry(left, next(self._seqs), room=room))
        self._leave_room(session, room, parted=True)

    def _restore_rooms(self, session: Session[Link]) -> bytes:
        """At registration: a reserved name is back in its rooms. The others in each
        hear of it; the user's ``joined`` frames come back to go after the welcome."""
        if session.owner is None:
            return b""
        frames = []
        ts, _ = self._clock()
        for room in self.rooms.of_owner(session.owner):
            self._moved(session, room, entered=True)
            session.rooms[room.key] = room
            room.fanout[session.sink] = session
            others = encode(Joined(session.name, ts, room.name).to_dict())
            self._outbox.append(Entry(others, next(self._seqs), {session: b""}, room=room))
            frames.append(self._own_joined(session, room))
        return b"".join(frames)

    def _on_list_rooms(self, session: Session[Link]) -> None:
        self._send(session, RoomList(tuple(self.rooms.listing(len(self._users)))).to_dict())

    # --- presence and typing -------------------------------------------------------------

    def _on_status(self, session: Session[Link], status: Status) -> None:
        session.presence = status.state
        session.status_text = status.text
        frame = encode(Status(status.state, status.text, session.name).to_dict())
        self._outbox.append(Entry(frame, next(self._seqs)))

    def _statuses(self) -> bytes:
        """One ``status`` per registered user not simply available: a newcomer's, after
        its welcome (the default is not sent)."""
        return b"".join(
            encode(Status(s.presence, s.status_text, s.name).to_dict())
            for s in self._users.values()
            if s.presence is not PresenceState.AVAILABLE or s.status_text
        )

    def _on_typing(self, session: Session[Link], typing: Typing, now: float) -> None:
        if typing.to is not None:
            wanted = normalize_name(typing.to)
            target = self._users.get(name_key(wanted)) if len(wanted) <= NAME_MAX_CHARS else None
            if target is None or target is session:
                return  # typing to no one online: nothing to tell, and no error worth a frame
            if self._typing_passed(session, "@" + target.key, now):
                frame = encode(Typing(to=target.name, name=session.name).to_dict())
                self._outbox.append(Entry(None, next(self._seqs), {target: frame}))
            return
        room = self.rooms.find(typing.room)
        if room is None or not (room.is_general or room.key in session.rooms):
            self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{typing.room}")
            return
        if self._typing_passed(session, "#" + room.key, now):
            frame = encode(Typing(room.name, name=session.name).to_dict())
            audience = None if room.is_general else room
            self._outbox.append(Entry(frame, next(self._seqs), {session: b""}, room=audience))

    @staticmethod
    def _typing_passed(session: Session[Link], target: str, now: float) -> bool:
        """Whether a ``typing`` to ``target`` is passed on now (one a second at most)."""
        last = session.typing_passed.get(target)
        if last is not None and now - last < TYPING_INTERVAL:
            return False
        if len(session.typing_passed) > 64:
            session.typing_passed.clear()  # bounded: a sender of typing to many targets
        session.typing_passed[target] = now
        return True
