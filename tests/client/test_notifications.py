"""New messages get noticed: desktop notifications on a real D-Bus session bus, the tray
when nobody serves them, the settings, and the "new messages below" button.

The bus is a private ``dbus-daemon --session`` per test; the notification service on it
is a stand-in run by the test, which records every call as the bus delivered it.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from chat_client_app.attention_settings import AttentionChoice
from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController
from chat_client_app.desktop_notifier import NOTIFY_SIGNATURE, SERVICE
from chat_client_app.notices import notice_for
from chat_client_app.session.state import GENERAL_CHAT, Chat
from chat_server_app.engine import ChatServer
from shared.messages import ChatMessage
from tests.client.conftest import WAIT_MS

Join = Callable[..., ClientController]
OpenWindow = Callable[..., ChatWindow]


@dataclass
class Call:
    signature: str
    summary: str
    body: str
    hints: dict[str, tuple[str, Any]]

    @property
    def urgency(self) -> int:
        kind, value = self.hints["urgency"]
        assert kind == "y", "the spec's urgency is a byte"
        return int(value)


class FakeNotifications:
    """``org.freedesktop.Notifications`` on the bus at ``address``, on a thread of its own:
    advertises ``capabilities`` and records each Notify."""

    def __init__(self, address: str, capabilities: list[str]) -> None:
        self.calls: list[Call] = []
        self._capabilities = capabilities
        self._connection: DBusConnection = open_dbus_connection(address)
        reply = self._connection.send_and_get_reply(message_bus.RequestName(SERVICE), timeout=5)
        assert reply.body == (1,), "the stand-in owns the name"
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        next_id = 1
        while self._running:
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is not MessageType.method_call:
                continue
            member = message.header.fields.get(HeaderFields.member)
            if member == "GetCapabilities":
                self._connection.send(new_method_return(message, "as", (self._capabilities,)))
            elif member == "Notify":
                signature = message.header.fields.get(HeaderFields.signature, "")
                _app, _replaces, _icon, summary, body, _actions, hints, _timeout = message.body
                self.calls.append(Call(signature, summary, body, hints))
                self._connection.send(new_method_return(message, "u", (next_id,)))
                next_id += 1
            else:
                self._connection.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=5)
        self._connection.close()


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus; the client under test finds it in the environment."""
    daemon = shutil.which("dbus-daemon")
    assert daemon, "dbus-daemon is missing: `make test` installs it (packaging/system-deps.sh)"
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    assert address.startswith("unix:"), address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    process.terminate()
    process.wait(timeout=5)
    process.stdout.close()


@pytest.fixture
def notifications(session_bus: str) -> Iterator[FakeNotifications]:
    service = FakeNotifications(session_bus, ["body", "body-markup"])
    yield service
    service.close()


def look_away(window: ChatWindow, monkeypatch: pytest.MonkeyPatch, away: bool = True) -> None:
    # Offscreen windows cannot lose focus for real: the window's own test of it.
    monkeypatch.setattr(window, "_is_attentive", lambda: not away)


# --- which messages, in which words --------------------------------------------------


def said(text: str, sender: str = "bruno", to: str | None = None, room: str = "general") -> ChatMessage:
    return ChatMessage(id=1, ts="2026-01-01T10:00:00.000Z", sender=sender, text=text, to=to, room=room)


def test_notice_for_leaves_out_what_the_user_is_reading_and_prefers_what_is_for_them() -> None:
    general, zoo = GENERAL_CHAT, Chat.room("zoo")
    assert notice_for([said("hi")], "Anna", general) is None  # reading it
    assert notice_for([said("mine", sender="anna")], "Anna", None) is None  # own
    notice = notice_for([said("hi", room="zoo"), said("psst", to="anna")], "Anna", general)
    assert notice is not None
    assert (notice.text, notice.private, notice.count) == ("psst", True, 2)
    mention = notice_for([said("ask @anna!", room="zoo")], "Anna", general)
    assert mention is not None
    assert mention.mention
    assert mention.chat == zoo
    assert notice_for([said("annabella")], "Anna", None, only_urgent=True) is None


