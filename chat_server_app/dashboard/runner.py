""":func:`run_dashboard`: the dashboard's life from the first window to the last client let go."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.engine import ChatServer, ListenError
from chat_server_app.headless import DRAIN_TIMEOUT_MS
from chat_server_app.settings import Settings
from shared.qt.stop_signals import StopSignalWatcher

__all__ = ["run_dashboard"]

_DRAIN_POLL_MS = 20


def _wait_for_clients(engine: ChatServer, timeout_ms: int) -> None:
    """Let the ``shutdown`` frames reach the clients before the process goes."""
    deadline = time.monotonic() + timeout_ms / 1000
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(_DRAIN_POLL_MS)

    def check() -> None:
        if engine.connection_count == 0 or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    check()
    if engine.connection_count:
        loop.exec()
    timer.stop()


def _close_watcher(watcher: StopSignalWatcher) -> None:
    watcher.close()
    watcher.deleteLater()


def run_dashboard(settings: Settings, engine: ChatServer) -> int:
    """Show the dashboard over ``engine`` until it is closed; the caller made the QApplication."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(settings, engine)
    try:
        engine.start()
    except ListenError as exc:
        window.show_listen_error(str(exc))  # shown stopped: the operator can pick another port
    # The window quits once the server has stopped. Qt's own quit on the last
    # window closed would be posted, and the event would then end the drain
    # loop below early (or, in tests, some later event loop).
    quit_on_last_window_closed = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    window.closed.connect(app.quit)
    watcher = StopSignalWatcher(lambda signum: window.close_without_asking())
    window.show()
    try:
        status = app.exec()
        engine.stop()  # done already if the window closed; not if the loop was quit otherwise
        _wait_for_clients(engine, DRAIN_TIMEOUT_MS)
    finally:
        _close_watcher(watcher)
        engine.close()
        app.setQuitOnLastWindowClosed(quit_on_last_window_closed)
    return int(status)
