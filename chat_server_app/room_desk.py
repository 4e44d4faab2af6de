"""The operator's orders over rooms on the running server, and what the dashboard
lists of each room (docs/PROTOCOL.md §8.3).

:class:`RoomDesk` is the engine's (:attr:`ChatServer.rooms
<chat_server_app.engine.ChatServer.rooms>`): each order is the rules' own
(:mod:`chat_server_app.core.room_orders`), then the engine carries out what they
said. The messages per room are counted here, from the passes the engine stores:
the rules keep no count, and the history would be a query per room per refresh.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, NamedTuple

from chat_server_app.store import StoredMessage
from shared.validation import GENERAL, name_key

if TYPE_CHECKING:
    from chat_server_app.engine import ChatServer

__all__ = ["RoomDesk", "RoomView"]


class RoomView(NamedTuple):
    """One row of the dashboard's rooms list."""

    name: str
    members: int
    """Members online (everyone registered, for ``general``)."""
    messages: int
    """Messages posted in it since the server started."""
    read_only: bool
    topic: str
    kept: bool
    """Opened by the operator: it stays with no one in it."""

    @property
    def is_general(self) -> bool:
        return self.name == GENERAL


class RoomDesk:
    """The rooms' orders and counts; raises
    :class:`~chat_server_app.core.room_orders.RoomOrderError` for an order the rules refuse."""

    def __init__(self, server: ChatServer) -> None:
        # Weak: a cycle with the server would leave it to the garbage collector, which
        # frees the Python halves of its Qt objects while their sockets still signal.
        self._server_ref = weakref.ref(server)
        self._messages: dict[str, int] = {}

    @property
    def _server(self) -> ChatServer:
        server = self._server_ref()
        if server is None:
            raise RuntimeError("the server of this room desk is gone")
        return server

    def counted(self, messages: list[StoredMessage]) -> None:
        """A pass's stored messages: each public one counts for its room."""
        counts = self._messages
        for message in messages:
            if message.to_key is None:
                key = name_key(message.room) if message.room is not None else GENERAL
                counts[key] = counts.get(key, 0) + 1

    def listing(self) -> list[RoomView]:
        """``general`` first, then every room by name."""
        core = self._server.core
        general = core.rooms.general
        rows = [
            RoomView(
                general.name,
                core.user_count,
                self._messages.get(GENERAL, 0),
                general.read_only,
                general.topic,
                False,
            )
        ]
        for room in sorted(core.rooms.all(), key=lambda r: (r.name.casefold(), r.name)):
            count = self._messages.get(room.key, 0)
            rows.append(RoomView(room.name, len(room.fanout), count, room.read_only, room.topic, room.kept))
        return rows

    def member_names(self, room_name: str) -> list[str]:
        """The members online of a room (everyone, for ``general``), sorted."""
        core = self._server.core
        room = core.rooms.find(room_name)
        if room is None:
            return []
        if room.is_general:
            return [s.name for s in core.users]
        return room.names()

    def open_room(self, name: str) -> None:
        self._server.core.open_room(name)
        self._server.apply_outputs()

    def close_room(self, name: str) -> None:
        """Everyone out of the room, after what they were sent before."""
        self._server.flush()
        try:
            self._server.core.close_room(name)
        finally:
            self._server.apply_outputs()

    def set_topic(self, room_name: str, text: str) -> None:
        self._server.core.set_topic(room_name, text)
        self._server.apply_outputs()

    def set_read_only(self, room_name: str, on: bool) -> None:
        self._server.core.set_room_read_only(room_name, on)
        self._server.apply_outputs()

    def move(self, user_name: str, room_name: str) -> bool:
        """Put a user in a room as if they had joined it; ``False`` if no such user."""
        session = self._server.core.user(user_name)
        if session is None:
            return False
        self._server.core.move(session, room_name)
        self._server.apply_outputs()
        return True
