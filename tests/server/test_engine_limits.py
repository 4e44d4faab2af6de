"""The limits of PROTOCOL.md §5: rate limit, send queue, liveness (server ping, timeout)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

import chat_server_app.core.server as core_server
import chat_server_app.engine as engine_module
from chat_server_app.engine import ChatServer
from shared.codec import encode_many
from tests.server.helpers import TS, WAIT_MS, ChatClient, RawSocket, error_frame, strip_extensions

pytestmark = pytest.mark.usefixtures("read_path")  # every test on both read paths

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]
RawSockets = Callable[..., RawSocket]


def says(*texts: str, **fields: Any) -> bytes:
    """Several ``say`` frames in one write: the server reads them in one pass."""
    return encode_many([{"type": "say", "text": t, **fields} for t in texts])


def errors_of(client: ChatClient) -> list[dict[str, Any]]:
    return [strip_extensions(e, "cid") for e in client.of_type("error")]


# --- rate limit -----------------------------------------------------------------------------------


def test_burst_passes_then_rate_limited_is_not_fatal(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=5, rate_per_sec=0.001)
    alice = join(server, "alice")
    bob = join(server, "bob")
    alice.send_raw(says(*[f"m{i}" for i in range(8)]))
    alice.wait_count(lambda f: f["type"] == "error", 3)
    bob.wait_count(lambda f: f["type"] == "message", 5)
    alice.wait_count(lambda f: f["type"] == "message", 5)
    assert errors_of(alice) == [error_frame("rate_limited", fatal=False)] * 3
    assert bob.texts() == [f"m{i}" for i in range(5)]
    assert alice.conn.is_open
    # bob has his own bucket
    bob.say("bob is fine")
    alice.expect("message", text="bob is fine")


def test_default_burst_is_20(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.send_raw(says(*[f"m{i}" for i in range(25)]))
    alice.wait_count(lambda f: f["type"] == "error", 5)
    assert len(alice.wait_count(lambda f: f["type"] == "message", 20)) == 20
    alice.send({"type": "ping", "token": "sync"})
    alice.expect("pong")
    assert errors_of(alice) == [error_frame("rate_limited", fatal=False)] * 5
    assert alice.texts() == [f"m{i}" for i in range(20)]


def test_the_bucket_refills_at_rate_per_sec(make_server: MakeServer, join: Join, qtbot: QtBot) -> None:
    server = make_server(rate_burst=2, rate_per_sec=10)
    alice = join(server, "alice")
    alice.send_raw(says("a", "b", "c"))
    alice.expect("error", code="rate_limited")
    qtbot.wait(250)  # 2.5 tokens' worth of refill
    alice.send_raw(says("d", "e", "f"))
    alice.wait_count(lambda f: f["type"] == "error", 2)
    alice.wait_count(lambda f: f["type"] == "message", 4)
    assert alice.texts() == ["a", "b", "d", "e"]


def test_more_than_100_drops_in_a_row_is_a_fatal_rate_limited(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=1, rate_per_sec=0.001)
    watcher = join(server, "watcher")
    alice = join(server, "alice")
    alice.send_raw(says(*[f"m{i}" for i in range(1 + 101 + 5)]))
    alice.wait_closed()
    errors = errors_of(alice)
    non_fatal, fatal = error_frame("rate_limited", fatal=False), error_frame("rate_limited", fatal=True)
    assert errors == [non_fatal] * 100 + [fatal]
    assert alice.received[-1]["type"] == "error"
    left = watcher.expect("left", name="alice")
    assert left == {"type": "left", "name": "alice", "ts": TS, "reason": "disconnected"}
    assert watcher.texts() == ["m0"]


def test_exactly_100_drops_in_a_row_is_not_fatal(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=1, rate_per_sec=0.001)
    alice = join(server, "alice")
    alice.send_raw(says(*[f"m{i}" for i in range(1 + 100)]))
    alice.wait_count(lambda f: f["type"] == "error", 100)
    alice.send({"type": "ping", "token": "alive"})
    alice.expect("pong", token="alive")
    assert errors_of(alice) == [error_frame("rate_limited", fatal=False)] * 100
    assert alice.conn.is_open


def test_an_accepted_message_resets_the_drop_count(make_server: MakeServer, join: Join, qtbot: QtBot) -> None:
    server = make_server(rate_burst=1, rate_per_sec=5)
    alice = join(server, "alice")
    alice.send_raw(says(*[f"a{i}" for i in range(61)]))
    alice.wait_count(lambda f: f["type"] == "error", 60)
    qtbot.wait(300)  # one token back
    alice.send_raw(says(*[f"b{i}" for i in range(61)]))
    alice.wait_count(lambda f: f["type"] == "error", 120)
    alice.send({"type": "ping", "token": "alive"})
    alice.expect("pong", token="alive")
    assert errors_of(alice) == [error_frame("rate_limited", fatal=False)] * 120
    assert alice.texts() == ["a0", "b0"]
    assert alice.conn.is_open


# --- send queue ----------------------------------------------------------------------------------------


FLOOD_TEXT = "x" * 3990  # with the "00042 " prefix: just under the 4000 characters allowed


def room_with_a_sleeper(
    make_server: MakeServer, join: Join, raw_sockets: RawSockets
) -> tuple[ChatServer, ChatClient, ChatClient, RawSocket]:
    """A server with a small send queue; a flooder and a watcher who read, and a
    registered sleeper whose socket takes 4 KB and reads nothing."""
    server = make_server(send_queue=65536, rate_burst=100_000, rate_per_sec=100_000)
    flooder = join(server, "flooder")
    watcher = join(server, "watcher")
    sleeper = raw_sockets(server.port, rcvbuf=4096)
    sleeper.send({"type": "hello", "version": 1, "name": "sleeper"})
    watcher.expect("joined", name="sleeper")
    return server, flooder, watcher, sleeper


def flood_until_someone_leaves(
    flooder: ChatClient, watcher: ChatClient, before_each_pass: Callable[[int], None] = lambda sent: None
) -> int:
    """Ten big messages a pass from the flooder until the watcher hears of a ``left``
    (at most 20 s); how many were sent."""
    sent = 0
    deadline = time.monotonic() + 20
    while not watcher.of_type("left") and time.monotonic() < deadline:
        before_each_pass(sent)
        # 40 KB a pass: a reader takes each pass before the next, the sleeper's queue grows
        batch = 10
        flooder.send_raw(says(*[f"{sent + i:05d} {FLOOD_TEXT}" for i in range(batch)]))
        sent += batch
        flooder.wait_count(lambda f: f["type"] == "message" and f["from"] == "flooder", sent, timeout=10_000)
    return sent


def test_a_client_that_does_not_read_is_dropped_and_no_one_else_misses_anything(
    make_server: MakeServer, join: Join, raw_sockets: RawSockets, qtbot: QtBot
) -> None:
    server, flooder, watcher, _ = room_with_a_sleeper(make_server, join, raw_sockets)
    text = FLOOD_TEXT
    sent = flood_until_someone_leaves(flooder, watcher)
    assert watcher.expect("left", name="sleeper") == {
        "type": "left",
        "name": "sleeper",
        "ts": TS,
        "reason": "send_queue",
    }
    assert flooder.expect("left", name="sleeper")["reason"] == "send_queue"
    # the others got every message, in order, and keep chatting
    flooder.say("after the drop")
    watcher.expect("message", text="after the drop")
    expected = [f"{i:05d} {text}" for i in range(sent)] + ["after the drop"]
    for client in (flooder, watcher):
        assert client.texts() == expected
        ids = [m["id"] for m in client.messages()]
        assert ids == sorted(set(ids))
        assert client.of_type("error") == []
    assert [u.name for u in server.users] == ["flooder", "watcher"]


def test_a_sender_that_does_not_read_is_dropped_too(
    make_server: MakeServer, join: Join, raw_sockets: RawSockets
) -> None:
    """A client with bytes of its own in every pass (its messages come back with their
    cid) gets the same send-queue check as one that only listens."""
    _, flooder, watcher, sleeper = room_with_a_sleeper(make_server, join, raw_sockets)

    def sleeper_says(sent: int) -> None:
        with contextlib.suppress(OSError):  # once dropped, its socket is reset
            sleeper.send({"type": "say", "text": f"sleeper {sent}", "cid": f"c{sent}"})

    flood_until_someone_leaves(flooder, watcher, sleeper_says)
    assert watcher.expect("left", name="sleeper")["reason"] == "send_queue"


@pytest.mark.parametrize(
    "reply_to",
    [
        {"type": "ping", "token": "t" * 256},  # the longest token there may be, echoed in the pong
        {"type": "t" * 64},  # an unknown type, quoted in the error
    ],
    ids=["pong", "error"],
)
def test_a_client_that_asks_and_never_reads_is_dropped(
    make_server: MakeServer, join: Join, raw_sockets: RawSockets, reply_to: dict[str, str]
) -> None:
    """Replies count against the send queue like broadcasts: without that, a client
    sending pings (or bad frames) and reading nothing made the server buffer their
    answers without end (1.5 GB in issue 19's red-team pass)."""
    _, _, watcher, sleeper = room_with_a_sleeper(make_server, join, raw_sockets)
    batch = encode_many([reply_to] * 500)  # ~140 KB of replies a pass
    deadline = time.monotonic() + 30
    sent = 0
    while not watcher.of_type("left") and time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # once dropped, its socket is reset
            sleeper.sock.sendall(batch)
        sent += len(batch)
        watcher.send({"type": "ping", "token": f"w{sent}"})  # a pass of the loop, at least
        watcher.expect("pong", token=f"w{sent}")
    assert watcher.expect("left", name="sleeper")["reason"] == "send_queue"
    assert sent < 20_000_000, "the server kept answering a client that reads nothing"


def test_a_busy_pass_does_not_drop_clients_that_read(server: ChatServer, join: Join) -> None:
    """Default settings: ten users each post a burst the rate limit allows (20 messages of
    4000 emoji, 16 KB each) at the same moment. Everyone reads; no one may be dropped."""
    watcher = join(server, "watcher")
    senders = [join(server, f"user{k}") for k in range(10)]
    watcher.wait_count(lambda f: f["type"] == "joined", 10)
    text = "\U0001f600" * 4000
    for sender in senders:
        sender.send_raw(says(*[text] * 20))
    got = watcher.wait_count(lambda f: f["type"] == "message" or f["type"] == "left", 200)
    assert watcher.of_type("left") == []
    assert len(got) == 200
    assert not watcher.closed


# --- liveness -------------------------------------------------------------------------------------------


def auto_pong(client: ChatClient) -> list[dict[str, Any]]:
    """Make ``client`` answer every server ping; return the list of pings it answered."""
    pings: list[dict[str, Any]] = []

    def on_message(frame: dict[str, Any]) -> None:
        if frame.get("type") == "ping":
            pings.append(frame)
            client.send({"type": "pong", "token": frame.get("token")})

    client.conn.message_received.connect(on_message)
    return pings


def test_the_server_pings_a_silent_client_with_a_string_token(make_server: MakeServer, join: Join) -> None:
    server = make_server(ping_after=0.2, ping_timeout=5)
    alice = join(server, "alice")
    welcomed = time.monotonic()
    ping = alice.expect("ping", timeout=2000)
    assert time.monotonic() - welcomed >= 0.15
    assert set(ping) == {"type", "token"}
    assert isinstance(ping["token"], str)
    assert ping["token"]


def test_a_client_that_answers_pings_stays(make_server: MakeServer, join: Join) -> None:
    server = make_server(ping_after=0.2, ping_timeout=0.3)
    watcher = join(server, "watcher")
    alice = join(server, "alice")
    pings = [auto_pong(watcher), auto_pong(alice)]
    alice.wait_count(lambda f: f["type"] == "ping", 3, timeout=4000)
    assert watcher.of_type("left") == []
    assert alice.conn.is_open
    tokens = [p["token"] for p in pings[1]]
    assert len(set(tokens)) == len(tokens), "every ping has its own token"


def test_no_pong_gives_left_timeout(make_server: MakeServer, join: Join) -> None:
    server = make_server(ping_after=0.2, ping_timeout=0.3)
    watcher = join(server, "watcher")
    auto_pong(watcher)
    alice = join(server, "alice")
    start = time.monotonic()
    assert watcher.expect("left", name="alice", timeout=4000) == {
        "type": "left",
        "name": "alice",
        "ts": TS,
        "reason": "timeout",
    }
    assert time.monotonic() - start >= 0.45
    alice.wait_closed()
    assert alice.of_type("ping") != []
    assert [u.name for u in server.users] == ["watcher"]


def test_any_frame_counts_as_life(make_server: MakeServer, join: Join, qtbot: QtBot) -> None:
    server = make_server(ping_after=0.5, ping_timeout=0.3)
    alice = join(server, "alice")
    chatty = QTimer()
    chatty.setInterval(50)
    chatty.timeout.connect(lambda: alice.send({"type": "ping", "token": "mine"}))
    chatty.start()
    try:
        qtbot.wait(1000)
    finally:
        chatty.stop()
    assert alice.of_type("ping") == []
    assert alice.conn.is_open
    alice.expect("ping", timeout=2000)  # silence again: the server pings


def test_any_frame_answers_a_server_ping(make_server: MakeServer, join: Join) -> None:
    server = make_server(ping_after=0.2, ping_timeout=0.3)
    watcher = join(server, "watcher")
    auto_pong(watcher)
    alice = join(server, "alice")

    def answer_with_something_else(frame: dict[str, Any]) -> None:
        if frame.get("type") == "ping":
            alice.send({"type": "ping", "token": "not a pong"})

    alice.conn.message_received.connect(answer_with_something_else)
    alice.wait_count(lambda f: f["type"] == "ping", 3, timeout=4000)
    assert watcher.of_type("left") == []
    assert alice.conn.is_open


# --- giving memory back after a burst ------------------------------------------------


def test_the_heap_is_trimmed_once_after_a_burst_is_delivered(
    make_server: MakeServer, join: Join, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[int] = []

    def release_free_heap() -> bool:
        trims.append(1)
        return True

    monkeypatch.setattr(core_server, "TRIM_AFTER_BYTES", 40_000)
    monkeypatch.setattr(engine_module, "release_free_heap", release_free_heap)
    # ping_after 0.1 s: housekeeping ticks every 25 ms, and each tick pings the silent.
    server = make_server(hello_timeout=0.2, ping_after=0.1, ping_timeout=5, rate_burst=100, rate_per_sec=100)
    alice = join(server, "alice")
    bob = join(server, "bob")
    for client in (alice, bob):
        auto_pong(client)
    bob.wait_count(lambda f: f["type"] == "ping", 2)
    assert trims == [], "two welcomes and a joined are no burst"

    for i in range(25):  # 25 KB to each of two clients
        alice.say(f"{i} " + "x" * 1000)
    bob.expect("message", text="24 " + "x" * 1000)
    qtbot.waitUntil(lambda: trims == [1], timeout=WAIT_MS)

    pings = len(bob.of_type("ping"))
    bob.wait_count(lambda f: f["type"] == "ping", pings + 3)
    assert trims == [1], "nothing more was sent: nothing more to give back"
