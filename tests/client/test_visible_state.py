"""State the user can see: the paused chat's banner, the window title, a status bar
without stale news, error texts that wrap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel, QStatusBar
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientState
from chat_client_app.read_only_banner import ReadOnlyBanner
from chat_server_app.engine import ChatServer
from shared.handshake import Welcome
from shared.messages import Notice, parse_server_message
from tests.client.conftest import WAIT_MS

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

OpenWindow = Callable[..., ChatWindow]


def banner(window: ChatWindow) -> ReadOnlyBanner:
    found = window.findChild(ReadOnlyBanner)
    assert found is not None
    return found


def test_the_read_only_switch_travels_in_the_welcome_and_the_notice() -> None:
    welcome = Welcome("anna", (), "S", read_only=True)
    assert Welcome.from_dict(welcome.to_dict()).read_only
    assert not Welcome.from_dict(Welcome("anna", (), "S").to_dict()).read_only
    assert "read_only" not in Welcome("anna", (), "S").to_dict()  # an older client sees nothing new
    notice = Notice("x", "2026-01-01T00:00:00Z", "zoo", read_only=False)
    assert parse_server_message(notice.to_dict()) == notice
    assert parse_server_message(Notice("x", "").to_dict()) == Notice("x", "")


def test_a_paused_chat_disables_the_input_with_a_banner_until_it_opens_again(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    assert banner(window).isHidden()
    assert window.input_line.isEnabled()
    window.input_line.setText("draft kept")
    server.set_read_only(True)
    qtbot.waitUntil(lambda: banner(window).isVisible(), timeout=WAIT_MS)
    assert banner(window).text() == "The teacher has paused the chat: only they can write for now."
    assert not window.input_line.isEnabled()
    assert window.input_line.text() == "draft kept"  # nothing typed is lost
    notices = [window.model.entry(r).text for r in range(window.model.rowCount())]
    assert "The teacher has paused the chat: only they can write for now." in notices
    assert not [t for t in notices if "read-only" in t]  # the server's English is not shown
    server.set_read_only(False)
    qtbot.waitUntil(lambda: banner(window).isHidden(), timeout=WAIT_MS)
    assert window.input_line.isEnabled()


def test_joining_a_paused_chat_shows_the_banner_at_once(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    server.set_read_only(True)
    window = open_window(server.port)
    qtbot.waitUntil(lambda: banner(window).isVisible(), timeout=WAIT_MS)
    assert not window.input_line.isEnabled()


def test_the_title_is_name_and_server_once_and_says_when_disconnected(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    assert window.windowTitle() == "anna — Test Server"  # the desktop adds "— Parla"
    server.close()
    qtbot.waitUntil(lambda: window.controller.state is not ClientState.CONNECTED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "(" in window.windowTitle(), timeout=WAIT_MS)
    assert window.windowTitle().startswith("anna — Test Server (")
    assert window.windowTitle().count("Parla") == 0
    window.controller.quit()
    qtbot.waitUntil(lambda: window.windowTitle() == "anna — Test Server (disconnected)", timeout=WAIT_MS)


def test_a_stale_problem_leaves_the_status_bar_when_connected_again(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: OpenWindow
) -> None:
    server = make_server()
    port = server.port
    window = open_window(port)
    flash = next(w for w in window.findChildren(QLabel) if w.accessibleDescription() == "Last problem")
    server.close()
    qtbot.waitUntil(lambda: bool(flash.text()), timeout=WAIT_MS)  # "Nobody accepted…"
    make_server(port=port)
    qtbot.waitUntil(lambda: window.controller.state is ClientState.CONNECTED, timeout=WAIT_MS)
    assert flash.text() == ""


def test_a_long_problem_wraps_inside_the_window(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    window.resize(480, 360)
    bar = window.findChild(QStatusBar)
    assert bar is not None
    flash = next(w for w in window.findChildren(QLabel) if w.accessibleDescription() == "Last problem")
    long = "A problem that goes on and on " * 8
    window._status.flash(long)
    qtbot.waitUntil(lambda: flash.isVisible(), timeout=WAIT_MS)
    assert flash.wordWrap()
    assert window.width() <= 480 or window.minimumSizeHint().width() <= 480  # not widened by it
    right = flash.mapTo(window, flash.rect().topRight()).x()
    assert right <= window.width()
