"""Fixtures for the server tests: a real engine on 127.0.0.1 and real clients over loopback.

Every server is a :class:`ChatServer` listening on port 0 with the short timeouts of
``BASE_SETTINGS``; every client is a :class:`~tests.server.helpers.ChatClient`, a thin
recorder around the project's own :class:`~shared.qt.connection.Connection`. Waiting is
always a pytest-qt wait (``qtbot.waitUntil``) on the one Qt event loop that runs both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, MemoryStore
from tests.server.helpers import BASE_SETTINGS, ChatClient, RawSocket


@pytest.fixture
def make_server(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., ChatServer]]:
    """``make_server(store=None, **settings)``: a started engine on 127.0.0.1, port 0."""
    servers: list[ChatServer] = []

    def factory(store: HistoryStore | None = None, **overrides: Any) -> ChatServer:
        settings = Settings(**{**BASE_SETTINGS, "data_dir": tmp_path, **overrides})
        server = ChatServer(settings, store if store is not None else MemoryStore())
        server.start()
        assert server.is_listening
        assert server.port != 0
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server: Callable[..., ChatServer]) -> ChatServer:
    return make_server()


@pytest.fixture
def make_client(
    qtbot: QtBot, make_server: Callable[..., ChatServer]
) -> Iterator[Callable[[ChatServer], ChatClient]]:
    """``make_client(server)``: a connected client that has sent nothing yet."""
    clients: list[ChatClient] = []

    def factory(server: ChatServer) -> ChatClient:
        client = ChatClient(qtbot, server.port)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def join(make_client: Callable[[ChatServer], ChatClient]) -> Callable[..., ChatClient]:
    """``join(server, name, **hello_fields)``: a client that got its ``welcome``."""

    def factory(server: ChatServer, name: str, **fields: Any) -> ChatClient:
        client = make_client(server)
        answer = client.hello(name, **fields)
        assert answer["type"] == "welcome", answer
        return client

    return factory


@pytest.fixture
def raw_sockets() -> Iterator[Callable[..., RawSocket]]:
    """``raw_socket(port, rcvbuf=None)``: a blocking Python socket, closed at teardown."""
    made: list[RawSocket] = []

    def factory(port: int, *, rcvbuf: int | None = None) -> RawSocket:
        raw = RawSocket(port, rcvbuf=rcvbuf)
        made.append(raw)
        return raw

    yield factory
    for raw in made:
        raw.close()
