"""The connect dialog: validation, errors in words, LAN servers, recent servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtNetwork import QHostAddress, QTcpServer, QUdpSocket
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QListWidget, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.discovery import LanDiscovery
from chat_client_app.recent_servers import RecentServer, load_recent, remember
from chat_server_app.engine import ChatServer
from tests.client.conftest import WAIT_MS, MakeDialog, free_udp_port

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


def state_of(controller: ClientController) -> ClientState:
    return controller.state  # a call: mypy does not narrow it between two asserts


def field(dialog: ConnectDialog, accessible: str) -> Any:
    for widget in dialog.findChildren(QWidget):
        if accessible in (widget.accessibleName(), widget.accessibleDescription()):
            return widget
    raise LookupError(accessible)


def fill(
    dialog: ConnectDialog, *, name: str = "", host: str = "", port: int = 5001, password: str = ""
) -> None:
    field(dialog, "Your name").setText(name)
    field(dialog, "Server address").setText(host)
    field(dialog, "Server port").setValue(port)
    field(dialog, "Server password").setText(password)


def click_connect(qtbot: QtBot, dialog: ConnectDialog) -> None:
    QTest.mouseClick(field(dialog, "Connect"), Qt.MouseButton.LeftButton)


# --- validation before connecting -----------------------------------------------------------


def test_empty_and_invalid_names_are_explained_before_connecting(
    qtbot: QtBot, make_dialog: MakeDialog, make_controller: Callable[..., ClientController]
) -> None:
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="   ", host="127.0.0.1")
    with qtbot.assertNotEmitted(controller.state_changed):
        click_connect(qtbot, dialog)
    problem = field(dialog, "Problem with the name")
    assert problem.isVisible()
    assert "Type the name" in problem.text()
    fill(dialog, name="evil\u202ename", host="127.0.0.1")
    click_connect(qtbot, dialog)
    assert "U+202E" in problem.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    # Typing a valid name clears the message as soon as it is valid.
    QTest.keyClicks(field(dialog, "Your name"), "")
    name = field(dialog, "Your name")
    name.clear()
    QTest.keyClicks(name, "anna")
    assert problem.isHidden()


def test_host_is_required_and_port_range_is_enforced(make_dialog: MakeDialog, qtbot: QtBot) -> None:
    dialog = make_dialog()
    fill(dialog, name="anna", host="")
    click_connect(qtbot, dialog)
    assert field(dialog, "Problem with the address").isVisible()
    assert dialog.request is None
    port: QSpinBox = field(dialog, "Server port")
    assert (port.minimum(), port.maximum()) == (1, 65535)
    port.setValue(0)
    assert port.value() == 1
    port.setValue(70000)
    assert port.value() == 65535
    fresh = ConnectDialog(None, port=0, announce_port=free_udp_port())
    spin = fresh.findChild(QSpinBox)
    assert spin is not None
    assert spin.value() == 5001  # an impossible prefill keeps the default
    fresh.close_discovery()


def test_without_a_controller_the_request_is_returned(make_dialog: MakeDialog, qtbot: QtBot) -> None:
    dialog = make_dialog()
    fill(dialog, name="  anna  ", host=" 10.0.0.7 ", port=6000, password="")
    click_connect(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.request == ConnectRequest("anna", "10.0.0.7", 6000, None)


# --- errors from a real server, shown in the dialog ------------------------------------------------


def test_name_taken_is_shown_and_the_typing_is_kept(
    qtbot: QtBot,
    server: ChatServer,
    join: Callable[..., ClientController],
    make_dialog: MakeDialog,
    make_controller: Callable[..., ClientController],
) -> None:
    join(server, "anna")
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="Anna", host="127.0.0.1", port=server.port)
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert "already uses the name “Anna”" in dialog.error_text
    assert field(dialog, "Your name").text() == "Anna"
    assert field(dialog, "Server address").text() == "127.0.0.1"
    assert field(dialog, "Server port").value() == server.port
    assert field(dialog, "Your name").isEnabled()
    assert dialog.isVisible()
    assert state_of(controller) is ClientState.DISCONNECTED
    # Fix the name and try again: accepted once the welcome arrives.
    field(dialog, "Your name").setText("Anna B")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        click_connect(qtbot, dialog)
    assert state_of(controller) is ClientState.CONNECTED
    assert dialog.request == ConnectRequest("Anna B", "127.0.0.1", server.port)
    assert load_recent()[0] == RecentServer("127.0.0.1", server.port, "Anna B")


def test_auth_failed_is_shown(
    qtbot: QtBot,
    make_server: Callable[..., ChatServer],
    make_dialog: MakeDialog,
    make_controller: Callable[..., ClientController],
) -> None:
    server = make_server(password="segreto")
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="anna", host="127.0.0.1", port=server.port, password="wrong")
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert dialog.error_text == "Wrong password for this server."
    password: QLineEdit = field(dialog, "Server password")
    assert password.text() == "wrong"
    assert password.echoMode() == QLineEdit.EchoMode.Password
    password.setText("")
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: "needs a password" in dialog.error_text, timeout=WAIT_MS)
    password.setText("segreto")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        click_connect(qtbot, dialog)
    assert dialog.error_text == ""


def test_refused_port_is_shown(
    qtbot: QtBot,
    make_server: Callable[..., ChatServer],
    make_dialog: MakeDialog,
    make_controller: Callable[..., ClientController],
) -> None:
    server = make_server()
    port = server.port
    server.close()
    dialog = make_dialog(controller=make_controller())
    fill(dialog, name="anna", host="127.0.0.1", port=port)
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert f"Nobody accepted the connection at 127.0.0.1:{port}" in dialog.error_text
    assert field(dialog, "Connect").isEnabled()


def test_cancel_while_connecting_abandons_the_attempt(
    qtbot: QtBot, make_dialog: MakeDialog, make_controller: Callable[..., ClientController]
) -> None:
    # A listener that never answers: the kernel accepts, nobody says welcome.
    silent = QTcpServer()
    assert silent.listen(QHostAddress("127.0.0.1"), 0)
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="anna", host="127.0.0.1", port=silent.serverPort())
    click_connect(qtbot, dialog)
    assert not field(dialog, "Your name").isEnabled()
    assert "Connecting to 127.0.0.1" in field(dialog, "Connection status").text()
    dialog.reject()
    assert controller.state is ClientState.DISCONNECTED
    assert field(dialog, "Your name").isEnabled()
    silent.close()


def test_error_given_on_opening_is_shown(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(
        error="The server at 10.0.0.1:5001 did not answer in time.", name="anna", host="10.0.0.1"
    )
    assert dialog.error_text == "The server at 10.0.0.1:5001 did not answer in time."
    assert field(dialog, "Your name").text() == "anna"


def test_ask_returns_none_when_cancelled(qtbot: QtBot) -> None:
    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectDialog)
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert ConnectDialog.ask(None, announce_port=free_udp_port()) is None


def test_ask_returns_the_request(qtbot: QtBot) -> None:
    def accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectDialog)
        fill(dialog, name="anna", host="chat.lan", port=5002)
        field(dialog, "Connect").click()

    QTimer.singleShot(0, accept)
    assert ConnectDialog.ask(None, announce_port=free_udp_port()) == ConnectRequest("anna", "chat.lan", 5002)


# --- LAN servers and recent servers ---------------------------------------------------------------


def announce(port: int, payload: object) -> None:
    sender = QUdpSocket()
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    assert sender.writeDatagram(data, QHostAddress(QHostAddress.SpecialAddress.LocalHost), port) == len(data)
    sender.close()


def test_servers_heard_on_the_lan_are_listed_and_fill_the_form(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(name="anna")
    port = dialog.discovery.port
    assert dialog.discovery.is_listening
    announce(port, b"not json at all")
    announce(
        port, {"type": "announce", "version": 1, "server": "Aula 3", "port": 5005, "tls": False, "users": 4}
    )
    servers: QListWidget = field(dialog, "Servers on this network")
    qtbot.waitUntil(lambda: servers.count() == 1, timeout=WAIT_MS)
    assert "Aula 3" in servers.item(0).text()
    assert "4 users" in servers.item(0).text()
    rect = servers.visualItemRect(servers.item(0))
    QTest.mouseClick(servers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert field(dialog, "Server address").text() == "127.0.0.1"
    assert field(dialog, "Server port").value() == 5005


def test_several_listeners_share_the_announce_port(qtbot: QtBot) -> None:
    port = free_udp_port()
    first, second = LanDiscovery(port, expiry=0.3), LanDiscovery(port, expiry=0.3)
    assert first.start()
    assert second.start()  # the second client on the machine may listen too
    # Servers announce by broadcast, which every socket sharing the port receives (a
    # unicast datagram would reach only one of them).
    sender = QUdpSocket()
    data = json.dumps(
        {"type": "announce", "version": 1, "server": "S", "port": 5001, "tls": True, "users": 0}
    )
    if sender.writeDatagram(data.encode(), QHostAddress(QHostAddress.SpecialAddress.Broadcast), port) < 0:
        pytest.skip(f"no broadcast on this machine: {sender.errorString()}")
    qtbot.waitUntil(lambda: len(first.servers) == 1 and len(second.servers) == 1, timeout=WAIT_MS)
    assert first.servers[0].tls
    # Unheard for longer than the expiry: gone.
    with qtbot.waitSignal(first.servers_changed, timeout=WAIT_MS):
        pass
    assert first.servers == []
    first.stop()
    second.stop()


def test_last_server_is_preselected(make_dialog: MakeDialog) -> None:
    remember(RecentServer("10.0.0.9", 5009, "bruno"))
    remember(RecentServer("10.0.0.7", 5007, "anna"))
    remember(RecentServer("10.0.0.9", 5009, "bruno"))  # used again: first, not twice
    assert [r.host for r in load_recent()] == ["10.0.0.9", "10.0.0.7"]
    dialog = make_dialog()
    assert field(dialog, "Server address").text() == "10.0.0.9"
    assert field(dialog, "Server port").value() == 5009
    assert field(dialog, "Your name").text() == "bruno"
    prefilled = make_dialog(host="chat.lan", name="carla")  # the command line wins
    assert field(prefilled, "Server address").text() == "chat.lan"
    assert field(prefilled, "Your name").text() == "carla"


def test_every_dialog_widget_has_an_accessible_name(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    focusable = [
        w
        for w in dialog.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisible()
        and w.objectName() != "qt_scrollarea_viewport"
        and type(w.parent()).__name__ not in ("QScrollBar", "QComboBox", "QSpinBox")
    ]
    assert [type(w).__name__ for w in focusable if not w.accessibleName()] == []
