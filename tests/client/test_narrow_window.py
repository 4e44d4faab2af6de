"""The chat in a narrow window: a failed message's note wraps, the room list elides
long names instead of scrolling sideways, and nobody typing takes no room."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from chat_client_app.controller import SendState
from chat_client_app.message_model import MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.session.state import Outgoing

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


def _row_height(view: MessageView, model: MessageModel, row: int) -> int:
    option = QStyleOptionViewItem()
    option.font = view.font()
    return view.delegate.sizeHint(option, model.index(row)).height()


def test_the_note_under_a_failed_message_wraps_at_the_windows_edge(qtbot: QtBot) -> None:
    model = MessageModel()
    model.set_own_name("anna")
    model.add_outgoing(Outgoing(cid="c1", text="ok", to=None, queued_at=time.time()))
    model.set_send_state("c1", SendState.FAILED, "the server could not keep it: try again")
    view = MessageView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 300)
    view.show()
    qtbot.waitUntil(lambda: view.viewport().width() > 800)
    wide = _row_height(view, model, 0)
    view.resize(260, 300)
    qtbot.waitUntil(lambda: view.viewport().width() < 300)
    model.invalidate_sizes()
    narrow = _row_height(view, model, 0)
    line = view.fontMetrics().height()
    # "ok" is one line at both widths: the extra lines are the note's, whole.
    assert narrow >= wide + 2 * line
    note = view.delegate.note(model.entry(0))
    assert note.endswith("Right-click the message to send it again.")
