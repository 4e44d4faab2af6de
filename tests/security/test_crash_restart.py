"""Crash and restart without loss (PROTOCOL.md §6).

A real server process with a real data directory; three chat windows (each a
:class:`ClientController` with short backoff timings and the client's own
:class:`MessageModel`) in the test process type 50 lines each at a steady pace through
the controller's send API. Mid-way the server is killed with SIGKILL and started again on
the same port and data directory. The clients reconnect by themselves and re-send what
was not acknowledged.

Afterwards: every line typed was acknowledged once; every window shows every acknowledged
message exactly once, in id order; the history holds each line once. And at every moment
between the kill and the end, each typed line was either acknowledged or still pending
on its author's screen: none vanished, none failed.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest, SendState
from chat_client_app.message_model import EntryKind
from chat_server_app.store import SqliteStore
from shared.messages import ChatMessage
from tests.security.conftest import FAST_CONTROLLER, WAIT_MS, ServerProcess

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
    pytest.mark.usefixtures("qsettings_in_tmp"),
]

NAMES = ("ada", "bea", "cyd")
PER_CLIENT = 50
PACE_MS = 25
"""Every 25 ms each client types its next line: 150 lines in about 1.3 s, so that the kill
(after 60 acknowledgements) and the restart (a second or two) both fall mid-way."""
KILL_AFTER_ACKS = 60
RATE = ("--rate-burst", "1000", "--rate-per-sec", "1000")
"""The test is about loss, not rate: the lines come faster than a person types."""


class Typist:
    """One user: a chat window and what they typed, what the controller says of it."""

    def __init__(self, qtbot: QtBot, name: str, port: int) -> None:
        self.name = name
        self.controller = ClientController(**FAST_CONTROLLER)
        self.window = ChatWindow(self.controller)
        qtbot.addWidget(self.window)
        self.window.resize(700, 400)
        self.typed: list[tuple[str, str]] = []  # (cid, text)
        self.typed_offline = 0
        self.states: dict[str, str] = {}
        self.shown: list[ChatMessage] = []
        self.controller.send_state_changed.connect(self._on_send_state_changed)
        self.controller.messages_received.connect(self.shown.extend)
        with qtbot.waitSignal(self.controller.connected, timeout=WAIT_MS):
            self.window.start(ConnectRequest(name, "127.0.0.1", port))

    def _on_send_state_changed(self, cid: str, state: str, reason: object) -> None:
        self.states[cid] = state

    def type_next(self) -> None:
        if len(self.typed) < PER_CLIENT:
            text = f"{self.name} says {len(self.typed):02d}"
            if self.controller.state is not ClientState.CONNECTED:
                self.typed_offline += 1
            cid = self.controller.say(text)
            self.typed.append((cid, text))

    @property
    def acked(self) -> list[str]:
        return [cid for cid, _ in self.typed if self.states.get(cid) == SendState.SENT]

    def check_nothing_vanished(self) -> None:
        """Every line typed is acknowledged, or pending in the controller and on screen."""
        pending = {out.cid for out in self.controller.pending}
        model = self.window.model
        on_screen = {
            e.cid: e.state
            for e in (model.entry(r) for r in range(model.rowCount()))
            if e.kind is EntryKind.MESSAGE and e.own and e.cid is not None
        }
        for cid, text in self.typed:
            state = self.states.get(cid)
            assert state != SendState.FAILED, f"{text!r} failed"
            if state == SendState.SENT:
                assert cid not in pending
            else:
                assert cid in pending, f"{text!r} is neither acknowledged nor pending"
                assert on_screen.get(cid) is SendState.PENDING, f"{text!r} is not shown as pending"


@pytest.fixture
def typists(qtbot: QtBot) -> Iterator[list[Typist]]:
    made: list[Typist] = []
    yield made
    for typist in made:
        typist.window.close()
    qtbot.waitUntil(
        lambda: all(t.controller.state is ClientState.DISCONNECTED for t in made), timeout=WAIT_MS
    )


@pytest.mark.slow
def test_a_sigkill_mid_chat_loses_no_message(
    qtbot: QtBot,
    tmp_path: Path,
    server_process: Callable[..., ServerProcess],
    typists: list[Typist],
) -> None:
    data = tmp_path / "data"
    first = server_process(data, *RATE)
    port = first.wait_started(qtbot)
    typists.extend(Typist(qtbot, name, port) for name in NAMES)
    everyone = typists

    def type_round() -> None:
        for typist in everyone:
            typist.type_next()

    pace = QTimer()
    pace.setInterval(PACE_MS)
    pace.timeout.connect(type_round)
    pace.start()
    try:
        qtbot.waitUntil(lambda: sum(len(t.acked) for t in everyone) >= KILL_AFTER_ACKS, timeout=10_000)
        first.kill()
        typed_at_kill = sum(len(t.typed) for t in everyone)
        assert typed_at_kill < len(NAMES) * PER_CLIENT, "the kill came too late to be mid-way"
        for typist in everyone:
            typist.check_nothing_vanished()

        # the clients notice, and keep retrying while the server is down
        qtbot.waitUntil(
            lambda: all(t.controller.state is not ClientState.CONNECTED for t in everyone), timeout=WAIT_MS
        )
        for typist in everyone:
            typist.check_nothing_vanished()
        unacked_at_drop = sum(len(t.typed) - len(t.acked) for t in everyone)

        second = server_process(data, *RATE, port=port)
        assert second.wait_started(qtbot) == port
        for typist in everyone:
            typist.check_nothing_vanished()

        def all_done() -> bool:
            return all(
                len(t.typed) == PER_CLIENT
                and t.controller.state is ClientState.CONNECTED
                and not t.controller.pending
                for t in everyone
            )

        qtbot.waitUntil(all_done, timeout=30_000)
    finally:
        pace.stop()
    assert unacked_at_drop > 0, "nothing was in flight when the server died"
    assert sum(t.typed_offline for t in everyone) > 0, "nothing was typed while the server was down"

    # every line typed was acknowledged, once
    acked_ids: dict[str, int] = {}
    for typist in everyone:
        typist.check_nothing_vanished()
        assert typist.acked == [cid for cid, _ in typist.typed]
        own = [m for m in typist.shown if m.cid is not None]
        for cid, text in typist.typed:
            echoes = [m for m in own if m.cid == cid]
            assert len(echoes) == 1, f"{text!r} echoed {len(echoes)} times"
            assert echoes[0].text == text
            acked_ids[text] = echoes[0].id
    assert len(set(acked_ids.values())) == len(NAMES) * PER_CLIENT

    # every window shows every acknowledged message exactly once, in id order
    expected = sorted(acked_ids.items(), key=lambda item: item[1])
    for typist in everyone:

        def has_all(t: Typist = typist) -> bool:
            return {m.id for m in t.shown} >= set(acked_ids.values())

        qtbot.waitUntil(has_all, timeout=WAIT_MS)
        shown = [(m.text, m.id) for m in typist.shown]
        ids = [i for _, i in shown]
        assert ids == sorted(set(ids)), f"{typist.name}: ids repeat or go back"
        assert [s for s in shown if s[0] in acked_ids] == expected
        model = typist.window.model
        rows = [model.entry(r) for r in range(model.rowCount())]
        messages = [(e.text, e.msg_id) for e in rows if e.kind is EntryKind.MESSAGE]
        assert messages == expected, f"{typist.name}'s window"
        assert model.pending_count == 0

    # the history holds each line once, under the id its author was told
    for typist in everyone:
        typist.window.close()
    stopped = second.stop(qtbot)
    assert stopped == 0
    with sqlite3.connect(f"file:{data / SqliteStore.FILENAME}?mode=ro", uri=True) as db:
        rows_in_db = db.execute("SELECT text, id FROM messages ORDER BY id").fetchall()
    assert rows_in_db == expected
