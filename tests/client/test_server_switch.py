""" "Connect to a server…" from a chat that is on: the chat goes on until the new server
lets the user in, and a server that does not leaves the window as it was.

Two real engines on 127.0.0.1 port 0 and a real chat window with its real connect
dialog. A server that is slow to answer is the real engine with its listener paused:
the kernel completes the TCP handshake and keeps the ``hello`` until it resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState
from chat_client_app.message_model import EntryKind
from chat_client_app.session import SendState
from chat_server_app.engine import ChatServer
from tests.client.conftest import WAIT_MS, Recorder

OpenWindow = Callable[..., ChatWindow]
Join = Callable[..., ClientController]

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


def open_connect_dialog(qtbot: QtBot, window: ChatWindow) -> ConnectDialog:
    """The menu's "Connect to a server…", as the user picks it."""
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Connect to a server…")
    action.trigger()
    dialog = window.connect_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def field(dialog: ConnectDialog, accessible: str) -> QWidget:
    """A control by its accessible name, or a label showing a value by its description."""
    return next(
        w
        for w in dialog.findChildren(QWidget)
        if accessible in (w.accessibleName(), w.accessibleDescription())
    )


def ask_for(qtbot: QtBot, dialog: ConnectDialog, port: int, name: str = "anna") -> None:
    field(dialog, "Your name").setText(name)  # type: ignore[attr-defined]
    field(dialog, "Server address").setText("127.0.0.1")  # type: ignore[attr-defined]
    field(dialog, "Server port").setValue(port)  # type: ignore[attr-defined]
    QTest.mouseClick(field(dialog, "Connect"), Qt.MouseButton.LeftButton)


def say_in_window(window: ChatWindow, text: str) -> None:
    window.input_line.setText(text)
    QTest.keyClick(window.input_line, Qt.Key.Key_Return)


def texts(window: ChatWindow) -> list[str]:
    model = window.model
    return [e.text for e in (model.entry(r) for r in range(model.rowCount())) if e.kind is EntryKind.MESSAGE]


def port_of(controller: ClientController) -> int | None:
    return controller.request.port if controller.request is not None else None


def user_names(window: ChatWindow) -> list[str]:
    users = window.users
    return sorted(users.index(r, 0).data() for r in range(users.rowCount()))


def test_the_chat_goes_on_while_another_server_is_tried_and_switches_on_its_welcome(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: OpenWindow, join: Join
) -> None:
    a, b = make_server(name="Server A"), make_server(name="Server B")
    window = open_window(a.port)
    bruno = join(a, "bruno")
    heard_by_bruno = Recorder(bruno)
    qtbot.waitUntil(lambda: "bruno" in " ".join(user_names(window)), timeout=WAIT_MS)
    left_a: list[str] = []
    a.user_left.connect(lambda session, reason: left_a.append(f"{session.name}:{reason}"))
    b._listener.pauseAccepting()  # a slow server: the hello waits

    dialog = open_connect_dialog(qtbot, window)
    ask_for(qtbot, dialog, b.port)
    status: Any = field(dialog, "Connection status")
    assert "You stay on" in status.text()
    # Every word of it is seen: wrapped within the dialog's width, the dialog tall enough.
    qtbot.waitUntil(lambda: status.height() >= status.heightForWidth(status.width()), timeout=WAIT_MS)
    assert status.minimumSizeHint().width() <= status.width()

    # Meanwhile the chat on A goes on both ways, through the window's own input.
    bruno.say("still there, anna?")
    qtbot.waitUntil(lambda: "still there, anna?" in texts(window), timeout=WAIT_MS)
    assert window.input_line.isEnabled()
    say_in_window(window, "yes, still here")
    qtbot.waitUntil(lambda: "yes, still here" in heard_by_bruno.texts(), timeout=WAIT_MS)
    mine = [window.model.entry(r) for r in range(window.model.rowCount())][-1]
    qtbot.waitUntil(lambda: mine.state is SendState.SENT, timeout=WAIT_MS)
    controller = window.controller
    assert controller.state is ClientState.CONNECTED
    assert port_of(controller) == a.port
    assert window.windowTitle() == "(1) anna — Server A"  # bruno's, read while in the dialog
    assert left_a == []
    assert window.connect_dialog is dialog

    b._listener.resumeAccepting()  # B's welcome: now, and only now, the window switches
    qtbot.waitUntil(lambda: window.connect_dialog is None, timeout=WAIT_MS)
    assert port_of(controller) == b.port
    assert controller.state is ClientState.CONNECTED
    qtbot.waitUntil(lambda: left_a == ["anna:quit"], timeout=WAIT_MS)  # A heard a bye
    assert window.windowTitle() == "anna — Server B"
    assert texts(window) == []  # A's conversation is not B's
    assert user_names(window) == ["anna"]
    assert [u.name for u in b.users] == ["anna"]
    # And the chat on B works.
    say_in_window(window, "hello B")
    qtbot.waitUntil(lambda: [m.text for m in b.store.since(0, "anna")] == ["hello B"], timeout=WAIT_MS)


