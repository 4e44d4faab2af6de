"""The rooms from the dashboard (docs/PROTOCOL.md §8.3): the rooms table beside the
users, and the operator's New room, Set topic, read-only, Move and Close, driven
through the window's actions and dialogs, seen by real clients of a real engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.confirm_dialog import ConfirmStopDialog
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.rooms_model import RoomColumn
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from tests.server.dashboard_helpers import WAIT_MS, Client, child, select_user


@pytest.fixture
def engine(qtbot: QtBot, tmp_path: Path) -> Iterator[ChatServer]:
    settings = Settings(host="127.0.0.1", port=0, name="Lab 3", no_announce=True, data_dir=tmp_path)
    server = ChatServer(settings, MemoryStore())
    server.start()
    yield server
    server.close()


@pytest.fixture
def window(qtbot: QtBot, engine: ChatServer, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(ConfirmStopDialog, "ask", lambda parent, count: True)
    win = MainWindow(engine.settings, engine)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def connect(qtbot: QtBot, engine: ChatServer) -> Iterator[Callable[[str], Client]]:
    made: list[Client] = []

    def factory(name: str) -> Client:
        client = Client(qtbot, engine.port).join(name)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.conn.abort()
        client.conn.deleteLater()


def answer(name: str, text: str | None = None) -> list[str]:
    """The next modal dialog, named ``name``, is answered (with ``text``) and accepted;
    the names of the dialogs that came, for the test to check."""
    seen: list[str] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        seen.append(dialog.objectName())
        if isinstance(dialog, QInputDialog):
            if text is not None and dialog.objectName() == name:
                dialog.setTextValue(text)
            dialog.done(QInputDialog.DialogCode.Accepted if dialog.objectName() == name else 0)
        elif isinstance(dialog, QMessageBox):
            button = (
                QMessageBox.StandardButton.Yes
                if dialog.objectName() == name
                else QMessageBox.StandardButton.Cancel
            )
            dialog.button(button).click()
        else:
            dialog.close()

    QTimer.singleShot(0, act)
    return seen


def rooms_shown(window: MainWindow) -> list[str]:
    model = window.rooms_model
    return [str(model.index(row, RoomColumn.NAME).data()) for row in range(model.rowCount())]


def select_room(window: MainWindow, name: str) -> None:
    child(window, QTableView, "rooms_view").selectRow(rooms_shown(window).index("#" + name))
    selected = window.selected_room()
    assert selected is not None
    assert selected.name == name


def trigger(window: MainWindow, name: str) -> None:
    child(window, QAction, name).trigger()


def test_rooms_beside_the_users_follow_the_clients(
    qtbot: QtBot, window: MainWindow, connect: Callable[[str], Client]
) -> None:
    anna, bruno = connect("anna"), connect("bruno")
    view = child(window, QTableView, "rooms_view")
    assert view.accessibleName() == "Rooms"
    anna.conn.send({"type": "join", "room": "giochi"})
    qtbot.waitUntil(lambda: rooms_shown(window) == ["#general", "#giochi"], timeout=WAIT_MS)
    anna.say("quake?", room="giochi")
    anna.expect("message", text="quake?")
    model = window.rooms_model

    def counts() -> tuple[object, object]:
        return model.index(1, RoomColumn.MEMBERS).data(), model.index(1, RoomColumn.MESSAGES).data()

    qtbot.waitUntil(lambda: counts() == (1, 1), timeout=WAIT_MS)
    anna.conn.send({"type": "part", "room": "giochi"})
    qtbot.waitUntil(lambda: rooms_shown(window) == ["#general"], timeout=WAIT_MS)
    assert [f for f in bruno.received if f.get("room")] == []


def test_the_operator_opens_a_room_sets_its_topic_and_read_only_and_closes_it(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, connect: Callable[[str], Client]
) -> None:
    anna, bruno = connect("anna"), connect("bruno")
    seen = answer("new_room_dialog", "Aula")
    trigger(window, "new_room_action")
    assert seen == ["new_room_dialog"]
    qtbot.waitUntil(lambda: rooms_shown(window) == ["#general", "#Aula"], timeout=WAIT_MS)
    assert "The room #Aula is open" in window.statusBar().currentMessage()
    # the operator moves anna in from the users list's context menu
    select_user(window, "anna")
    menu = window.users_context_menu()
    move = child(window, QAction, "move_user_action")
    assert move in menu.actions()
    assert move.isEnabled()
    answer("move_user_dialog", "Aula")
    move.trigger()
    assert anna.expect("joined", room="Aula")["users"] == ["anna"]
    select_room(window, "Aula")
    answer("topic_dialog", "<b>Compito</b> di matematica")
    trigger(window, "set_topic_action")
    notice = anna.expect("notice", room="Aula")
    assert notice["text"] == "The topic is now: <b>Compito</b> di matematica"
    qtbot.waitUntil(
        lambda: window.rooms_model.index(1, RoomColumn.TOPIC).data() == "<b>Compito</b> di matematica",
        timeout=WAIT_MS,
    )
    # the read-only box, as a click on it sets it
    box = window.rooms_model.index(1, RoomColumn.READ_ONLY)
    window.rooms_model.setData(box, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    anna.expect("notice", text="#Aula is now read-only: only the operator can write.")
    qtbot.waitUntil(lambda: child(window, QAction, "room_read_only_action").isChecked(), timeout=WAIT_MS)
    anna.say("posso?", room="Aula", cid="c1")
    assert anna.expect("error", cid="c1")["code"] == "read_only"
    # closing asks first, then sends anna out
    select_room(window, "Aula")
    seen = answer("close_room_box")
    trigger(window, "close_room_action")
    assert seen == ["close_room_box"]
    left = anna.expect("left", room="Aula")
    assert (left["name"], left["reason"]) == ("anna", "closed")
    qtbot.waitUntil(lambda: rooms_shown(window) == ["#general"], timeout=WAIT_MS)
    assert [f for f in bruno.received if f.get("room")] == []
    assert not child(window, QAction, "close_room_action").isEnabled()


def test_a_bad_room_name_is_refused_in_the_operator_s_words(
    qtbot: QtBot, window: MainWindow, engine: ChatServer
) -> None:
    answer("new_room_dialog", "due parole")
    trigger(window, "new_room_action")
    assert "cannot be a room's name" in window.statusBar().currentMessage()
    assert rooms_shown(window) == ["#general"]
    assert [r.name for r in engine.rooms.listing()] == ["general"]
