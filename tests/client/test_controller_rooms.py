"""The controller's rooms, presence and typing over real sockets, against a stand-in
server that speaks docs/PROTOCOL.md §8.3-§8.4 (tests/client/fake_rooms.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.controller import ClientController, ClientState, SendState
from chat_client_app.session.state import GENERAL_CHAT, Chat
from shared.messages import Join, PresenceState, RoomInfo, Typing
from tests.client.conftest import WAIT_MS, Recorder
from tests.client.fake_rooms import RoomsServer

MakeController = Callable[..., ClientController]


@pytest.fixture
def rooms_server() -> Iterator[RoomsServer]:
    server = RoomsServer()
    yield server
    server.close()


def enter(qtbot: QtBot, who: ClientController, room: str) -> None:
    with qtbot.waitSignal(
        who.rooms.rooms_changed,
        timeout=WAIT_MS,
        check_params_cb=lambda r: room.casefold() in [x.casefold() for x in r],
    ):
        who.rooms.join_room(room)


def test_a_room_joined_gets_its_members_and_only_they_see_its_messages(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna, bruno, carla = (join(rooms_server, n) for n in ("anna", "bruno", "carla"))
    seen = {c.name: Recorder(c) for c in (anna, bruno, carla)}
    joined: list[tuple[str, str]] = []
    anna.rooms.member_joined.connect(lambda room, name: joined.append((room, name)))
    enter(qtbot, anna, "zoo")
    assert anna.rooms.rooms == ("general", "zoo")
    enter(qtbot, bruno, "Zoo")
    assert bruno.rooms.rooms == ("general", "zoo")  # the spelling it was made with
    qtbot.waitUntil(lambda: ("zoo", "bruno") in joined, timeout=WAIT_MS)
    assert anna.rooms.members("zoo") == ("anna", "bruno")
    cid = anna.say("hello zoo", room="zoo")
    anna.say("hello all")
    qtbot.waitUntil(lambda: seen["anna"].state_of(cid) is SendState.SENT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: seen["carla"].texts() == ["hello all"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: seen["bruno"].texts() == ["hello zoo", "hello all"], timeout=WAIT_MS)
    assert [m.room for m in seen["bruno"].messages] == ["zoo", "general"]
    assert seen["carla"].texts() == ["hello all"]


def test_part_leaves_the_room_and_a_say_there_then_fails_with_not_in_room(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna, bruno = join(rooms_server, "anna"), join(rooms_server, "bruno")
    enter(qtbot, anna, "zoo")
    enter(qtbot, bruno, "zoo")
    with (
        qtbot.waitSignal(bruno.rooms.member_left, timeout=WAIT_MS) as left,
        qtbot.waitSignal(anna.rooms.rooms_changed, timeout=WAIT_MS),
    ):
        anna.rooms.part_room("zoo")
    assert left.args == ["zoo", "anna", "part"]
    assert anna.rooms.rooms == ("general",)
    assert bruno.rooms.members("zoo") == ("bruno",)
    seen = Recorder(anna)
    cid = anna.say("still there?", room="zoo")
    qtbot.waitUntil(lambda: seen.state_of(cid) is SendState.FAILED, timeout=WAIT_MS)


def test_list_rooms_answers_with_every_room(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna = join(rooms_server, "anna")
    enter(qtbot, anna, "zoo")
    with qtbot.waitSignal(anna.rooms.room_list_received, timeout=WAIT_MS) as listed:
        anna.rooms.list_rooms()
    assert listed.args == [(RoomInfo("general", 1), RoomInfo("zoo", 1))]


def test_status_reaches_the_others_as_an_enum(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna, bruno = join(rooms_server, "anna"), join(rooms_server, "bruno")
    with qtbot.waitSignal(bruno.rooms.status_changed, timeout=WAIT_MS) as changed:
        anna.rooms.set_status(PresenceState.AWAY, "lunch")
    assert changed.args == ["anna", PresenceState.AWAY, "lunch"]
    assert changed.args[1] is PresenceState.AWAY
    assert bruno.rooms.presence("anna") == (PresenceState.AWAY, "lunch")
    assert anna.rooms.own_presence == (PresenceState.AWAY, "lunch")


def test_typing_shows_for_its_chat_and_lapses_after_six_seconds(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna, bruno = join(rooms_server, "anna"), join(rooms_server, "bruno")
    zoo = Chat.room("zoo")
    enter(qtbot, anna, "zoo")
    enter(qtbot, bruno, "zoo")
    with qtbot.waitSignal(bruno.rooms.typing_changed, timeout=WAIT_MS) as typing:
        anna.rooms.typing(zoo)
    assert typing.args == [zoo, ("anna",)]
    anna.rooms.typing(zoo)  # within 3 s of the last: not sent again
    with qtbot.waitSignal(bruno.rooms.typing_changed, timeout=WAIT_MS) as private:
        anna.rooms.typing(Chat.private("bruno"))
    assert private.args == [Chat.private("anna"), ("anna",)]
    assert len([m for m in rooms_server.received if isinstance(m, Typing) and m.to is None]) == 1
    started = bruno.rooms.clock()
    bruno.rooms.clock = lambda: started + 6.0
    with qtbot.waitSignal(bruno.rooms.typing_changed, timeout=WAIT_MS) as lapsed:
        bruno.rooms.check_lapses()
    assert lapsed.args[1] == ()
    assert bruno.rooms.typists(zoo) == ()
    assert bruno.rooms.typists(GENERAL_CHAT) == ()


def test_a_reserved_name_gets_its_rooms_back_after_a_drop(
    qtbot: QtBot, rooms_server: RoomsServer, join: Callable[..., ClientController]
) -> None:
    anna = join(rooms_server, "anna")
    enter(qtbot, anna, "zoo")
    rooms_server.received.clear()
    rooms_server.drop("anna")
    qtbot.waitUntil(lambda: anna.state is ClientState.RECONNECTING, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: anna.state is ClientState.CONNECTED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: anna.rooms.members("zoo") == ("anna",), timeout=WAIT_MS)
    assert anna.rooms.rooms == ("general", "zoo")
    assert not [m for m in rooms_server.received if isinstance(m, Join)]  # the server put it back
