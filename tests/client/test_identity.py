"""Names are identities (PROTOCOL.md §8.1), the client's side: a token per server in
every hello, and the server's refusals in words."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.failures import describe_failure, time_left
from chat_server_app.engine import ChatServer
from shared.fields import format_ts
from shared.handshake import token_problem
from tests.client.conftest import WAIT_MS, MakeDialog, Recorder
from tests.client.fake_server import FakeServer
from tests.client.test_connect_dialog import click_connect, field, fill

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

MakeController = Callable[..., ClientController]


def hellos(server: FakeServer) -> list[dict[str, object]]:
    return [f for f in server.frames if f["type"] == "hello"]


def test_every_hello_to_a_server_carries_its_one_token(qtbot: QtBot, make_controller: MakeController) -> None:
    server = FakeServer()
    anna = make_controller()
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    server.sockets[0].abort()
    qtbot.waitUntil(lambda: server.hellos == 2 and anna.state is ClientState.CONNECTED, timeout=WAIT_MS)
    # A new controller (the app started again) for the same server: the same token.
    again = make_controller()
    with qtbot.waitSignal(again.connected, timeout=WAIT_MS):
        again.connect_to(ConnectRequest("bruno", "127.0.0.1", server.port))
    tokens = [h.get("token") for h in hellos(server)]
    assert len(tokens) == 3
    assert len(set(tokens)) == 1
    assert isinstance(tokens[0], str)
    assert token_problem(tokens[0]) is None
    assert all(h["version"] == 2 for h in hellos(server))
    other = FakeServer()
    with qtbot.waitSignal(again.connected, timeout=WAIT_MS):
        again.connect_to(ConnectRequest("bruno", "127.0.0.1", other.port))
    assert hellos(other)[0]["token"] != tokens[0]
    server.close()
    other.close()


def test_the_real_server_accepts_the_token(qtbot: QtBot, server: ChatServer, join: MakeController) -> None:
    anna = join(server, "anna")
    assert anna.state is ClientState.CONNECTED


def reserved(message: str = "the name 'anna' belongs to someone else") -> dict[str, object]:
    return {"type": "error", "code": "name_reserved", "message": message, "fatal": True}


def banned(until: str | None, message: str = "banned") -> dict[str, object]:
    frame: dict[str, object] = {"type": "error", "code": "banned", "message": message, "fatal": True}
    if until is not None:
        frame["until"] = until
    return frame


def test_name_reserved_is_shown_in_the_dialog_on_the_name(
    qtbot: QtBot, make_dialog: MakeDialog, make_controller: MakeController
) -> None:
    server = FakeServer(refuse={0: reserved()})
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="anna", host="127.0.0.1", port=server.port)
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert dialog.error_text == "This name belongs to someone else on this server."
    assert field(dialog, "Your name").hasFocus()
    assert controller.state is ClientState.DISCONNECTED
    server.close()


def test_banned_says_how_long_in_the_dialog(
    qtbot: QtBot, make_dialog: MakeDialog, make_controller: MakeController
) -> None:
    server = FakeServer(refuse={0: banned(format_ts(time.time() + 2 * 3600 - 30))})
    controller = make_controller()
    dialog = make_dialog(controller=controller)
    fill(dialog, name="anna", host="127.0.0.1", port=server.port)
    click_connect(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text != "", timeout=WAIT_MS)
    assert dialog.error_text.startswith("This server does not let you in for another 2 hours (until ")
    server.close()


def test_a_ban_on_a_reconnect_is_not_retried(qtbot: QtBot, make_controller: MakeController) -> None:
    server = FakeServer(refuse={1: banned(None, "banned for spam")})
    anna = make_controller()
    seen = Recorder(anna)
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    server.sockets[0].abort()
    qtbot.waitUntil(lambda: anna.state is ClientState.DISCONNECTED, timeout=WAIT_MS)
    failed = [e for e in seen.events if e[0] == "attempt_failed"]
    assert failed == [("attempt_failed", "banned", "This server does not let you in: banned for spam")]
    assert server.hellos == 2
    server.close()


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (5, "less than a minute"),
        (61, "2 minutes"),
        (3600, "1 hour"),
        (3601, "2 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_time_left_in_words(seconds: float, words: str) -> None:
    assert time_left(seconds) == words


def test_a_ban_without_a_readable_end_gives_the_servers_words() -> None:
    text = describe_failure(
        "banned", name="a", address="h:1", password_given=False, detail="until tomorrow", until="soon"
    )
    assert text == "This server does not let you in: until tomorrow"
