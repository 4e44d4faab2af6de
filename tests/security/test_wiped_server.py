"""A server whose history was wiped, met again by a real chat window (PROTOCOL.md §8.1).

Anna's window (a :class:`ClientController` and the client's :class:`ChatWindow`) is in
a chat on a real server process. The operator stops the server, wipes its data
directory and starts a fresh one on the same port; Bruno, back first, posts three
messages there, which get the ids 1-3 again. When Anna reconnects, her window says
"This server's history was reset", then shows the new history: Bruno's three new
messages, none of the old ones twice, and nothing skipped because her ``since`` counted
ids of the old history.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.message_model import Entry, EntryKind
from tests.security.conftest import FAST_CONTROLLER, WAIT_MS, ServerProcess
from tests.server.helpers import ChatClient

pytestmark = pytest.mark.usefixtures("qsettings_in_tmp")

RESET = "This server's history was reset."
SLOW_RETRY = {**FAST_CONTROLLER, "backoff_base": 60.0, "backoff_cap": 60.0}
"""Anna's client waits a minute before each retry, until she clicks "reconnect now":
Bruno gets to the fresh server first."""


def rows(window: ChatWindow) -> list[Entry]:
    return [window.model.entry(r) for r in range(window.model.rowCount())]


def shown(window: ChatWindow) -> list[tuple[str, str]]:
    """The window's messages and notices, in their order: (kind, text)."""
    return [
        (e.kind.name, e.text)
        for e in rows(window)
        if e.kind is EntryKind.MESSAGE or (e.kind is EntryKind.NOTICE and e.text == RESET)
    ]


@pytest.fixture
def anna(qtbot: QtBot) -> Iterator[ChatWindow]:
    controller = ClientController(**SLOW_RETRY)
    window = ChatWindow(controller)
    qtbot.addWidget(window)
    window.resize(700, 400)
    yield window
    window.close()
    qtbot.waitUntil(lambda: controller.state is ClientState.DISCONNECTED, timeout=WAIT_MS)


def bruno_posts(qtbot: QtBot, port: int, *texts: str) -> list[int]:
    """Bruno comes, posts ``texts``, and goes; the ids they got."""
    bruno = ChatClient(qtbot, port)
    bruno.hello("bruno")
    ids = []
    for text in texts:
        bruno.say(text)
        ids.append(bruno.expect("message", text=text)["id"])
    bruno.bye()
    bruno.wait_closed()
    return ids


def test_a_wiped_server_is_said_and_its_new_history_shown_whole(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess], anna: ChatWindow
) -> None:
    data = tmp_path / "data"
    first = server_process(data)
    port = first.wait_started(qtbot)
    controller: ClientController = anna._controller
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        anna.start(ConnectRequest("anna", "127.0.0.1", port))
    old = [f"old {n}" for n in range(1, 6)]
    assert bruno_posts(qtbot, port, *old) == [1, 2, 3, 4, 5]
    qtbot.waitUntil(lambda: len(shown(anna)) == len(old), timeout=WAIT_MS)
    assert controller.last_seen_id == 5

    assert first.stop(qtbot) == 0
    qtbot.waitUntil(lambda: controller.state is ClientState.RECONNECTING, timeout=WAIT_MS)
    shutil.rmtree(data)  # the operator starts over
    second = server_process(data, port=port)
    assert second.wait_started(qtbot) == port
    new = [f"new {n}" for n in range(1, 4)]
    assert bruno_posts(qtbot, port, *new) == [1, 2, 3]  # the old ids again, for new messages

    assert controller.state is ClientState.RECONNECTING  # Anna is still counting down
    with qtbot.waitSignal(controller.history_reset, timeout=WAIT_MS):
        controller.retry_now()
    qtbot.waitUntil(lambda: len(shown(anna)) == len(old) + 1 + len(new), timeout=WAIT_MS)
    anna_sees = shown(anna)
    assert anna_sees == [
        *[("MESSAGE", text) for text in old],
        ("NOTICE", RESET),
        *[("MESSAGE", text) for text in new],
    ]
    assert [e.text for e in rows(anna) if e.kind is EntryKind.NOTICE].count(RESET) == 1
    # and she goes on in the new history
    cid = controller.say("hello again")
    qtbot.waitUntil(lambda: controller.pending == [], timeout=WAIT_MS)
    assert shown(anna)[-1] == ("MESSAGE", "hello again")
    assert [e.msg_id for e in rows(anna) if e.cid == cid] == [4]
