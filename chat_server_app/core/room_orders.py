"""The operator's orders over rooms (PROTOCOL.md §8.3, docs/PROTOCOL.md): topic,
read-only per room, opening, closing, and moving a user into a room.

An order the rules cannot carry out (a bad name, a room that does not exist, a
user in too many rooms) raises :class:`RoomOrderError`; the dashboard checks the
usual cases first, to say them in the operator's language.

A room the operator opens is *kept*: it stays with no one in it, across restarts,
until the operator closes it. Closing a room sends each member online a ``left``
naming themselves with reason ``closed`` (the others are gone with them, so no one
needs theirs), and forgets the reserved names in it.
"""

from __future__ import annotations

import enum
import unicodedata

from chat_server_app.core.orders import OperatorOrders
from chat_server_app.core.outbox import Entry
from chat_server_app.core.outputs import StoreFailed
from chat_server_app.core.room_rules import RoomRules
from chat_server_app.core.rooms import Room
from chat_server_app.core.session import Link, Session
from chat_server_app.store import StoreError
from shared.codec import encode
from shared.messages import Left, LeftReason, Notice
from shared.validation import normalize_name, room_problem

__all__ = ["RoomOrders", "RoomOrderError", "RoomRefusal", "TOPIC_MAX_CHARS", "topic_problem"]

TOPIC_MAX_CHARS = 200
"""A topic is one line under a room's name: longer says nothing more."""


class RoomRefusal(enum.Enum):
    """Why an order over rooms was refused, for a window to say in its own language."""

    NO_SUCH_ROOM = "no_such_room"  # details: room
    BAD_ROOM_NAME = "bad_room_name"  # details: room
    BAD_TOPIC = "bad_topic"  # details: count (the longest topic)
    GENERAL_IS_THERE = "general_is_there"  # #general cannot be opened or closed
    SERVER_FULL = "server_full"  # details: count (rooms the server holds)
    USER_FULL = "user_full"  # details: name, count (rooms one user may be in)


class RoomOrderError(ValueError):
    """An order over rooms that cannot be carried out: ``refusal`` and ``details`` say
    why (the dashboard, in the operator's language); the message, in English, is for
    the headless log."""

    def __init__(self, refusal: RoomRefusal, message: str, **details: str | int) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.details = details


def topic_problem(text: str) -> str | None:
    """Why ``text`` cannot be a topic (too long, a line break or a control), or ``None``."""
    if len(text) > TOPIC_MAX_CHARS:
        return f"a topic is at most {TOPIC_MAX_CHARS} characters"
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return "a topic is one line, without control characters"
    return None


class RoomOrders(RoomRules, OperatorOrders):
    """What the dashboard and the headless runner may order over rooms."""

    def _room(self, name: str) -> Room:
        room = self.rooms.find(normalize_name(name))
        if room is None:
            raise RoomOrderError(RoomRefusal.NO_SUCH_ROOM, f"there is no room #{name}", room=name)
        return room

    def _room_notice(
        self, room: Room, text: str, read_only: bool | None = None, topic: str | None = None
    ) -> None:
        """A notice to ``room``'s members (to everyone, for ``general``); ``read_only``
        or ``topic``: it tells of that, for a client to say in its user's language."""
        ts, _ = self._clock()
        frame = encode(Notice(text, ts, room.name, read_only, topic).to_dict())
        if room.is_general:
            self._outbox.append(Entry(frame, next(self._seqs), presence=True))
        else:
            self._outbox.append(Entry(frame, next(self._seqs), room=room))

    def set_topic(self, room_name: str, text: str) -> None:
        """The room's topic, told to its members as a notice; ``""`` clears it."""
        room = self._room(room_name)
        text = text.strip()
        problem = topic_problem(text)
        if problem is not None:
            raise RoomOrderError(RoomRefusal.BAD_TOPIC, problem, count=TOPIC_MAX_CHARS)
        if text == room.topic:
            return
        room.topic = text
        self._save_room(room)
        self._room_notice(room, f"The topic is now: {text}" if text else "The topic was cleared.", topic=text)
        self._rooms_dirty = True

    def set_room_read_only(self, room_name: str, on: bool) -> None:
        """While on, a ``say`` in the room gets ``read_only``; a notice there says so.
        ``general``'s is the server-wide switch."""
        room = self._room(room_name)
        if room.is_general:
            self.set_read_only(on)
            self._rooms_dirty = True
            return
        if on == room.read_only:
            return
        room.read_only = on
        self._save_room(room)
        self._room_notice(
            room,
            f"#{room.name} is now read-only: only the operator can write."
            if on
            else f"#{room.name} is open again: everyone can write.",
            read_only=on,
        )
        self._rooms_dirty = True

    def open_room(self, name: str) -> Room:
        """A room the operator makes: kept with no one in it. An existing room becomes kept."""
        problem = room_problem(name)
        if problem is not None:
            raise RoomOrderError(RoomRefusal.BAD_ROOM_NAME, problem, room=name)
        room = self.rooms.find(normalize_name(name))
        if room is not None and room.is_general:
            raise RoomOrderError(RoomRefusal.GENERAL_IS_THERE, "#general is always there")
        if room is None:
            if len(self.rooms) >= self.settings.max_rooms:
                limit = self.settings.max_rooms
                raise RoomOrderError(
                    RoomRefusal.SERVER_FULL, f"this server holds {limit} rooms already", count=limit
                )
            room = self.rooms.make(normalize_name(name), self._wall())
        elif room.kept:
            return room
        room.kept = True
        self._save_room(room)
        self._rooms_dirty = True
        return room

    def close_room(self, room_name: str) -> None:
        """Everyone out, reserved names included, and the room gone."""
        room = self._room(room_name)
        if room.is_general:
            raise RoomOrderError(RoomRefusal.GENERAL_IS_THERE, "#general cannot be closed")
        ts, _ = self._clock()
        for session in room.members:
            left = encode(Left(session.name, ts, LeftReason.CLOSED.value, room.name).to_dict())
            self._outbox.append(Entry(None, next(self._seqs), {session: left}))
            del session.rooms[room.key]
            room.fanout.pop(session.sink, None)
            self._moved(session, room, entered=False)
        room.reserved.clear()
        room.kept = False
        self.rooms.remove(room)
        try:
            self.store.drop_room(room.key)
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))
        self._rooms_dirty = True

    def move(self, session: Session[Link], room_name: str) -> None:
        """Put a user in a room as if they had joined it (one they are in: nothing);
        a room that does not exist is made, as a ``join`` makes it."""
        problem = room_problem(room_name)
        if problem is not None:
            raise RoomOrderError(RoomRefusal.BAD_ROOM_NAME, problem, room=room_name)
        room = self.rooms.find(normalize_name(room_name))
        if room is not None and (room.is_general or room.key in session.rooms):
            return
        if len(session.rooms) >= self.settings.max_rooms_per_user:
            limit = self.settings.max_rooms_per_user
            raise RoomOrderError(
                RoomRefusal.USER_FULL,
                f"{session.name} is in {limit} rooms already",
                name=session.name,
                count=limit,
            )
        if room is None:
            if len(self.rooms) >= self.settings.max_rooms:
                limit = self.settings.max_rooms
                raise RoomOrderError(
                    RoomRefusal.SERVER_FULL, f"this server holds {limit} rooms already", count=limit
                )
            room = self.rooms.make(normalize_name(room_name), self._wall())
        self._enter(session, room)
        self._save_room(room)
        self._rooms_dirty = True
