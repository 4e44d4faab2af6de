"""Replays in slices, bounded, behind which live frames wait (PROTOCOL.md §6, §8.2)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from chat_server_app.core import StoreFailed
from chat_server_app.core.ratelimit import TokenBucket
from chat_server_app.core.replay import REPLAY_SLICE
from chat_server_app.store import MemoryStore, StoredMessage, StoreError
from shared.limits import CID_MEMORY_SECONDS
from tests.server.core.pair import Client, MemoryPair

TOKEN = "t" * 30


def unlimited(client: Client) -> None:
    client.session.bucket = TokenBucket(10**9, 1.0, lambda: client.pair.clock.now)


def fill(pair: MemoryPair, count: int) -> None:
    """``count`` public messages from a bot that then leaves."""
    bot = pair.join("bot")
    unlimited(bot)
    for i in range(count):
        bot.say(f"m{i}")
    bot.bye()


def test_a_long_replay_comes_in_slices_and_whole_before_the_pong_and_live_frames() -> None:
    pair = MemoryPair(replay_max=100_000)
    fill(pair, 3 * REPLAY_SLICE + 7)
    talker = pair.join("talker")
    reader = pair.connect()
    reader.bytes_to_write = 10**9  # a reader that takes nothing yet
    reader.hello("reader", since=0)
    reader.ping("end")
    talker.say("live")
    assert reader.types() == ["welcome"]  # nothing produced ahead of the reader
    reader.bytes_to_write = 0
    pair.pump()
    texts = [f["text"] for f in reader.of_type("message")]
    assert texts == [f"m{i}" for i in range(3 * REPLAY_SLICE + 7)] + ["live"]
    assert all(f.get("history") for f in reader.of_type("message")[:-1])
    kinds = reader.types()
    assert kinds.index("pong") == len(kinds) - 2  # after every replayed frame, before "live"
    assert kinds[-1] == "message"


def test_replays_are_bounded_by_replay_max_and_say_so() -> None:
    pair = MemoryPair(replay_max=5, history_on_join=3)
    fill(pair, 12)
    since = pair.join("a", since=0)
    assert [f["text"] for f in since.of_type("message")] == [f"m{i}" for i in range(7, 12)]
    assert since.of_type("welcome")[0]["replay_truncated"] is True
    fresh = pair.join("b")
    assert [f["text"] for f in fresh.of_type("message")] == ["m9", "m10", "m11"]
    assert fresh.of_type("welcome")[0]["replay_truncated"] is False
    recent = pair.join("c", since=9)
    assert recent.of_type("welcome")[0]["replay_truncated"] is False
    assert len(recent.of_type("message")) == 3  # ids 10-12


def test_a_reader_that_never_reads_is_not_fed_and_its_held_frames_are_bounded() -> None:
    pair = MemoryPair(send_queue=4096)
    fill(pair, 50)
    talker = pair.join("talker")
    unlimited(talker)
    stuck = pair.connect()
    stuck.bytes_to_write = 10**9
    stuck.hello("stuck", since=0)
    for i in range(200):
        talker.say(f"live {i} " + "x" * 40)
    assert stuck.types() == ["welcome"]
    assert stuck.aborted  # its held live frames passed the send queue
    assert talker.of_type("left")[-1]["name"] == "stuck"


class FailingReads(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.failing = False

    def replay_start(
        self, after_id: int, viewer_owner: str | None, max_count: int, rooms: Collection[str] = ()
    ) -> tuple[int, bool]:
        if self.failing:
            raise StoreError("disk on fire")
        return super().replay_start(after_id, viewer_owner, max_count, rooms)

    def since(
        self, after_id: int, viewer_owner: str | None, limit: int | None = None, rooms: Collection[str] = ()
    ) -> list[StoredMessage]:
        if self.failing:
            raise StoreError("disk on fire")
        return super().since(after_id, viewer_owner, limit, rooms)


def test_a_history_that_cannot_be_read_answers_server_error_not_a_welcome() -> None:
    store = FailingReads()
    pair = MemoryPair(store)
    fill(pair, 3)
    store.failing = True
    client = pair.join("a", since=0)
    (error,) = client.frames
    assert error["type"] == "error"
    assert error["code"] == "server_error"
    assert error["fatal"] is True
    assert client.closed
    assert any(isinstance(e, StoreFailed) for e in pair.events)


def test_a_read_failing_mid_replay_ends_it_with_server_error() -> None:
    store = FailingReads()
    pair = MemoryPair(store)
    fill(pair, 2 * REPLAY_SLICE)
    client = pair.connect()
    client.bytes_to_write = 10**9
    client.hello("a", since=0)
    store.failing = True
    client.bytes_to_write = 0
    pair.pump()
    assert client.types() == ["welcome", "error"]
    assert client.of_type("error")[0]["code"] == "server_error"
    assert client.closed


def test_the_cid_memory_holds_across_a_wall_clock_step() -> None:
    pair = MemoryPair()
    anna = pair.join("anna", token=TOKEN)
    anna.say("once", cid="c1")
    pair.clock.wall += 3 * 3600  # the wall clock jumps; monotonic time does not
    anna.say("once", cid="c1")
    stored: Sequence[StoredMessage] = pair.core.store.since(-1, None)
    assert [m.text for m in stored] == ["once"]
    assert [f["id"] for f in anna.of_type("message")] == [stored[0].id] * 2


def test_the_cid_memory_forgets_after_its_window_of_monotonic_time() -> None:
    pair = MemoryPair()
    anna = pair.join("anna")
    anna.say("once", cid="c1")
    pair.tick(2 * CID_MEMORY_SECONDS + 1)  # two windows: the filter has rotated twice
    anna.say("once", cid="c1")
    ids = [f["id"] for f in anna.of_type("message")]
    assert ids == [1, 2]  # posted again: a new id


def test_a_since_from_another_history_is_ignored() -> None:
    """The data directory was wiped (or the address is another server's): the client's
    since counts ids of a history this server does not have, and would skip as many
    of its messages; it gets what a newcomer gets."""
    pair = MemoryPair(history_on_join=3)
    fill(pair, 5)
    server_id = pair.core.server_id
    other = pair.join("other", since=4, server_id="the wiped history")
    assert [f["text"] for f in other.of_type("message")] == ["m2", "m3", "m4"]
    assert other.of_type("welcome")[0]["replay_truncated"] is False
    same = pair.join("same", since=4, server_id=server_id)
    assert [f["text"] for f in same.of_type("message")] == ["m4"]
    plain = pair.join("plain", since=4)  # a client that names no history: its since counts
    assert [f["text"] for f in plain.of_type("message")] == ["m4"]
