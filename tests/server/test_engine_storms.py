"""Join storms through real sockets: a client looping hello and bye, while a listener
counts what it is sent (issue 19: 1 418 joins and leaves a second reached every
listener). Real engine on 127.0.0.1; each round is a new TCP connection, as the
server closes the connection after ``bye`` or a fatal error."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtNetwork import QAbstractSocket
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from shared.codec import encode
from shared.limits import CLIENT_MAX_FRAME, PRESENCE_WINDOW
from shared.qt.connection import Connection
from tests.server.helpers import WAIT_MS, ChatClient, Frame

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]

ROUNDS = 100
STORM_MS = 20_000


class Storm:
    """Connects, sends hello and bye at once, and when the server closes, again."""

    def __init__(self, port: int, name: str, rounds: int) -> None:
        self._port = port
        self._name = name
        self._left = rounds
        self.frames: list[Frame] = []
        self._conn: Connection | None = None
        self._next()

    def _next(self) -> None:
        if self._conn is not None:
            self._conn.deleteLater()
            self._conn = None
        if self._left == 0:
            return
        self._left -= 1
        conn = self._conn = Connection(max_frame=CLIENT_MAX_FRAME)
        conn.message_received.connect(self.frames.append)
        conn.connected.connect(lambda: self._greet(conn))
        conn.disconnected.connect(lambda: self._closed(conn))
        conn.connect_to_host("127.0.0.1", self._port)

    def _greet(self, conn: Connection) -> None:
        conn.send({"type": "hello", "version": 1, "name": self._name})
        conn.send({"type": "bye"})

    def _closed(self, conn: Connection) -> None:
        if conn is self._conn:
            self._next()

    def done(self) -> bool:
        conn = self._conn
        # An unbuffered socket can end without ``disconnected``: read its state too.
        if conn is not None and conn.socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            self._next()
        return self._conn is None

    def of_type(self, type_: str) -> list[Frame]:
        return [f for f in self.frames if f.get("type") == type_]


def presence(client: ChatClient, name: str) -> list[Frame]:
    return [f for f in client.received if f.get("type") in ("joined", "left") and f.get("name") == name]


def test_a_hello_and_bye_loop_reaches_a_listener_as_one_join_and_one_leave(
    qtbot: QtBot, make_server: MakeServer, join: Join
) -> None:
    server = make_server(join_burst=ROUNDS + 1, join_per_sec=1.0)  # the storm is not limited here
    listener = join(server, "listener")
    before = len(listener.received)
    storm = Storm(server.port, "mallory", ROUNDS)
    qtbot.waitUntil(storm.done, timeout=STORM_MS)
    assert len(storm.of_type("welcome")) == ROUNDS
    assert all("listener" in w["users"] for w in storm.of_type("welcome"))

    listener.sync("after the storm")
    assert [f["type"] for f in presence(listener, "mallory")] == ["joined", "left", "joined"]
    # The last leave is shown once the name has been gone for the window.
    qtbot.waitUntil(
        lambda: len(presence(listener, "mallory")) == 4, timeout=int(PRESENCE_WINDOW * 1000) + WAIT_MS
    )
    frames = presence(listener, "mallory")
    assert [f["type"] for f in frames] == ["joined", "left", "joined", "left"]
    assert frames[-1]["reason"] == "quit"
    got = listener.received[before:]
    assert sum(len(encode(f)) for f in got) < 1000
    assert server.core.users == [server.core.user("listener")]

    # Back after the window, the name is shown joining again, before anything it says.
    late = join(server, "mallory")
    late.say("sono tornato")
    message = listener.wait_for(lambda f: f.get("type") == "message" and f.get("from") == "mallory")
    assert listener.received.index(presence(listener, "mallory")[-1]) < listener.received.index(message)
    assert presence(listener, "mallory")[-1]["type"] == "joined"


def test_hellos_past_the_addresss_burst_are_refused_with_rate_limited(
    qtbot: QtBot, make_server: MakeServer, join: Join
) -> None:
    server = make_server(join_burst=10, join_per_sec=1.0)
    listener = join(server, "listener")  # the first of the ten
    storm = Storm(server.port, "mallory", 40)
    qtbot.waitUntil(storm.done, timeout=STORM_MS)
    welcomes = storm.of_type("welcome")
    refusals = storm.of_type("error")
    assert len(welcomes) + len(refusals) == 40
    # Nine left in the burst, and a token a second while the storm lasted.
    assert 9 <= len(welcomes) <= 13
    assert {(e["code"], e["fatal"]) for e in refusals} == {("rate_limited", True)}
    listener.sync("still here")
