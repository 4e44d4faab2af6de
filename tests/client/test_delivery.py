"""Nothing lost, nothing twice (PROTOCOL.md §6, §8.2), the client's side over real sockets:
pending says are resent only after the replay, and a long offline queue is paced under
the server's rate limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtNetwork import QTcpSocket
from pytestqt.qtbot import QtBot

from chat_client_app.controller import CLIENT_READ_PER_PASS, ClientController, ClientState, ConnectRequest
from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from shared.codec import encode
from shared.messages import ChatMessage
from tests.client.conftest import WAIT_MS, Recorder
from tests.client.fake_server import FakeServer, Frame

TS = "2026-12-05T10:00:00.000Z"
MakeController = Callable[..., ClientController]


def replay(mine: ChatMessage | None, count: int = 1500) -> list[bytes]:
    """``count`` messages from bruno, with ``mine`` five from the end."""
    frames = [
        ChatMessage(i, TS, "bruno", f"replayed {i:05} " + "x" * 60, history=True) for i in range(1, count)
    ]
    if mine is not None:
        frames.insert(len(frames) - 5, mine)
    return [encode(m.to_dict()) for m in frames]


class SaysSeen:
    """The says a fake server receives, and whether its replay was all written by then."""

    def __init__(self) -> None:
        self.server: FakeServer | None = None
        self.says: list[tuple[int, str, bool]] = []  # (connection number, cid, replay written)

    def __call__(self, socket: QTcpSocket, frame: Frame) -> None:
        if frame["type"] == "say" and self.server is not None:
            number = self.server.hellos - 1
            self.says.append((number, str(frame["cid"]), self.server.replay_written[number]))


def pending_then_reconnect(
    qtbot: QtBot, make_controller: MakeController, with_echo: bool
) -> tuple[FakeServer, SaysSeen, ClientController, str]:
    seen = SaysSeen()
    server = FakeServer(on_frame=seen, replays=[[]])  # the fake never echoes a say
    seen.server = server
    anna = make_controller()
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    cid = anna.say("mine")
    qtbot.waitUntil(lambda: len(seen.says) == 1, timeout=WAIT_MS)
    # The server stored it (or not), then the link broke before the echo.
    mine = ChatMessage(1495, TS, "anna", "mine", cid=cid, history=True)
    frames = replay(mine if with_echo else None)
    assert sum(map(len, frames)) > 4 * CLIENT_READ_PER_PASS  # many reads, many slices
    server.set_replays([[], frames])
    server.sockets[0].abort()
    qtbot.waitUntil(lambda: server.hellos == 2 and anna.state is ClientState.CONNECTED, timeout=WAIT_MS)
    return server, seen, anna, cid


def test_a_say_the_replay_shows_near_its_end_is_not_sent_again(
    qtbot: QtBot, make_controller: MakeController
) -> None:
    server, seen, anna, cid = pending_then_reconnect(qtbot, make_controller, with_echo=True)
    qtbot.waitUntil(lambda: not anna.pending, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: server.replay_written[1] and not anna._session.replaying, timeout=WAIT_MS)
    assert seen.says == [(0, cid, True)]
    server.close()


def test_a_say_the_replay_does_not_show_is_sent_once_after_it(
    qtbot: QtBot, make_controller: MakeController
) -> None:
    server, seen, anna, cid = pending_then_reconnect(qtbot, make_controller, with_echo=False)
    qtbot.waitUntil(lambda: len(seen.says) == 2, timeout=WAIT_MS)
    # Its original cid, once, and only when the whole replay was written.
    assert seen.says == [(0, cid, True), (1, cid, True)]
    assert [o.cid for o in anna.pending] == [cid]
    server.close()


def test_twenty_five_lines_typed_offline_are_all_stored_once_in_order(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: MakeController, tmp_path: Path
) -> None:
    data = tmp_path / "paced"
    server = make_server(store=SqliteStore.in_dir(data))  # the default rate: burst 20, 5/s
    port = server.port
    anna = join(server, "anna")
    seen = Recorder(anna)
    with qtbot.waitSignal(anna.shutdown_received, timeout=WAIT_MS):
        server.close()
    qtbot.waitUntil(lambda: anna.state is not ClientState.CONNECTED, timeout=WAIT_MS)
    lines = [f"offline line {i}" for i in range(25)]
    cids = [anna.say(line) for line in lines]
    restarted = make_server(store=SqliteStore.in_dir(data), port=port)
    qtbot.waitUntil(lambda: all(seen.state_of(c) == "sent" for c in cids), timeout=15_000)
    assert [s for _, s, _ in seen.send_states if s == "failed"] == []
    stored = restarted.store.since(0, "anna")
    assert [m.text for m in stored] == lines
    assert [m.cid for m in stored] == cids
