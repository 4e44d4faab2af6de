"""The stores' bounded lookups (docs/PROTOCOL.md §8.7-§8.8): a search examines at most
``scan`` matches, and a page of one chat around an id; each test against MemoryStore
and SqliteStore, as tests/server/test_store_contract.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chat_server_app.store import HistoryStore, MemoryStore, SqliteStore, StoredMessage
from tests.server.test_store_contract import ANNA, BOB, CARL, ids, private, said


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HistoryStore]:
    made: HistoryStore = MemoryStore() if request.param == "memory" else SqliteStore.in_dir(tmp_path)
    yield made
    made.close()


def test_a_search_examines_at_most_scan_matches_and_says_where_to_go_on(store: HistoryStore) -> None:
    # 2..9 match in a room anna is not in; 1 and 10 in general.
    store.append([said(1, "common word"), *(said(i, "common word", room="ops") for i in range(2, 10))])
    store.append([said(10, "common word"), said(11, "other")])
    first = store.search("common", ANNA, limit=5, scan=4)
    assert (ids(first.messages), first.resume) == ([10], 7)  # 10, 9, 8, 7 examined
    second = store.search("common", ANNA, limit=5, before_id=first.resume, scan=4)
    assert (ids(second.messages), second.resume) == ([], 3)  # a page may be empty, and go on
    last = store.search("common", ANNA, limit=5, before_id=second.resume, scan=4)
    assert (ids(last.messages), last.resume) == ([1], None)  # 2, 1: nothing older is left
    # A full page goes on from its oldest; enough scan reaches every match.
    assert store.search("common", ANNA, limit=1).resume == 10
    assert store.search("common", ANNA, limit=5, scan=100) == (
        [said(10, "common word"), said(1, "common word")],
        None,
    )
    assert ids(store.search("common", ANNA, rooms=["ops"], limit=50, scan=100).messages) == list(
        range(10, 0, -1)
    )


# --- a page of history around a message (docs/PROTOCOL.md §8.8) ------------------------------


def _mixed() -> list[StoredMessage]:
    """1..30: general on odd ids, #ops on ids divisible by 4, private anna<->bob on the rest."""
    out = []
    for i in range(1, 31):
        if i % 2:
            out.append(said(i, f"general {i}"))
        elif i % 4 == 0:
            out.append(said(i, f"ops {i}", room="ops"))
        else:
            out.append(
                private(i, ANNA, BOB)
                if i % 3
                else private(i, BOB, ANNA, to="anna")._replace(sender="bob", sender_key="bob")
            )
    return out


def test_around_gives_the_chat_on_both_sides_in_id_order(store: HistoryStore) -> None:
    store.append(_mixed())
    page = store.around(15, ANNA, count=3)
    assert (ids(page.messages), page.older, page.newer) == ([9, 11, 13, 15, 17, 19], True, True)
    page = store.around(16, ANNA, room="ops", count=2)
    assert (ids(page.messages), page.older, page.newer) == ([8, 12, 16, 20], True, True)
    page = store.around(1, ANNA, room="ops", count=50)
    assert (ids(page.messages), page.older, page.newer) == ([4, 8, 12, 16, 20, 24, 28], False, False)
    # The conversation with bob, whichever of the two sent each message, for either of them.
    with_bob = [2, 6, 10, 14, 18, 22, 26, 30]
    assert ids(store.around(14, ANNA, with_key="bob", count=50).messages) == with_bob
    assert ids(store.around(14, BOB, with_key="anna", count=50).messages) == with_bob
    assert store.around(14, CARL, with_key="bob").messages == []  # not carl's
    assert store.around(14, None, with_key="bob").messages == []  # no token, no private
    assert store.around(14, ANNA, with_key="carl").messages == []
    # An id that is not the chat's (or not stored) still has neighbours.
    assert ids(store.around(14, ANNA, count=2).messages) == [11, 13, 15, 17]
    assert ids(store.around(1000, ANNA, count=2).messages) == [27, 29]
    assert store.around(15, ANNA, count=0).messages == []


def test_around_general_and_private_walk_at_most_scan_messages_each_side(store: HistoryStore) -> None:
    store.append(_mixed())
    page = store.around(15, ANNA, count=50, scan=4)  # 11..14 and 15..18
    assert (ids(page.messages), page.older, page.newer) == ([11, 13, 15, 17], True, True)
    page = store.around(3, ANNA, count=50, scan=4)  # 1..2 and 3..6: the start is reached
    assert (ids(page.messages), page.older, page.newer) == ([1, 3, 5], False, True)
    page = store.around(14, ANNA, with_key="bob", count=50, scan=4)
    assert (ids(page.messages), page.older, page.newer) == ([10, 14], True, True)
    # A room's messages are found however far apart.
    assert ids(store.around(16, ANNA, room="ops", count=50, scan=1).messages) == [4, 8, 12, 16, 20, 24, 28]
