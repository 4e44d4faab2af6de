"""The client's rooms against the real server engine (not the stand-in): what one
user says in a room reaches its members' room timelines and no one else's, and a
reserved name gets its rooms back at its next connection."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.session.state import Chat
from chat_server_app.engine import ChatServer
from tests.client.conftest import WAIT_MS
from tests.client.test_chat_window import type_line
from tests.client.test_window_rooms import joined_room, room_labels, texts

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

GAMES = Chat.room("giochi")


@pytest.fixture
def window(server: ChatServer, open_window: Callable[..., ChatWindow]) -> ChatWindow:
    # The server first: torn down after the window, which leaves it cleanly.
    return open_window(server.port)


def test_a_room_s_lines_reach_its_members_timelines_only(
    qtbot: QtBot, window: ChatWindow, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    bruno, carla = join(server, "bruno"), join(server, "carla")
    joined_room(qtbot, bruno, "giochi")
    type_line(qtbot, window, "/join #giochi")
    qtbot.waitUntil(lambda: window.rooms.current == GAMES, timeout=WAIT_MS)
    assert room_labels(window) == ["#general", "#giochi"]
    qtbot.waitUntil(lambda: window.rooms.members.names == ["anna", "bruno"], timeout=WAIT_MS)
    seen: dict[str, list[str]] = {"bruno": [], "carla": []}
    bruno.messages_received.connect(lambda ms: seen["bruno"].extend(f"{m.room}:{m.text}" for m in ms))
    carla.messages_received.connect(lambda ms: seen["carla"].extend(f"{m.room}:{m.text}" for m in ms))
    type_line(qtbot, window, "chi gioca?")
    qtbot.waitUntil(lambda: seen["bruno"] == ["giochi:chi gioca?"], timeout=WAIT_MS)
    bruno.say("io!", room="giochi")
    qtbot.waitUntil(
        lambda: texts(window.rooms.timelines.model(GAMES)) == ["chi gioca?", "io!"], timeout=WAIT_MS
    )
    carla.say("ciao a tutti")
    qtbot.waitUntil(lambda: "ciao a tutti" in texts(window.model), timeout=WAIT_MS)
    assert seen["carla"] == ["general:ciao a tutti"]  # nothing of the room
    assert "chi gioca?" not in texts(window.model)


def test_part_leaves_the_room_on_the_server_too(
    qtbot: QtBot, window: ChatWindow, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(server, "bruno")
    joined_room(qtbot, bruno, "giochi")
    type_line(qtbot, window, "/join #giochi")
    qtbot.waitUntil(lambda: window.rooms.current == GAMES, timeout=WAIT_MS)
    type_line(qtbot, window, "/part")
    qtbot.waitUntil(lambda: room_labels(window) == ["#general"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bruno.rooms.members("giochi") == ("bruno",), timeout=WAIT_MS)


def test_a_room_s_notice_lands_in_that_room_s_timeline_only(
    qtbot: QtBot, window: ChatWindow, server: ChatServer
) -> None:
    type_line(qtbot, window, "/join #giochi")
    qtbot.waitUntil(lambda: window.rooms.current == GAMES, timeout=WAIT_MS)
    server.rooms.set_topic("giochi", "Quake alle 18")
    room = window.rooms.timelines.model(GAMES)

    def notices(model: MessageModel) -> list[str]:
        return [
            model.entry(r).text for r in range(model.rowCount()) if model.entry(r).kind is EntryKind.NOTICE
        ]

    qtbot.waitUntil(lambda: any("Quake alle 18" in n for n in notices(room)), timeout=WAIT_MS)
    assert not any("Quake alle 18" in n for n in notices(window.model))


def test_who_joins_a_room_sees_what_was_said_there_before(
    qtbot: QtBot, window: ChatWindow, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(server, "bruno")
    joined_room(qtbot, bruno, "giochi")
    seen: list[str] = []
    bruno.messages_received.connect(lambda ms: seen.extend(m.text for m in ms))
    for text in ("prima", "seconda"):
        bruno.say(text, room="giochi")
    window.controller.say("in general")  # anna has seen newer ids than the room's past
    qtbot.waitUntil(lambda: "in general" in seen, timeout=WAIT_MS)
    type_line(qtbot, window, "/join #giochi")
    timeline = window.rooms.timelines.model(GAMES)
    qtbot.waitUntil(lambda: texts(timeline) == ["prima", "seconda"], timeout=WAIT_MS)
    bruno.say("adesso", room="giochi")
    qtbot.waitUntil(lambda: texts(timeline) == ["prima", "seconda", "adesso"], timeout=WAIT_MS)
    # leave and come back: the past again, once
    type_line(qtbot, window, "/part")
    qtbot.waitUntil(lambda: room_labels(window) == ["#general"], timeout=WAIT_MS)
    type_line(qtbot, window, "/join #giochi")
    qtbot.waitUntil(
        lambda: texts(window.rooms.timelines.model(GAMES)) == ["prima", "seconda", "adesso"], timeout=WAIT_MS
    )
