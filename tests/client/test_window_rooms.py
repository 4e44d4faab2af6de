"""The window's rooms with real widgets against a stand-in server that speaks rooms
(tests/client/fake_rooms.py): join, timelines per room with unread counts, part,
status dots, the typing line, away by hand and by idleness."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.room_list_model import RoomRole
from chat_client_app.session.state import GENERAL_CHAT, Chat
from shared.messages import PresenceState, Status, Typing
from tests.client.conftest import WAIT_MS
from tests.client.fake_rooms import RoomsServer
from tests.client.test_chat_window import type_line

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

ZOO, DEV = Chat.room("zoo"), Chat.room("dev")


@pytest.fixture
def rooms_server() -> Iterator[RoomsServer]:
    server = RoomsServer()
    yield server
    server.close()


@pytest.fixture
def window(rooms_server: RoomsServer, open_window: Callable[..., ChatWindow]) -> ChatWindow:
    # The server first: torn down after the window, which leaves it cleanly.
    return open_window(rooms_server.port)


def texts(model: MessageModel) -> list[str]:
    return [model.entry(r).text for r in range(model.rowCount()) if model.entry(r).kind is EntryKind.MESSAGE]


def room_labels(window: ChatWindow) -> list[str]:
    model = window.rooms.rooms_model
    return [model.index(r).data() for r in range(model.rowCount())]


def joined_room(qtbot: QtBot, who: ClientController, room: str) -> None:
    with qtbot.waitSignal(who.rooms.rooms_changed, timeout=WAIT_MS):
        who.rooms.join_room(room)


def window_joins(qtbot: QtBot, window: ChatWindow, room: str) -> None:
    """As the room list's "+" does: the room is shown once the server lets us in."""
    with qtbot.waitSignal(window.controller.rooms.rooms_changed, timeout=WAIT_MS):
        window.rooms.join(room)


