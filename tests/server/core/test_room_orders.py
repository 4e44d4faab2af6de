"""The operator's orders over rooms in the rules (docs/PROTOCOL.md §8.3): topic,
read-only per room, open, close and move, with clients back to back in memory."""

from __future__ import annotations

import pytest

from chat_server_app.core import RoomOrderError, RoomsChanged
from chat_server_app.store import MemoryStore
from tests.server.core.pair import Client, MemoryPair

ANNA_TOKEN = "anna-token-0123456789abcdef"


def notices(client: Client) -> list[tuple[object, object]]:
    return [(n.get("room"), n["text"]) for n in client.of_type("notice")]


def in_room(pair: MemoryPair, room: str, *names: str) -> list[Client]:
    clients = [pair.join(name) for name in names]
    for client in clients:
        client.send({"type": "join", "room": room})
    return clients


def test_a_topic_reaches_the_members_as_a_notice_in_the_room_and_in_joined_and_rooms() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna, bruno = in_room(pair, "giochi", "anna", "bruno")
    carla = pair.join("carla")
    pair.events.clear()
    pair.core.set_topic("Giochi", "  Quake stasera  ")
    pair.pump()
    assert notices(anna) == notices(bruno) == [("giochi", "The topic is now: Quake stasera")]
    assert notices(carla) == []
    assert any(isinstance(e, RoomsChanged) for e in pair.events)
    carla.send({"type": "join", "room": "giochi"})
    assert carla.of_type("joined")[-1]["topic"] == "Quake stasera"
    carla.send({"type": "list_rooms"})
    assert carla.of_type("rooms")[-1]["rooms"] == [
        {"name": "general", "users": 3, "topic": ""},
        {"name": "giochi", "users": 3, "topic": "Quake stasera"},
    ]
    assert store.rooms()[0].topic == "Quake stasera"
    # the same topic again says nothing; a line break or a missing room is refused
    pair.core.set_topic("giochi", "Quake stasera")
    pair.pump()
    assert len(notices(anna)) == 1
    with pytest.raises(RoomOrderError):
        pair.core.set_topic("giochi", "two\nlines")
    with pytest.raises(RoomOrderError):
        pair.core.set_topic("nowhere", "x")


def test_general_s_topic_is_told_to_everyone_without_a_room_and_survives_a_restart() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna = pair.join("anna")
    pair.core.set_topic("general", "Benvenuti")
    pair.pump()
    assert notices(anna) == [(None, "The topic is now: Benvenuti")]
    again = MemoryPair(store)
    bruno = again.join("bruno")
    bruno.send({"type": "list_rooms"})
    assert bruno.of_type("rooms")[-1]["rooms"] == [{"name": "general", "users": 1, "topic": "Benvenuti"}]


def test_a_read_only_room_refuses_says_there_only_and_a_notice_says_so() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna, bruno = in_room(pair, "giochi", "anna", "bruno")
    pair.core.set_room_read_only("giochi", True)
    pair.pump()
    assert notices(bruno) == [("giochi", "#giochi is now read-only: only the operator can write.")]
    anna.send({"type": "say", "text": "x", "cid": "c1", "room": "giochi"})
    assert anna.of_type("error")[-1]["code"] == "read_only"
    assert anna.of_type("error")[-1]["cid"] == "c1"
    anna.say("in general")
    assert [m["text"] for m in bruno.of_type("message")] == ["in general"]
    assert store.rooms()[0].read_only
    pair.core.set_room_read_only("giochi", False)
    pair.pump()
    anna.send({"type": "say", "text": "open", "room": "giochi"})
    assert [m["text"] for m in bruno.of_type("message")] == ["in general", "open"]
    # general's switch is the server-wide one
    pair.core.set_room_read_only("general", True)
    assert pair.core.read_only


def test_a_room_the_operator_opens_stays_empty_and_across_a_restart() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    room = pair.core.open_room("Aula")
    assert room.kept
    anna = pair.join("anna")
    anna.send({"type": "join", "room": "aula"})
    assert anna.of_type("joined")[-1]["room"] == "Aula"
    anna.send({"type": "part", "room": "aula"})
    assert [r.name for r in pair.core.rooms.all()] == ["Aula"]  # empty, and still there
    again = MemoryPair(store)
    dario = again.join("dario")
    dario.send({"type": "list_rooms"})
    assert dario.of_type("rooms")[-1]["rooms"] == [
        {"name": "general", "users": 1, "topic": ""},
        {"name": "Aula", "users": 0, "topic": ""},
    ]
    with pytest.raises(RoomOrderError):
        again.core.open_room("a room")  # no spaces in a room's name
    with pytest.raises(RoomOrderError):
        again.core.open_room("General")


def test_closing_a_room_sends_each_member_their_left_and_forgets_its_reserved_names() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna = pair.join("anna", token=ANNA_TOKEN)
    anna.send({"type": "join", "room": "giochi"})
    (bruno,) = in_room(pair, "giochi", "bruno")
    carla = pair.join("carla")
    pair.core.open_room("giochi")
    pair.core.close_room("GIOCHI")
    pair.pump()
    for client in (anna, bruno):
        left = client.of_type("left")[-1]
        assert left == {
            "type": "left",
            "name": client.session.name,
            "ts": left["ts"],
            "reason": "closed",
            "room": "giochi",
        }
    assert [f for f in carla.frames if f.get("room")] == []
    assert pair.core.rooms.all() == []
    assert store.rooms() == []
    anna.send({"type": "say", "text": "x", "room": "giochi"})
    assert anna.of_type("error")[-1]["code"] == "not_in_room"
    anna.bye()
    back = pair.join("anna", token=ANNA_TOKEN)
    assert back.types()[1:2] != ["joined"]  # not put back in a closed room
    with pytest.raises(RoomOrderError):
        pair.core.close_room("general")


def test_moving_a_user_puts_them_in_the_room_as_a_join_would() -> None:
    pair = MemoryPair(max_rooms_per_user=1)
    (anna,) = in_room(pair, "giochi", "anna")
    bruno = pair.join("bruno")
    pair.core.move(bruno.session, "giochi")
    pair.pump()
    assert bruno.of_type("joined")[-1]["users"] == ["anna", "bruno"]
    assert anna.of_type("joined")[-1]["name"] == "bruno"
    bruno.send({"type": "say", "text": "eccomi", "room": "giochi"})
    assert [m["text"] for m in anna.of_type("message")] == ["eccomi"]
    pair.core.move(bruno.session, "giochi")  # in it already: nothing
    with pytest.raises(RoomOrderError):
        pair.core.move(bruno.session, "lab")  # one room at most, by the settings
    carla = pair.join("carla")
    pair.core.move(carla.session, "lab")  # made, as a join makes it
    pair.pump()
    assert carla.of_type("joined")[-1]["room"] == "lab"
