"""Says not sent yet survive a closed window, a crash and a reboot (issue 18, §6): saved
per server at once, sent with their original cids on the next connection, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.recent_servers import memory_folder
from chat_client_app.server_memory import ServerMemory
from chat_client_app.unsent_dialog import UnsentChoice, UnsentDialog
from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from tests.client.conftest import FAST, WAIT_MS, Recorder

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

REAL_ASK = UnsentDialog.ask  # before the suite's fixture replaces it
MakeServer = Callable[..., ChatServer]


def saved_cids(port: int, name: str = "anna") -> list[str]:
    """What a new run would find on disk (a fresh reader: no cache)."""
    return [s.cid for s in ServerMemory(memory_folder()).outbox("127.0.0.1", port, name)]


def die(controller: ClientController) -> None:
    """The app dies: no bye, no clean shutdown, no last save; the socket just goes."""
    controller._stop_reconnect()
    controller._clocks.stop()
    if controller._conn is not None:
        controller._conn.abort()
    controller.blockSignals(True)
    controller.deleteLater()


def down_with_anna(
    qtbot: QtBot, make_server: MakeServer, tmp_path: Path
) -> tuple[ClientController, int, Path]:
    data = tmp_path / "history"
    server = make_server(store=SqliteStore.in_dir(data))
    anna = ClientController(**FAST)
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    port = server.port  # 0 once closed
    with qtbot.waitSignal(anna.shutdown_received, timeout=WAIT_MS):
        server.close()
    qtbot.waitUntil(lambda: anna.state is not ClientState.CONNECTED, timeout=WAIT_MS)
    return anna, port, data


def test_a_say_typed_offline_survives_the_app_dying_and_is_sent_once(
    qtbot: QtBot, make_server: MakeServer, make_controller: Callable[..., ClientController], tmp_path: Path
) -> None:
    anna, port, data = down_with_anna(qtbot, make_server, tmp_path)
    cid = anna.say("typed before the crash", to=None)
    assert saved_cids(port) == [cid]  # on disk before the event loop turns again
    die(anna)

    restarted = make_server(store=SqliteStore.in_dir(data), port=port)
    again = make_controller()  # the next run
    seen = Recorder(again)
    again.connect_to(ConnectRequest("anna", "127.0.0.1", port))
    assert [o.cid for o in again.pending] == [cid]  # shown pending at once
    qtbot.waitUntil(lambda: seen.state_of(cid) == "sent", timeout=WAIT_MS)
    stored = [m for m in restarted.store.since(0, "anna") if m.text == "typed before the crash"]
    assert [m.cid for m in stored] == [cid]
    assert saved_cids(port) == []


def test_a_say_stored_before_the_crash_but_not_acknowledged_is_not_posted_twice(
    qtbot: QtBot, server: ChatServer, make_controller: Callable[..., ClientController]
) -> None:
    anna = ClientController(**FAST)
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    # The server stores the say; the app dies before the echo arrives.
    server.messages_posted.connect(lambda batch: die(anna))
    cid = anna.say("exactly once")
    qtbot.waitUntil(lambda: len(server.store.since(0, "anna")) == 1, timeout=WAIT_MS)
    server.messages_posted.disconnect()
    assert saved_cids(server.port) == [cid]
    qtbot.waitUntil(lambda: not any(s.name == "anna" for s in server.users), timeout=WAIT_MS)

    again = make_controller()
    seen = Recorder(again)
    again.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: seen.state_of(cid) == "sent", timeout=WAIT_MS)
    assert [m.cid for m in server.store.since(0, "anna")] == [cid]
    assert seen.texts() == ["exactly once"]  # the history's copy, acknowledged by it


def test_a_say_kept_from_the_last_run_is_shown_under_the_users_name(
    qtbot: QtBot, make_server: MakeServer, make_controller: Callable[..., ClientController], tmp_path: Path
) -> None:
    """The next run shows the kept say before any welcome named the user, then its echo."""
    anna, port, data = down_with_anna(qtbot, make_server, tmp_path)
    cid = anna.say("kept for next time", to=None)
    die(anna)
    make_server(store=SqliteStore.in_dir(data), port=port)
    window = ChatWindow(make_controller())
    qtbot.addWidget(window)
    window.start(ConnectRequest("anna", "127.0.0.1", port))
    model = window.model

    def row() -> tuple[str, str, object]:
        (entry,) = [model.entry(r) for r in range(model.rowCount()) if model.entry(r).cid == cid]
        return entry.sender, entry.text, entry.state

    assert row() == ("anna", "kept for next time", "pending")
    qtbot.waitUntil(lambda: row()[2] == "sent", timeout=WAIT_MS)
    assert row() == ("anna", "kept for next time", "sent")
    window.close()


def closed_window(qtbot: QtBot, make_server: MakeServer, tmp_path: Path) -> tuple[ChatWindow, int, list[str]]:
    anna, port, _ = down_with_anna(qtbot, make_server, tmp_path)
    window = ChatWindow(anna)
    qtbot.addWidget(window)
    window.show()
    cids = [anna.say(f"unsent {i}") for i in range(3)]
    return window, port, cids


def answer(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, button: str) -> list[str]:
    """Let the real dialog open, and click ``button`` in it; what it said."""
    monkeypatch.setattr(UnsentDialog, "ask", REAL_ASK)
    said: list[str] = []

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, UnsentDialog)
        said.append(dialog.text())
        {"keep": dialog.keep_button, "discard": dialog.discard_button}.get(
            button, dialog.escapeButton()
        ).click()

    QTimer.singleShot(0, click)
    return said


def test_closing_with_unsent_messages_asks_and_keep_keeps_them(
    qtbot: QtBot, make_server: MakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, port, cids = closed_window(qtbot, make_server, tmp_path)
    said = answer(monkeypatch, qtbot, "keep")
    window.close()
    assert said == ["3 messages not sent yet"]
    assert not window.isVisible()
    assert saved_cids(port) == cids


def test_discard_empties_the_saved_outbox(
    qtbot: QtBot, make_server: MakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, port, _ = closed_window(qtbot, make_server, tmp_path)
    answer(monkeypatch, qtbot, "discard")
    window.close()
    assert not window.isVisible()
    assert saved_cids(port) == []
    assert window._controller.pending == []


def test_cancel_keeps_the_window_open(
    qtbot: QtBot, make_server: MakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _, cids = closed_window(qtbot, make_server, tmp_path)
    answer(monkeypatch, qtbot, "cancel")
    window.close()
    assert window.isVisible()
    assert [o.cid for o in window._controller.pending] == cids
    monkeypatch.setattr(UnsentDialog, "ask", classmethod(lambda cls, parent, count: UnsentChoice.KEEP))
    window.close()
    assert not window.isVisible()
