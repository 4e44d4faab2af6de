"""The server's memory under hostile load, read from /proc/PID/status of a real server process.

- A client that never reads while 50 others chat (PROTOCOL.md §5, send queue): the server
  has the default send queue (1 MiB). The sleeper registers on a socket with a tiny
  receive buffer and never reads again; the 50 chatters post long lines (4000 emoji,
  16 KB each) at a steady pace. The sleeper must be dropped with ``left`` ``send_queue``;
  the chatters must get every line, once, in id order; and the server's resident memory
  must not grow with what the sleeper failed to take.
- Long messages with a ``cid``, as every real client sends them: the history is on disk,
  so the server's memory must not grow with their text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tests.security.conftest import WAIT_MS, QuickClient, RawPeer, ServerProcess, is_message
from tests.server.helpers import ChatClient

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/PID/status")

CHATTERS = 50
LINE_BYTES = 16_000
"""A line of 4000 emoji is 16 000 bytes of UTF-8."""
LINES = 400
PACE_MS = 10
"""One line every 10 ms, in turn: 100 lines (1.6 MB) a second to each of 51 readers."""
RSS_GROWTH_LIMIT_KIB = 10 * 1024
"""What the server may grow by in all (SQLite's page cache, the allocator's slack). The
sharper check is on the growth after the drop, against what the sleeper would have held."""


@pytest.mark.slow
def test_a_client_that_never_reads_is_dropped_and_50_others_get_everything(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    # the rate limit is raised so that the chatters can fill the queue quickly; the send
    # queue is the default
    proc = server_process(tmp_path / "data", "--rate-burst", "100", "--rate-per-sec", "100")
    port = proc.wait_started(qtbot)
    chatters: list[ChatClient] = [QuickClient(qtbot, port) for _ in range(CHATTERS)]
    sleeper: RawPeer | None = None
    try:
        qtbot.waitUntil(lambda: all(c.conn.is_open for c in chatters), timeout=WAIT_MS)
        for i, chatter in enumerate(chatters):
            chatter.send_hello(f"user{i:02d}")
            chatter.name = f"user{i:02d}"
        qtbot.waitUntil(lambda: all(c.of_type("welcome") for c in chatters), timeout=10_000)
        sleeper = RawPeer(port, rcvbuf=4096)
        sleeper.send_message({"type": "hello", "version": 1, "name": "sleeper"})
        qtbot.waitUntil(
            lambda: all(any(f.get("name") == "sleeper" for f in c.of_type("joined")) for c in chatters),
            timeout=10_000,
        )
        before = proc.rss_kib()
        samples = [before]
        at_drop: list[int] = []  # RSS when the first chatter hears of the drop

        def sample() -> None:
            samples.append(proc.rss_kib())
            if not at_drop and chatters[0].of_type("left"):
                at_drop.append(samples[-1])

        sampler = QTimer()
        sampler.setInterval(20)
        sampler.timeout.connect(sample)
        sampler.start()

        sent: list[tuple[str, str]] = []  # (from, text)

        def say_next() -> None:
            if len(sent) < LINES:
                chatter = chatters[len(sent) % CHATTERS]
                prefix = f"{chatter.name} {len(sent):03d} "
                text = prefix + "\U0001f600" * (4000 - len(prefix))
                sent.append((chatter.name, text))
                chatter.say(text)

        pace = QTimer()
        pace.setInterval(PACE_MS)
        pace.timeout.connect(say_next)
        pace.start()
        try:
            qtbot.waitUntil(
                lambda: (
                    len(sent) == LINES
                    and all(sum(1 for f in c.received if is_message(f)) >= LINES for c in chatters)
                ),
                timeout=30_000,
            )
        finally:
            pace.stop()
            sampler.stop()
        after = proc.rss_kib()

        # the sleeper is gone, for the reason the protocol names, and only the sleeper
        for chatter in chatters:
            left = chatter.of_type("left")
            assert [(f["name"], f["reason"]) for f in left] == [("sleeper", "send_queue")], left
        stream = [f["type"] for f in chatters[0].received if f["type"] in ("message", "left")]
        sent_before_drop = stream.index("left")
        assert sent_before_drop < LINES, "the chat ended before the sleeper was dropped"
        qtbot.waitUntil(sleeper.closed_by_server, timeout=WAIT_MS)

        # every chatter got every line once, in id order, and was never disturbed
        reference: list[tuple[int, str, str]] | None = None
        for chatter in chatters:
            assert not chatter.closed
            assert chatter.of_type("error") == []
            lines = [(m["id"], m["from"], m["text"]) for m in chatter.messages()]
            ids = [i for i, _, _ in lines]
            assert ids == sorted(set(ids))
            assert sorted((f, t) for _, f, t in lines) == sorted(sent)
            for name in {f for f, _ in sent}:
                assert [t for _, f, t in lines if f == name] == [t for f, t in sent if f == name]
            if reference is None:
                reference = lines
            assert lines == reference

        # the server's memory stayed bounded, and did not keep what the sleeper would not take
        figures = f"RSS KiB: {before} before, {at_drop} at the drop, peak {max(samples)}, {after} after"
        assert max(samples) - before < RSS_GROWTH_LIMIT_KIB, figures
        assert after - before < RSS_GROWTH_LIMIT_KIB, figures
        after_drop_volume_kib = (LINES - sent_before_drop) * LINE_BYTES // 1024
        assert after - at_drop[0] < after_drop_volume_kib // 2, (figures, after_drop_volume_kib)
        print(f"{figures}; sleeper dropped after {sent_before_drop} of {LINES} lines")
    finally:
        for chatter in chatters:
            chatter.close()
        if sleeper is not None:
            sleeper.close()


ACCEPTED = 1500
RETENTION_LIMIT_KIB = 12 * 1024
"""What 1500 accepted messages may cost in memory (SQLite's page cache, the cid memory's
bookkeeping): about half of their 24 MB of text."""


@pytest.mark.slow
def test_accepted_messages_are_not_kept_in_memory(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    """Every accepted ``say`` with a ``cid`` is remembered for 10 minutes (§3), so that a
    re-send is not posted twice. Remembering needs the (name, cid) and the message's id;
    the text is in the history on disk. Under the default limits (5 lines a second per
    connection, any number of connections) a server that kept each text for 10 minutes
    would hold 48 MB per connection posting 4000-emoji lines; here the rate limit is
    raised to post 1500 of them (24 MB) in a second or two."""
    proc = server_process(tmp_path / "data", "--rate-burst", "100000", "--rate-per-sec", "100000")
    port = proc.wait_started(qtbot)
    poster = QuickClient(qtbot, port)
    try:
        qtbot.waitUntil(lambda: poster.conn.is_open, timeout=WAIT_MS)
        poster.name = "poster"
        poster.send_hello("poster")
        qtbot.waitUntil(lambda: bool(poster.of_type("welcome")), timeout=WAIT_MS)
        poster.say("warm up", cid="warm-up")
        qtbot.waitUntil(lambda: bool(poster.messages()), timeout=WAIT_MS)
        before = proc.rss_kib()
        posted = [0]

        def post_some() -> None:
            # 10 a tick (160 KB), and only while the echoes keep up: the poster is no slow reader
            if posted[0] < ACCEPTED and posted[0] + 1 - len(poster.messages()) < 10:
                for _ in range(10):
                    prefix = f"{posted[0]:04d} "
                    poster.say(prefix + "\U0001f600" * (4000 - len(prefix)), cid=f"long-{posted[0]}")
                    posted[0] += 1

        pace = QTimer()
        pace.setInterval(5)
        pace.timeout.connect(post_some)
        pace.start()
        try:
            qtbot.waitUntil(lambda: len(poster.messages()) == ACCEPTED + 1, timeout=30_000)
        finally:
            pace.stop()
        after = proc.rss_kib()
        assert poster.of_type("error") == []
        assert [m["cid"] for m in poster.messages()[1:]] == [f"long-{i}" for i in range(ACCEPTED)]
        # a re-send is still recognised: the memory this test asks to be small must exist
        poster.say("0007 again", cid="long-7")
        again = poster.wait_for(lambda f: f.get("cid") == "long-7" and f is not poster.messages()[8])
        assert again["id"] == poster.messages()[8]["id"]
        assert again["text"].startswith("0007 \U0001f600")
        growth = after - before
        print(f"server RSS: {before} KiB before, {after} KiB after {ACCEPTED} messages (+{growth} KiB)")
        assert growth < RETENTION_LIMIT_KIB, f"{before} KiB before, {after} KiB after"
    finally:
        poster.close()