def test_join_command_opens_the_room_and_the_send_box_says_there(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(rooms_server, "bruno")
    joined_room(qtbot, bruno, "zoo")
    type_line(qtbot, window, "/join #zoo")
    qtbot.waitUntil(lambda: window.rooms.current == ZOO, timeout=WAIT_MS)
    assert room_labels(window) == ["#general", "#zoo"]
    assert window.view.model() is window.rooms.timelines.model(ZOO)
    members = window.rooms.members
    qtbot.waitUntil(lambda: members.names == ["anna", "bruno"], timeout=WAIT_MS)
    got: list[str] = []
    bruno.messages_received.connect(lambda ms: got.extend(f"{m.room}:{m.text}" for m in ms))
    type_line(qtbot, window, "hello zoo")
    qtbot.waitUntil(lambda: got == ["zoo:hello zoo"], timeout=WAIT_MS)
    assert texts(window.rooms.timelines.model(ZOO)) == ["hello zoo"]
    assert "hello zoo" not in texts(window.model)


def test_two_rooms_messages_land_in_their_own_timelines_with_unread_counts(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(rooms_server, "bruno")
    for room in ("zoo", "dev"):
        joined_room(qtbot, bruno, room)
        window_joins(qtbot, window, room)
    window.rooms.select(GENERAL_CHAT)
    bruno.say("in zoo", room="zoo")
    bruno.say("in dev", room="dev")
    bruno.say("anna, look", room="dev")
    timelines = window.rooms.timelines
    qtbot.waitUntil(lambda: texts(timelines.model(DEV)) == ["in dev", "anna, look"], timeout=WAIT_MS)
    assert texts(timelines.model(ZOO)) == ["in zoo"]
    rooms = window.rooms.rooms_model
    dev = rooms.index(rooms.row_of(DEV))
    assert (dev.data(RoomRole.UNREAD), dev.data(RoomRole.MENTION), dev.data(RoomRole.BOLD)) == (2, True, True)
    assert rooms.unread(ZOO) == 1
    # Choosing a room in the list shows it and reads it.
    window.room_panel.list_view.setCurrentIndex(dev)
    assert window.rooms.current == DEV
    assert window.view.model() is timelines.model(DEV)
    assert rooms.unread(DEV) == 0
    assert timelines.model(DEV).entry(0).kind is EntryKind.UNREAD  # where the unread began


def test_part_leaves_the_room_and_its_timeline(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer
) -> None:
    window_joins(qtbot, window, "zoo")
    assert window.rooms.current == ZOO
    with qtbot.waitSignal(window.controller.rooms.rooms_changed, timeout=WAIT_MS):
        type_line(qtbot, window, "/part")
    assert room_labels(window) == ["#general"]
    assert window.rooms.current == GENERAL_CHAT
    assert window.view.model() is window.model


def test_status_dots_and_away_by_hand_and_back(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(rooms_server, "bruno")
    qtbot.waitUntil(lambda: "bruno" in window.users, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.rooms.status_changed, timeout=WAIT_MS):
        bruno.rooms.set_status(PresenceState.BUSY, "exam <b>")
    index = window.users.index(window.users.names.index("bruno"))
    assert index.data() == "bruno — exam <b>"
    assert "busy" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    with qtbot.waitSignal(bruno.rooms.status_changed, timeout=WAIT_MS) as away:
        type_line(qtbot, window, "/away lunch")
    assert away.args == ["anna", PresenceState.AWAY, "lunch"]
    with qtbot.waitSignal(bruno.rooms.status_changed, timeout=WAIT_MS) as back:
        type_line(qtbot, window, "/back")
    assert back.args == ["anna", PresenceState.AVAILABLE, ""]


def test_idle_turns_away_and_the_next_keystroke_brings_the_user_back(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer
) -> None:
    idle = window.idle
    idle.set_minutes(0.0005)  # 30 ms
    qtbot.waitUntil(lambda: idle.auto_away, timeout=WAIT_MS)
    assert window.controller.rooms.own_presence == (PresenceState.AWAY, "")
    qtbot.waitUntil(lambda: any(isinstance(m, Status) for m in rooms_server.received), timeout=WAIT_MS)
    idle.set_minutes(0)
    QTest.keyClick(window.input_line, Qt.Key.Key_A)
    assert window.controller.rooms.own_presence == (PresenceState.AVAILABLE, "")


def test_the_typing_line_shows_for_the_current_chat_and_lapses(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    bruno = join(rooms_server, "bruno")
    joined_room(qtbot, bruno, "zoo")
    window_joins(qtbot, window, "zoo")
    bruno.rooms.typing(ZOO)
    qtbot.waitUntil(lambda: window.typing_line.text() == "bruno is typing…", timeout=WAIT_MS)
    window.rooms.select(GENERAL_CHAT)
    assert window.typing_line.text() == ""
    window.rooms.select(ZOO)
    assert window.typing_line.text() == "bruno is typing…"
    rooms = window.controller.rooms
    started = rooms.clock()
    rooms.clock = lambda: started + 6.0
    rooms.check_lapses()
    assert window.typing_line.text() == ""
    # What the user types becomes a typing notice for the chat they look at.
    window.input_line.setText("h")
    qtbot.waitUntil(
        lambda: any(isinstance(m, Typing) and m.room == "zoo" for m in rooms_server.received), timeout=WAIT_MS
    )


def test_nobody_typing_takes_no_room_and_someone_typing_moves_no_input(
    qtbot: QtBot, window: ChatWindow, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    window.resize(480, 360)  # the smallest window, where a blank line shows most
    bruno = join(rooms_server, "bruno")
    joined_room(qtbot, bruno, "zoo")
    window_joins(qtbot, window, "zoo")

    def input_top() -> int:
        return window.input_line.mapTo(window, window.input_line.rect().topLeft()).y()

    def gap() -> int:
        view_bottom = window.view.mapTo(window, window.view.rect().bottomLeft()).y()
        return input_top() - view_bottom

    qtbot.waitUntil(lambda: window.typing_line.text() == "" and not window.typing_line.isVisible())
    quiet_gap, quiet_top = gap(), input_top()
    bruno.rooms.typing(ZOO)
    qtbot.waitUntil(lambda: window.typing_line.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gap() > quiet_gap)  # the timeline gave up the line
    assert gap() - quiet_gap >= window.typing_line.fontMetrics().height()
    assert input_top() == quiet_top  # the line the user types in did not move
    assert window.view.at_bottom


def test_every_new_widget_has_an_accessible_name(window: ChatWindow) -> None:
    for widget in (
        window.room_panel,
        window.room_panel.list_view,
        window.room_panel.add_button,
    ):
        assert widget.accessibleName()
    # a label's name is its text (who is typing); its description says what it is
    assert window.typing_line.accessibleDescription()
    assert window.room_panel.menu_for(ZOO).accessibleName()
