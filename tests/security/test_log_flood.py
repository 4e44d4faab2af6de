"""A flood of bad frames cannot flood the operator's log (issue 19).

One client sending unknown message types with 60 000-character names made 146 MB/s
of log. Here a real client floods a real headless server process through a real
socket, and the server's stderr (the headless log) is measured.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from shared.codec import encode
from shared.messages import Hello
from shared.quoting import QUOTE_MAX_CHARS
from tests.security.conftest import WAIT_MS, RawPeer, ServerProcess

FLOOD_FRAMES = 10_000
TYPE_CHARS = 5_000
"""Characters of each bad frame's type: 50 MB in all, so that a log quoting it whole
is unmistakable, while the test stays quick on loopback."""

SLICE = 100
"""Frames written at once between two reads of the server's answers."""

FLOOD_MS = 60_000

MAX_LINES = 30
MAX_BYTES = 10_000
"""The log a flood may cost: the first few errors, a summary per 10 s window."""

_SUMMARY = re.compile(r"… (\d+) more like this \(unknown_type\) from 127\.0\.0\.1$")


def test_ten_thousand_bad_frames_make_a_few_log_lines(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    server = server_process(tmp_path / "data")
    port = server.wait_started(qtbot)
    peer = RawPeer(port)
    peer.send_message(Hello("mallory").to_dict())
    qtbot.waitUntil(lambda: peer.got(lambda f: f.get("type") == "welcome"), timeout=WAIT_MS)
    before = server.log_text()

    bad = encode({"type": "x" * TYPE_CHARS})
    for _ in range(FLOOD_FRAMES // SLICE):
        peer.send(bad * SLICE)
        peer.pump()

    def all_answered() -> bool:
        peer.pump()
        return len(peer.of_type("error")) == FLOOD_FRAMES

    qtbot.waitUntil(all_answered, timeout=FLOOD_MS)
    errors = peer.of_type("error")
    assert {e["code"] for e in errors} == {"unknown_type"}
    assert not any(e["fatal"] for e in errors)
    # The answer quotes the type short too: the flood is not echoed back.
    assert max(len(str(e["message"])) for e in errors) < 2 * QUOTE_MAX_CHARS
    assert f"({TYPE_CHARS} characters)" in str(errors[0]["message"])

    # The peer leaves: what was counted for it is summarised now, not at the window's end.
    peer.close()
    qtbot.waitUntil(lambda: "more like this" in server.log_text(), timeout=WAIT_MS)

    added = server.log_text()[len(before) :]
    lines = added.splitlines()
    assert len(lines) <= MAX_LINES, f"{len(lines)} log lines"
    assert len(added.encode()) <= MAX_BYTES, f"{len(added.encode())} bytes of log"
    shown = [line for line in lines if "error to 'mallory': unknown_type" in line]
    counted = [int(m.group(1)) for line in lines if (m := _SUMMARY.search(line))]
    assert shown
    assert counted
    assert len(shown) + sum(counted) == FLOOD_FRAMES
    assert all(len(line) < 3 * QUOTE_MAX_CHARS for line in shown)
