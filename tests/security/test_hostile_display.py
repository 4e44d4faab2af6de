"""Hostile text reaches a real client: HTML, terminal escapes and invisible characters are
shown as the characters they are, never interpreted (PROTOCOL.md §5: text is data).

A :class:`ChatWindow` with its :class:`ClientController` joins the arena's server as
``viewer``; the attacker posts; the window's model (``DisplayRole``) must hold exactly
the characters sent, and the view lays them out as plain text, never as rich text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.message_model import EntryKind, Role
from shared.messages import ChatMessage
from tests.client.conftest import laid_out
from tests.security.conftest import ATTACKER, FAST_CONTROLLER, HOSTILE_TEXTS, WAIT_MS, Arena

pytestmark = pytest.mark.usefixtures("qsettings_in_tmp")


@pytest.fixture
def window(qtbot: QtBot, arena: Arena, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatWindow]:
    def no_rich_text(self: QTextDocument, text: str) -> None:
        raise AssertionError(f"setHtml was called with {text!r}")

    monkeypatch.setattr(QTextDocument, "setHtml", no_rich_text)
    controller = ClientController(**FAST_CONTROLLER)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    window.resize(800, 500)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        window.start(ConnectRequest("viewer", "127.0.0.1", arena.server.port))
    yield window
    window.close()
    qtbot.waitUntil(lambda: controller.state is ClientState.DISCONNECTED, timeout=WAIT_MS)


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_hostile_text_is_shown_as_the_raw_characters(
    qtbot: QtBot, arena: Arena, window: ChatWindow, text: str
) -> None:
    received: list[ChatMessage] = []
    window._controller.messages_received.connect(received.extend)
    offender = arena.registered()
    offender.say(text, cid="shown")
    arena.round()
    model = window.model

    def rows() -> list[int]:
        return [
            r
            for r in range(model.rowCount())
            if model.entry(r).kind is EntryKind.MESSAGE and model.entry(r).sender == ATTACKER
        ]

    qtbot.waitUntil(lambda: bool(rows()), timeout=WAIT_MS)
    [row] = rows()
    index = model.index(row)
    assert index.data(Qt.ItemDataRole.DisplayRole) == text
    assert index.data(Role.TEXT) == text
    assert index.data(Role.SENDER) == ATTACKER
    # the controller handed the text over as received
    assert [m.text for m in received if m.sender == ATTACKER] == [text]
    # the delegate lays the characters out as plain text, after the sender's name
    layout, _ = window.view.delegate._layout(index.data(Role.ENTRY), QFont(), 600)
    assert layout.text() == laid_out(ATTACKER, text)
    window.grab()  # paints every visible row; setHtml would raise
    arena.finish()
