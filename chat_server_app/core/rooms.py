"""Rooms: today the one room ``general``, where every registered user is.

PROTOCOL.md §8.3 adds rooms a user joins and parts; what is per room (read-only
now; members, topic and history later) lives here, so that more rooms are more
entries of :class:`Rooms`, not another rule beside the chat's.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GENERAL", "Room", "Rooms"]

GENERAL = "general"
"""The room of every user (and of every v1 client, which knows no rooms)."""


@dataclass(slots=True)
class Room:
    name: str
    topic: str = ""
    read_only: bool = False


class Rooms:
    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {GENERAL: Room(GENERAL)}

    @property
    def general(self) -> Room:
        return self._rooms[GENERAL]

    def get(self, name: str) -> Room | None:
        return self._rooms.get(name)
