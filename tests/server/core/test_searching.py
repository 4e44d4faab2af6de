"""History search and the page around a message in the rules (docs/PROTOCOL.md §8.7,
§8.8): clients back to back with the core, over the memory store and SQLite's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chat_server_app.core.lookups import Answer, Read
from chat_server_app.core.searching import RESULTS_MAX_BYTES, SEARCH_BURST
from chat_server_app.store import HistoryStore, MemoryStore, SqliteStore, StoreError
from shared.around_messages import AROUND_COUNT
from shared.codec import FrameDecoder
from shared.limits import CLIENT_MAX_FRAME
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
    assert first["before"] == oldest  # a full page goes on from its oldest
    rest = search(anna, "ping", sid="s2", before=oldest)
    assert (rest["sid"], rest["more"]) == ("s2", False)
    assert "before" not in rest
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


def test_a_search_of_matches_anna_may_not_see_is_bounded_and_says_where_to_go_on(
    store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = MemoryPair(store, rate_burst=1000, rate_per_sec=1000)
    anna, bruno = pair.join("anna"), pair.join("bruno")
    anna.say("common old")
    bruno.send({"type": "join", "room": "ops"})
    for i in range(6):
        bruno.send({"type": "say", "text": f"common {i}", "room": "ops"})
    # Each search examines at most 4 matches (the default is thousands).
    scan = 4
    original = type(store).search

    def bounded(self: HistoryStore, *args: object, **kwargs: object) -> object:
        kwargs["scan"] = scan
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(store), "search", bounded)
    first = search(anna, "common")
    assert (found(first), first["more"]) == ([], True)  # the page is empty, and goes on
    before = first["before"]
    assert isinstance(before, int)
    second = search(anna, "common", sid="s2", before=before)
    assert (found(second), second["more"]) == ([("common old", None, None)], False)


def reads_big_frames(client: Client) -> Client:
    client._from_server = FrameDecoder(CLIENT_MAX_FRAME)
    return client


def test_a_page_of_long_results_is_cut_and_goes_on_from_its_last(store: HistoryStore) -> None:
    pair = MemoryPair(store, rate_burst=1000, rate_per_sec=1000)
    anna = reads_big_frames(pair.join("anna"))
    for i in range(40):
        anna.say(f"long {i} " + "x" * 3900)
    answer = search(anna, "long")
    messages = answer["messages"]
    assert isinstance(messages, list)
    assert 0 < len(messages) < 40
    assert (answer["more"], answer["before"]) == (True, messages[-1]["id"])


def history(client: Client, around: object, sid: str = "h1", **where: str) -> dict[str, object]:
    client.send({"type": "history", "sid": sid, "around": around, **where})
    answer = client.frames[-1]
    assert answer["type"] in ("page", "error"), answer
    return answer


def page_of(answer: dict[str, object]) -> list[dict[str, object]]:
    messages = answer["messages"]
    assert isinstance(messages, list)
    return messages


def texts(answer: dict[str, object]) -> list[str]:
    messages = page_of(answer)
    assert all(m["history"] is True and "cid" not in m for m in messages)
    return [str(m["text"]) for m in messages]


def test_history_around_a_message_of_general_a_room_or_a_private_conversation(store: HistoryStore) -> None:
    pair = MemoryPair(store, rate_burst=1000, rate_per_sec=1000)
    anna = pair.join("anna", token=ANNA_TOKEN)
    bruno = pair.join("bruno", token=BRUNO_TOKEN)
    carla = pair.join("carla", token=CARLA_TOKEN)
    for client in (anna, bruno):
        client.send({"type": "join", "room": "dev"})
    for i in range(AROUND_COUNT + 5):
        bruno.say(f"g{i}", cid=f"c{i}")
        bruno.send({"type": "say", "text": f"d{i}", "room": "dev"})
        bruno.say(f"p{i}", to="anna")
        carla.say(f"q{i}", to="bruno")
    ids = {m["text"]: m["id"] for m in bruno.of_type("message")}

    general = history(anna, ids["g3"])
    assert (general["sid"], general["older"], general["newer"]) == ("h1", False, True)
    assert texts(general) == [f"g{i}" for i in range(3 + AROUND_COUNT)]
    room = history(anna, ids["d20"], room="dev")
    assert texts(room) == [f"d{i}" for i in range(AROUND_COUNT + 5)]
    assert all(m["room"] == "dev" for m in page_of(room))
    private = history(anna, ids["p3"], **{"with": "BRUNO"})
    assert texts(private)[:4] == ["p0", "p1", "p2", "p3"]
    assert all(m["to"] == "anna" for m in page_of(private))
    # Anna sees nothing of bruno and carla's conversation, nor a room she is not in.
    assert texts(history(anna, ids["q3"], **{"with": "carla"})) == []
    refused = history(carla, ids["d3"], room="dev")
    assert (refused["type"], refused["code"], refused["fatal"]) == ("error", "not_in_room", False)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"room": "dev", "with": "bruno"}, "room_invalid"),
        ({"room": "#bad room"}, "room_invalid"),
        ({"with": "\u200e"}, "no_such_user"),
        ({"with": "x" * 100}, "no_such_user"),
    ],
)
def test_a_bad_history_is_a_clear_error_and_the_session_goes_on(
    store: HistoryStore, frame: dict[str, object], code: str
) -> None:
    pair = MemoryPair(store)
    anna = pair.join("anna")
    answer = history(anna, 1, **frame)  # type: ignore[arg-type]
    assert (answer["type"], answer["code"], answer["fatal"]) == ("error", code, False)
    assert history(anna, 1, sid="h2")["type"] == "page"
    assert not anna.closed


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "history", "around": 1},
        {"type": "history", "sid": "h", "around": 0},
        {"type": "history", "sid": "h", "around": "1"},
        {"type": "history", "sid": "h"},
        {"type": "history", "sid": "h", "around": 1, "with": 7},
    ],
)
def test_a_malformed_history_is_a_protocol_error(store: HistoryStore, frame: dict[str, object]) -> None:
    pair = MemoryPair(store)
    anna = pair.join("anna")
    anna.send(frame)
    assert (anna.frames[-1]["code"], anna.closed) == ("protocol_error", True)


def test_history_shares_the_search_budget_and_a_store_failure_is_not_a_close() -> None:
    failing = FailingStore()
    pair = MemoryPair(failing)
    anna = pair.join("anna")
    for _ in range(SEARCH_BURST - 1):
        assert history(anna, 1)["type"] == "page"
    assert search(anna, "x")["type"] == "results"
    refused = history(anna, 1)
    assert (refused["code"], refused["fatal"]) == ("rate_limited", False)
    pair.tick(1.0)
    failing.fail_reads = True
    answer = history(anna, 1)
    assert (answer["type"], answer["code"], answer["fatal"]) == ("error", "server_error", False)
    assert not anna.closed


def test_a_page_of_long_messages_keeps_the_ones_nearest_the_id(store: HistoryStore) -> None:
    pair = MemoryPair(store, rate_burst=1000, rate_per_sec=1000)
    anna = reads_big_frames(pair.join("anna"))
    for i in range(2 * AROUND_COUNT):
        anna.say(f"{i} " + "x" * 3990)
    ids = [m["id"] for m in anna.of_type("message")]
    answer = history(anna, ids[AROUND_COUNT])
    got = [int(t.split()[0]) for t in texts(answer)]
    assert AROUND_COUNT in got
    assert len(got) * 8000 <= RESULTS_MAX_BYTES + 8000
    assert got == list(range(got[0], got[-1] + 1))
    assert abs((AROUND_COUNT - got[0]) - (got[-1] - AROUND_COUNT)) <= 1  # cut evenly
    assert (answer["older"], answer["newer"]) == (True, True)


class HeldLookups:
    """Reads kept until the test runs them, as a reader thread answers a pass later."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.waiting: list[tuple[Read, Answer, Callable[[], bool]]] = []
        self.refuse = False

    def submit(self, read: Read, answer: Answer, wanted: Callable[[], bool]) -> bool:
        if self.refuse:
            return False
        self.waiting.append((read, answer, wanted))
        return True

    def run(self, pair: MemoryPair) -> None:
        waiting, self.waiting = self.waiting, []
        for read, answer, wanted in waiting:
            answer(read(self.store) if wanted() else StoreError("not read: its asker has left"))
        pair.pump()