# --- desktop notifications --------------------------------------------------------------


def test_a_message_elsewhere_is_a_desktop_notification_and_none_while_reading_it(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    notifications: FakeNotifications,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(server.port)
    bruno = join(server, "bruno")
    look_away(window, monkeypatch, away=False)
    bruno.say("seen as it arrives")  # the window is active on general: nothing to say
    bruno.say("psst, <b>Anna</b> & co", to="anna")  # private: another conversation
    qtbot.waitUntil(lambda: len(notifications.calls) == 1, timeout=WAIT_MS)
    private = notifications.calls[0]
    assert private.signature == NOTIFY_SIGNATURE
    assert private.summary == "Private message from bruno"
    assert private.body == "psst, &lt;b&gt;Anna&lt;/b&gt; &amp; co"  # the server reads markup
    assert private.urgency == 2
    look_away(window, monkeypatch)
    bruno.say("just chatting")
    qtbot.waitUntil(lambda: len(notifications.calls) == 2, timeout=WAIT_MS)
    ordinary = notifications.calls[1]
    assert (ordinary.summary, ordinary.body, ordinary.urgency) == ("bruno in #general", "just chatting", 1)
    assert ordinary.hints["suppress-sound"] == ("b", True)  # sound is off unless asked for
    bruno.say("Anna, look")
    qtbot.waitUntil(lambda: len(notifications.calls) == 3, timeout=WAIT_MS)
    assert (notifications.calls[2].summary, notifications.calls[2].urgency) == ("bruno mentioned you", 2)


def test_the_settings_menu_turns_notifications_off_or_to_what_is_for_the_user(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    notifications: FakeNotifications,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(server.port)
    bruno = join(server, "bruno")
    look_away(window, monkeypatch)
    menu = window._attention_menu
    assert menu.menu.title() == "N&otifications"
    menu.actions[AttentionChoice.NOTIFICATIONS].trigger()  # off
    assert window._attention.settings.get(AttentionChoice.NOTIFICATIONS) is False
    bruno.say("while notifications are off")
    menu.actions[AttentionChoice.NOTIFICATIONS].trigger()  # on again
    menu.actions[AttentionChoice.ONLY_URGENT].trigger()
    bruno.say("an ordinary line")
    bruno.say("for you", to="anna")
    qtbot.waitUntil(lambda: len(notifications.calls) == 1, timeout=WAIT_MS)
    assert notifications.calls[0].body == "for you"


def test_without_a_notification_service_the_tray_says_it(
    qtbot: QtBot,
    server: ChatServer,
    open_window: OpenWindow,
    join: Join,
    session_bus: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda self: None)
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, body, *rest: shown.append((title, body))
    )
    window = open_window(server.port)
    bruno = join(server, "bruno")
    look_away(window, monkeypatch)
    bruno.say("hello <there>", to="anna")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT_MS)
    assert shown == [("Private message from bruno", "hello &lt;there&gt;")]


# --- the "new messages below" button --------------------------------------------------


def test_new_messages_below_appears_when_scrolled_up_and_takes_the_user_down(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow, join: Join
) -> None:
    window = open_window(server.port)
    bruno = join(server, "bruno")
    view = window.view
    button = view.new_below
    for i in range(15):
        bruno.say(f"line {i}\nsecond line")
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 15 and bar.maximum() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT_MS)
    assert button.isHidden()  # at the bottom, new rows are in sight
    bar.setValue(0)  # the user scrolls up to read
    bruno.say("something new")
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    assert button.text() == "New messages below ↓"
    assert view.viewport().geometry().contains(button.geometry())
    assert bar.value() == 0  # the reading place is kept
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert bar.value() == bar.maximum()
    assert button.isHidden()
