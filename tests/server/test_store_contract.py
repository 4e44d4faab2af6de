"""What every HistoryStore does (issue 18), each test run against MemoryStore and SqliteStore."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chat_server_app.store import (
    Ban,
    BanKind,
    HistoryStore,
    MemoryStore,
    Reservation,
    RoomRecord,
    SqliteStore,
    StoredMessage,
    StoreError,
)
from tests.server.failing_store import FailingStore

ANNA, BOB, CARL = "h-anna", "h-bob", "h-carl"  # token hashes


def public(message_id: int, sender: str = "anna", owner: str | None = ANNA) -> StoredMessage:
    return StoredMessage(
        id=message_id, ts="2026-12-04T10:00:00.000Z", sender=sender, sender_key=sender,
        text=f"public {message_id}", epoch=float(message_id), sender_owner=owner,
    )  # fmt: skip


def private(
    message_id: int, sender_owner: str | None = ANNA, to_owner: str | None = BOB, to: str = "bob"
) -> StoredMessage:
    return StoredMessage(
        id=message_id, ts="2026-12-04T10:00:00.000Z", sender="anna", sender_key="anna",
        text=f"private {message_id}", to=to, to_key=to, epoch=float(message_id),
        sender_owner=sender_owner, to_owner=to_owner,
    )  # fmt: skip


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], HistoryStore]]:
    """``make_store()``: a new, empty history of the kind under test (a new file for SQLite)."""
    stores: list[HistoryStore] = []

    def factory() -> HistoryStore:
        store: HistoryStore
        if request.param == "memory":
            store = MemoryStore()
        else:
            store = SqliteStore.in_dir(tmp_path / f"data-{len(stores)}")
        stores.append(store)
        return store

    yield factory
    for store in stores:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], HistoryStore]) -> HistoryStore:
    return make_store()


def ids(messages: list[StoredMessage]) -> list[int]:
    return [m.id for m in messages]


# Owners: a private message is replayed to its sender's and its recipient's token (§8.1)


def test_a_private_message_is_replayed_to_the_owners_of_its_two_names(store: HistoryStore) -> None:
    store.append([public(1), private(2, ANNA, BOB), public(3, "carl", CARL)])
    assert ids(store.since(-1, ANNA)) == [1, 2, 3]
    assert ids(store.since(-1, BOB)) == [1, 2, 3]
    assert ids(store.since(-1, CARL)) == [1, 3]
    assert ids(store.last(2, BOB)) == [2, 3]
    assert ids(store.last(2, CARL)) == [1, 3]


def test_a_session_without_a_token_is_replayed_no_private_message(store: HistoryStore) -> None:
    # Not even one between two tokenless names, sent under the very name it has now.
    store.append([public(1, owner=None), private(2, None, None), private(3, ANNA, None), public(4)])
    assert ids(store.since(-1, None)) == [1, 4]
    assert ids(store.last(10, None)) == [1, 4]
    assert ids(store.since(-1, ANNA)) == [1, 3, 4]


def test_a_private_message_stored_without_owners_is_replayed_to_no_one(store: HistoryStore) -> None:
    store.append([private(1, None, None), public(2)])
    for viewer in (None, ANNA, BOB, "anna", "bob"):  # names are not owners
        assert ids(store.since(-1, viewer)) == [2]


def test_owners_come_back_as_they_were_stored(store: HistoryStore) -> None:
    sent = [public(1), private(2, ANNA, BOB), private(3, None, BOB)]
    store.append(sent)
    assert store.since(-1, BOB) == sent
    assert store.message(2) == sent[1]


# Bounded, sliced replay (§8.2)


def test_since_takes_the_first_slice_after_an_id(store: HistoryStore) -> None:
    store.append([public(i) for i in range(1, 11)])
    assert ids(store.since(3, None, limit=4)) == [4, 5, 6, 7]
    assert ids(store.since(8, None, limit=4)) == [9, 10]
    assert ids(store.since(-5, None, limit=2)) == [1, 2]
    assert store.since(3, None, limit=0) == []
    assert ids(store.since(3, None, limit=None)) == list(range(4, 11))


def test_a_slice_counts_only_what_the_viewer_may_see(store: HistoryStore) -> None:
    store.append([public(1), private(2, ANNA, BOB), private(3, ANNA, BOB), public(4), public(5)])
    assert ids(store.since(0, CARL, limit=2)) == [1, 4]
    assert ids(store.since(0, BOB, limit=2)) == [1, 2]


def test_a_replay_that_fits_starts_where_it_was_asked(store: HistoryStore) -> None:
    store.append([public(i) for i in range(1, 6)])
    assert store.replay_start(2, None, 3) == (2, False)
    assert store.replay_start(-1, None, 5) == (-1, False)
    assert store.replay_start(5, None, 0) == (5, False)
    assert store.replay_start(2**70, None, 10) == (2**70, False)


def test_a_replay_too_long_starts_later_and_says_so(store: HistoryStore) -> None:
    store.append([public(i) for i in range(1, 11)])
    start, truncated = store.replay_start(-1, None, 4)
    assert (start, truncated) == (6, True)
    assert ids(store.since(start, None)) == [7, 8, 9, 10]
    assert store.replay_start(2, None, 7) == (3, True)
    assert store.replay_start(2, None, 0) == (10, True)


def test_the_bound_counts_only_what_the_viewer_may_see(store: HistoryStore) -> None:
    store.append([public(1), public(2), private(3), private(4), public(5)])
    # Carl sees 1, 2, 5: two of them are the newest two he may see.
    assert store.replay_start(-1, CARL, 2) == (1, True)
    assert store.replay_start(-1, BOB, 2) == (3, True)
    assert store.replay_start(1, CARL, 2) == (1, False)


def test_a_replay_read_slice_by_slice_is_whole_and_in_order(store: HistoryStore) -> None:
    store.append([private(i) if i % 3 == 0 else public(i) for i in range(1, 101)])
    start, truncated = store.replay_start(10, CARL, 40)
    assert truncated
    replayed: list[StoredMessage] = []
    while chunk := store.since(start, CARL, limit=7):
        replayed.extend(chunk)
        start = chunk[-1].id
    assert ids(replayed) == [i for i in range(1, 101) if i % 3 != 0][-40:]


def test_counts_past_any_id_mean_everything(store: HistoryStore) -> None:
    store.append([public(1), public(2)])
    assert ids(store.since(-(2**70), None, limit=2**70)) == [1, 2]
    assert ids(store.last(2**70, None)) == [1, 2]
    assert store.replay_start(-(2**70), None, 2**70) == (-(2**70), False)


# server_id (§8.1)


def test_the_server_id_stays_the_same_for_one_history(store: HistoryStore) -> None:
    first = store.server_id()
    store.append([public(1)])
    assert store.server_id() == first
    assert len(first) == 16  # secrets.token_urlsafe(12)


def test_every_new_history_has_a_server_id_of_its_own(make_store: Callable[[], HistoryStore]) -> None:
    assert len({make_store().server_id() for _ in range(3)}) == 3


# Ids are never handed out twice (§8.2)


def test_last_id_is_the_highest_id_stored(store: HistoryStore) -> None:
    assert store.last_id() == 0
    store.append([public(1), public(5)])
    assert store.last_id() == 5
    store.append([public(40)])  # ids need only increase: gaps are allowed
    assert store.last_id() == 40


# Reserved names (§8.1)


def test_a_reserved_name_is_listed_until_it_is_released(store: HistoryStore) -> None:
    assert store.reservations() == []
    bob = Reservation(key="bob", name="Bob", owner=BOB, since_epoch=20.0)
    anna = Reservation(key="anna", name="Anna", owner=ANNA, since_epoch=10.5)
    store.reserve(bob)
    store.reserve(anna)
    assert store.reservations() == [anna, bob]
    assert store.release("anna") is True
    assert store.release("anna") is False
    assert store.release("nobody") is False
    assert store.reservations() == [bob]


def test_reserving_a_key_again_replaces_its_reservation(store: HistoryStore) -> None:
    store.reserve(Reservation(key="anna", name="anna", owner=ANNA, since_epoch=1.0))
    again = Reservation(key="anna", name="Anna", owner=CARL, since_epoch=2.0)
    store.reserve(again)
    assert store.reservations() == [again]


# Bans (§8.1)


def test_a_ban_is_listed_until_it_is_lifted(store: HistoryStore) -> None:
    by_name = Ban(BanKind.NAME, "mallory", None, "spam", 100.0)
    by_owner = Ban(BanKind.OWNER, "h-mallory", 500.0, "spam", 100.0)
    by_address = Ban(BanKind.ADDRESS, "192.0.2.7", 200.0, "", 100.0)
    for ban in (by_name, by_owner, by_address):
        store.add_ban(ban)
    assert store.bans() == [by_address, by_name, by_owner]  # by kind, then value
    assert store.remove_ban(BanKind.NAME, "mallory") is True
    assert store.remove_ban(BanKind.NAME, "mallory") is False
    assert store.remove_ban(BanKind.OWNER, "192.0.2.7") is False  # another kind's value
    assert store.bans() == [by_address, by_owner]


def test_a_ban_of_the_same_kind_and_value_replaces_the_first(store: HistoryStore) -> None:
    store.add_ban(Ban(BanKind.NAME, "mallory", 50.0, "first", 10.0))
    store.add_ban(Ban(BanKind.ADDRESS, "mallory", None, "not a name ban", 10.0))
    longer = Ban(BanKind.NAME, "mallory", None, "again", 20.0)
    store.add_ban(longer)
    assert store.bans() == [Ban(BanKind.ADDRESS, "mallory", None, "not a name ban", 10.0), longer]


def test_lapsed_bans_are_pruned_when_asked_with_the_time(store: HistoryStore) -> None:
    lapsed = Ban(BanKind.ADDRESS, "192.0.2.1", 100.0, "", 0.0)
    running = Ban(BanKind.ADDRESS, "192.0.2.2", 300.0, "", 0.0)
    forever = Ban(BanKind.OWNER, "h-x", None, "", 0.0)
    for ban in (lapsed, running, forever):
        store.add_ban(ban)
    assert store.bans() == [lapsed, running, forever]  # without the time: all, as stored
    assert store.bans(now=100.0) == [running, forever]
    assert store.bans() == [running, forever]  # pruned for good
    assert [b.active(250.0) for b in (running, forever)] == [True, True]
    assert [b.active(300.0) for b in (running, forever)] == [False, True]


# Read failures (§8.2): one exception type, and a switch for the server's tests


def test_a_failing_store_raises_store_error_on_every_read(store: HistoryStore) -> None:
    store.append([public(1)])
    failing = FailingStore(store)
    failing.fail_reads = True
    reads: list[Callable[[], object]] = [
        lambda: failing.since(0, ANNA),
        lambda: failing.since(0, ANNA, limit=5),
        lambda: failing.last(5, ANNA),
        lambda: failing.replay_start(0, ANNA, 5),
        lambda: failing.message(1),
        lambda: failing.search("public", ANNA),
        lambda: failing.recent_cids(0.0),
        failing.reservations,
        failing.bans,
    ]
    for read in reads:
        with pytest.raises(StoreError):
            read()
    assert failing.failed_reads == len(reads)
    assert failing.last_id() == 1  # known since open: never fails
    assert failing.server_id() == store.server_id()
    failing.append([public(2)])  # writes still work
    failing.fail_reads = False
    assert ids(failing.since(0, ANNA)) == [1, 2]


def test_a_failing_store_raises_store_error_on_every_write(store: HistoryStore) -> None:
    failing = FailingStore(store)
    failing.fail_writes = True
    writes: list[Callable[[], object]] = [
        lambda: failing.append([public(1)]),
        lambda: failing.reserve(Reservation("anna", "anna", ANNA, 0.0)),
        lambda: failing.release("anna"),
        lambda: failing.add_ban(Ban(BanKind.NAME, "x", None, "", 0.0)),
        lambda: failing.remove_ban(BanKind.NAME, "x"),
    ]
    for write in writes:
        with pytest.raises(StoreError):
            write()
    assert (store.last_id(), store.reservations(), store.bans()) == (0, [], [])


# --- rooms (PROTOCOL.md §8.3) ---------------------------------------------------------------


def in_room(message_id: int, room: str) -> StoredMessage:
    return public(message_id)._replace(room=room, text=f"{room} {message_id}")


def test_a_room_s_messages_are_replayed_to_its_members_only(store: HistoryStore) -> None:
    store.append([public(1), in_room(2, "giochi"), in_room(3, "Lab-3"), private(4), public(5)])
    assert [m.id for m in store.since(0, None)] == [1, 5]
    assert [m.id for m in store.since(0, None, rooms={"giochi"})] == [1, 2, 5]
    assert [m.id for m in store.since(0, BOB, rooms={"giochi", "Lab-3"})] == [1, 2, 3, 4, 5]
    assert [m.room for m in store.since(1, None, limit=1, rooms={"giochi"})] == ["giochi"]
    assert [m.id for m in store.last(2, None, rooms={"Lab-3"})] == [3, 5]
    assert store.replay_start(0, None, 1, rooms={"giochi"}) == (2, True)
    assert store.replay_start(0, None, 1) == (1, True)


def test_one_s_own_messages_in_a_room_one_left_are_not_replayed(store: HistoryStore) -> None:
    store.append([in_room(1, "giochi"), public(2)])  # both sent by ANNA
    assert [m.id for m in store.since(0, ANNA)] == [2]
    assert [m.id for m in store.last(5, ANNA)] == [2]
    assert store.replay_start(0, ANNA, 1) == (0, False)


def test_rooms_are_kept_with_their_reserved_members(store: HistoryStore) -> None:
    assert store.rooms() == []
    giochi = RoomRecord("giochi", "Giochi", "Quake stasera", False, 10.0, frozenset({ANNA, BOB}))
    lab = RoomRecord("lab-3", "Lab-3", "", True, 11.0)
    store.save_room(giochi)
    store.save_room(lab)
    assert store.rooms() == [giochi, lab]
    store.save_room(giochi._replace(members=frozenset({BOB}), topic=""))
    store.drop_room("lab-3")
    assert store.rooms() == [giochi._replace(members=frozenset({BOB}), topic="")]


def test_a_room_the_operator_made_is_kept_with_its_mark(store: HistoryStore) -> None:
    aula = RoomRecord("aula", "Aula", "", False, 12.0, kept=True)
    store.save_room(aula)
    assert store.rooms() == [aula]


def test_a_rooms_table_without_the_kept_mark_is_brought_up_to_it(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / SqliteStore.FILENAME) as old:
        old.execute(
            "CREATE TABLE rooms (key TEXT PRIMARY KEY, name TEXT NOT NULL, topic TEXT NOT NULL,"
            " read_only INTEGER NOT NULL, since_epoch REAL NOT NULL)"
        )
        old.execute("INSERT INTO rooms VALUES ('giochi', 'Giochi', 't', 0, 1.0)")
    old.close()
    store = SqliteStore.in_dir(tmp_path)
    try:
        assert store.rooms() == [RoomRecord("giochi", "Giochi", "t", False, 1.0)]
        store.save_room(RoomRecord("aula", "Aula", kept=True))
        assert [r.kept for r in store.rooms()] == [True, False]
    finally:
        store.close()


def test_rooms_and_room_messages_survive_a_reopen(tmp_path: Path) -> None:
    first = SqliteStore.in_dir(tmp_path)
    first.append([in_room(1, "giochi")])
    first.save_room(RoomRecord("giochi", "giochi", "t", False, 1.0, frozenset({ANNA})))
    first.close()
    again = SqliteStore.in_dir(tmp_path)
    try:
        assert again.since(0, None, rooms={"giochi"}) == [in_room(1, "giochi")]
        assert again.rooms() == [RoomRecord("giochi", "giochi", "t", False, 1.0, frozenset({ANNA}))]
    finally:
        again.close()


# --- search (docs/PROTOCOL.md §8.7) ---------------------------------------------------------


def said(
    message_id: int, text: str, room: str | None = None, sender_owner: str | None = ANNA
) -> StoredMessage:
    return public(message_id, owner=sender_owner)._replace(text=text, room=room)


def test_search_finds_every_word_newest_first(store: HistoryStore) -> None:
    store.append([
        said(1, "the build is broken"), said(2, "who broke the BUILD?"), said(3, "lunch at noon"),
        said(4, "Build fixed, the tests pass"), said(5, "is it broken again"),
    ])  # fmt: skip
    assert ids(store.search("build", ANNA).messages) == [4, 2, 1]
    assert ids(store.search("broken build", ANNA).messages) == [1]
    assert ids(store.search("  the,  BUILD!! ", ANNA).messages) == [4, 2, 1]
    assert store.search("dinner", ANNA).messages == []


def test_the_last_word_is_also_a_beginning(store: HistoryStore) -> None:
    store.append([said(1, "deploying tonight"), said(2, "deploy done"), said(3, "a redeploy")])
    assert ids(store.search("deploy", ANNA).messages) == [2, 1]
    assert ids(store.search("deploying ton", ANNA).messages) == [1]
    assert store.search("ploy", ANNA).messages == []  # a beginning, not any part


def test_accents_and_case_do_not_matter(store: HistoryStore) -> None:
    store.append([said(1, "Perché no? Città chiusa"), said(2, "perche si")])
    assert ids(store.search("perche", ANNA).messages) == [2, 1]
    assert ids(store.search("CITTÀ", ANNA).messages) == [1]


@pytest.mark.parametrize(
    "query", ['"', 'a" OR "b', "NEAR(a b)", "text:build", "build -lunch", "*", "^build", "a AND", "(", "'"]
)
def test_search_syntax_is_only_words(store: HistoryStore, query: str) -> None:
    store.append([said(1, "build text near lunch"), said(2, "a b")])
    found = store.search(query, ANNA)  # never an error, whatever is typed
    assert all(isinstance(m, StoredMessage) for m in found.messages)


def test_a_query_of_punctuation_finds_nothing(store: HistoryStore) -> None:
    store.append([said(1, "!!! ???")])
    assert store.search("!!! ???", ANNA).messages == []


def test_search_pages_with_before_and_limit(store: HistoryStore) -> None:
    store.append([said(i, f"ping {i}") for i in range(1, 11)])
    assert ids(store.search("ping", ANNA, limit=3).messages) == [10, 9, 8]
    assert ids(store.search("ping", ANNA, limit=3, before_id=8).messages) == [7, 6, 5]
    assert ids(store.search("ping", ANNA, limit=30, before_id=3).messages) == [2, 1]
    assert store.search("ping", ANNA, limit=0).messages == []


def test_search_shows_only_what_the_viewer_may_see(store: HistoryStore) -> None:
    store.append([
        said(1, "secret plan"),  # general
        said(2, "secret plan", room="dev", sender_owner=None),
        said(3, "secret plan", room="ops", sender_owner=None),
        private(4)._replace(text="secret plan"),  # anna -> bob
        private(5, sender_owner=BOB, to_owner=CARL, to="carl")._replace(text="secret plan"),
        private(6, sender_owner=None, to_owner=None)._replace(text="secret plan"),
    ])  # fmt: skip
    assert ids(store.search("secret", ANNA, rooms=["dev"]).messages) == [4, 2, 1]
    assert ids(store.search("secret", BOB).messages) == [5, 4, 1]
    assert ids(store.search("secret", CARL, rooms=["ops", "dev"]).messages) == [5, 3, 2, 1]
    assert ids(store.search("secret", None, rooms=["dev"]).messages) == [2, 1]
    # The limit counts only what the viewer may see.
    assert ids(store.search("secret", None, limit=1, before_id=4).messages) == [1]


def test_search_finds_what_was_stored_before_a_reopen(tmp_path: Path) -> None:
    store = SqliteStore.in_dir(tmp_path)
    store.append([said(1, "before the restart")])
    store.close()
    store = SqliteStore.in_dir(tmp_path)
    store.append([said(2, "after the restart")])
    assert ids(store.search("restart", ANNA).messages) == [2, 1]
    store.close()
