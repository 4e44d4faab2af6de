"""History you can trust (PROTOCOL.md §8.1-§8.2), as the chat window tells it: a history
that started over, a replay cut short, an operator who reads private messages, and a
private message kept for someone who is away."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtNetwork import QTcpSocket
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.message_model import Entry, EntryKind
from shared.codec import encode
from shared.messages import ChatMessage
from tests.client.conftest import FAST, WAIT_MS
from tests.client.fake_server import FakeServer, Frame

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

OpenWindow = Callable[[FakeServer], ChatWindow]
RESET = "This server's history was reset."
READS = "The operator of this server can read private messages."
TRUNCATED = "Older messages are not shown."


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[OpenWindow]:
    windows: list[ChatWindow] = []

    def factory(server: FakeServer) -> ChatWindow:
        controller = ClientController(**FAST)
        window = ChatWindow(controller)
        qtbot.addWidget(window)
        windows.append(window)
        with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
            window.start(ConnectRequest("anna", "127.0.0.1", server.port))
        return window

    yield factory
    for window in windows:
        window.close()


def rows(window: ChatWindow) -> list[Entry]:
    return [window.model.entry(r) for r in range(window.model.rowCount())]


def texts(window: ChatWindow, kind: EntryKind) -> list[str]:
    return [e.text for e in rows(window) if e.kind is kind]


def privacy_label(window: ChatWindow) -> QLabel:
    (label,) = [w for w in window.statusBar().findChildren(QLabel) if w.accessibleDescription() == "Privacy"]
    return label


def reconnect(qtbot: QtBot, window: ChatWindow, server: FakeServer) -> None:
    controller: ClientController = window._controller
    hellos = server.hellos
    server.sockets[-1].abort()
    qtbot.waitUntil(
        lambda: server.hellos == hellos + 1 and controller.state is ClientState.CONNECTED, timeout=WAIT_MS
    )


def test_a_new_server_id_is_told_once_and_the_replay_cut_is_said(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    server = FakeServer(
        welcomes=[{"server_id": "one", "last_id": 40}, {"server_id": "two", "replay_truncated": True}]
    )
    window = open_window(server)
    assert RESET not in texts(window, EntryKind.NOTICE)
    reconnect(qtbot, window, server)
    qtbot.waitUntil(lambda: RESET in texts(window, EntryKind.NOTICE), timeout=WAIT_MS)
    assert TRUNCATED in texts(window, EntryKind.INFO)
    reconnect(qtbot, window, server)  # "two" again: nothing new to say
    assert texts(window, EntryKind.NOTICE).count(RESET) == 1
    server.close()


def test_the_server_id_is_remembered_across_runs(qtbot: QtBot, open_window: OpenWindow) -> None:
    server = FakeServer(welcomes=[{"server_id": "before"}, {"server_id": "after the wipe"}])
    first = open_window(server)
    assert RESET not in texts(first, EntryKind.NOTICE)
    first.close()
    second = open_window(server)  # the app started again: a new controller and window
    qtbot.waitUntil(lambda: RESET in texts(second, EntryKind.NOTICE), timeout=WAIT_MS)
    server.close()


def test_an_operator_who_reads_private_messages_is_told_and_shown(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    server = FakeServer(welcomes=[{"operator_reads_private": True}, {"operator_reads_private": False}])
    window = open_window(server)
    assert READS in texts(window, EntryKind.NOTICE)
    label = privacy_label(window)
    assert not label.isHidden()
    assert label.text() == READS
    reconnect(qtbot, window, server)
    assert label.isHidden()
    server.close()


def test_a_private_message_kept_for_an_absent_owner_says_when_it_arrives(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    def echo_offline(socket: QTcpSocket, frame: Frame) -> None:
        if frame["type"] == "say":
            echo = ChatMessage(
                1, "2026-12-05T10:00:00.000Z", "anna", str(frame["text"]), cid=str(frame["cid"])
            )
            socket.write(encode({**echo.to_dict(), "to": frame["to"], "offline": True}))

    server = FakeServer(on_frame=echo_offline)
    window = open_window(server)
    controller: ClientController = window._controller
    cid = controller.say("see you tomorrow", to="Bruno")
    qtbot.waitUntil(lambda: not controller.pending, timeout=WAIT_MS)
    (entry,) = [e for e in rows(window) if e.kind is EntryKind.MESSAGE]
    assert entry.offline
    assert entry.msg_id == 1
    assert cid
    assert window.view.delegate.note(entry) == "Will be delivered when Bruno is back."
    server.close()
