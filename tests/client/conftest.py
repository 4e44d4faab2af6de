"""Fixtures for the client tests: real server engines on 127.0.0.1 and fast controllers.

Every server is a :class:`ChatServer` on port 0; every controller has backoff and ping
timings in fractions of a second. QSettings point at a temporary folder, so no test
reads or writes the user's real recent-servers list.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTranslator
from PySide6.QtNetwork import QHostAddress, QUdpSocket
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, MemoryStore
from shared.resources import translation_file

WAIT_MS = 5000

MakeDialog = Callable[..., "ConnectDialog"]


def laid_out(sender: str, body: str) -> str:
    """What the chat view lays out for a public message: the sender and the body, each a
    bidi isolate (U+2068 ... U+2069), and the body's line breaks as U+2028."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\u2028")
    return f"\u2068{sender}\u2069: \u2068{body}\u2069"


"""Longest a test waits for something that happens at once on loopback."""

FAST: dict[str, Any] = {
    "backoff_base": 0.05,
    "backoff_cap": 0.3,
    "idle_ping": 5.0,
    "ping_timeout": 5.0,
    "connect_timeout": 5.0,
}
"""Controller timings for tests: reconnects within a fraction of a second."""


@pytest.fixture(scope="session", autouse=True)
def _settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("qsettings")
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder))


@pytest.fixture(autouse=True)
def _english_plurals(qapp: QApplication) -> Iterator[None]:
    """What ``main`` installs for English: "1 user", "3 users" instead of "3 user(s)"."""
    plurals = QTranslator()
    path = translation_file("en")
    assert plurals.load(str(path)), f"{path} is missing: `make test` builds it (`make qm` alone)"
    qapp.installTranslator(plurals)
    yield
    qapp.removeTranslator(plurals)


@pytest.fixture(autouse=True)
def _fresh_settings(_settings_in_tmp: None) -> Iterator[None]:
    """Each test starts with no remembered servers, tokens or saved outboxes."""
    yield
    from chat_client_app.recent_servers import memory_folder, open_settings

    shutil.rmtree(memory_folder(), ignore_errors=True)
    settings = open_settings()
    settings.clear()
    settings.sync()


@pytest.fixture
def make_server(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., ChatServer]]:
    """``make_server(store=None, port=None, **settings)``: a started engine on 127.0.0.1."""
    servers: list[ChatServer] = []

    def factory(store: HistoryStore | None = None, port: int | None = None, **overrides: Any) -> ChatServer:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            "no_announce": True,
            "name": "Test Server",
            "data_dir": tmp_path,
            # Every client comes from 127.0.0.1: reconnect tests must not meet the join limit.
            "join_burst": 100_000,
            "join_per_sec": 100_000.0,
            **overrides,
        }
        server = ChatServer(Settings(**values), store if store is not None else MemoryStore())
        server.start(port=port)
        assert server.is_listening
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server: Callable[..., ChatServer]) -> ChatServer:
    return make_server()


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[..., ChatWindow]]:
    """``open_window(port, height=500)``: a shown chat window, Anna's, connected to the
    server on ``port`` (the real engine or a stand-in); closed without asking at teardown."""
    made: list[ChatWindow] = []

    def factory(port: int, height: int = 500) -> ChatWindow:
        controller = ClientController(**FAST)
        shown = ChatWindow(controller)
        qtbot.addWidget(shown)
        shown.resize(900, height)
        shown.show()
        made.append(shown)
        with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
            controller.connect_to(ConnectRequest("anna", "127.0.0.1", port))
        return shown

    yield factory
    for shown in made:
        shown.ask_before_closing = False
        shown.close()


@pytest.fixture
def make_controller(qtbot: QtBot) -> Iterator[Callable[..., ClientController]]:
    """``make_controller(**timings)``: a controller with the FAST timings unless overridden."""
    made: list[ClientController] = []

    def factory(**overrides: Any) -> ClientController:
        controller = ClientController(**{**FAST, **overrides})
        made.append(controller)
        return controller

    yield factory
    for controller in made:
        controller.quit()
    for controller in made:

        def disconnected(controller: ClientController = controller) -> bool:
            return controller.state is ClientState.DISCONNECTED

        qtbot.waitUntil(disconnected, timeout=WAIT_MS)
        controller.deleteLater()


@pytest.fixture
def join(qtbot: QtBot, make_controller: Callable[..., ClientController]) -> Callable[..., ClientController]:
    """``join(server, name, password=None, **timings)``: a controller that got its welcome."""

    def factory(
        server: ChatServer, name: str, password: str | None = None, **timings: Any
    ) -> ClientController:
        controller = make_controller(**timings)
        with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
            controller.connect_to(ConnectRequest(name, "127.0.0.1", server.port, password))
        return controller

    return factory


class Recorder:
    """Collects what a controller shows, as a window would: messages in order, by id."""

    def __init__(self, controller: ClientController) -> None:
        self.messages: list[Any] = []
        self.states: list[str] = []
        self.send_states: list[tuple[str, str, str]] = []
        self.events: list[tuple[str, ...]] = []
        controller.messages_received.connect(self.messages.extend)
        controller.state_changed.connect(self.states.append)
        controller.send_state_changed.connect(lambda cid, s, r: self.send_states.append((cid, s, r)))
        controller.user_joined.connect(lambda n: self.events.append(("joined", n)))
        controller.user_left.connect(lambda n, r: self.events.append(("left", n, r)))
        controller.notice_received.connect(lambda t, room: self.events.append(("notice", t)))
        controller.error_received.connect(lambda c, m: self.events.append(("error", c, m)))
        controller.kicked.connect(lambda r: self.events.append(("kicked", r)))
        controller.shutdown_received.connect(lambda r: self.events.append(("shutdown", r)))
        controller.disconnected.connect(lambda r: self.events.append(("disconnected", r)))
        controller.attempt_failed.connect(lambda k, m: self.events.append(("attempt_failed", k, m)))

    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    def state_of(self, cid: str) -> str | None:
        found = [s for c, s, _ in self.send_states if c == cid]
        return found[-1] if found else None


@pytest.fixture
def recorder() -> Callable[[ClientController], Recorder]:
    return Recorder


def free_udp_port() -> int:
    probe = QUdpSocket()
    assert probe.bind(QHostAddress(QHostAddress.SpecialAddress.LocalHost), 0)
    port = int(probe.localPort())
    probe.close()
    return port


@pytest.fixture
def make_dialog(qtbot: QtBot) -> Iterator[MakeDialog]:
    """``make_dialog(**options)``: a shown dialog listening for announces on a free port."""
    made: list[ConnectDialog] = []

    def factory(**options: Any) -> ConnectDialog:
        options.setdefault("announce_port", free_udp_port())
        dialog = ConnectDialog(None, **options)
        qtbot.addWidget(dialog)
        dialog.show()
        made.append(dialog)
        return dialog

    yield factory
    for dialog in made:
        dialog.close_discovery()