def test_a_search_read_elsewhere_is_answered_when_it_is_done_if_its_asker_is_there() -> None:
    pair = MemoryPair()
    lookups = HeldLookups(pair.core.store)
    pair.core.lookups = lookups
    anna = pair.join("anna", token=ANNA_TOKEN)
    bruno = pair.join("bruno", token=BRUNO_TOKEN)
    anna.say("pizza tonight?")
    anna.send({"type": "search", "query": "pizza", "sid": "s1"})
    bruno.send({"type": "search", "query": "pizza", "sid": "s2"})
    assert anna.of_type("results") == []
    assert len(lookups.waiting) == 2
    anna.say("still chatting")  # the rules go on while the reads wait
    assert [m["text"] for m in bruno.of_type("message")][-1] == "still chatting"
    bruno.send({"type": "bye"})
    lookups.run(pair)
    assert [found(r) for r in anna.of_type("results")] == [[("pizza tonight?", None, None)]]
    assert bruno.of_type("results") == []  # gone before its answer: nothing sent, nothing broken


def test_a_search_refused_by_a_busy_reader_is_told_to_wait() -> None:
    pair = MemoryPair()
    lookups = HeldLookups(pair.core.store)
    lookups.refuse = True
    pair.core.lookups = lookups
    anna = pair.join("anna")
    answer = search(anna, "pizza")
    assert (answer["type"], answer["code"], answer["fatal"]) == ("error", "rate_limited", False)
    anna.say("hello")
    assert [m["text"] for m in anna.of_type("message")] == ["hello"]


