"""Attacks on the server's time and memory: trickled and unfinished frames, resets, floods,
and a thousand connections that never say hello (PROTOCOL.md §1, §2, §5).

Each test: what the offender gets, what the server keeps for it, and that the three
bystanders of the :class:`~tests.security.conftest.Arena` go on receiving every line,
once, in order (``arena.finish()``).
"""

from __future__ import annotations

import gc
import os
import socket
import struct
import time
import weakref
from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QTimer

from chat_server_app.core import Session as CoreSession
from chat_server_app.engine import SessionState
from shared.codec import encode, encode_many
from shared.limits import (
    DEFAULT_JOIN_BURST,
    DEFAULT_JOIN_PER_SEC,
    HEADER_SIZE,
    PRESENCE_WINDOW,
    RATE_ABUSE_DROPS,
)
from shared.qt.connection import Outgoing
from tests.security.conftest import ATTACKER, BYSTANDERS, WAIT_MS, Arena, RawPeer, is_message, rss_kib
from tests.server.helpers import ChatClient, Storm, error_frame

MakeArena = Callable[..., Arena]


def header(length: int) -> bytes:
    return struct.pack(">I", length)


def register(arena: Arena, peer: RawPeer, name: str = ATTACKER) -> None:
    peer.send_message({"type": "hello", "version": 1, "name": name})
    arena.chat_while(lambda: peer.got(lambda f: f["type"] == "welcome"))
    for bystander in arena.bystanders:
        bystander.expect("joined", name=name)


def every_pass(callback: Callable[[], None]) -> QTimer:
    """A timer that calls ``callback`` once per event-loop pass until stopped."""
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(callback)
    timer.start()
    return timer


# --- slow and unfinished frames -------------------------------------------------------------------


def test_frames_trickled_one_byte_per_event_loop_pass_are_decoded(arena: Arena) -> None:
    peer = arena.raw()
    session = arena.session_of_port(peer.local_port)
    data = encode({"type": "hello", "version": 1, "name": ATTACKER}) + encode(
        {"type": "say", "text": "one byte at a time", "cid": "slow"}
    )
    feeds: list[int] = []

    def next_byte() -> None:
        # the next byte goes out only once the server has read the previous one: the
        # server's decoder is fed one byte per read, in a different pass each time
        if peer.sent < len(data) and session.conn.bytes_received == peer.sent:
            feeds.append(session.conn.decoder.buffered)
            peer.send(data[peer.sent : peer.sent + 1])

    timer = every_pass(next_byte)
    try:
        arena.chat_while(
            lambda: all(
                any(m["text"] == "one byte at a time" for m in b.messages()) for b in arena.bystanders
            ),
            timeout=10_000,
        )
    finally:
        timer.stop()
    assert len(feeds) == len(data)
    hello_size = len(encode({"type": "hello", "version": 1, "name": ATTACKER}))
    # the decoder held each partial frame, byte by byte, and let go of it when whole
    assert feeds[: hello_size + 1] == [*range(hello_size), 0]
    assert session.state is SessionState.REGISTERED
    arena.chat_while(lambda: peer.got(lambda f: f.get("cid") == "slow"))
    assert [f["type"] for f in peer.received][:1] == ["welcome"]
    assert peer.of_type("error") == []
    arena.finish()


@pytest.mark.parametrize(
    "sent",
    [b"", header(100), header(100) + b'{"type":"hello","version":1,"name":"slow'],
    ids=["nothing", "a header", "half a hello"],
)
def test_an_unregistered_connection_is_closed_by_the_hello_timeout(
    make_arena: MakeArena, sent: bytes
) -> None:
    arena = make_arena(hello_timeout=0.5)
    peer = arena.raw()
    session = arena.session_of_port(peer.local_port)
    opened = time.monotonic()
    if sent:
        peer.send(sent)
    arena.round()
    arena.chat_while(peer.closed_by_server)
    assert time.monotonic() - opened >= 0.45
    assert peer.received == []  # closed without an error frame (PROTOCOL.md appendix)
    assert session.state is SessionState.CLOSED
    arena.chat_while(lambda: arena.server.connection_count == len(BYSTANDERS))
    arena.finish()


