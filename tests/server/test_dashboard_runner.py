"""run_dashboard: the whole life of the dashboard, from the first window shown to the
last client let go, over a real engine and a real client on 127.0.0.1."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtNetwork import QHostAddress, QTcpServer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.confirm_dialog import ConfirmStopDialog
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.runner import run_dashboard
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore, SqliteStore
from shared.qt.connection import Connection
from tests.server.dashboard_helpers import WAIT_MS, Client, Frame, child, label_text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(host="127.0.0.1", port=0, name="Lab 3", no_announce=True, data_dir=tmp_path)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts passed to ``ConfirmStopDialog.ask``, which answers "stop"."""
    counts: list[int] = []

    def ask(parent: QWidget | None, count: int) -> bool:
        counts.append(count)
        return True

    monkeypatch.setattr(ConfirmStopDialog, "ask", ask)
    return counts


def _dashboard_window() -> MainWindow | None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return windows[0] if windows else None


def test_run_dashboard_stops_on_sigint_without_asking(
    qtbot: QtBot, settings: Settings, tmp_path: Path, asked: list[int]
) -> None:
    engine = ChatServer(settings, SqliteStore.in_dir(tmp_path))
    clients: list[Client] = []
    seen: dict[str, bool] = {}

    def connect_then_interrupt() -> None:
        window = _dashboard_window()
        seen["shown"] = window is not None
        seen["listening"] = engine.is_listening
        client = Connection()
        record = Client.__new__(Client)
        record._qtbot, record.conn, record.received = qtbot, client, []
        clients.append(record)

        def on_message(frame: Frame) -> None:
            record.received.append(frame)
            if frame["type"] == "welcome":
                os.kill(os.getpid(), signal.SIGINT)

        client.message_received.connect(on_message)
        client.connected.connect(lambda: client.send({"type": "hello", "version": 1, "name": "alice"}))
        client.connect_to_host("127.0.0.1", engine.port)

    QTimer.singleShot(0, connect_then_interrupt)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(QApplication.quit)
    guard.start(20_000)  # a broken signal path fails the test instead of hanging it
    status = run_dashboard(settings, engine)
    guard.stop()

    assert status == 0
    assert engine.connection_count == 0  # it waited for the clients to be let go
    assert QApplication.quitOnLastWindowClosed()  # restored
    assert seen == {"shown": True, "listening": True}
    assert asked == []  # a signal does not ask
    assert not engine.is_listening
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    (alice,) = clients
    assert alice.expect("shutdown")
    alice.conn.abort()


def test_run_dashboard_shows_a_listen_error_and_stays_stopped(
    qtbot: QtBot, tmp_path: Path, asked: list[int]
) -> None:
    taken = QTcpServer()
    assert taken.listen(QHostAddress("127.0.0.1"), 0)
    port = taken.serverPort()
    settings = Settings(host="127.0.0.1", port=port, no_announce=True, data_dir=tmp_path)
    engine = ChatServer(settings, MemoryStore())
    seen: dict[str, object] = {}

    def look_then_close() -> None:
        window = _dashboard_window()
        assert window is not None
        seen["state"] = label_text(window, "state_label")
        seen["status"] = window.statusBar().currentMessage()
        seen["start"] = child(window, QAction, "start_action").isEnabled()
        window.close()

    QTimer.singleShot(0, look_then_close)
    try:
        assert run_dashboard(settings, engine) == 0
    finally:
        taken.close()
    assert seen["state"] == "Stopped"
    assert f"cannot listen on 127.0.0.1:{port}" in str(seen["status"])
    assert seen["start"] is True
    # No quit request is left behind to end the next event loop at once.
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=WAIT_MS):
        timer.start(20)
