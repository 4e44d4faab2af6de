"""Real loopback sockets for the :class:`shared.qt.connection.Connection` tests.

Every fixture listens on 127.0.0.1 port 0 and closes what it opened, so tests run
in parallel with anything else on the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket
from pytestqt.qtbot import QtBot

from shared.qt.connection import Connection

LOCALHOST = "127.0.0.1"


@pytest.fixture
def listener(qtbot: QtBot) -> Iterator[QTcpServer]:
    """A QTcpServer on 127.0.0.1, on a port the kernel picks."""
    server = QTcpServer()
    assert server.listen(QHostAddress(LOCALHOST), 0), server.errorString()
    assert server.serverPort() > 0
    yield server
    server.close()


def accept(qtbot: QtBot, server: QTcpServer) -> QTcpSocket:
    """The next connection the server accepts (waits for it)."""
    qtbot.waitUntil(server.hasPendingConnections, timeout=5000)
    socket = server.nextPendingConnection()
    assert socket is not None
    return socket


@dataclass
class Pair:
    """Both ends of one framed connection."""

    client: Connection  # opened with connect_to_host
    server: Connection  # wraps the socket the listener accepted


@pytest.fixture
def pair(qtbot: QtBot, listener: QTcpServer) -> Iterator[Pair]:
    client = Connection()
    with qtbot.waitSignal(client.connected, timeout=5000):
        client.connect_to_host(LOCALHOST, listener.serverPort())
    server = Connection(accept(qtbot, listener))
    yield Pair(client, server)
    client.abort()
    server.abort()


@dataclass
class RawPair:
    """A Connection whose peer is a bare QTcpSocket, to write arbitrary bytes at it."""

    conn: Connection
    raw: QTcpSocket
    side: str  # which end the Connection is: "accepted" or "connecting"


@pytest.fixture(params=["accepted", "connecting"])
def raw_pair(request: pytest.FixtureRequest, qtbot: QtBot, listener: QTcpServer) -> Iterator[RawPair]:
    """The Connection under test is either the server's accepted end or a client's own."""
    side = request.param
    assert isinstance(side, str)
    if side == "accepted":
        raw = QTcpSocket()
        with qtbot.waitSignal(raw.connected, timeout=5000):
            raw.connectToHost(LOCALHOST, listener.serverPort())
        conn = Connection(accept(qtbot, listener))
    else:
        conn = Connection()
        with qtbot.waitSignal(conn.connected, timeout=5000):
            conn.connect_to_host(LOCALHOST, listener.serverPort())
        raw = accept(qtbot, listener)
    yield RawPair(conn, raw, side)
    conn.abort()
    raw.abort()
