"""The operator's orders over rooms through the real engine and real sockets, on both
read paths (docs/PROTOCOL.md §8.3): topic, read-only, open, close, move, and what
the dashboard lists of each room."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.core import RoomOrderError
from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from tests.server.helpers import ChatClient

pytestmark = pytest.mark.usefixtures("read_path")

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]


def joined(client: ChatClient, room: str) -> None:
    client.send({"type": "join", "room": room})
    client.wait_for(lambda f: f.get("type") == "joined" and f.get("room") == room and "users" in f)


def test_topic_read_only_and_the_listing_with_its_message_counts(
    server: ChatServer, join: Join, qtbot: QtBot
) -> None:
    anna, bruno, carla = join(server, "anna"), join(server, "bruno"), join(server, "carla")
    joined(anna, "giochi")
    joined(bruno, "giochi")
    anna.send({"type": "say", "text": "quake?", "room": "giochi", "cid": "c1"})
    bruno.expect("message", text="quake?")
    carla.say("ciao")
    anna.expect("message", text="ciao")
    with qtbot.waitSignal(server.rooms_changed):
        server.rooms.set_topic("giochi", "Quake stasera")
    assert bruno.expect("notice", room="giochi")["text"] == "The topic is now: Quake stasera"
    server.rooms.set_read_only("giochi", True)
    anna.expect("notice", text="#giochi is now read-only: only the operator can write.")
    anna.send({"type": "say", "text": "no", "room": "giochi", "cid": "c2"})
    assert anna.expect("error", cid="c2")["code"] == "read_only"
    carla.sync("carla heard nothing of giochi")
    assert [f for f in carla.received if f.get("room")] == []
    rows = server.rooms.listing()
    assert [(r.name, r.members, r.messages, r.read_only, r.topic) for r in rows] == [
        ("general", 3, 2, False, ""),  # ciao and carla's sync
        ("giochi", 2, 1, True, "Quake stasera"),
    ]
    assert server.rooms.member_names("giochi") == ["anna", "bruno"]


def test_an_opened_room_survives_a_restart_and_closing_it_sends_its_members_out(
    make_server: MakeServer, join: Join, tmp_path: Path, qtbot: QtBot
) -> None:
    data = tmp_path / "history"
    first = make_server(store=SqliteStore.in_dir(data))
    with qtbot.waitSignal(first.rooms_changed):
        first.rooms.open_room("Aula")
    with pytest.raises(RoomOrderError):
        first.rooms.open_room("no spaces")
    first.close()
    second = make_server(store=SqliteStore.in_dir(data))
    assert [r.name for r in second.rooms.listing()] == ["general", "Aula"]
    anna, bruno = join(second, "anna"), join(second, "bruno")
    with qtbot.waitSignal(second.rooms_changed):
        assert second.rooms.move("anna", "aula")
    assert anna.wait_for(lambda f: f.get("type") == "joined" and "users" in f)["room"] == "Aula"
    assert not second.rooms.move("nobody", "aula")
    with qtbot.waitSignal(second.rooms_changed):
        second.rooms.close_room("aula")
    left = anna.expect("left", room="Aula")
    assert (left["name"], left["reason"]) == ("anna", "closed")
    bruno.sync("bruno heard nothing of it")
    assert [f for f in bruno.received if f.get("room")] == []
    assert [r.name for r in second.rooms.listing()] == ["general"]