def test_a_registered_frame_that_never_completes_stays_bounded(arena: Arena) -> None:
    peer = arena.raw()
    register(arena, peer)
    session = arena.session_of_port(peer.local_port)
    max_frame = arena.server.settings.max_frame
    peer.send(header(max_frame))
    seen: list[int] = []
    sampler = every_pass(lambda: seen.append(session.conn.decoder.buffered))
    try:
        chunk = b"a" * 8192
        left_to_send = max_frame - 1  # one byte short of complete, for ever
        while left_to_send:
            part = chunk[: min(len(chunk), left_to_send)]
            peer.send(part)
            left_to_send -= len(part)
            arena.chat_while(lambda: session.conn.bytes_received == peer.sent)
        arena.round()
        arena.chat_while(lambda: len(seen) > 10)
    finally:
        sampler.stop()
    assert max(seen) <= HEADER_SIZE + max_frame
    assert session.conn.decoder.buffered == HEADER_SIZE + max_frame - 1
    assert session.state is SessionState.REGISTERED
    assert not peer.closed_by_server()
    assert peer.of_type("error") == []
    frames = arena.finish()
    assert [f for f in frames if is_message(f) and f["from"] == ATTACKER] == []


@pytest.mark.parametrize("stage", ["greeting", "registered"])
def test_an_abrupt_reset_in_the_middle_of_a_frame(arena: Arena, stage: str) -> None:
    peer = arena.raw()
    if stage == "registered":
        register(arena, peer)
    session = arena.session_of_port(peer.local_port)
    peer.send(header(200) + b'{"type":"say","text":"' + b"h" * 80)
    arena.chat_while(lambda: session.conn.bytes_received == peer.sent)
    assert session.conn.decoder.buffered > 0
    peer.reset()  # SO_LINGER 0: RST, no FIN
    arena.round()
    arena.chat_while(
        lambda: session.state is SessionState.CLOSED and arena.server.connection_count == len(BYSTANDERS)
    )
    if stage == "registered":
        for bystander in arena.bystanders:
            assert bystander.expect("left", name=ATTACKER)["reason"] == "disconnected"
    arena.finish(left=(ATTACKER,) if stage == "registered" else ())


# --- floods --------------------------------------------------------------------------------------------


def says(count: int, prefix: str) -> bytes:
    return encode_many(
        [{"type": "say", "text": f"{prefix} {i}", "cid": f"{prefix}{i}"} for i in range(count)]
    )


def test_a_flood_beyond_the_rate_limit_ends_in_a_fatal_rate_limited(arena: Arena) -> None:
    burst = arena.server.settings.rate_burst
    offender = arena.registered()
    # one write: the burst passes, then 100 drops in a row are tolerated, the 101st is fatal
    offender.send_raw(says(burst + RATE_ABUSE_DROPS + 1 + 50, "flood"))
    arena.round()
    arena.chat_while(lambda: offender.closed)
    errors = offender.of_type("error")
    assert errors[:-1] == [
        {**error_frame("rate_limited", fatal=False), "cid": f"flood{burst + i}"}
        for i in range(RATE_ABUSE_DROPS)
    ]
    assert errors[-1] == error_frame("rate_limited", fatal=True)
    assert offender.received[-1] == errors[-1]
    for bystander in arena.bystanders:
        assert bystander.expect("left", name=ATTACKER)["reason"] == "disconnected"
    frames = arena.finish(left=(ATTACKER,))
    assert [m["text"] for m in frames if is_message(m) and m["from"] == ATTACKER] == [
        f"flood {i}" for i in range(burst)
    ]


def test_a_flood_just_over_the_rate_limit_is_not_fatal(arena: Arena) -> None:
    burst = arena.server.settings.rate_burst
    offender = arena.registered()
    offender.send_raw(says(burst + 5, "over"))
    arena.round()
    errors = offender.wait_count(lambda f: f.get("type") == "error", 5)
    assert errors == [
        {**error_frame("rate_limited", fatal=False), "cid": f"over{burst + i}"} for i in range(5)
    ]
    offender.send({"type": "ping", "token": "still here"})
    offender.expect("pong", token="still here")
    assert not offender.closed
    frames = arena.finish()
    assert [m["text"] for m in frames if is_message(m) and m["from"] == ATTACKER] == [
        f"over {i}" for i in range(burst)
    ]


