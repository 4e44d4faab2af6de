"""A secure connection to a plain server, or a plain one to a TLS server, says which box
to tick, not OpenSSL's words; and the recent servers remember how each was reached."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.recent_servers import RecentServer, load_recent, open_settings, remember
from chat_client_app.trust import TrustStore
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from chat_server_app.tls import self_signed_identity
from tests.client.conftest import WAIT_MS, MakeDialog
from tests.client.test_connect_dialog import field

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

TICK = "This server uses a secure connection: tick Secure connection."
UNTICK = "This server does not use a secure connection: untick Secure connection."


@pytest.fixture
def make_engine(tmp_path: Path) -> Iterator[Callable[..., ChatServer]]:
    """``make_engine(tls=..., password=None)``: a real server, over TLS with a
    self-signed certificate (as ``--tls`` makes one) or plain."""
    servers: list[ChatServer] = []

    def factory(*, tls: bool, password: str | None = None) -> ChatServer:
        settings = Settings(host="127.0.0.1", port=0, no_announce=True, data_dir=tmp_path, password=password)
        identity = self_signed_identity(tmp_path / "tls", "Aula") if tls else None
        server = ChatServer(settings, MemoryStore(), tls=identity)
        server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


def failures(controller: ClientController) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    controller.attempt_failed.connect(lambda kind, message: seen.append((str(kind), message)))
    return seen


def test_plain_to_a_tls_server_says_tick_secure_connection(
    qtbot: QtBot,
    make_engine: Callable[..., ChatServer],
    make_controller: Callable[..., ClientController],
) -> None:
    server = make_engine(tls=True)
    controller = make_controller()
    seen = failures(controller)
    controller.connect_to(ConnectRequest("anna", "127.0.0.1", server.port, tls=False))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [("tls_expected", TICK)]
    assert controller.state is ClientState.DISCONNECTED
    assert server.users == []


def test_tls_to_a_plain_server_says_untick_it(
    qtbot: QtBot,
    make_engine: Callable[..., ChatServer],
    make_controller: Callable[..., ClientController],
) -> None:
    server = make_engine(tls=False)
    controller = make_controller()
    seen = failures(controller)
    controller.connect_to(ConnectRequest("anna", "127.0.0.1", server.port, tls=True))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [("tls_unexpected", UNTICK)]
    assert "SSL" not in seen[0][1]
    assert controller.state is ClientState.DISCONNECTED


def test_a_server_that_closes_without_a_word_is_not_called_a_tls_server(
    qtbot: QtBot, make_controller: Callable[..., ClientController]
) -> None:
    """No guessing: a plain listener that hangs up on everyone is just closed, and a
    plain one that answers a TLS hello with no Parla frame is just a failed handshake."""
    rude = QTcpServer()
    assert rude.listen(QHostAddress(QHostAddress.SpecialAddress.LocalHost), 0)
    accepted: list[QTcpSocket] = []

    def answer(socket: QTcpSocket) -> None:
        if bytes(socket.readAll().data()).startswith(b"\x16"):
            socket.write(b"HTTP/1.0 400 Bad Request\r\n\r\n")  # to a TLS hello
        socket.close()  # and to a plain hello, nothing

    def take() -> None:
        while rude.hasPendingConnections():
            socket = rude.nextPendingConnection()
            accepted.append(socket)
            socket.readyRead.connect(lambda s=socket: answer(s))

    rude.newConnection.connect(take)
    for tls, kind in ((False, "closed"), (True, "tls_failed")):
        controller = make_controller()
        seen = failures(controller)
        controller.connect_to(ConnectRequest("anna", "127.0.0.1", rude.serverPort(), tls=tls))
        qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)  # noqa: B023
        assert [k for k, _ in seen] == [kind]
    rude.close()


def test_the_dialog_shows_the_sentence_and_focuses_the_box(
    qtbot: QtBot,
    make_engine: Callable[..., ChatServer],
    make_controller: Callable[..., ClientController],
    make_dialog: MakeDialog,
) -> None:
    server = make_engine(tls=True)
    controller = make_controller()
    dialog = make_dialog(controller=controller, name="anna", host="127.0.0.1", port=server.port)
    box: QCheckBox = field(dialog, "Secure connection (TLS)")
    assert not box.isChecked()
    QTest.mouseClick(field(dialog, "Connect"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_text == TICK, timeout=WAIT_MS)
    assert dialog.focusWidget() is box


# --- recent servers: how each was reached ---------------------------------------------------


def test_recent_servers_keep_tls_and_password_and_old_entries_still_load() -> None:
    settings = open_settings()
    # An entry as an older client wrote it: no tls, no password_needed.
    settings.beginWriteArray("recent/servers", 1)
    settings.setArrayIndex(0)
    settings.setValue("host", "old.lan")
    settings.setValue("port", 5001)
    settings.setValue("name", "anna")
    settings.endArray()
    settings.sync()
    assert load_recent() == [RecentServer("old.lan", 5001, "anna", tls=False, password=False)]
    remember(RecentServer("aula.lan", 5003, "bruno", tls=True, password=True))
    assert load_recent() == [
        RecentServer("aula.lan", 5003, "bruno", tls=True, password=True),
        RecentServer("old.lan", 5001, "anna", tls=False, password=False),
    ]


def test_picking_a_recent_server_sets_every_field(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    remember(RecentServer("plain.lan", 5001, "carla"))
    remember(RecentServer("secure.lan", 5443, "bruno", tls=True, password=True))
    dialog = make_dialog()
    box = field(dialog, "Recent servers")
    tls: QCheckBox = field(dialog, "Secure connection (TLS)")
    password = field(dialog, "Server password")
    # The last one used is preselected, the way it was reached.
    assert (field(dialog, "Server address").text(), tls.isChecked()) == ("secure.lan", True)
    assert "needs a password" in password.placeholderText()
    assert "secure" in box.itemText(0)
    assert "password" in box.itemText(0)
    password.setText("typed for secure.lan")

    box.activated.emit(1)
    assert field(dialog, "Server address").text() == "plain.lan"
    assert field(dialog, "Server port").value() == 5001
    assert field(dialog, "Your name").text() == "carla"
    assert not tls.isChecked()
    assert password.text() == ""  # secure.lan's password does not go to plain.lan
    assert "needs a password" not in password.placeholderText()

    box.activated.emit(0)
    assert tls.isChecked()
    assert dialog.focusWidget() is password


def test_a_host_given_on_the_command_line_takes_its_own_entry(make_dialog: MakeDialog) -> None:
    remember(RecentServer("secure.lan", 5443, "bruno", tls=True, password=True))
    remember(RecentServer("plain.lan", 5001, "carla"))
    dialog = make_dialog(host="secure.lan", port=5443)
    assert field(dialog, "Secure connection (TLS)").isChecked()
    other = make_dialog(host="new.lan")
    assert not field(other, "Secure connection (TLS)").isChecked()


def test_a_secure_server_with_a_password_is_remembered_so(
    qtbot: QtBot,
    make_engine: Callable[..., ChatServer],
    make_controller: Callable[..., ClientController],
    make_dialog: MakeDialog,
) -> None:
    server = make_engine(tls=True, password="segreto")
    # The certificate is trusted already: this test is about what is remembered.
    assert server.tls_fingerprint is not None
    TrustStore(open_settings()).pin("127.0.0.1", server.port, server.tls_fingerprint)
    controller = make_controller()
    dialog: ConnectDialog = make_dialog(
        controller=controller, name="anna", host="127.0.0.1", port=server.port, tls=True, password="segreto"
    )
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        QTest.mouseClick(field(dialog, "Connect"), Qt.MouseButton.LeftButton)
    assert load_recent()[0] == RecentServer("127.0.0.1", server.port, "anna", tls=True, password=True)
