"""The Italian interface: every translated string has an entry, with the same placeholders."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

import chat_client_app
from chat_client_app.chat_window import ChatWindow
from chat_client_app.commands import COMMANDS, MSG_USAGE
from chat_client_app.controller import ClientController, ConnectRequest
from chat_client_app.italian import CATALOGUE
from chat_client_app.translations import CatalogueTranslator
from chat_server_app.engine import ChatServer
from tests.client.conftest import FAST, WAIT_MS

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

_CALL = re.compile(r"""(?:self\.tr|\b_tr)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)""")
_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"\{\w+\}|%n")


def translated_strings() -> set[str]:
    """Every literal the client passes to ``tr``, plus the ones it translates by value."""
    found: set[str] = set()
    for path in Path(chat_client_app.__file__).parent.glob("*.py"):
        for call in _CALL.finditer(path.read_text(encoding="utf-8")):
            text = "".join(_LITERAL.findall(call.group(1)))
            found.add(text.encode("latin-1", "backslashreplace").decode("unicode_escape"))
    found.update(meaning for _, meaning in COMMANDS)
    found.add(MSG_USAGE)
    return found


def test_every_string_has_an_italian_entry() -> None:
    strings = translated_strings()
    assert len(strings) > 100
    assert sorted(strings - set(CATALOGUE)) == []
    assert sorted(set(CATALOGUE) - strings) == []  # nothing stale either


def test_translations_keep_the_placeholders_and_accelerators() -> None:
    wrong = []
    for source, entry in CATALOGUE.items():
        for form in entry if isinstance(entry, tuple) else (entry,):
            same_fields = sorted(_PLACEHOLDER.findall(form)) == sorted(_PLACEHOLDER.findall(source))
            if not same_fields or form.count("&") != source.count("&"):
                wrong.append(form)
    assert wrong == []


@pytest.fixture
def italian(qapp: QApplication) -> Iterator[None]:
    translator = CatalogueTranslator(CATALOGUE, qapp)
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)
    translator.setParent(None)


def test_window_speaks_italian(
    qtbot: QtBot, italian: None, server: ChatServer, join: Callable[..., ClientController]
) -> None:
    join(server, "bruno")
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        window.start(ConnectRequest("anna", "127.0.0.1", server.port))
    labels = {w.accessibleName(): w.text() for w in window.findChildren(QLabel)}
    assert labels["Stato della connessione"] == "Connesso"
    assert labels["Numero di utenti"] == "2 utenti in linea"
    window.close()
    qtbot.waitUntil(lambda: controller.state.value == "disconnected", timeout=WAIT_MS)