def test_a_flood_of_long_lines_in_one_write_is_handled_whole(arena: Arena) -> None:
    """40 lines of 4000 emoji (640 KB) in one write, default limits: the burst passes, the
    rest is rate_limited, and every frame is answered without the offender sending more.
    (A server that takes a bounded amount per pass must come back for the rest by itself.)"""
    burst = arena.server.settings.rate_burst
    offender = arena.registered()
    lines = [{"type": "say", "text": f"{i:02d} " + "\U0001f600" * 3997, "cid": f"long{i}"} for i in range(40)]
    offender.send_raw(encode_many(lines))
    arena.round()

    def echoes() -> list[str]:
        return [m["cid"] for m in offender.messages() if m["from"] == ATTACKER]

    arena.chat_while(lambda: len(offender.of_type("error")) + len(echoes()) >= len(lines), timeout=10_000)
    assert echoes() == [f"long{i}" for i in range(burst)]
    assert offender.of_type("error") == [
        {**error_frame("rate_limited", fatal=False), "cid": f"long{i}"} for i in range(burst, len(lines))
    ]
    assert not offender.closed
    frames = arena.finish()
    assert [m["text"][:2] for m in frames if is_message(m) and m["from"] == ATTACKER] == [
        f"{i:02d}" for i in range(burst)
    ]


def test_a_ping_flood_is_answered_in_order_and_spends_no_rate(arena: Arena) -> None:
    offender = arena.registered()
    offender.send_raw(encode_many([{"type": "ping", "token": f"p{i}"} for i in range(5000)]))
    arena.round()
    pongs = offender.wait_count(lambda f: f.get("type") == "pong", 5000, timeout=10_000)
    assert [p["token"] for p in pongs] == [f"p{i}" for i in range(5000)]
    offender.say("after the pings", cid="after")
    offender.expect("message", cid="after")
    assert offender.of_type("error") == []
    arena.finish()


# --- many connections ------------------------------------------------------------------------------------


def test_1000_connections_opened_and_dropped_without_hello(make_arena: Callable[..., Arena]) -> None:
    """Five waves of 200 connections that never say hello: some say nothing, some half a
    hello, some a 60 KB frame that never completes; half end with a FIN, half with a reset.
    The server keeps serving, forgets every one of them, and does not grow with each wave.
    (All from 127.0.0.1: the per-address cap is raised, this test is about memory.)"""
    arena = make_arena(max_unregistered_per_address=1000)
    server = arena.server
    port = server.port
    hello_head = encode({"type": "hello", "version": 1, "name": "never"})[:10]
    big_head = header(server.settings.max_frame) + b"x" * 60_000
    rss: list[int] = []
    for wave in range(5):
        socks = [socket.create_connection(("127.0.0.1", port), timeout=WAIT_MS / 1000) for _ in range(200)]
        sent = 0
        for i, sock in enumerate(socks):
            data = [b"", hello_head, b"", big_head][(i + wave) % 4]
            sock.sendall(data)
            sent += len(data)

        def all_read(sent: int = sent) -> bool:
            greeting = [s for s in server.sessions if s.state is SessionState.GREETING]
            return len(greeting) == 200 and sum(s.conn.bytes_received for s in greeting) == sent

        arena.chat_while(all_read, timeout=10_000)
        for i, sock in enumerate(socks):
            if i % 2:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        arena.round()
        arena.chat_while(lambda: server.connection_count == len(BYSTANDERS), timeout=10_000)
        gc.collect()
        rss.append(rss_kib(os.getpid()))
    # the first wave may grow the heap; the next four must reuse it (a leak of what each
    # connection held would add about 5 MB a wave)
    assert rss[-1] - rss[0] < 8 * 1024, f"RSS KiB after each wave: {rss}"
    # the server still serves: a newcomer registers and is heard
    newcomer = arena.registered("newcomer")
    newcomer.sync("I got in")
    frames = arena.finish()
    presence = {f["name"] for f in frames if f.get("type") in ("joined", "left")}
    assert presence == {"Straße", "José", "newcomer"}
    assert sorted(s.name for s in server.users) == sorted([*BYSTANDERS, "newcomer"])


