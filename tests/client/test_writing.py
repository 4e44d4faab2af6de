"""Writing a message: Enter sends, Shift+Enter starts a new line, a paste of several lines
stays one message, the box grows to a few lines; links typed without a scheme."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.input_line import MAX_VISIBLE_LINES, InputLine
from chat_client_app.links import find_links
from chat_client_app.message_model import Entry, EntryKind
from chat_server_app.engine import ChatServer
from tests.client.conftest import WAIT_MS, Recorder, laid_out

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

OpenWindow = Callable[..., ChatWindow]
Join = Callable[..., ClientController]

SHIFT = Qt.KeyboardModifier.ShiftModifier


def own_texts(window: ChatWindow) -> list[str]:
    model = window.model
    entries: list[Entry] = [model.entry(r) for r in range(model.rowCount())]
    return [e.text for e in entries if e.kind is EntryKind.MESSAGE and e.own]


def test_shift_enter_starts_a_new_line_and_enter_sends_one_message(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    recorder: Callable[[ClientController], Recorder],
) -> None:
    seen = recorder(join(server, "bruno"))
    window = open_window(server.port)
    box = window.input_line
    box.setFocus()
    QTest.keyClicks(box, "first line")
    QTest.keyClick(box, Qt.Key.Key_Return, SHIFT)
    QTest.keyClicks(box, "second line")
    QTest.keyClick(box, Qt.Key.Key_Enter, SHIFT)  # the keypad's Enter too
    QTest.keyClicks(box, "third")
    assert box.text() == "first line\nsecond line\nthird"
    assert own_texts(window) == []  # nothing sent yet
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.text() == ""
    # One message, its line breaks kept, through the real server to another user.
    qtbot.waitUntil(lambda: seen.texts() == ["first line\nsecond line\nthird"], timeout=WAIT_MS)
    assert own_texts(window) == ["first line\nsecond line\nthird"]


def test_a_pasted_paragraph_stays_one_message_and_the_limit_counts_all_of_it(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    recorder: Callable[[ClientController], Recorder],
) -> None:
    seen = recorder(join(server, "bruno"))
    window = open_window(server.port)
    box = window.input_line
    box.setFocus()
    pasted = "line one\r\nline two\rline three\n\nafter a blank line"
    QGuiApplication.clipboard().setText(pasted)
    QTest.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    expected = "line one\nline two\nline three\n\nafter a blank line"
    assert box.text() == expected
    # Rich text gets in as its characters, never as markup.
    mime = QMimeData()
    mime.setHtml("<b>bold</b>")
    mime.setText("<b>bold</b>")
    box.insertFromMimeData(mime)
    assert box.text().endswith("<b>bold</b>")
    box.setText(expected)
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: seen.texts() == [expected], timeout=WAIT_MS)
    # The receiving window lays the lines out as lines, not as one run with boxes.
    other = seen.messages[0]
    assert "\n" in other.text
    entry = next(e for e in (window.model.entry(r) for r in range(window.model.rowCount())) if e.own)
    layout, height = window.view.delegate._layout(entry, QFont(), 600)
    assert layout.text() == laid_out("anna", expected)
    assert layout.lineCount() == 5
    _, one_line = window.view.delegate._layout(Entry(EntryKind.MESSAGE, "x", "anna"), QFont(), 600)
    assert height >= 5 * one_line


def test_the_character_counter_counts_every_line(server: ChatServer, open_window: OpenWindow) -> None:
    window = open_window(server.port)
    window.input_line.setText("é" * 3000 + "\n" + "é" * 1000)  # 4001 code points with the break
    counter = next(w for w in window.findChildren(QLabel) if w.accessibleDescription() == "Characters typed")
    assert counter.text() == "4001 / 4000"
    send = next(w for w in window.findChildren(QPushButton) if w.accessibleName() == "Send")
    assert not send.isEnabled()


def test_the_box_grows_to_a_few_lines_then_scrolls(server: ChatServer, open_window: OpenWindow) -> None:
    window = open_window(server.port)
    box = window.input_line
    one = box.height()
    box.setText("a\nb\nc")
    three = box.height()
    assert three > one
    assert box.visible_lines() == 3
    box.setText("\n".join(str(i) for i in range(30)))
    most = box.height()
    assert box.visible_lines() == MAX_VISIBLE_LINES
    assert most > three
    assert box.verticalScrollBar().maximum() > 0  # the rest scrolls
    # A long line wraps and grows the box too, and it shrinks back once sent or cleared.
    box.setText("word " * 200)
    assert box.height() > one
    box.clear()
    assert box.height() == one


def test_up_and_down_recall_history_only_at_the_first_and_last_line(qtbot: QtBot) -> None:
    box = InputLine()
    qtbot.addWidget(box)
    box.show()
    box.remember("sent before")
    box.setText("top\nbottom")  # the cursor is at the end: the last line
    QTest.keyClick(box, Qt.Key.Key_Up)
    assert box.text() == "top\nbottom"  # moved up a line, no recall
    assert box.cursorPosition() <= len("top")
    QTest.keyClick(box, Qt.Key.Key_Up)
    assert box.text() == "sent before"  # from the first line: the history
    QTest.keyClick(box, Qt.Key.Key_Down)
    assert box.text() == "top\nbottom"  # the draft comes back


def test_tab_moves_the_focus_instead_of_typing_a_tab(server: ChatServer, open_window: OpenWindow) -> None:
    window = open_window(server.port)
    assert window.input_line.tabChangesFocus()


def test_a_command_ends_at_a_line_break(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    recorder: Callable[[ClientController], Recorder],
) -> None:
    seen = recorder(join(server, "bruno"))
    window = open_window(server.port)
    window.input_line.setText("/msg bruno\nciao\ncome stai?")
    QTest.keyClick(window.input_line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: seen.texts() == ["ciao\ncome stai?"], timeout=WAIT_MS)
    assert seen.messages[0].to == "bruno"


# --- links without a scheme ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see www.example.com.", [("www.example.com", "http://www.example.com")]),
        ("example.com/path?q=1, then", [("example.com/path?q=1", "http://example.com/path?q=1")]),
        (
            "at wiki.example.org/Foo_(bar))",
            [("wiki.example.org/Foo_(bar)", "http://wiki.example.org/Foo_(bar)")],
        ),
        ("WWW.Example.COM:8080/a", [("WWW.Example.COM:8080/a", "http://WWW.Example.COM:8080/a")]),
        (
            "https://example.org/x and www.example.net",
            [
                ("https://example.org/x", "https://example.org/x"),
                ("www.example.net", "http://www.example.net"),
            ],
        ),
        ("file.txt", []),
        ("version 1.2.3 and v2.0.1/x", []),
        ("example.com alone", []),  # a bare domain is too often a name or a file
        ("write to anna@example.com/x", []),
        ("src/app.py and docs/README.md", []),
        ("e.g. this, i.e. that", []),
        ("x.www.example.org", []),
        ("exämple.com/x", []),  # not the tail of a word in another script
        ("\u212aelvin.com/x", []),  # the Kelvin sign is no K: this domain is not ASCII
        ("www.example.com\u2028next line", [("www.example.com", "http://www.example.com")]),
        ("ftp://example.org javascript:alert(1)", []),
    ],
)
def test_links_typed_without_a_scheme(text: str, links: list[tuple[str, str]]) -> None:
    found = find_links(text)
    assert [(text[start:end], url) for start, end, url in found] == links
    assert all(url.startswith(("http://", "https://")) for _, _, url in found)


def test_a_www_link_in_the_timeline_is_clickable(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow, join: Join
) -> None:
    window = open_window(server.port)
    join(server, "bruno").say("look at www.example.com/a please")
    qtbot.waitUntil(lambda: window.view.at_bottom and window.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any("www.example" in window.model.entry(r).text for r in range(window.model.rowCount())),
        timeout=WAIT_MS,
    )
    row = next(r for r in range(window.model.rowCount()) if "www.example" in window.model.entry(r).text)
    rect = window.view.visualRect(window.model.index(row))
    clicked: list[str] = []
    window.view.link_clicked.disconnect()
    window.view.link_clicked.connect(clicked.append)
    y = rect.top() + rect.height() // 2
    spot = next(
        (x for x in range(rect.left(), rect.right(), 3) if window.view._link_at(QPoint(x, y)) is not None),
        None,
    )
    assert spot is not None
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(spot, y))
    assert clicked == ["http://www.example.com/a"]
