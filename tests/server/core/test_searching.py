"""History search in the rules (docs/PROTOCOL.md §8.5): clients back to back with the
core, over the memory store and SQLite's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chat_server_app.core.searching import SEARCH_BURST
from chat_server_app.store import HistoryStore, MemoryStore, SqliteStore
from shared.search_messages import SEARCH_PAGE
from tests.server.core.pair import Client, MemoryPair
from tests.server.failing_store import FailingStore

ANNA_TOKEN = "anna-token-0123456789abcdef"
BRUNO_TOKEN = "bruno-token-0123456789abcdef"
CARLA_TOKEN = "carla-token-0123456789abcdef"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HistoryStore]:
    made: HistoryStore = MemoryStore() if request.param == "memory" else SqliteStore.in_dir(tmp_path)
    yield made
    made.close()


def search(client: Client, query: str, sid: str = "s1", before: int | None = None) -> dict[str, object]:
    frame: dict[str, object] = {"type": "search", "query": query, "sid": sid}
    if before is not None:
        frame["before"] = before
    client.send(frame)
    answer = client.frames[-1]
    assert answer["type"] in ("results", "error"), answer
    return answer


def found(answer: dict[str, object]) -> list[tuple[str, str | None, str | None]]:
    messages = answer["messages"]
    assert isinstance(messages, list)
    assert all(m["history"] is True for m in messages)
    return [(m["text"], m.get("room"), m.get("to")) for m in messages]


def test_search_finds_general_own_rooms_and_own_private_messages_only(store: HistoryStore) -> None:
    pair = MemoryPair(store)
    anna = pair.join("anna", token=ANNA_TOKEN)
    bruno = pair.join("bruno", token=BRUNO_TOKEN)
    carla = pair.join("carla", token=CARLA_TOKEN)
    anna.send({"type": "join", "room": "dev"})
    bruno.send({"type": "join", "room": "dev"})
    bruno.send({"type": "join", "room": "secret"})
    carla.send({"type": "join", "room": "secret"})
    anna.say("pizza tonight?")
    bruno.send({"type": "say", "text": "pizza in dev", "room": "dev"})
    carla.send({"type": "say", "text": "pizza in secret", "room": "secret"})
    bruno.say("pizza between us", to="carla")
    carla.say("pizza for anna", to="anna")
    answer = search(anna, "PIZZA")
    assert answer["sid"] == "s1"
    assert answer["more"] is False
    assert found(answer) == [
        ("pizza for anna", None, "anna"),
        ("pizza in dev", "dev", None),
        ("pizza tonight?", None, None),
    ]
    # who the messages were from, and when, with each result
    messages = answer["messages"]
    assert isinstance(messages, list)
    assert [m["from"] for m in messages] == ["carla", "bruno", "anna"]
    assert all(isinstance(m["ts"], str) and isinstance(m["id"], int) for m in messages)
    assert [t for t, _, _ in found(search(carla, "pizza"))] == [
        "pizza for anna", "pizza between us", "pizza in secret", "pizza tonight?",
    ]  # fmt: skip


def test_a_room_left_is_searched_no_more_and_a_tokenless_user_sees_no_private(store: HistoryStore) -> None:
    pair = MemoryPair(store)
    anna = pair.join("anna", token=ANNA_TOKEN)
    bruno = pair.join("bruno")
    bruno.send({"type": "join", "room": "ops"})
    bruno.send({"type": "say", "text": "deploy friday", "room": "ops"})
    anna.say("deploy monday", to="bruno")
    assert found(search(bruno, "deploy")) == [("deploy friday", "ops", None)]
    bruno.send({"type": "part", "room": "ops"})
    assert found(search(bruno, "deploy")) == []
    assert found(search(anna, "deploy")) == [("deploy monday", None, "bruno")]


def test_results_come_in_pages_newest_first(store: HistoryStore) -> None:
    pair = MemoryPair(store, rate_burst=1000, rate_per_sec=1000)
    anna = pair.join("anna")
    for i in range(SEARCH_PAGE + 5):
        anna.say(f"ping {i}")
    first = search(anna, "ping")
    assert first["more"] is True
    messages = first["messages"]
    assert isinstance(messages, list)
    assert len(messages) == SEARCH_PAGE
    assert messages[0]["text"] == f"ping {SEARCH_PAGE + 4}"
    oldest = messages[-1]["id"]
    assert isinstance(oldest, int)
    rest = search(anna, "ping", sid="s2", before=oldest)
    assert (rest["sid"], rest["more"]) == ("s2", False)
    assert [t for t, _, _ in found(rest)] == [f"ping {i}" for i in range(4, -1, -1)]


def test_searches_are_rate_limited_per_session_without_closing_it(store: HistoryStore) -> None:
    pair = MemoryPair(store)
    anna, bruno = pair.join("anna"), pair.join("bruno")
    for _ in range(SEARCH_BURST):
        assert search(anna, "x")["type"] == "results"
    refused = search(anna, "x")
    assert (refused["type"], refused["code"], refused["fatal"]) == ("error", "rate_limited", False)
    assert search(bruno, "x")["type"] == "results"  # a bucket per session
    pair.tick(1.0)
    assert search(anna, "x")["type"] == "results"
    assert not anna.closed


def test_a_bad_query_is_text_invalid_and_the_session_goes_on(store: HistoryStore) -> None:
    pair = MemoryPair(store)
    anna = pair.join("anna")
    for query in ["", "   ", "x" * 201]:
        answer = search(anna, query)
        assert (answer["type"], answer["code"], answer["fatal"]) == ("error", "text_invalid", False)
    anna.say("still here")
    assert found(search(anna, "still")) == [("still here", None, None)]


def test_a_search_the_store_cannot_answer_is_a_server_error_not_a_close() -> None:
    failing = FailingStore()
    pair = MemoryPair(failing)
    anna = pair.join("anna")
    failing.fail_reads = True
    answer = search(anna, "anything")
    assert (answer["type"], answer["code"], answer["fatal"]) == ("error", "server_error", False)
    assert not anna.closed
