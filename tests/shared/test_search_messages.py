"""The frames of history search and of the page around a message (docs/PROTOCOL.md
§8.7-§8.8)."""

from __future__ import annotations

import pytest

from shared.around_messages import HistoryAround, HistoryPage
from shared.codec import encode_payload, parse_payload
from shared.errors import ErrorCode, ProtocolError
from shared.messages import ChatMessage, parse_client_message, parse_server_message
from shared.search_messages import SEARCH_QUERY_MAX_CHARS, Results, Search


def _wire(obj: dict[str, object]) -> dict[str, object]:
    return parse_payload(encode_payload(obj))


@pytest.mark.parametrize("search", [Search("ciao", "s1"), Search("due parole", "s2", before=41)])
def test_search_round_trips(search: Search) -> None:
    assert parse_client_message(_wire(search.to_dict())) == search


def test_results_round_trip_with_rooms_and_private_messages() -> None:
    results = Results(
        "s1",
        (
            ChatMessage(9, "2026-01-02T03:04:05.000Z", "anna", "ciao #dev", history=True, room="dev"),
            ChatMessage(7, "2026-01-02T03:04:04.000Z", "bruno", "ciao", to="anna", history=True),
            ChatMessage(5, "2026-01-02T03:04:03.000Z", "carla", "ciao a tutti", history=True),
        ),
        more=True,
        before=3,
    )
    assert parse_server_message(_wire(results.to_dict())) == results
    assert parse_server_message(_wire(Results("s2", ()).to_dict())) == Results("s2", ())


@pytest.mark.parametrize("query", ["", "   ", "x" * (SEARCH_QUERY_MAX_CHARS + 1), 12, None])
def test_a_bad_query_is_text_invalid_not_fatal(query: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message({"type": "search", "query": query, "sid": "s"})
    assert caught.value.code is ErrorCode.TEXT_INVALID
    assert not caught.value.fatal


def test_the_longest_query_is_accepted() -> None:
    query = "x" * SEARCH_QUERY_MAX_CHARS
    assert parse_client_message({"type": "search", "query": query, "sid": "s"}) == Search(query, "s")


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "search", "query": "ciao"},
        {"type": "search", "query": "ciao", "sid": ""},
        {"type": "search", "query": "ciao", "sid": "s" * 65},
        {"type": "search", "query": "ciao", "sid": "s", "before": 0},
        {"type": "search", "query": "ciao", "sid": "s", "before": "9"},
        {"type": "search", "query": "ciao", "sid": "s", "before": True},
    ],
)
def test_a_malformed_search_is_a_protocol_error(frame: dict[str, object]) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(frame)
    assert caught.value.code is ErrorCode.PROTOCOL_ERROR


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "results", "sid": "s", "messages": "no", "more": False},
        {"type": "results", "sid": "s", "messages": [{"type": "joined", "name": "x"}]},
        {"type": "results", "sid": "s", "messages": [{"type": "message", "id": "1"}]},
        {"type": "results", "sid": "s", "messages": [], "more": "yes"},
        {"type": "results", "messages": []},
        {"type": "results", "sid": "s", "messages": [], "before": 0},
        {"type": "page", "sid": "s", "messages": [], "older": 1},
        {"type": "page", "sid": "s", "messages": [{"type": "notice", "text": "x"}]},
    ],
)
def test_hostile_results_are_protocol_errors(frame: dict[str, object]) -> None:
    with pytest.raises(ProtocolError):
        parse_server_message(frame)


@pytest.mark.parametrize(
    "ask",
    [HistoryAround("h1", 41), HistoryAround("h2", 7, room="giochi"), HistoryAround("h3", 9, peer="Bruno")],
)
def test_history_round_trips(ask: HistoryAround) -> None:
    assert parse_client_message(_wire(ask.to_dict())) == ask


def test_a_page_round_trips() -> None:
    page = HistoryPage(
        "h1",
        (
            ChatMessage(5, "2026-01-02T03:04:03.000Z", "carla", "prima", history=True, room="dev"),
            ChatMessage(9, "2026-01-02T03:04:05.000Z", "anna", "dopo", history=True, room="dev"),
        ),
        older=True,
    )
    assert parse_server_message(_wire(page.to_dict())) == page


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "history", "around": 1}, ErrorCode.PROTOCOL_ERROR),
        ({"type": "history", "sid": "h"}, ErrorCode.PROTOCOL_ERROR),
        ({"type": "history", "sid": "h", "around": 0}, ErrorCode.PROTOCOL_ERROR),
        ({"type": "history", "sid": "h", "around": True}, ErrorCode.PROTOCOL_ERROR),
        ({"type": "history", "sid": "h", "around": 1, "with": ["x"]}, ErrorCode.PROTOCOL_ERROR),
        ({"type": "history", "sid": "h", "around": 1, "room": "a b"}, ErrorCode.ROOM_INVALID),
        ({"type": "history", "sid": "h", "around": 1, "room": "a", "with": "b"}, ErrorCode.ROOM_INVALID),
    ],
)
def test_a_bad_history_is_refused_with_its_code(frame: dict[str, object], code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(frame)
    assert caught.value.code is code
