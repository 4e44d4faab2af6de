"""Untrusted text is text everywhere (issue 18, item 4): what a server sends is shown as
the characters it is, in labels, the status bar, tooltips, dialogs and notifications,
never read as markup (no heading, no image fetched, no link to a local file)."""

from __future__ import annotations

import resource

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtNetwork import QTcpSocket
from PySide6.QtWidgets import QLabel, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ConnectRequest
from chat_client_app.plain_text import notification_body, tooltip
from shared.codec import encode
from tests.client.conftest import FAST, WAIT_MS, MakeDialog
from tests.client.fake_server import FakeServer, Frame
from tests.client.test_connect_dialog import click_connect, fill

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

# The tall image: read as markup, a label or tooltip would lay out 300 000 pixels.
EVIL = ["<h1>big</h1>", "<img src=x>", "<a href=file:///etc/passwd>x</a>", "<img height=300000 src=x>"]
ALL = " ".join(EVIL)


class Rendered(QTextDocument):
    """A document that records every resource (image) its HTML asks for."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.setHtml(html)
        self.toPlainText()

    def loadResource(self, kind: int, name: object) -> object:
        self.asked.append(str(name))
        return None


def shows_literally(rich: str, text: str) -> None:
    """``rich``, read as rich text the way a tooltip is, shows ``text`` and fetches nothing."""
    document = Rendered(rich)
    assert document.toPlainText() == text
    assert document.asked == []
    assert document.size().height() < 2000  # lines of text, no tall image


def plain_labels_show(widget: object, text: str) -> None:
    labels = [label for label in widget.findChildren(QLabel) if text in label.text()]  # type: ignore[attr-defined]
    assert labels, text
    for label in labels:
        assert label.textFormat() is Qt.TextFormat.PlainText, label.accessibleName()
        assert label.sizeHint().height() < 2000, label.accessibleName()


@pytest.fixture
def tray(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda self: None)
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, body, *rest: shown.append((title, body))
    )
    return shown


def test_everything_a_server_says_is_shown_as_text(qtbot: QtBot, tray: list[tuple[str, str]]) -> None:
    def script(socket: QTcpSocket, frame: Frame) -> None:
        if frame["type"] == "ping":  # once the replay is over: the server's news
            ts = "2026-12-05T10:00:00.000Z"
            for evil in EVIL:
                socket.write(encode({"type": "notice", "text": evil, "ts": ts}))
                socket.write(encode({"type": "joined", "name": evil, "ts": ts}))
                socket.write(
                    encode({"type": "error", "code": "unknown_type", "message": evil, "fatal": False})
                )
            socket.write(
                encode({"type": "message", "id": 1, "ts": ts, "from": EVIL[0], "text": ALL, "to": "anna"})
            )
            socket.write(encode({"type": "kicked", "reason": ALL}))
            socket.write(encode({"type": "shutdown", "reason": ALL}))

    server = FakeServer(on_frame=script, welcomes=[{"server": ALL, "motd": ALL, "users": ["anna", *EVIL]}])
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    window._is_attentive = lambda: False  # type: ignore[method-assign]  # the user looks away
    with qtbot.waitSignal(controller.shutdown_received, timeout=WAIT_MS):
        window.start(ConnectRequest("anna", "127.0.0.1", server.port))

    # The window's title and the timeline's rows: the characters as sent.
    assert ALL in window.windowTitle()
    texts = [window.model.entry(r).text for r in range(window.model.rowCount())]
    assert any(ALL in t for t in texts)  # the motd, the kick and the shutdown reasons
    for evil in EVIL:
        assert any(evil in t for t in texts)  # notices, joins, errors
    # The user list: names as text, tooltips that show them literally.
    users = window.users
    for row in range(users.rowCount()):
        index = users.index(row)
        shown = index.data(Qt.ItemDataRole.AccessibleTextRole)  # "anna (you)" for our own
        assert index.data(Qt.ItemDataRole.DisplayRole) in shown
        shows_literally(index.data(Qt.ItemDataRole.ToolTipRole), shown)
    assert set(EVIL) <= set(users.names)
    # The status bar: every label plain.
    for label in window.statusBar().findChildren(QLabel):
        assert label.textFormat() is Qt.TextFormat.PlainText, label.accessibleName()
    # Painting all of it costs no more memory than a window's pixels (a tall image
    # laid out from markup would be a gigabyte).
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    window.grab()
    for label in window.findChildren(QLabel):
        label.grab()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 64 * 1024, f"{grown_kib} KiB"
    # Notifications: escaped bodies.
    bodies = [body for _, body in tray]
    assert len(bodies) >= len(EVIL) + 1, "notices, the private message and the kick notify"
    assert "Removed from the chat" in [title for title, _ in tray]
    for body in bodies:
        assert "<" not in body
        shows_literally(body, body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    window.close()
    server.close()


def test_an_error_message_in_the_status_bar_and_its_tooltip_is_text(qtbot: QtBot) -> None:
    refused = {"type": "error", "code": "name_invalid", "message": ALL, "fatal": True}
    server = FakeServer(refuse={0: refused, 1: refused})
    controller = ClientController(**FAST)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.attempt_failed, timeout=WAIT_MS):
        controller.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    plain_labels_show(window.statusBar(), ALL)
    (flash,) = [w for w in window.statusBar().findChildren(QLabel) if ALL in w.text()]
    shows_literally(flash.toolTip(), flash.text())
    window.close()
    server.close()


def test_the_connect_dialog_shows_the_servers_words_as_text(
    qtbot: QtBot, make_dialog: MakeDialog, make_controller: type[ClientController]
) -> None:
    server = FakeServer(refuse={0: {"type": "error", "code": "banned", "message": ALL, "fatal": True}})
    dialog = make_dialog(controller=make_controller())
    fill(dialog, name="anna", host="127.0.0.1", port=server.port)
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert ALL in dialog.error_text
    plain_labels_show(dialog, ALL)
    server.close()


def test_a_failed_says_reason_in_its_tooltip_is_text() -> None:
    for evil in EVIL:
        shows_literally(tooltip(f"12:00\n{evil}"), f"12:00\n{evil}")


def test_notification_bodies_are_escaped_where_they_are_markup() -> None:
    assert notification_body(ALL, "linux") == ALL.replace("<", "&lt;").replace(">", "&gt;")
    assert notification_body(ALL, "win32") == ALL
    assert notification_body(ALL, "darwin") == ALL
