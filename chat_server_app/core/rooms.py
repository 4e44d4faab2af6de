"""Rooms (PROTOCOL.md §8.3): ``general``, where every registered user is, and the
rooms users make by joining them.

A room knows its members online (in join order, and by the driver's sink for the
broadcast's tight loop) and the owners of the reserved names in it, who stay
members while offline and across restarts. ``general`` lists no members: it is
everyone registered, which the rules already keep.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from chat_server_app.core.session import Link, Session
from chat_server_app.store import RoomRecord
from shared.messages import GENERAL, RoomInfo
from shared.validation import name_key

__all__ = ["GENERAL", "Room", "Rooms"]


@dataclass(eq=False, slots=True)
class Room:
    name: str
    """As it was first spelled; every frame names the room so."""
    key: str
    topic: str = ""
    read_only: bool = False
    since_epoch: float = 0.0
    fanout: dict[Hashable, Session[Link]] = field(default_factory=dict)
    """Members online, by their driver's sink, in join order."""
    reserved: set[str] = field(default_factory=set)
    """Owners (token hashes) of the reserved names in the room, online or not."""
    kept: bool = False
    """Made by the operator: it stays with no one in it, until the operator closes it."""

    @property
    def is_general(self) -> bool:
        return self.name == GENERAL

    @property
    def members(self) -> list[Session[Link]]:
        return list(self.fanout.values())

    def names(self) -> list[str]:
        """Members online, sorted as ``welcome.users`` is."""
        return sorted(s.name for s in self.fanout.values())

    def has(self, session: Session[Link]) -> bool:
        return self.fanout.get(session.sink) is session

    @property
    def abandoned(self) -> bool:
        """No one online and no reserved name in it, and not kept: the room is gone."""
        return not self.fanout and not self.reserved and not self.kept

    def record(self) -> RoomRecord:
        return RoomRecord(
            self.key,
            self.name,
            self.topic,
            self.read_only,
            self.since_epoch,
            frozenset(self.reserved),
            self.kept,
        )


class Rooms:
    """Every room by key, ``general`` first."""

    def __init__(self, records: Iterable[RoomRecord] = ()) -> None:
        self.general = Room(GENERAL, name_key(GENERAL))
        self._rooms: dict[str, Room] = {}
        for record in records:
            if record.key == self.general.key:
                # Kept for its topic only: everyone is in it, and its read-only is the
                # server-wide switch, which each start sets.
                self.general.topic = record.topic
                continue
            self._rooms[record.key] = Room(
                record.name,
                record.key,
                record.topic,
                record.read_only,
                record.since_epoch,
                reserved=set(record.members),
                kept=record.kept,
            )

    def __len__(self) -> int:
        """Rooms besides ``general``."""
        return len(self._rooms)

    def find(self, name: str) -> Room | None:
        """The room ``name`` names (by key), ``general`` included."""
        key = name_key(name)
        return self.general if key == self.general.key else self._rooms.get(key)

    def make(self, name: str, epoch: float) -> Room:
        room = Room(name, name_key(name), since_epoch=epoch)
        self._rooms[room.key] = room
        return room

    def remove(self, room: Room) -> None:
        self._rooms.pop(room.key, None)

    def of_owner(self, owner: str) -> list[Room]:
        """The rooms a reserved name belongs to, by name."""
        return sorted((r for r in self._rooms.values() if owner in r.reserved), key=lambda r: r.key)

    def all(self) -> list[Room]:
        """Every room but ``general``, by key."""
        return sorted(self._rooms.values(), key=lambda r: r.key)

    def listing(self, users: int) -> list[RoomInfo]:
        """The ``rooms`` answer: ``general`` (with ``users`` registered) first, then by name."""
        rooms = sorted(self._rooms.values(), key=lambda r: (r.name.casefold(), r.name))
        return [RoomInfo(GENERAL, users, self.general.topic)] + [
            RoomInfo(r.name, len(r.fanout), r.topic) for r in rooms
        ]
