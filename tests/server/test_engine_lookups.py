"""Search and the page of history around a message through the real engine, real
sockets and the SQLite store (docs/PROTOCOL.md §8.7-§8.8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from tests.server.helpers import ChatClient, error_frame, strip_extensions

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]

ANNA = "anna-token-" + "a" * 20
BRUNO = "bruno-token-" + "b" * 20


def test_a_search_result_opens_on_a_page_of_its_chat(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path / "data"), rate_burst=200, rate_per_sec=200.0)
    anna = join(server, "anna", version=2, token=ANNA)
    bruno = join(server, "bruno", version=2, token=BRUNO)
    for client in (anna, bruno):
        client.send({"type": "join", "room": "giochi"})
        client.expect("joined", name=client.name, room="giochi")
    for i in range(12):
        bruno.say(f"giochi {i}", room="giochi")
        bruno.say(f"tra noi {i}", to="anna")
        bruno.say(f"tutti {i}")
    bruno.say("la partita di ieri", room="giochi")
    bruno.sync("fine")
    anna.wait_for(lambda f: f.get("text") == "fine")

    anna.send({"type": "search", "query": "partita", "sid": "s1"})
    result = anna.expect("results", sid="s1")
    assert [m["text"] for m in result["messages"]] == ["la partita di ieri"]
    assert (result["more"], "before" in result) == (False, False)
    found = result["messages"][0]

    anna.send({"type": "history", "sid": "h1", "around": found["id"], "room": found["room"]})
    page = anna.expect("page", sid="h1")
    assert [m["text"] for m in page["messages"]] == [f"giochi {i}" for i in range(12)] + [
        "la partita di ieri"
    ]
    assert all(m["history"] is True and m["room"] == "giochi" for m in page["messages"])
    assert (page["older"], page["newer"]) == (False, False)
    ids = [m["id"] for m in page["messages"]]
    assert ids == sorted(ids)

    private = [m for m in anna.messages() if m.get("to") == "anna"]
    anna.send({"type": "history", "sid": "h2", "around": private[5]["id"], "with": "bruno"})
    page = anna.expect("page", sid="h2")
    assert [m["text"] for m in page["messages"]] == [f"tra noi {i}" for i in range(12)]


def test_bad_history_requests_get_clear_errors_and_disturb_no_one(server: ChatServer, join: Join) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send({"type": "history", "sid": "h1", "around": 1, "room": "segreto"})
    assert strip_extensions(anna.expect("error"), "cid") == error_frame("not_in_room", fatal=False)
    anna.send({"type": "history", "sid": "h2", "around": 1, "room": "giochi", "with": "bruno"})
    assert strip_extensions(anna.wait_count(lambda f: f.get("type") == "error", 2)[-1], "cid") == error_frame(
        "room_invalid", fatal=False
    )
    anna.send({"type": "history", "sid": "h3", "around": 1})
    assert anna.expect("page", sid="h3")["messages"] == []
    anna.send({"type": "history", "sid": "h4", "around": -5})
    assert strip_extensions(anna.wait_count(lambda f: f.get("type") == "error", 3)[-1], "cid") == error_frame(
        "protocol_error", fatal=True
    )
    anna.wait_closed()
    bruno.sync("still here")