def test_a_hello_and_bye_storm_under_the_default_join_limit_disturbs_no_one(
    make_arena: Callable[..., Arena],
) -> None:
    """One client loops hello and bye 300 times while the bystanders chat: past the
    address's burst its hellos are refused, and the bystanders are shown the storm as
    one joined, one left and joined pair, and one left, in order with their chat."""
    # The defaults, set here: every client of the suite comes from 127.0.0.1.
    arena = make_arena(join_burst=DEFAULT_JOIN_BURST, join_per_sec=DEFAULT_JOIN_PER_SEC)
    started = time.monotonic()
    storm = Storm(arena.server.port, ATTACKER, 300)
    arena.chat_while(storm.done, timeout=30_000)
    elapsed = time.monotonic() - started
    welcomes = len(storm.of_type("welcome"))
    refusals = storm.of_type("error")
    burst_left = DEFAULT_JOIN_BURST - len(BYSTANDERS)
    assert burst_left <= welcomes <= burst_left + DEFAULT_JOIN_PER_SEC * elapsed + 1
    assert len(refusals) == 300 - welcomes
    assert {(e["code"], e["fatal"]) for e in refusals} == {("rate_limited", True)}

    def shown(client: ChatClient) -> list[str]:
        return [
            f["type"]
            for f in client.received
            if f.get("type") in ("joined", "left") and f["name"] == ATTACKER
        ]

    arena.chat_while(
        lambda: all(shown(c)[-1:] == ["left"] for c in arena.bystanders),
        timeout=int(PRESENCE_WINDOW * 1000) + WAIT_MS,
    )
    for client in arena.bystanders:
        assert shown(client) == ["joined", "left", "joined", "left"]
    arena.finish(left=(ATTACKER,))


def test_the_objects_of_a_finished_connection_are_freed(arena: Arena) -> None:
    """Whatever way a connection ends, the server lets go of its session, its Connection
    and what that held (the socket's wrapper, the decoder and its buffer): they are garbage
    once the connection is over."""
    server = arena.server
    refs: list[weakref.ref[Any]] = []

    def watch(port: int) -> None:
        session = arena.session_of_port(port)
        conn = session.conn
        refs.extend([weakref.ref(o) for o in (session, session.sink, conn, conn.socket)])

    quiet = arena.raw()  # never says anything, closes
    watch(quiet.local_port)
    quiet.close()
    broken = arena.raw()  # a zero-length frame: error, closed by the server
    watch(broken.local_port)
    broken.send(header(0))
    leaver = arena.raw()  # registered, half a big frame, then a reset
    register(arena, leaver, "leaver")
    watch(leaver.local_port)
    leaver.send(header(server.settings.max_frame) + b"x" * 30_000)
    arena.chat_while(lambda: sum(s.conn.bytes_received for s in server.users if s.name == "leaver") > 30_000)
    leaver.reset()
    polite = arena.client()  # registered, says bye
    polite.hello("polite")
    watch(int(polite.conn.socket.localPort()))
    polite.bye()
    arena.round()
    arena.chat_while(lambda: server.connection_count == len(BYSTANDERS) + 1 and broken.closed_by_server())
    polite.close()
    arena.chat_while(lambda: server.connection_count == len(BYSTANDERS))

    def qt_objects_deleted() -> bool:
        # the server deletes a finished Connection (and its socket) with deleteLater
        objects = [r() for r in refs]
        return not any(
            shiboken6.isValid(o)
            for o in objects
            if o is not None and not isinstance(o, CoreSession | Outgoing)
        )

    arena.chat_while(qt_objects_deleted)
    gc.collect()
    alive = [type(r()).__name__ for r in refs if r() is not None]
    assert alive == [], f"still alive after their connection ended: {alive}"
    arena.finish(left=("leaver", "polite"))
