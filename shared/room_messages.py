"""The frames of rooms, presence and typing (PROTOCOL.md §8.3-§8.4).

``join``, ``part`` and ``list_rooms`` go from a client to the server; ``rooms`` back.
``status`` and ``typing`` go both ways with one shape: a client's carries no ``name``
(the server knows who speaks), the server's names the user. A room is a name like a
user's (:func:`~shared.validation.room_problem`), shown with ``#``; ``general`` is the
room of every frame that names none, and is never written on the wire by a server.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from shared.errors import ErrorCode, ProtocolError
from shared.fields import opt_str, req_int, req_str, violation
from shared.limits import STATUS_TEXT_MAX_CHARS
from shared.validation import GENERAL, normalize_name, room_problem

__all__ = [
    "PresenceState",
    "Join",
    "Part",
    "ListRooms",
    "RoomInfo",
    "RoomList",
    "Status",
    "Typing",
    "opt_room",
    "room_field",
]

Json: TypeAlias = dict[str, object]


class PresenceState(enum.StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"


def opt_room(obj: Mapping[str, object], key: str = "room") -> str:
    """The room a frame names, normalised; ``general`` when it names none. A name that
    breaks the rules is ``room_invalid`` (not fatal: the rest of the session is fine)."""
    raw = obj.get(key)
    if raw is None:
        return GENERAL
    if isinstance(raw, str) and len(raw) <= _CHECKED_CHARS:
        problem, name = _checked_room(raw)
    else:
        problem, name = room_problem(raw), ""
    if problem is not None:
        raise ProtocolError(ErrorCode.ROOM_INVALID, problem)
    return name


_CHECKED_CHARS = 64
"""Longest room name whose check is remembered: a name as typed, with room to spare.
Longer is never a room, and would make what the cache holds unbounded."""


@functools.lru_cache(maxsize=1024)
def _checked_room(raw: str) -> tuple[str | None, str]:
    """A room name's problem and normal form, remembered: every say to a room names
    it, and checking a name is a table look-up per character."""
    problem = room_problem(raw)
    return problem, (normalize_name(raw) if problem is None else "")


def room_field(out: Json, room: str) -> Json:
    """``out`` with ``room``, unless it is ``general`` (which a v1 peer knows as no room)."""
    if room != GENERAL:
        out["room"] = room
    return out


@dataclass(frozen=True, slots=True)
class Join:
    """Enter a room, making it if it does not exist (client to server)."""

    room: str
    TYPE: ClassVar[str] = "join"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "room": self.room}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Join:
        if obj.get("room") is None:
            raise violation("'join' needs a 'room'")
        return cls(opt_room(obj))


@dataclass(frozen=True, slots=True)
class Part:
    """Leave a room (client to server); ``general`` cannot be left."""

    room: str
    TYPE: ClassVar[str] = "part"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "room": self.room}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Part:
        if obj.get("room") is None:
            raise violation("'part' needs a 'room'")
        return cls(opt_room(obj))


@dataclass(frozen=True, slots=True)
class ListRooms:
    """Ask for the server's rooms (client to server); answered with :class:`RoomList`."""

    TYPE: ClassVar[str] = "list_rooms"

    def to_dict(self) -> Json:
        return {"type": self.TYPE}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> ListRooms:
        return cls()


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """One room of a :class:`RoomList`: its name, how many are in it, its topic."""

    name: str
    users: int
    topic: str = ""

    def to_dict(self) -> Json:
        return {"name": self.name, "users": self.users, "topic": self.topic}

    @classmethod
    def from_dict(cls, obj: object) -> RoomInfo:
        if not isinstance(obj, Mapping):
            raise violation("each of 'rooms' must be an object")
        return cls(req_str(obj, "name"), req_int(obj, "users"), opt_str(obj, "topic") or "")


@dataclass(frozen=True, slots=True)
class RoomList:
    """The server's rooms (server to client), ``general`` first, then by name."""

    rooms: tuple[RoomInfo, ...]
    TYPE: ClassVar[str] = "rooms"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "rooms": [r.to_dict() for r in self.rooms]}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> RoomList:
        rooms = obj.get("rooms")
        if not isinstance(rooms, list):
            raise violation("'rooms' must be a list")
        return cls(tuple(RoomInfo.from_dict(r) for r in rooms))


@dataclass(frozen=True, slots=True)
class Status:
    """A user's presence: a client sets its own (no ``name``); the server tells
    everyone sharing a room whose it is."""

    state: PresenceState
    text: str = ""
    name: str | None = None
    TYPE: ClassVar[str] = "status"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE}
        if self.name is not None:
            out["name"] = self.name
        out["state"] = self.state.value
        out["text"] = self.text
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Status:
        raw = obj.get("state")
        try:
            state = PresenceState(raw) if isinstance(raw, str) else None
        except ValueError:
            state = None
        if state is None:
            raise violation("'state' must be available, away or busy")
        text = opt_str(obj, "text") or ""
        if len(text) > STATUS_TEXT_MAX_CHARS:
            raise violation(f"'text' is longer than {STATUS_TEXT_MAX_CHARS} characters")
        return cls(state, text, opt_str(obj, "name"))


@dataclass(frozen=True, slots=True)
class Typing:
    """Someone is typing in ``room`` (or to the user ``to``); it lapses after 6 s
    without another. A client's carries no ``name``."""

    room: str = GENERAL
    to: str | None = None
    name: str | None = None
    TYPE: ClassVar[str] = "typing"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE}
        if self.name is not None:
            out["name"] = self.name
        if self.to is not None:
            out["to"] = self.to
            return out
        return room_field(out, self.room)

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Typing:
        to = opt_str(obj, "to")
        if to is not None and obj.get("room") is not None:
            raise ProtocolError(ErrorCode.ROOM_INVALID, "typing goes to a room or to a user, not both")
        return cls(opt_room(obj), to, opt_str(obj, "name"))
