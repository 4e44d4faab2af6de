"""Search and the page of history around a message through the real engine, real
sockets and the SQLite store (docs/PROTOCOL.md §8.7-§8.8)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chat_server_app import lookup_thread
from chat_server_app.engine import ChatServer
from chat_server_app.store import HistoryReads, SqliteStore
from chat_server_app.store.base import Around, SearchPage
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


class _HeldReader:
    """The store's reader, whose searches wait for the test's word."""

    def __init__(self, inner: HistoryReads, go: threading.Event) -> None:
        self._inner = inner
        self._go = go

    def search(self, *args: Any, **kwargs: Any) -> SearchPage:
        self._go.wait(30)
        return self._inner.search(*args, **kwargs)

    def around(self, *args: Any, **kwargs: Any) -> Around:
        return self._inner.around(*args, **kwargs)

    def interrupt(self) -> None:
        self._inner.interrupt()

    def close(self) -> None:
        self._inner.close()


class _HeldSearchStore(SqliteStore):
    go = threading.Event()

    def reader(self) -> HistoryReads:
        return _HeldReader(super().reader(), self.go)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[_HeldSearchStore]:
    store = _HeldSearchStore(tmp_path / "data" / SqliteStore.FILENAME)
    store.go = threading.Event()
    yield store
    store.go.set()  # a search still waiting lets the server close


def test_a_search_that_reads_long_delays_no_one_s_chat(
    make_server: MakeServer, join: Join, held: _HeldSearchStore
) -> None:
    """The search reads on a thread of its own: while it waits, messages are posted
    and delivered, the searcher's own included; its results come when it is done."""
    server = make_server(store=held)
    anna, bruno = join(server, "anna"), join(server, "bruno")
    bruno.say("la partita di ieri")
    anna.wait_for(lambda f: f.get("text") == "la partita di ieri")
    anna.send({"type": "search", "query": "partita", "sid": "s1"})
    bruno.say("chi viene stasera?")
    anna.wait_for(lambda f: f.get("text") == "chi viene stasera?")
    anna.say("io!")
    bruno.wait_for(lambda f: f.get("text") == "io!")
    assert anna.of_type("results") == []
    held.go.set()
    results = anna.expect("results", sid="s1")
    assert [m["text"] for m in results["messages"]] == ["la partita di ieri"]


def test_a_searcher_gone_before_the_answer_is_not_answered(
    make_server: MakeServer, join: Join, held: _HeldSearchStore
) -> None:
    server = make_server(store=held)
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send({"type": "search", "query": "partita", "sid": "s1"})
    anna.send({"type": "bye"})
    bruno.expect("left", name="anna")
    held.go.set()
    bruno.send({"type": "search", "query": "partita", "sid": "s2"})
    assert bruno.expect("results", sid="s2")["messages"] == []


def test_too_many_reads_waiting_are_refused_without_running(
    make_server: MakeServer, join: Join, held: _HeldSearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read of a session's at a time, and so many of everyone's: past that, a clear
    "busy" at once, and the chat goes on."""
    monkeypatch.setattr(lookup_thread, "MAX_WAITING", 1)
    server = make_server(store=held)
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send({"type": "search", "query": "uno", "sid": "s1"})
    anna.send({"type": "search", "query": "due", "sid": "s2"})
    one_at_a_time = anna.expect("error")
    assert (one_at_a_time["code"], one_at_a_time["fatal"]) == ("rate_limited", False)
    bruno.send({"type": "search", "query": "tre", "sid": "s3"})
    busy = bruno.expect("error")
    assert (busy["code"], busy["fatal"]) == ("rate_limited", False)
    assert "busy" in busy["message"]
    held.go.set()
    assert anna.expect("results", sid="s1")["messages"] == []
    anna.say("still here")
    bruno.wait_for(lambda f: f.get("text") == "still here")
    assert [r["sid"] for r in anna.of_type("results")] == ["s1"]
    assert bruno.of_type("results") == []
