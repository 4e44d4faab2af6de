"""Rooms, presence and typing through the real engine and real sockets, on both read
paths (PROTOCOL.md §8.3-§8.4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from tests.server.helpers import ChatClient

pytestmark = pytest.mark.usefixtures("read_path")

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]

ANNA = "anna-token-" + "a" * 20


def room_texts(client: ChatClient, room: str) -> list[str]:
    return [m["text"] for m in client.messages() if m.get("room") == room]


def test_members_only_hear_a_room_and_everyone_hears_general(server: ChatServer, join: Join) -> None:
    anna, bruno, carla = join(server, "anna"), join(server, "bruno"), join(server, "carla")
    anna.send({"type": "join", "room": "giochi"})
    assert anna.expect("joined", room="giochi")["users"] == ["anna"]
    bruno.send({"type": "join", "room": "giochi"})
    anna.expect("joined", name="bruno", room="giochi")
    anna.send({"type": "say", "text": "quake?", "room": "giochi", "cid": "c1"})
    bruno.expect("message", text="quake?")
    anna.expect("message", cid="c1")
    carla.sync("carla is still here")
    bruno.sync("after")  # a round trip: anything for carla would have come
    assert room_texts(carla, "giochi") == []
    assert [f for f in carla.received if f.get("room")] == []
    assert room_texts(bruno, "giochi") == ["quake?"]


def test_not_in_room_part_and_the_rooms_list(server: ChatServer, join: Join) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send({"type": "join", "room": "giochi"})
    anna.expect("joined", room="giochi")
    bruno.send({"type": "say", "text": "let me in", "room": "giochi", "cid": "x"})
    error = bruno.expect("error")
    assert (error["code"], error["fatal"], error["cid"]) == ("not_in_room", False, "x")
    bruno.send({"type": "list_rooms"})
    assert bruno.expect("rooms")["rooms"] == [
        {"name": "general", "users": 2, "topic": ""},
        {"name": "giochi", "users": 1, "topic": ""},
    ]
    anna.send({"type": "part", "room": "giochi"})
    assert anna.expect("left", room="giochi")["reason"] == "part"


def test_a_reserved_member_gets_its_rooms_back_after_a_restart(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    data = tmp_path / "history"
    first = make_server(store=SqliteStore.in_dir(data))
    anna = join(first, "anna", token=ANNA)
    anna.send({"type": "join", "room": "giochi"})
    anna.expect("joined", room="giochi")
    anna.send({"type": "say", "text": "kept", "room": "giochi", "cid": "k"})
    anna.expect("message", cid="k")
    anna.close()
    first.close()
    second = make_server(store=SqliteStore.in_dir(data))
    back = join(second, "anna", token=ANNA, since=0)
    joined = back.expect("joined", room="giochi")
    assert joined["users"] == ["anna"]
    back.expect("message", text="kept")
    assert back.received.index(joined) < back.received.index(back.messages()[0])


def test_status_and_typing_reach_who_they_should(server: ChatServer, join: Join) -> None:
    anna, bruno, carla = join(server, "anna"), join(server, "bruno"), join(server, "carla")
    anna.send({"type": "status", "state": "busy", "text": "in riunione"})
    assert carla.expect("status") == {
        "type": "status",
        "name": "anna",
        "state": "busy",
        "text": "in riunione",
    }
    dario = join(server, "dario")
    assert dario.expect("status")["name"] == "anna"
    for client in (anna, bruno):
        client.send({"type": "join", "room": "giochi"})
        client.expect("joined", name=client.name, room="giochi")
    anna.send({"type": "typing", "room": "giochi"})
    assert bruno.expect("typing") == {"type": "typing", "name": "anna", "room": "giochi"}
    carla.sync("carla")
    assert carla.of_type("typing") == []
