"""Italian throughout: the server's errors by their code, the shutdown notice once,
``/help``, and no participle that guesses a person's gender."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, SendState
from chat_client_app.message_model import Entry, EntryKind
from chat_client_app.send_box import SendBox
from chat_client_app.session.state import Chat
from chat_server_app.engine import ChatServer
from shared.qt.translations import install_translators
from tests.client.conftest import WAIT_MS

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

OpenWindow = Callable[..., ChatWindow]
Join = Callable[..., ClientController]

ITALIAN_TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "parla_it.ts"


@pytest.fixture
def italian(qapp: QApplication) -> Iterator[None]:
    """What ``main`` does for ``--lang it``; undone afterwards."""
    previous = QLocale()
    translators: list[QTranslator] = install_translators(qapp, "it")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


def rows(window: ChatWindow) -> list[Entry]:
    return [window.model.entry(r) for r in range(window.model.rowCount())]


def send(window: ChatWindow, text: str) -> None:
    window.input_line.setText(text)
    QTest.keyClick(window.input_line, Qt.Key.Key_Return)


def failed_note(qtbot: QtBot, window: ChatWindow, text: str) -> str:
    def failed() -> Entry:
        entry = next(e for e in rows(window) if e.own and e.text == text)
        assert entry.state is SendState.FAILED
        return entry

    qtbot.waitUntil(lambda: failed() is not None, timeout=WAIT_MS)
    return window.view.delegate.note(failed())


def test_a_refused_private_message_says_why_in_italian(
    qtbot: QtBot, italian: None, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    send(window, "/msg nessuno ciao")
    note = failed_note(qtbot, window, "ciao")
    assert note == (
        "Non inviato: su questo server ora non c'è nessuno con quel nome. "
        "Clic destro sul messaggio per inviarlo di nuovo."
    )


def test_read_only_refusal_is_italian_and_the_servers_english_is_not_shown(
    qtbot: QtBot, italian: None, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    server.set_read_only(True)
    send(window, "posso?")
    note = failed_note(qtbot, window, "posso?")
    assert "l'insegnante ha messo in pausa la chat" in note
    assert "read-only" not in note


def test_an_error_frame_is_told_by_its_code_and_an_unknown_one_keeps_the_detail(
    italian: None, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    window.controller.error_received.emit("rate_limited", "slow down, you")
    window.controller.error_received.emit("brand_new_code", "<b>something new</b>")
    errors = [e.text for e in rows(window) if e.kind is EntryKind.ERROR]
    assert errors == [
        "Troppi messaggi tutti insieme: il server ne ha scartati alcuni.",
        "Il server segnala un problema: <b>something new</b>",
    ]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, "Il server si sta spegnendo. La connessione riprenderà quando tornerà attivo."),
        (
            "manutenzione alle 14",
            "Il server si sta spegnendo: manutenzione alle 14. "
            "La connessione riprenderà quando tornerà attivo.",
        ),
    ],
)
def test_the_shutdown_notice_says_its_reason_once(
    qtbot: QtBot,
    italian: None,
    server: ChatServer,
    open_window: OpenWindow,
    reason: str | None,
    expected: str,
) -> None:
    window = open_window(server.port)
    if reason is None:
        server.stop()
    else:
        server.stop(reason)

    def notices() -> list[str]:
        return [e.text for e in rows(window) if e.kind is EntryKind.NOTICE and "spegnendo" in e.text]

    qtbot.waitUntil(lambda: notices() == [expected], timeout=WAIT_MS)
    assert "shutting down" not in " ".join(e.text for e in rows(window))


def test_the_shutdown_notice_in_english_says_it_once(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    server.stop()
    qtbot.waitUntil(
        lambda: any(e.kind is EntryKind.NOTICE and "shutting down" in e.text for e in rows(window)),
        timeout=WAIT_MS,
    )
    said = " ".join(e.text for e in rows(window))
    assert said.count("shutting down") == 1


def test_help_is_italian(italian: None, server: ChatServer, open_window: OpenWindow) -> None:
    window = open_window(server.port)
    send(window, "/help")
    infos = [e.text for e in rows(window) if e.kind is EntryKind.INFO]
    assert "Comandi:" in infos
    assert "/msg NOME testo — invia un messaggio privato a NOME" in infos
    assert "/part [#stanza] — esci da questa stanza (o da quella indicata)" in infos
    assert "//testo — invia un messaggio che comincia con /" in infos
    assert not [line for line in infos if "text" in line or "room" in line]


def test_someone_joining_is_told_without_a_gender(
    qtbot: QtBot, italian: None, server: ChatServer, open_window: OpenWindow, join: Join
) -> None:
    window = open_window(server.port)
    bruno = join(server, "Anna Maria")
    qtbot.waitUntil(
        lambda: "→ Anna Maria è nella chat" in [e.text for e in rows(window) if e.kind is EntryKind.JOINED],
        timeout=WAIT_MS,
    )
    bruno.quit()
    qtbot.waitUntil(
        lambda: (
            "← Anna Maria ha lasciato la chat" in [e.text for e in rows(window) if e.kind is EntryKind.LEFT]
        ),
        timeout=WAIT_MS,
    )


# Past participles and adjectives that would agree with a person ("Anna è entrato"): a
# sentence about a user, or to the user, says it without them.
_GENDERED = re.compile(
    r"\b(?:è|sei|si è|ti eri|eri|sono|è stat[oa]|sei stat[oa])\s+"
    r"(?:entrat|uscit|espuls|connes|disconnes|tornat|allontanat|menzionat|occupat|fidat|arrivat|andat|partit)"
    r"|\b(?:entrat|uscit|espuls|disconness|tornat|allontanat|menzionat|occupat|fidat)[oa]\b"
    r"|\b(?:ti|l')ha (?:allontanat|menzionat|espuls)",
    re.IGNORECASE,
)


_CONNECTED = re.compile(r"\b(?:dis)?conness[oaie]\b", re.IGNORECASE)
"""A person, or the user, is "in linea", never "connesso/a"."""


def test_no_italian_text_guesses_a_persons_gender() -> None:
    found = []
    for message in ET.parse(ITALIAN_TS).getroot().iter("message"):
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        found += [form for form in forms if _GENDERED.search(form) or _CONNECTED.search(form)]
    assert found == []


def test_a_rooms_switch_and_topic_are_told_in_italian(
    qtbot: QtBot, italian: None, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    send(window, "/join #aula")
    qtbot.waitUntil(lambda: window.rooms.current == Chat.room("aula"), timeout=WAIT_MS)
    room = window.rooms.timelines.model(Chat.room("aula"))
    server.rooms.set_read_only("aula", True)
    server.rooms.set_topic("aula", "verifica")
    server.rooms.set_read_only("aula", False)

    def notices() -> list[str]:
        return [room.entry(r).text for r in range(room.rowCount()) if room.entry(r).kind is EntryKind.NOTICE]

    qtbot.waitUntil(lambda: len(notices()) == 3, timeout=WAIT_MS)
    assert notices() == [
        "L'insegnante ha messo in pausa #aula: per ora lì può scrivere solo chi la gestisce.",
        "Ora l'argomento di #aula è: verifica",
        "#aula è di nuovo aperta: lì tutti possono scrivere.",
    ]


def test_a_message_too_long_is_refused_in_italian_before_it_is_sent(
    qtbot: QtBot, italian: None, server: ChatServer, open_window: OpenWindow
) -> None:
    window = open_window(server.port)
    problems: list[str] = []
    box = window.findChild(SendBox)
    assert box is not None
    box.problem.connect(problems.append)
    send(window, "x" * 4001)
    assert problems == ["Non inviato: il messaggio è più lungo di 4000 caratteri."]
    assert window.input_line.text() == "x" * 4001  # nothing typed is lost


def test_a_name_that_cannot_be_used_says_why_in_italian(qtbot: QtBot, italian: None) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    name = next(w for w in dialog.findChildren(QLineEdit) if w.accessibleName() == "Il tuo nome")
    name.setText("anna\u200bmaria")
    problem = next(
        w for w in dialog.findChildren(QLabel) if w.accessibleDescription() == "Problema con il nome"
    )
    connect = next(w for w in dialog.findChildren(QPushButton) if w.accessibleName() == "Connetti")
    QTest.mouseClick(connect, Qt.MouseButton.LeftButton)  # the fields are checked first
    assert problem.text() == (
        "Questo nome non si può usare: contiene un carattere invisibile o di controllo (U+200B)."
    )
