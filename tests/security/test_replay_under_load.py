"""Long replays do not stall anyone else (PROTOCOL.md §5, §8.2), on a real server process.

A headless server process opens a history of 200 000 messages. Three raw clients ask
for all of it at once: two with ``since: 0``, one with ``since: -1`` ("everything still
stored", §5). The server sends each the newest ``--replay-max`` (30 000), in order,
with ``welcome.replay_truncated``, and the pong to the ping sent after the hello only
after them. One of the three reads slowly, so the server has to wait for it.

Meanwhile a bystander who is already in the chat pings every 20 ms from a thread of
its own, on a blocking socket: every pong comes back in under 300 ms.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.store import SqliteStore, StoredMessage
from tests.security.conftest import RawPeer, ServerProcess
from tests.wire import Frame, WireClient

HISTORY = 200_000
REPLAY_MAX = 30_000
PING_EVERY_S = 0.020
RTT_LIMIT_S = 0.300
SLOW_READ = 32_768
"""Bytes the slow reader takes per poll of the test's event loop (about every 10 ms)."""
REPLAY_TIMEOUT_MS = 25_000


def fill_history(data: Path) -> None:
    """200 000 public messages, written through the store itself in one transaction."""
    store = SqliteStore.in_dir(data)
    try:
        store.append(
            [
                StoredMessage(
                    i, "2026-01-01T00:00:00.000Z", "old", "old", f"stored message number {i:06d} " + "x" * 40
                )
                for i in range(1, HISTORY + 1)
            ]
        )
    finally:
        store.close()


class PingingBystander:
    """A registered user who pings every 20 ms and times each pong, in a thread: the
    test's own event loop, busy decoding the replays, does not delay its clock."""

    def __init__(self, port: int) -> None:
        self.wire = WireClient.to(port, timeout=5.0)
        self.wire.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.wire.send({"type": "hello", "version": 2, "name": "bystander"})
        self.wire.expect("welcome")
        self.rtts: list[float] = []
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pinging bystander", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            count = 0
            while not self._stop.is_set():
                token = f"rtt-{count}"
                count += 1
                sent = time.perf_counter()
                self.wire.send({"type": "ping", "token": token})
                pong = {"type": "pong", "token": token}
                self.wire.wait_for(pong.__eq__)
                rtt = time.perf_counter() - sent
                self.rtts.append(rtt)
                self.wire.received.clear()
                # The ping period, not a wait for something to happen.
                self._stop.wait(max(0.0, PING_EVERY_S - rtt))
        except BaseException as exc:  # reported by stop(), in the test's thread
            self.failure = exc

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.wire.sock.close()
        if self.failure is not None:
            raise self.failure


class Replayer(RawPeer):
    """A raw client that asked for a replay; ``slow`` ones read a little per poll."""

    def __init__(self, port: int, since: int, *, slow: bool) -> None:
        super().__init__(port, rcvbuf=65_536 if slow else None)
        self.slow = slow
        name = f"replayer{since}{'slow' if slow else ''}"
        self.send_message({"type": "hello", "version": 2, "name": name, "since": since})
        self.send_message({"type": "ping", "token": "end of replay"})

    def pump(self) -> None:
        if not self.slow:
            super().pump()
            return
        sock = self.sock
        sock.setblocking(False)
        try:
            data = sock.recv(SLOW_READ)
        except BlockingIOError:
            return
        finally:
            sock.setblocking(True)
        if not data:
            self.eof = True
        self.received.extend(self.decoder.feed(data))

    def done(self) -> bool:
        self.pump()
        return self.eof or any(f.get("type") == "pong" for f in self.received)


def all_done(replayers: list[Replayer]) -> bool:
    """Whether every replay is in; each replayer reads, whether or not the others are done."""
    done = [replayer.done() for replayer in replayers]
    return all(done)


@pytest.fixture
def bystanders() -> Iterator[list[PingingBystander]]:
    made: list[PingingBystander] = []
    yield made
    for bystander in made:
        if bystander._thread.is_alive():
            bystander.stop()


@pytest.mark.slow
def test_three_long_replays_leave_a_bystanders_pings_under_300_ms(
    qtbot: QtBot,
    tmp_path: Path,
    server_process: Callable[..., ServerProcess],
    bystanders: list[PingingBystander],
) -> None:
    data = tmp_path / "data"
    fill_history(data)
    server = server_process(data, "--replay-max", str(REPLAY_MAX))
    port = server.wait_started(qtbot)
    bystander = PingingBystander(port)
    bystanders.append(bystander)
    qtbot.waitUntil(lambda: len(bystander.rtts) >= 5, timeout=5000)  # pinging before the replays

    replayers = [Replayer(port, 0, slow=False), Replayer(port, 0, slow=True), Replayer(port, -1, slow=False)]
    started = time.perf_counter()
    pings_before = len(bystander.rtts)
    try:
        qtbot.waitUntil(lambda: all_done(replayers), timeout=REPLAY_TIMEOUT_MS)
    finally:
        replay_s = time.perf_counter() - started
        bystander.stop()
    pings_during = len(bystander.rtts) - pings_before
    worst = max(bystander.rtts)
    print(f"\nreplays: {replay_s:.2f} s; {pings_during} pings during them; max RTT {worst * 1000:.1f} ms")

    newest = list(range(HISTORY - REPLAY_MAX + 1, HISTORY + 1))
    for replayer in replayers:
        assert not replayer.eof, replayer.received[-3:]
        frames: list[Frame] = replayer.received
        welcome = frames[0]
        assert welcome["type"] == "welcome", welcome
        assert welcome["replay_truncated"] is True
        assert welcome["last_id"] == HISTORY
        # every stored message before anything live (the others' joined, the pong)
        replayed = frames[1 : 1 + REPLAY_MAX]
        assert all(f["type"] == "message" and f.get("history") is True for f in replayed)
        assert [f["id"] for f in replayed] == newest
        after = frames[1 + REPLAY_MAX :]
        assert [f for f in after if f["type"] not in ("joined", "left")] == [
            {"type": "pong", "token": "end of replay"}
        ]
        replayer.close()
    assert pings_during >= 10, "the bystander did not ping while the replays went"
    assert worst < RTT_LIMIT_S, f"a pong took {worst * 1000:.0f} ms"
