"""The server's rules and any number of clients back to back in memory (h11's
``ConnectionPair``): each client speaks through the real codec, no socket, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

from chat_server_app.core import (
    Close,
    Output,
    Send,
    ServerCore,
    Session,
)
from chat_server_app.core.session import Link
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, MemoryStore
from shared.codec import FrameDecoder, encode
from shared.messages import Bye, Hello, Ping, Pong, Say


class Clock:
    """Both of the rules' clocks, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_800_000_000.0

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += seconds


@dataclass(eq=False)
class Client:
    """One client: what it sends goes through ``encode`` and a ``FrameDecoder``, as on a wire."""

    pair: MemoryPair
    session: Session[Link] = field(init=False)
    bytes_to_write: int = 0  # the Link: what its reader has not taken yet
    frames: list[dict[str, object]] = field(default_factory=list)
    closed: bool = False
    aborted: bool = False
    byte_by_byte: bool = False
    _to_server: FrameDecoder = field(default_factory=FrameDecoder)
    _from_server: FrameDecoder = field(default_factory=FrameDecoder)

    def send(self, message: dict[str, object]) -> None:
        """Encode, decode on the server's side (whole or one byte at a time), deliver."""
        data = encode(message)
        chunks = [data[i : i + 1] for i in range(len(data))] if self.byte_by_byte else [data]
        for chunk in chunks:
            decoded = self._to_server.feed(chunk)
            if decoded:
                self.pair.core.receive(self.session, decoded, self.pair.clock.now)
        self.pair.pump()

    def hello(self, name: str, **fields: object) -> None:
        self.send(Hello(name, **fields).to_dict())  # type: ignore[arg-type]

    def say(self, text: str, cid: str | None = None, to: str | None = None) -> None:
        self.send(Say(text, cid, to).to_dict())

    def ping(self, token: str) -> None:
        self.send(Ping(token).to_dict())

    def pong(self, token: str) -> None:
        self.send(Pong(token).to_dict())

    def bye(self) -> None:
        self.send(Bye().to_dict())

    def take(self, data: bytes) -> None:
        self.frames.extend(self._from_server.feed(data))

    def of_type(self, kind: str) -> list[dict[str, object]]:
        return [f for f in self.frames if f["type"] == kind]

    def types(self) -> list[object]:
        return [f["type"] for f in self.frames]


class MemoryPair:
    """The rules, a clock, the clients and everything the rules have said so far."""

    def __init__(self, store: HistoryStore | None = None, **overrides: object) -> None:
        self.clock = Clock()
        settings = Settings(**{"name": "mem", **overrides})  # type: ignore[arg-type]
        self.core = ServerCore(
            settings,
            store if store is not None else MemoryStore(),
            wall_clock=lambda: self.clock.wall,
            monotonic=lambda: self.clock.now,
        )
        self.clients: list[Client] = []
        self.events: list[Output] = []

    def connect(self, *, byte_by_byte: bool = False, address: str | None = None) -> Client:
        client = Client(self, byte_by_byte=byte_by_byte)
        peer = address if address is not None else f"10.0.0.{len(self.clients) + 1}:4000"
        client.session = self.core.open(client, client, peer, self.clock.now)
        self.clients.append(client)
        self.pump()  # a connection the rules refuse is answered and closed at once
        return client

    def join(self, name: str, **fields: object) -> Client:
        client = self.connect()
        client.hello(name, **fields)
        return client

    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.core.tick(self.clock.now)
        self.pump()

    def pump(self) -> None:
        """Carry out what the rules said, then flush passes, as the Qt driver does, until
        no replay has a reader with room left."""
        self._pass()
        while self.core.replays_ready or self.core.downloads_ready:
            self._pass()

    def _pass(self) -> None:
        self._apply()
        self.core.pump_downloads()
        delivery = self.core.flush()
        self._apply()
        if delivery is None:
            return
        for session, data in delivery.own:
            self._client(session).take(data)
        for sink in delivery.sinks:
            if sink not in delivery.skip:
                client = sink
                assert isinstance(client, Client)
                if self.core.keeps_up(client.session):
                    client.take(delivery.common)
        self._apply()

    def _apply(self) -> None:
        for output in self.core.take_outputs():
            self.events.append(output)
            if isinstance(output, Send):
                self._client(output.session).take(output.data)
            elif isinstance(output, Close):
                client = self._client(output.session)
                client.closed = True
                client.aborted = output.abort
                self.core.closed(output.session)

    @staticmethod
    def _client(session: Session[Link]) -> Client:
        client = session.conn
        assert isinstance(client, Client)
        return client
