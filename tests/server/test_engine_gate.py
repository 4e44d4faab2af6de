"""What is not a user yet, on real sockets: the cap on connections waiting for their
hello, and the growing wait after a wrong password (issue 19, item 5)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.core.gate import PENALTY_FIRST
from chat_server_app.engine import ChatServer
from shared.codec import FrameDecoder
from tests.server.helpers import WAIT_MS, ChatClient

pytestmark = pytest.mark.usefixtures("read_path")

MakeServer = Callable[..., ChatServer]
MakeClient = Callable[[ChatServer], ChatClient]


def frames_until_closed(qtbot: QtBot, port: int) -> list[dict[str, object]]:
    """Connect, send nothing, read until the server closes: the frames it sent."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    received = bytearray()
    closed = []

    def read() -> bool:
        try:
            while chunk := sock.recv(65536):
                received.extend(chunk)
            closed.append(True)
        except BlockingIOError:
            pass
        return bool(closed)

    try:
        qtbot.waitUntil(read, timeout=WAIT_MS)
    finally:
        sock.close()
    return FrameDecoder().feed(bytes(received))


def test_past_the_cap_a_silent_connection_is_refused_with_an_error(
    make_server: MakeServer, make_client: MakeClient, qtbot: QtBot
) -> None:
    server = make_server(max_unregistered_per_address=3)
    silent = [make_client(server) for _ in range(3)]
    (error,) = frames_until_closed(qtbot, server.port)
    assert error["type"] == "error"
    assert error["code"] == "rate_limited"
    assert error["fatal"] is True
    assert "waiting to say hello" in str(error["message"])
    # the three waiting are untouched; once one has said hello there is room again
    assert silent[0].hello("anna")["type"] == "welcome"
    fifth = make_client(server)
    assert fifth.hello("bruno")["type"] == "welcome"
    assert not any(c.closed for c in silent)
    assert sorted(u.name for u in server.users) == ["anna", "bruno"]


def test_a_wrong_password_is_answered_later_each_time(
    make_server: MakeServer, make_client: MakeClient
) -> None:
    server = make_server(password="secret")
    waits = []
    for attempt in range(3):
        client = make_client(server)
        started = time.monotonic()
        answer = client.hello("anna", password=f"guess {attempt}")
        waits.append(time.monotonic() - started)
        assert answer["code"] == "auth_failed"
    assert waits[0] >= PENALTY_FIRST
    assert waits[1] >= 2 * PENALTY_FIRST
    assert waits[2] >= 4 * PENALTY_FIRST
    right = make_client(server)
    started = time.monotonic()
    assert right.hello("anna", password="secret")["type"] == "welcome"
    assert time.monotonic() - started < PENALTY_FIRST  # the right password waits for nothing