def test_a_dead_port_leaves_the_window_as_it_was_and_says_why_in_the_dialog(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: OpenWindow, join: Join
) -> None:
    a, gone = make_server(name="Server A"), make_server()
    dead_port = gone.port
    gone.close()
    window = open_window(a.port)
    bruno = join(a, "bruno")
    bruno.say("before")
    qtbot.waitUntil(lambda: texts(window) == ["before"], timeout=WAIT_MS)
    title, users = window.windowTitle(), user_names(window)

    dialog = open_connect_dialog(qtbot, window)
    ask_for(qtbot, dialog, dead_port)
    qtbot.waitUntil(lambda: "Nobody accepted" in dialog.error_text, timeout=WAIT_MS)
    assert field(dialog, "Server port").isEnabled()  # to be corrected
    assert window.connect_dialog is dialog
    controller = window.controller
    assert controller.state is ClientState.CONNECTED
    assert port_of(controller) == a.port
    assert (window.windowTitle(), user_names(window), texts(window)) == (title, users, ["before"])
    bruno.say("after")
    qtbot.waitUntil(lambda: texts(window) == ["before", "after"], timeout=WAIT_MS)


def test_a_server_refusing_the_name_leaves_the_window_as_it_was(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: OpenWindow, join: Join
) -> None:
    a, b = make_server(name="Server A"), make_server(name="Server B")
    join(b, "anna")  # someone else is anna there
    window = open_window(a.port)
    bruno = join(a, "bruno")
    bruno.say("before")
    qtbot.waitUntil(lambda: texts(window) == ["before"], timeout=WAIT_MS)
    title = window.windowTitle()

    dialog = open_connect_dialog(qtbot, window)
    ask_for(qtbot, dialog, b.port)
    qtbot.waitUntil(lambda: "already uses the name" in dialog.error_text, timeout=WAIT_MS)
    assert field(dialog, "Your name").hasFocus()
    controller = window.controller
    assert controller.state is ClientState.CONNECTED
    assert port_of(controller) == a.port
    assert (window.windowTitle(), texts(window)) == (title, ["before"])
    # Corrected in the same dialog, the switch goes through.
    ask_for(qtbot, dialog, b.port, name="anna2")
    qtbot.waitUntil(lambda: window.connect_dialog is None, timeout=WAIT_MS)
    assert controller.name == "anna2"
    assert window.windowTitle() == "anna2 — Server B"


def test_cancelling_the_attempt_keeps_the_chat(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: OpenWindow, join: Join
) -> None:
    a, b = make_server(name="Server A"), make_server(name="Server B")
    window = open_window(a.port)
    b._listener.pauseAccepting()
    dialog = open_connect_dialog(qtbot, window)
    ask_for(qtbot, dialog, b.port)
    dialog.reject()
    assert window.connect_dialog is None
    b._listener.resumeAccepting()  # the hello it took was cut off: nobody registers there
    bruno = join(a, "bruno")
    bruno.say("you stayed")
    qtbot.waitUntil(lambda: texts(window) == ["you stayed"], timeout=WAIT_MS)
    assert port_of(window.controller) == a.port
    assert [u.name for u in b.users] == []
