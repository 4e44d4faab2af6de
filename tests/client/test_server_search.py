"""Search the server's history from the find bar, against the real server engine
(docs/PROTOCOL.md §8.7): the results are what the user may see, and choosing one
shows it in its room's timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.server_memory import ServerMemory
from chat_client_app.session.state import Chat
from chat_server_app.engine import ChatServer
from chat_server_app.store import MemoryStore
from chat_server_app.store.base import SearchPage
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


def results_ready(window: ChatWindow, count: int) -> Callable[[], bool]:
    return lambda: window.server_search.panel.results.topLevelItemCount() == count


def open_result(window: ChatWindow, row: int) -> None:
    tree = window.server_search.panel.results
    item = tree.topLevelItem(row)
    assert item is not None
    tree.itemClicked.emit(item, 0)


def shown_row(window: ChatWindow) -> int:
    """The row the view highlights, if it is on screen (else -1)."""
    index = window.view.currentIndex()
    selected = window.view.selectionModel().isSelected(index)
    seen = window.view.viewport().rect().intersects(window.view.visualRect(index))
    return index.row() if index.isValid() and selected and seen else -1


def test_a_result_older_than_the_timeline_is_loaded_around_it_shown_and_highlighted(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: Callable[..., ChatWindow],
    join: Callable[..., ClientController], tmp_path: Path,
) -> None:  # fmt: skip
    server = make_server(history_on_join=3, rate_burst=500, rate_per_sec=500.0)
    # A token of his own: controllers of one test share the user's memory of servers.
    bruno = join(server, "bruno", memory=ServerMemory(tmp_path / "bruno"))
    joined_room(qtbot, bruno, "giochi")
    bruno.say("prima della pizza", room="giochi")
    bruno.say("pizza in giochi", room="giochi")
    for i in range(30):
        bruno.say(f"chiacchiera {i}")
        bruno.say(f"gioco {i}", room="giochi")
    bruno.say("pizza per tutti")
    for i in range(30, 60):
        bruno.say(f"chiacchiera {i}")
    window = open_window(server.port, height=600)  # anna, who sees the newest 3 of general
    general = window.rooms.timelines.model(Chat.room("general"))
    qtbot.waitUntil(lambda: "chiacchiera 59" in texts(general), timeout=WAIT_MS)
    assert "pizza per tutti" not in texts(general)
    window.server_search._unhighlight.setInterval(300)

    window.open_find()
    window.find_bar.field.setText("pizza")
    window.find_bar.server_button.click()
    qtbot.waitUntil(results_ready(window, 1), timeout=WAIT_MS)  # not giochi's: anna is not in it
    with qtbot.waitSignal(window.controller.history_page_received, timeout=WAIT_MS):
        open_result(window, 0)
    assert window.server_search.panel.status_text == "1 message found on the server"
    # 25 before it, 25 from it on, then the newest 3 general had already, none twice.
    shown = texts(general)
    assert shown[shown.index("chiacchiera 5") :] == [
        *(f"chiacchiera {i}" for i in range(5, 30)), "pizza per tutti",
        *(f"chiacchiera {i}" for i in range(30, 54)), *(f"chiacchiera {i}" for i in range(57, 60)),
    ]  # fmt: skip
    ids = [e.msg_id for e in general.entries() if e.msg_id]
    assert ids == sorted(set(ids))
    assert window.rooms.rooms_model.unread(Chat.room("general")) == 0
    qtbot.waitUntil(lambda: shown_row(window) >= 0, timeout=WAIT_MS)
    assert general.entries()[shown_row(window)].text == "pizza per tutti"
    assert window.server_search.highlighted
    qtbot.waitUntil(lambda: not window.view.selectionModel().hasSelection(), timeout=WAIT_MS)

    # In a room: the timeline has the room's newest 3; the page brings the older ones.
    type_line(qtbot, window, "/join #giochi")
    games = window.rooms.timelines.model(GAMES)
    qtbot.waitUntil(lambda: "gioco 29" in texts(games), timeout=WAIT_MS)
    window.find_bar.server_button.click()
    qtbot.waitUntil(results_ready(window, 3), timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.history_page_received, timeout=WAIT_MS):
        open_result(window, 1)
    assert window.rooms.current == GAMES
    assert texts(games)[:3] == ["prima della pizza", "pizza in giochi", "gioco 0"]
    qtbot.waitUntil(lambda: shown_row(window) >= 0, timeout=WAIT_MS)
    assert games.entries()[shown_row(window)].text == "pizza in giochi"
    # Opening it again needs no page: it is in the timeline now.
    window.rooms.select(Chat.room("general"))
    open_result(window, 1)
    assert window.rooms.current == GAMES
    assert games.entries()[window.view.currentIndex().row()].text == "pizza in giochi"


class NarrowStore(MemoryStore):
    """A search examines two matches at a time (the server's examine thousands)."""

    def search(self, *args: Any, **kwargs: Any) -> SearchPage:
        return super().search(*args, **{**kwargs, "scan": 2})


def test_a_page_with_nothing_of_anna_s_still_leads_to_older_ones(
    qtbot: QtBot, make_server: Callable[..., ChatServer], open_window: Callable[..., ChatWindow],
    join: Callable[..., ClientController], tmp_path: Path,
) -> None:  # fmt: skip
    server = make_server(store=NarrowStore())
    bruno = join(server, "bruno", memory=ServerMemory(tmp_path / "bruno"))
    bruno.say("pizza per tutti")
    joined_room(qtbot, bruno, "segreto")
    for i in range(3):
        bruno.say(f"pizza segreta {i}", room="segreto")
    window = open_window(server.port, height=600)
    qtbot.waitUntil(lambda: "pizza per tutti" in texts(window.rooms.timelines.model(Chat.room("general"))))
    window.open_find()
    window.find_bar.field.setText("pizza")
    window.find_bar.server_button.click()
    panel = window.server_search.panel
    qtbot.waitUntil(lambda: panel.more_button.isEnabled(), timeout=WAIT_MS)
    assert (rows(window), panel.status_text) == ([], "Nothing found yet: look among older messages")
    panel.more_button.click()
    qtbot.waitUntil(results_ready(window, 1), timeout=WAIT_MS)
    assert rows(window) == [("#general", "bruno", "pizza per tutti")]