def test_a_room_left_while_the_search_is_read_is_not_in_its_results() -> None:
    """The search is read with the rooms of when it was asked; by the answer, what the
    user has left since (and what was said there after) is not theirs to see."""
    pair = MemoryPair()
    lookups = HeldLookups(pair.core.store)
    pair.core.lookups = lookups
    anna = pair.join("anna", token=ANNA_TOKEN)
    bruno = pair.join("bruno", token=BRUNO_TOKEN)
    for client in (anna, bruno):
        client.send({"type": "join", "room": "secret"})
    bruno.send({"type": "say", "text": "plan for monday", "room": "secret"})
    anna.say("plan for all")
    anna.send({"type": "search", "query": "plan", "sid": "s1"})
    anna.send({"type": "history", "sid": "h1", "around": 1, "room": "secret"})  # one at a time
    assert anna.of_type("error")[-1]["code"] == "rate_limited"
    anna.send({"type": "part", "room": "secret"})
    bruno.send({"type": "say", "text": "plan said after anna left", "room": "secret"})
    lookups.run(pair)
    (results,) = anna.of_type("results")
    assert found(results) == [("plan for all", None, None)]
    anna.send({"type": "history", "sid": "h2", "around": 1, "room": "general"})
    lookups.run(pair)
    assert [p["sid"] for p in anna.of_type("page")] == ["h2"]  # the next read, once answered


def test_a_page_of_a_room_left_while_it_is_read_is_refused() -> None:
    pair = MemoryPair()
    lookups = HeldLookups(pair.core.store)
    pair.core.lookups = lookups
    anna = pair.join("anna", token=ANNA_TOKEN)
    anna.send({"type": "join", "room": "secret"})
    anna.send({"type": "say", "text": "in secret", "room": "secret"})
    anna.send({"type": "history", "sid": "h1", "around": 1, "room": "secret"})
    anna.send({"type": "part", "room": "secret"})
    lookups.run(pair)
    assert anna.of_type("page") == []
    assert anna.of_type("error")[-1]["code"] == "not_in_room"
