"""What the dashboard tests share: a recording protocol client, and ways to find and
read the window's widgets and models."""

from __future__ import annotations

from typing import Any

from PySide6.QtNetwork import QAbstractSocket
from PySide6.QtWidgets import QLabel, QTableView, QWidget
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.log_model import KIND_ROLE, LogKind
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.users_model import Column
from shared.qt.connection import Connection

Frame = dict[str, Any]

WAIT_MS = 5000
"""Longest a test waits for something that should happen at once on loopback."""


class Client:
    """A protocol client over loopback that records what it receives."""

    def __init__(self, qtbot: QtBot, port: int) -> None:
        self._qtbot = qtbot
        self.conn = Connection()
        self.received: list[Frame] = []
        self.conn.message_received.connect(self.received.append)
        with qtbot.waitSignal(self.conn.connected, timeout=WAIT_MS):
            self.conn.connect_to_host("127.0.0.1", port)

    def hello(self, name: str, **fields: Any) -> Frame:
        """Send ``hello`` (version 2 with a ``token``); the answer, ``welcome`` or ``error``."""
        version = 2 if "token" in fields else 1
        self.conn.send({"type": "hello", "version": version, "name": name, **fields})
        self._qtbot.waitUntil(lambda: bool(self.of_type("welcome") or self.of_type("error")), timeout=WAIT_MS)
        return (self.of_type("welcome") or self.of_type("error"))[0]

    def join(self, name: str, **fields: Any) -> Client:
        welcome = self.hello(name, **fields)
        assert welcome["type"] == "welcome", welcome
        assert welcome["name"] == name
        return self

    def say(self, text: str, **fields: Any) -> None:
        self.conn.send({"type": "say", "text": text, **fields})

    def of_type(self, type_: str) -> list[Frame]:
        return [f for f in self.received if f.get("type") == type_]

    def expect(self, type_: str, **fields: Any) -> Frame:
        def check() -> bool:
            return any(all(f.get(k) == v for k, v in fields.items()) for f in self.of_type(type_))

        self._qtbot.waitUntil(check, timeout=WAIT_MS)
        return next(f for f in self.of_type(type_) if all(f.get(k) == v for k, v in fields.items()))

    @property
    def closed(self) -> bool:
        # An unbuffered socket can reach UnconnectedState on the peer's close
        # without a ``disconnected``: read the state itself.
        return self.conn.socket.state() == QAbstractSocket.SocketState.UnconnectedState

    def wait_closed(self) -> None:
        self._qtbot.waitUntil(lambda: self.closed, timeout=WAIT_MS)


def child(window: QWidget, kind: type[Any], name: str) -> Any:
    found = window.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def label_text(window: QWidget, name: str) -> str:
    return str(child(window, QLabel, name).text())


def log_rows(window: MainWindow, kind: LogKind | None = None) -> list[str]:
    model = window.log_model
    rows = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if kind is None or index.data(KIND_ROLE) == kind.value:
            rows.append(str(index.data()))
    return rows


def wait_for_log(qtbot: QtBot, window: MainWindow, kind: LogKind, text: str) -> None:
    qtbot.waitUntil(lambda: any(text in row for row in log_rows(window, kind)), timeout=WAIT_MS)


def users_shown(window: MainWindow) -> list[str]:
    model = window.users_model
    return [str(model.index(row, Column.NAME).data()) for row in range(model.rowCount())]


def select_user(window: MainWindow, name: str) -> None:
    view = child(window, QTableView, "users_view")
    view.selectRow(users_shown(window).index(name))
    selected = window.selected_session()
    assert selected is not None
    assert selected.name == name
