"""A small stand-in server that speaks rooms, presence and typing as docs/PROTOCOL.md
§8.3-§8.4 has them, for the client's tests while the engine learns them.

Several clients on a real socket; no history, no replay, no rate limit: only what the
client's rooms need. A reserved name (a ``hello`` with a token) keeps its rooms across
its reconnects, and gets one ``joined`` per room right after its welcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from shared.codec import FrameDecoder, encode
from shared.errors import ErrorCode, ProtocolError
from shared.fields import format_ts
from shared.messages import (
    Bye,
    ChatMessage,
    ClientMessage,
    Error,
    Hello,
    Join,
    Joined,
    Left,
    ListRooms,
    Part,
    Ping,
    Pong,
    RoomInfo,
    RoomList,
    Say,
    ServerMessage,
    Status,
    Typing,
    Welcome,
    parse_client_message,
)
from shared.validation import GENERAL, name_key

PART = "part"  # docs/PROTOCOL.md §8.3: the reason of a part's ``left``


def now_ts() -> str:
    return format_ts(time.time())


@dataclass
class Client:
    socket: QTcpSocket
    name: str = ""
    token: str | None = None
    rooms: set[str] = field(default_factory=lambda: {GENERAL})


class RoomsServer(QObject):
    """Rooms by name (compared by key), their topics, and who is in each."""

    def __init__(self) -> None:
        super().__init__()
        self._listener = QTcpServer(self)
        assert self._listener.listen(QHostAddress("127.0.0.1"), 0)
        self._listener.newConnection.connect(self._on_listener_new_connection)
        self.clients: list[Client] = []
        self.topics: dict[str, str] = {}  # room -> topic
        self.kept: dict[str, set[str]] = {}  # token -> rooms of a reserved name, while offline
        self.received: list[ClientMessage] = []
        self._next_id = 1

    @property
    def port(self) -> int:
        return int(self._listener.serverPort())

    def close(self) -> None:
        self._listener.close()
        for client in self.clients:
            client.socket.abort()

    def drop(self, name: str) -> None:
        """Cut ``name``'s connection (a network failure)."""
        for client in list(self.clients):
            if client.name == name:
                client.socket.abort()

    # --- the wire ---------------------------------------------------------------------

    def _on_listener_new_connection(self) -> None:
        socket = self._listener.nextPendingConnection()
        client = Client(socket)
        decoder = FrameDecoder()

        def read() -> None:
            for obj in decoder.feed(bytes(socket.readAll().data())):
                try:
                    message = parse_client_message(obj)
                except ProtocolError as exc:
                    self._send(client, Error.of(exc))
                    continue
                self.received.append(message)
                self._handle(client, message)

        socket.readyRead.connect(read)
        socket.disconnected.connect(lambda: self._gone(client, "disconnected"))

    def _send(self, client: Client, message: ServerMessage) -> None:
        if client.socket.state() == QTcpSocket.SocketState.ConnectedState:
            client.socket.write(encode(message.to_dict()))

    def _in(self, room: str) -> list[Client]:
        key = name_key(room)
        return [c for c in self.clients if c.name and any(name_key(r) == key for r in c.rooms)]

    def _room_name(self, room: str) -> str:
        """The spelling the room was made with, if it exists."""
        key = name_key(room)
        for c in self.clients:
            for r in c.rooms:
                if name_key(r) == key:
                    return r
        for rooms in self.kept.values():
            for r in rooms:
                if name_key(r) == key:
                    return r
        return room

    # --- what clients ask ---------------------------------------------------------------

    def _handle(self, client: Client, message: ClientMessage) -> None:
        if isinstance(message, Hello):
            self._hello(client, message)
        elif isinstance(message, Join):
            self._join(client, message.room)
        elif isinstance(message, Part):
            self._part(client, message.room)
        elif isinstance(message, ListRooms):
            names = sorted({self._room_name(r) for c in self.clients for r in c.rooms} - {GENERAL})
            infos = [RoomInfo(GENERAL, len(self._in(GENERAL)))]
            infos += [RoomInfo(r, len(self._in(r)), self.topics.get(r, "")) for r in names]
            self._send(client, RoomList(tuple(infos)))
        elif isinstance(message, Say):
            self._say(client, message)
        elif isinstance(message, Status):
            for other in self._in(GENERAL):
                self._send(other, Status(message.state, message.text, client.name))
        elif isinstance(message, Typing):
            self._typing(client, message)
        elif isinstance(message, Ping):
            self._send(client, Pong(message.token))
        elif isinstance(message, Bye):
            client.socket.disconnectFromHost()

    def _hello(self, client: Client, hello: Hello) -> None:
        client.name = hello.name
        client.token = hello.token
        others = [c for c in self.clients if c.name]
        self.clients.append(client)
        users = tuple(sorted(c.name for c in [*others, client]))
        self._send(client, Welcome(hello.name, users, "rooms", server_id="fake-rooms"))
        for other in others:
            self._send(other, Joined(client.name, now_ts()))
        for room in sorted(self.kept.pop(hello.token, set()) if hello.token else set()):
            self._join(client, room)

    def _join(self, client: Client, room: str) -> None:
        room = self._room_name(room)
        fresh = name_key(room) not in {name_key(r) for r in client.rooms}
        if fresh:
            for other in self._in(room):
                self._send(other, Joined(client.name, now_ts(), room=room))
            client.rooms.add(room)
        users = tuple(sorted(c.name for c in self._in(room)))
        self._send(
            client, Joined(client.name, now_ts(), room=room, users=users, topic=self.topics.get(room, ""))
        )

    def _part(self, client: Client, room: str) -> None:
        key = name_key(room)
        mine = next((r for r in client.rooms if name_key(r) == key), None)
        if key == name_key(GENERAL):
            self._send(client, Error(ErrorCode.ROOM_INVALID.value, "general cannot be left"))
            return
        if mine is None:
            self._send(client, Error(ErrorCode.NOT_IN_ROOM.value, f"you are not in #{room}"))
            return
        for other in self._in(mine):
            self._send(other, Left(client.name, now_ts(), PART, room=mine))
        client.rooms.discard(mine)

    def _say(self, client: Client, say: Say) -> None:
        if say.to is not None:
            targets = [c for c in self.clients if c.name and name_key(c.name) == name_key(say.to)]
        else:
            targets = self._in(say.room)
            if client not in targets:
                self._send(
                    client, Error(ErrorCode.NOT_IN_ROOM.value, f"you are not in #{say.room}", cid=say.cid)
                )
                return
        message = ChatMessage(
            self._next_id, now_ts(), client.name, say.text, to=say.to, room=self._room_name(say.room)
        )
        self._next_id += 1
        for target in targets:
            if target is not client:
                self._send(target, message)
        self._send(client, replace(message, cid=say.cid))

    def _typing(self, client: Client, typing: Typing) -> None:
        if typing.to is not None:
            targets = [c for c in self.clients if c.name and name_key(c.name) == name_key(typing.to)]
            notice = Typing(to=typing.to, name=client.name)
        else:
            targets = self._in(typing.room)
            if client not in targets:
                self._send(client, Error(ErrorCode.NOT_IN_ROOM.value, f"you are not in #{typing.room}"))
                return
            notice = Typing(room=self._room_name(typing.room), name=client.name)
        for target in targets:
            if target is not client:
                self._send(target, notice)

    def _gone(self, client: Client, reason: str) -> None:
        if client not in self.clients:
            return
        self.clients.remove(client)
        if not client.name:
            return
        if client.token is not None:
            self.kept[client.token] = client.rooms - {GENERAL}
        for other in self._in(GENERAL):
            self._send(other, Left(client.name, now_ts(), reason))
