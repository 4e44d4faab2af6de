"""State the user can see: the paused chat's banner, the window title, a status bar
without stale news, error texts that wrap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel, QStatusBar
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientState
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.read_only_banner import ReadOnlyBanner
from chat_client_app.session.state import GENERAL_CHAT, Chat
from chat_server_app.engine import ChatServer
from shared.handshake import Welcome
from shared.messages import Joined, Notice, parse_server_message
from tests.client.conftest import WAIT_MS
from tests.client.test_chat_window import type_line

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


def test_the_join_answer_carries_the_rooms_read_only_state() -> None:
    paused = Joined("anna", "", "aula", ("anna",), "", read_only=True)
    assert paused.to_dict()["read_only"] is True
    assert parse_server_message(paused.to_dict()) == paused
    open_room = Joined("anna", "", "aula", ("anna",), "")
    assert "read_only" not in open_room.to_dict()  # an older client sees nothing new
    assert parse_server_message(open_room.to_dict()) == open_room
    topic = Notice("The topic is now: x", "", "aula", topic="x")
    assert parse_server_message(topic.to_dict()) == topic


def test_joining_a_room_paused_before_shows_its_banner_at_once(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    server.rooms.open_room("aula")
    server.rooms.set_read_only("aula", True)
    window = open_window(server.port)
    assert banner(window).isHidden()  # general is open
    type_line(qtbot, window, "/join #aula")
    qtbot.waitUntil(lambda: window.rooms.current == Chat.room("aula"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: banner(window).isVisible(), timeout=WAIT_MS)
    assert banner(window).text() == "The teacher has paused #aula: only they can write there for now."
    assert not window.input_line.isEnabled()
    # Joining tells the state, not a switch: the room's timeline has no notice of it.
    room = window.rooms.timelines.model(Chat.room("aula"))
    assert not [room.entry(r) for r in range(room.rowCount()) if room.entry(r).kind is EntryKind.NOTICE]
    window.rooms.select(GENERAL_CHAT)
    assert banner(window).isHidden()
    assert window.input_line.isEnabled()
    window.rooms.select(Chat.room("aula"))
    server.rooms.set_read_only("aula", False)
    qtbot.waitUntil(lambda: banner(window).isHidden(), timeout=WAIT_MS)


def _notices(model: MessageModel) -> list[str]:
    return [model.entry(r).text for r in range(model.rowCount()) if model.entry(r).kind is EntryKind.NOTICE]


def test_a_rooms_switch_and_topic_are_told_in_the_clients_words(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    type_line(qtbot, window, "/join #aula")
    qtbot.waitUntil(lambda: window.rooms.current == Chat.room("aula"), timeout=WAIT_MS)
    room = window.rooms.timelines.model(Chat.room("aula"))
    server.rooms.set_read_only("aula", True)
    server.rooms.set_read_only("aula", False)
    server.rooms.set_topic("aula", "verifica <b>alle 10</b>")
    server.rooms.set_topic("aula", "")
    server.rooms.set_topic("general", "benvenuti")
    qtbot.waitUntil(lambda: len(_notices(room)) == 4, timeout=WAIT_MS)
    assert _notices(room) == [
        "The teacher has paused #aula: only they can write there for now.",
        "#aula is open again: everyone can write there.",
        "The topic of #aula is now: verifica <b>alle 10</b>",
        "The topic of #aula was cleared.",
    ]
    qtbot.waitUntil(lambda: "The topic of #general is now: benvenuti" in _notices(window.model))
    assert window.controller.rooms.topic("general") == "benvenuti"
    assert window.controller.rooms.topic("aula") == ""
    # The server's own English ("read-only", "The topic is now") is nowhere.
    for text in _notices(room) + _notices(window.model):
        assert "read-only" not in text
        assert "The topic is now" not in text
        assert "Notice:" not in text
