"""Huge texts from a server do not freeze the window (issue 19, item 8).

A megabyte without a space, received over a real socket, is laid out and painted in
bounded time (Qt's layout of such a run grows with the square of its length); the view
marks where it cut the text, and Copy still gives the whole text.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QTcpSocket
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ConnectRequest
from chat_client_app.message_model import EntryKind
from chat_client_app.row_text import DISPLAY_MAX_CHARS, MAX_MATCH_MARKS, display_text, find_marks
from shared.codec import encode
from tests.client.conftest import FAST, WAIT_MS
from tests.client.fake_server import FakeServer, Frame

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

MEGABYTE = 1_000_000
RENDER_BUDGET = 0.1
"""Seconds one layout and paint of the view may take (issue 19: the window stays live)."""


def test_a_megabyte_without_a_space_renders_in_bounded_time(qtbot: QtBot) -> None:
    huge = "x" * MEGABYTE

    def script(socket: QTcpSocket, frame: Frame) -> None:
        if frame["type"] == "ping":  # after the replay
            ts = "2026-12-05T10:00:00.000Z"
            socket.write(encode({"type": "message", "id": 1, "ts": ts, "from": "bruno", "text": huge}))
            socket.write(encode({"type": "message", "id": 2, "ts": ts, "from": "bruno", "text": "after it"}))

    server = FakeServer(on_frame=script)
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    window.start(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitExposed(window)
    model, view = window.model, window.view

    def texts() -> list[str]:
        rows = (model.entry(r) for r in range(model.rowCount()))
        return [e.text for e in rows if e.kind is EntryKind.MESSAGE]

    qtbot.waitUntil(lambda: texts()[-1:] == ["after it"], timeout=WAIT_MS)
    # The find bar searching a letter the huge text is made of: every character matches.
    window.open_find()
    window.find_bar.field.setText("x")
    window.find_next()
    row = next(r for r in range(model.rowCount()) if model.entry(r).text == huge)
    assert view.currentIndex().row() == row

    def render() -> float:
        model.invalidate_sizes()  # the row is measured again, not only painted
        start = time.perf_counter()
        view.doItemsLayout()
        view.viewport().repaint()
        return time.perf_counter() - start

    best = min(render() for _ in range(3))
    assert best < RENDER_BUDGET, f"{best * 1000:.0f} ms"
    assert view.visualRect(model.index(row)).height() < view.viewport().height() * 4

    # Copy gives every character, however much the view shows.
    view.selectionModel().clearSelection()
    view.setCurrentIndex(model.index(row))
    view.copy_selection()
    copied = QGuiApplication.clipboard().text()
    assert copied.endswith("bruno: " + huge)
    window.close()
    server.close()


def test_a_cut_text_is_cut_once_and_a_long_name_too() -> None:
    assert display_text("x" * MEGABYTE) == "x" * DISPLAY_MAX_CHARS
    assert display_text("a\r\nb" * 10, 4) == "a\u2028b"
    assert display_text("y" * 500, 128) == "y" * 128


def test_find_marks_merge_adjacent_matches_and_are_bounded() -> None:
    assert find_marks("aaaa", "a") == [(0, 4)]
    assert find_marks("Cat cat", "cat") == [(0, 3), (4, 7)]
    assert find_marks("Straße", "s") == []  # casefold changes the length: no marks
    assert find_marks("ab" * 10_000, "a") == [(i, i + 1) for i in range(0, 2 * MAX_MATCH_MARKS, 2)]
    assert find_marks("anything", "") == []
