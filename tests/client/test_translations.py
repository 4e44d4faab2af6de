"""The client in Italian and in English, through the translators ``main`` installs.

That every string of the code is translated is ``tests/test_translations.py``'s job;
here the compiled ``.qm`` files reach the real widgets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ConnectRequest
from chat_server_app.engine import ChatServer
from shared.qt.startup_probe import ENV_VAR
from shared.qt.translations import install_translators
from tests.client.conftest import FAST, WAIT_MS, free_udp_port

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

Install = Callable[[str], list[QTranslator]]

ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT = 30.0
"""A fresh interpreter importing PySide6 on a loaded CI machine takes seconds."""


@pytest.fixture
def install(qapp: QApplication) -> Iterator[Install]:
    """``install(lang)``: what ``main`` does for ``--lang lang``; undone afterwards."""
    installed: list[QTranslator] = []
    previous_locale = QLocale()

    def factory(lang: str) -> list[QTranslator]:
        translators = install_translators(qapp, lang)
        installed.extend(translators)
        return translators

    yield factory
    for translator in installed:
        qapp.removeTranslator(translator)
        translator.setParent(None)
    QLocale.setDefault(previous_locale)


def test_the_connect_dialog_speaks_italian(qtbot: QtBot, install: Install) -> None:
    install("it")
    dialog = ConnectDialog(None, announce_port=free_udp_port())
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Connettiti a una chat Parla"
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Nome:", "&Porta:", "Server su questa &rete (clic su uno per usarlo):"} <= texts
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    # "Annulla" comes from Qt's own qtbase_it.qm, "Connetti" from Parla's.
    assert sorted(b.text().replace("&", "") for b in buttons.buttons()) == ["Annulla", "Connetti"]
    dialog.close_discovery()


def test_the_chat_window_speaks_italian_with_italian_plurals(
    qtbot: QtBot, install: Install, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    install("it")
    join(server, "bruno")
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        window.start(ConnectRequest("anna", "127.0.0.1", server.port))
    labels = {w.accessibleDescription(): w.text() for w in window.findChildren(QLabel)}
    assert labels["Stato della connessione"] == "In linea"
    assert labels["Numero di utenti"] == "2 utenti in linea"
    window.close()
    qtbot.waitUntil(lambda: controller.state.value == "disconnected", timeout=WAIT_MS)


def test_lang_en_gives_english_plurals_and_no_qt_translation(qapp: QApplication, install: Install) -> None:
    translators = install("en")
    assert len(translators) == 1  # Parla's English plurals; Qt's own strings are English already
    assert qapp.translate("UserListPanel", "%n user(s) online", "", 1) == "1 user online"
    assert qapp.translate("UserListPanel", "%n user(s) online", "", 3) == "3 users online"
    assert QLocale().language() == QLocale.Language.English


def test_lang_it_also_sets_the_number_format(install: Install) -> None:
    install("it")
    assert QLocale().toString(1.5, "f", 1) == "1,5"


@pytest.mark.parametrize(
    ("args", "system", "title"),
    [
        (["--lang", "it"], "en_US.UTF-8", "Connettiti a una chat Parla"),
        (["--lang", "en"], "it_IT.UTF-8", "Connect to a Parla chat"),
        ([], "it_IT.UTF-8", "Connettiti a una chat Parla"),  # the system's language
        ([], "de_DE.UTF-8", "Connect to a Parla chat"),  # one Parla does not speak: English
    ],
)
def test_the_language_reaches_the_connect_dialog(args: list[str], system: str, title: str) -> None:
    """End to end: the startup probe prints the shown window's title."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    result = subprocess.run(
        [sys.executable, "-m", "chat_client_app", *args],
        cwd=ROOT,
        env={**env, "LANG": system, "QT_QPA_PLATFORM": "offscreen", ENV_VAR: "1"},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"shown: {title}\n"), result.stderr
