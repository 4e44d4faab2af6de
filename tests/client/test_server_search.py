"""Search the server's history from the find bar, against the real server engine
(docs/PROTOCOL.md §8.7): the results are what the user may see, and choosing one
shows it in its room's timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.session.state import Chat
from chat_server_app.engine import ChatServer
from tests.client.conftest import WAIT_MS
from tests.client.test_chat_window import type_line
from tests.client.test_window_rooms import joined_room, texts

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

GAMES = Chat.room("giochi")


@pytest.fixture
def window(server: ChatServer, open_window: Callable[..., ChatWindow]) -> ChatWindow:
    # The server first: torn down after the window, which leaves it cleanly.
    return open_window(server.port, height=600)


def rows(window: ChatWindow) -> list[tuple[str, str, str]]:
    tree = window.server_search.panel.results
    found = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        found.append((item.text(0), item.text(1), item.text(3)))
    return found


def test_search_the_server_finds_what_anna_may_see_and_leads_to_it(
    qtbot: QtBot, window: ChatWindow, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(server, "bruno")
    joined_room(qtbot, bruno, "giochi")
    joined_room(qtbot, bruno, "segreto")
    type_line(qtbot, window, "/join #giochi")
    qtbot.waitUntil(lambda: window.rooms.current == GAMES, timeout=WAIT_MS)
    bruno.say("pizza <b>segreta</b>", room="segreto")
    bruno.say("pizza per tutti")
    bruno.say("pizza in giochi", room="giochi")
    qtbot.waitUntil(lambda: "pizza in giochi" in texts(window.rooms.timelines.model(GAMES)), timeout=WAIT_MS)
    window.rooms.select(Chat.room("general"))

    window.open_find()
    window.find_bar.field.setText("PIZZA")
    window.find_bar.server_button.click()
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=WAIT_MS)
    assert rows(window) == [("#giochi", "bruno", "pizza in giochi"), ("#general", "bruno", "pizza per tutti")]
    assert window.server_search.panel.isVisible()

    tree = window.server_search.panel.results
    first = tree.topLevelItem(0)
    assert first is not None
    tree.itemClicked.emit(first, 0)
    assert window.rooms.current == GAMES
    current = window.view.currentIndex()
    assert current.isValid()
    assert window.rooms.timelines.model(GAMES).entries()[current.row()].text == "pizza in giochi"


def test_a_query_with_nothing_found_says_so(qtbot: QtBot, window: ChatWindow) -> None:
    window.open_find()
    window.find_bar.field.setText("nessuno")
    window.find_bar.server_button.click()
    panel = window.server_search.panel
    qtbot.waitUntil(lambda: panel.status_text != "" and "nessuno" not in panel.status_text, timeout=WAIT_MS)
    assert panel.results.topLevelItemCount() == 0
    assert not panel.more_button.isEnabled()
