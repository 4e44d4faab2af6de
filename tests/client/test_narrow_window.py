"""The chat in a narrow window: a failed message's note wraps, the room list elides
long names instead of scrolling sideways, and nobody typing takes no room."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from chat_client_app.controller import SendState
from chat_client_app.message_model import MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.room_list_model import RoomListModel
from chat_client_app.room_list_panel import RoomListPanel
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


LONG_ROOM = "a_room_with_a_name_as_long_as_names_go"


def test_a_long_room_name_is_elided_with_the_whole_name_in_the_tooltip(qtbot: QtBot) -> None:
    rooms = RoomListModel()
    rooms.set_rooms(("general", LONG_ROOM))
    panel = RoomListPanel(rooms)
    qtbot.addWidget(panel)
    panel.resize(120, 300)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.list_view
    qtbot.waitUntil(lambda: 0 < view.viewport().width() < 130)
    assert not view.horizontalScrollBar().isVisible()
    row = rooms.index(1)
    # The row is as wide as the list, so the style elides the name within it.
    assert view.visualRect(row).width() <= view.viewport().width()
    assert view.textElideMode() is Qt.TextElideMode.ElideRight
    tip = row.data(Qt.ItemDataRole.ToolTipRole)
    assert f"#{LONG_ROOM}" in tip
    assert "<b>" not in tip  # the name as characters, escaped, never markup
    panel.resize(400, 300)
    qtbot.waitUntil(lambda: view.viewport().width() > 300)
    assert view.visualRect(row).width() == view.viewport().width()
