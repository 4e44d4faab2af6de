"""A hostile or broken server against a real client over a real socket (issue 19, item 9):
ids past 2**53 or going backwards, and a server that welcomes and then drops at once."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QTcpSocket
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.message_model import DEFAULT_MAX_PRESENCE_ROWS, EntryKind
from shared.codec import encode
from tests.client.conftest import FAST, WAIT_MS
from tests.client.fake_server import FakeServer, Frame

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

TS = "2026-12-05T10:00:00.000Z"


def _message(id_: int, text: str) -> bytes:
    return encode({"type": "message", "id": id_, "ts": TS, "from": "bruno", "text": text})


def test_ids_past_2_53_or_going_backwards_are_dropped_in_order(qtbot: QtBot) -> None:
    def script(socket: QTcpSocket, frame: Frame) -> None:
        if frame["type"] == "ping":  # the replay is over: live messages
            for id_, text in [(5, "five"), (6, "six"), (3, "three, late"), (2**53, "huge"), (2**64, "huger")]:
                socket.write(_message(id_, text))
            socket.write(_message(7, "seven"))

    server = FakeServer(on_frame=script)
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    window.start(ConnectRequest("anna", "127.0.0.1", server.port))

    def shown() -> list[str]:
        model = window.model
        rows = (model.entry(r) for r in range(model.rowCount()))
        return [e.text for e in rows if e.kind is EntryKind.MESSAGE]

    qtbot.waitUntil(lambda: "seven" in shown(), timeout=WAIT_MS)
    assert shown() == ["five", "six", "seven"]
    assert controller.last_seen_id == 7  # the next hello's since: a real id
    assert controller.state is ClientState.CONNECTED
    window.close()
    server.close()


def test_a_server_that_drops_every_session_at_once_is_retried_ever_more_slowly(qtbot: QtBot) -> None:
    server = FakeServer(drop_after_welcome=True)
    # Waits of 0.05, 0.1, 0.2, 0.4 s (+-20 %) before the cap of 2 s.
    controller = ClientController(**{**FAST, "backoff_base": 0.05, "backoff_cap": 2.0})
    delays: list[float] = []
    controller.reconnect_scheduled.connect(delays.append)
    controller.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: len(delays) >= 4, timeout=WAIT_MS)
    controller.quit()
    assert server.hellos >= 4
    for earlier, later in itertools.pairwise(delays[:4]):
        assert later > earlier * 1.2, delays
    qtbot.waitUntil(lambda: controller.state is ClientState.DISCONNECTED, timeout=WAIT_MS)
    server.close()


def test_a_join_and_leave_storm_does_not_push_messages_out_of_the_scrollback(qtbot: QtBot) -> None:
    storm = 3000

    fired: list[bool] = []

    def script(socket: QTcpSocket, frame: Frame) -> None:
        # Once: on a loaded machine the client's idle ping comes too, and a second
        # storm's presence rows would follow "said 6" (duplicates of it are dropped).
        if frame["type"] == "ping" and not fired:  # the replay is over
            fired.append(True)
            frames = [_message(i, f"said {i}") for i in range(1, 6)]
            for i in range(storm):
                frames.append(encode({"type": "joined", "name": f"bot{i}", "ts": TS}))
                frames.append(encode({"type": "left", "name": f"bot{i}", "ts": TS, "reason": "quit"}))
            frames.append(_message(6, "said 6"))
            socket.write(b"".join(frames))

    server = FakeServer(on_frame=script)
    controller = ClientController(**FAST)
    window = ChatWindow(controller, max_rows=100)
    qtbot.addWidget(window)
    window.start(ConnectRequest("anna", "127.0.0.1", server.port))
    model = window.model

    def entries() -> list[tuple[EntryKind, str]]:
        return [(model.entry(r).kind, model.entry(r).text) for r in range(model.rowCount())]

    def presence() -> list[str]:
        return [text for kind, text in entries() if kind in (EntryKind.JOINED, EntryKind.LEFT)]

    # Once seen in CI (not here): "said 6" in the model before the storm's last
    # presence rows. Both are waited for; the order of the rows is checked below.
    qtbot.waitUntil(
        lambda: (EntryKind.MESSAGE, "said 6") in entries() and "bot2999" in presence()[-1],
        timeout=WAIT_MS * 10,  # 6 000 frames through the window: slow on a loaded machine
    )
    said = [text for kind, text in entries() if kind is EntryKind.MESSAGE]
    assert said == [f"said {i}" for i in range(1, 7)]
    assert 0 < len(presence()) <= DEFAULT_MAX_PRESENCE_ROWS
    assert entries()[-1] == (EntryKind.MESSAGE, "said 6")  # after every presence row
    assert window.users.names == ["anna"]
    window.close()
    server.close()


def test_a_welcome_listing_100_000_users_is_read_across_event_loop_passes(qtbot: QtBot) -> None:
    crowd = [f"user{i:06d}" for i in range(100_000)]
    server = FakeServer(welcomes=[{"users": ["anna", *crowd]}])
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1

    heartbeat = QTimer(window)
    heartbeat.timeout.connect(tick)
    heartbeat.start(0)
    marks: dict[str, int] = {}
    controller.users_reset.connect(lambda names: marks.setdefault("welcome", ticks))
    window.users.count_changed.connect(lambda count: count > 1 and marks.setdefault("listed", ticks))
    window.start(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: window.users.rowCount() == 100_001, timeout=WAIT_MS * 4)
    heartbeat.stop()
    assert marks["listed"] - marks["welcome"] >= 2, "the event loop turned while the names were read"
    assert window.users.names[:2] == ["anna", "user000000"]
    assert "anna" in window.users
    window.close()
    server.close()
