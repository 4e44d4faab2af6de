"""The dashboard in Italian: the translators the server installs, the real window, ``--lang``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMenu, QMenuBar, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from chat_server_app.core.room_orders import RoomOrderError, RoomRefusal
from chat_server_app.dashboard.ban_dialog import BanDialog, BanOrder
from chat_server_app.dashboard.bans_model import BanColumn
from chat_server_app.dashboard.formatting import format_bytes
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.names_dialog import NamesDialog
from chat_server_app.dashboard.users_model import Column
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import BanKind, MemoryStore
from shared.qt.connection import Connection
from shared.qt.startup_probe import ENV_VAR
from shared.qt.translations import install_translators
from shared.version import version
from shared_gui.about import about_text

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 5000
PROCESS_TIMEOUT = 30.0
"""A fresh interpreter importing PySide6 on a loaded CI machine takes seconds."""


@pytest.fixture
def italian(qapp: QApplication) -> Iterator[list[QTranslator]]:
    """What ``chat-server --lang it`` installs; undone afterwards."""
    previous_locale = QLocale()
    translators = install_translators(qapp, "it")
    yield translators
    for translator in translators:
        qapp.removeTranslator(translator)
        translator.setParent(None)
    QLocale.setDefault(previous_locale)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[ChatServer]:
    settings = Settings(host="127.0.0.1", port=0, name="Aula 3", no_announce=True, data_dir=tmp_path)
    server = ChatServer(settings, MemoryStore())
    server.start()
    yield server
    server.close()


def test_the_dashboard_speaks_italian(qtbot: QtBot, italian: list[QTranslator], engine: ChatServer) -> None:
    assert len(italian) == 2  # Parla's and Qt's own (qtbase_it)
    window = MainWindow(engine.settings, engine)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Server Parla — Aula 3"

    labels = {label.objectName(): label.text() for label in window.findChildren(QLabel)}
    assert labels["state_label"] == "In ascolto"
    assert labels["mode_label"] == "Aperta"
    texts = {label.text() for label in window.findChildren(QLabel)}
    assert {"Per connettersi:", "Attivo da", "Utenti i&n linea", "A&vviso a tutti:"} <= texts

    menu_bar = window.findChild(QMenuBar)
    assert menu_bar is not None
    assert [action.text() for action in menu_bar.actions()] == [
        "&Server",
        "&Utenti",
        "Stan&ze",
        "&Visualizza",
        "&Aiuto",
    ]
    model = window.users_model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in (Column.NAME, Column.QUEUED)]
    assert headers == ["Nome", "In coda"]

    anna = Connection()
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to_host("127.0.0.1", engine.port)
    anna.send({"type": "hello", "version": 1, "name": "anna"})

    def joined_in_italian() -> None:
        rows = [str(window.log_model.index(r, 0).data()) for r in range(window.log_model.rowCount())]
        assert any("anna entra nella chat da 127.0.0.1:" in row for row in rows), rows

    qtbot.waitUntil(joined_in_italian, timeout=WAIT_MS)
    anna.abort()
    window.close_without_asking()


def test_names_and_bans_speak_italian(qtbot: QtBot, italian: list[QTranslator], engine: ChatServer) -> None:
    window = MainWindow(engine.settings, engine)
    qtbot.addWidget(window)
    users_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Utenti")
    assert isinstance(users_menu, QMenu)
    texts = [a.text() for a in users_menu.actions() if not a.isSeparator()]
    assert texts == ["&Espelli…", "&Blocca…", "&Sposta in una stanza…", "&Nomi e blocchi…"]
    dialog = BanDialog("anna", "")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Blocca"
    assert dialog.order() == BanOrder(BanKind.NAME, "anna", 3600.0, "", "per 1 ora")
    names = NamesDialog(engine, QAction(), window)
    assert names.windowTitle() == "Nomi e blocchi"
    assert names.bans_model.headerData(BanColumn.UNTIL, Qt.Orientation.Horizontal) == "Fino a"
    window.close_without_asking()


def test_numbers_follow_the_language(italian: list[QTranslator]) -> None:
    assert format_bytes(1536) == "1,5 KiB"


@pytest.mark.parametrize(
    ("args", "system", "title"),
    [
        (["--lang", "it"], "en_US.UTF-8", "Server Parla — Aula 3"),
        (["--lang", "en"], "it_IT.UTF-8", "Parla Server — Aula 3"),
        ([], "it_IT.UTF-8", "Server Parla — Aula 3"),  # the system's language
    ],
)
def test_the_language_reaches_the_dashboard(tmp_path: Path, args: list[str], system: str, title: str) -> None:
    """End to end: the startup probe prints the shown window's title."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "chat_server_app",
            *args,
            "--name",
            "Aula 3",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-announce",
            "--data-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env={**env, "LANG": system, "QT_QPA_PLATFORM": "offscreen", ENV_VAR: "1"},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"shown: {title}\n"), result.stderr


def _about_box(qtbot: QtBot, window: QWidget, menu_title: str, title: str) -> QMessageBox:
    bar = window.findChild(QMenuBar)
    assert isinstance(bar, QMenuBar)
    help_menu = next(a.menu() for a in bar.actions() if a.text() == menu_title)
    assert isinstance(help_menu, QMenu)
    about = next(a for a in help_menu.actions() if a.objectName() == "about_action")
    about.trigger()
    box = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == title and w.isVisible())
    assert isinstance(box, QMessageBox)
    return box


@pytest.mark.parametrize("italian_too", [False, True])
def test_the_dashboard_has_the_clients_about_box(
    qtbot: QtBot, request: pytest.FixtureRequest, engine: ChatServer, italian_too: bool
) -> None:
    if italian_too:
        request.getfixturevalue("italian")
    window = MainWindow(engine.settings, engine)
    qtbot.addWidget(window)
    window.show()
    menu, title = ("&Aiuto", "Informazioni su Parla") if italian_too else ("&Help", "About Parla")
    box = _about_box(qtbot, window, menu, title)
    # One text for both programs: the same function writes it.
    assert box.text() == about_text()
    assert version() in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert ("Una chat" in box.text()) is italian_too
    box.close()


def test_an_order_the_rules_refuse_is_told_in_the_operators_language(
    qtbot: QtBot, italian: list[QTranslator], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(host="127.0.0.1", port=0, no_announce=True, data_dir=tmp_path, max_rooms=1)
    server = ChatServer(settings, MemoryStore())
    server.start()
    try:
        window = MainWindow(settings, server)
        qtbot.addWidget(window)
        server.rooms.open_room("uno")
        names = iter(["due"])
        monkeypatch.setattr(QInputDialog, "exec", lambda dialog: dialog.setTextValue(next(names)) or 1)
        new_room = window.findChild(QAction, "new_room_action")
        assert isinstance(new_room, QAction)
        new_room.trigger()
        said = window.statusBar().currentMessage()
        assert said == "Non eseguito: questo server ha già tutte le stanze che può avere (1)"
        # Each refusal of the core says which it is, for the window to word it.
        with pytest.raises(RoomOrderError) as refused:
            server.rooms.close_room("nessuna")
        assert refused.value.refusal is RoomRefusal.NO_SUCH_ROOM
    finally:
        server.close()
