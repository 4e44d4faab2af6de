"""The real client program on a virtual screen, as a new user would use it (issue 18).

``python -m chat_client_app --connect`` runs as a process of its own on Xvfb, its
settings in a temporary folder, against a real server process. The server stops;
the user types a line and presses Return (xdotool, through the X server, as a
keyboard would), then quits with Ctrl+Q and answers the "messages not sent yet"
question with Return (its default: keep them for next time). The server comes back;
the user starts the client again. The line is sent once: the history file holds it
once, the other user in the chat gets it once, and the window shows it once (read
back through the clipboard: Ctrl+A, Ctrl+C in the message list).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.server_memory import ServerMemory
from chat_server_app.store import SqliteStore
from tests.packaging.conftest import load
from tests.security.conftest import ROOT, WAIT_MS, ServerProcess
from tests.server.helpers import ChatClient

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="Xvfb and xdotool"),
    pytest.mark.skipif(
        shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
        reason="needs Xvfb and xdotool (packaging/system-deps.sh installs them)",
    ),
]

TEXT = "typed while the server was down"
START_MS = 30_000
"""For the client process to import Qt and show its window (a loaded 2-core box)."""
CLIPBOARD = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication(sys.argv[:1])\n"
    "sys.stdout.write(app.clipboard().text())\n"
)
"""What the X clipboard holds, read by a Qt program of its own on the same screen."""


class Screen:
    """A virtual X screen and the user's hands on it (xdotool)."""

    def __init__(self, display: str, home: Path) -> None:
        self.display = display
        self.env = dict(os.environ, DISPLAY=display, XDG_CONFIG_HOME=str(home / "config"), HOME=str(home))
        self.env.pop("QT_QPA_PLATFORM", None)  # a real X11 window

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10)
        return done.stdout

    def window(self, title_part: str) -> str | None:
        """The id of a visible window whose title contains ``title_part`` (never waits)."""
        found = self.xdotool("search", "--onlyvisible", "--name", title_part).split()
        return found[0] if found else None

    def clipboard(self) -> str:
        env = dict(self.env, QT_QPA_PLATFORM="xcb")
        done = subprocess.run(
            [sys.executable, "-c", CLIPBOARD], env=env, capture_output=True, text=True, timeout=30
        )
        return done.stdout


class ClientProcess:
    """``python -m chat_client_app --connect`` as anna, on ``screen``."""

    def __init__(self, screen: Screen, port: int, log: Path) -> None:
        self._log: IO[bytes] = log.open("ab")
        args = [
            sys.executable, "-m", "chat_client_app", "--connect", "--lang", "en",
            "--name", "anna", "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=screen.env, stdout=self._log, stderr=self._log, stdin=subprocess.DEVNULL
        )

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Screen]:
    virtual_screen = load("xvfb").virtual_screen
    with virtual_screen() as display:
        yield Screen(display, tmp_path / "home")


@pytest.fixture
def client_process(screen: Screen, tmp_path: Path) -> Iterator[Callable[[int], ClientProcess]]:
    made: list[ClientProcess] = []

    def factory(port: int) -> ClientProcess:
        client = ClientProcess(screen, port, tmp_path / "client.log")
        made.append(client)
        return client

    yield factory
    for client in made:
        client.cleanup()


def stored(data: Path, text: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{data / SqliteStore.FILENAME}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM messages WHERE text = ?", (text,)).fetchone()
    return int(count)


@pytest.mark.slow
def test_a_line_typed_offline_survives_quitting_and_is_sent_once_on_the_next_start(
    qtbot: QtBot,
    tmp_path: Path,
    screen: Screen,
    server_process: Callable[..., ServerProcess],
    client_process: Callable[[int], ClientProcess],
) -> None:
    data = tmp_path / "data"
    server = server_process(data)
    port = server.wait_started(qtbot)
    memory = ServerMemory(tmp_path / "home" / "config" / "Parla" / "Parla Client.servers")

    def saved() -> list[str]:
        return [say.text for say in ServerMemory(memory.folder).outbox("127.0.0.1", port, "anna")]

    bruno = ChatClient(qtbot, port)
    bruno.hello("bruno")
    first = client_process(port)
    bruno.expect("joined", name="anna", timeout=START_MS)
    qtbot.waitUntil(lambda: screen.window("anna") is not None, timeout=START_MS)
    window = screen.window("anna")
    assert window is not None

    assert server.stop(qtbot) == 0
    bruno.wait_closed()
    screen.xdotool("windowfocus", "--sync", window)
    screen.xdotool("type", "--delay", "10", TEXT)
    screen.xdotool("key", "Return")
    qtbot.waitUntil(lambda: saved() == [TEXT], timeout=WAIT_MS)  # pending, and on disk

    screen.xdotool("key", "ctrl+q")
    qtbot.waitUntil(lambda: screen.window("Messages not sent yet") is not None, timeout=WAIT_MS)
    screen.xdotool("key", "Return")  # the default: keep them for next time
    qtbot.waitUntil(lambda: first.proc.poll() is not None, timeout=WAIT_MS)
    assert first.proc.returncode == 0
    assert saved() == [TEXT]
    assert stored(data, TEXT) == 0

    again = server_process(data, port=port)
    assert again.wait_started(qtbot) == port
    carla = ChatClient(qtbot, port)
    carla.hello("carla")
    second = client_process(port)
    carla.expect("message", text=TEXT, timeout=START_MS)
    qtbot.waitUntil(lambda: saved() == [], timeout=WAIT_MS)  # acknowledged
    # whatever was to come has come: a round trip after the client's own
    carla.sync("after anna's line")
    assert [m["text"] for m in carla.messages()].count(TEXT) == 1
    assert stored(data, TEXT) == 1

    window = screen.window("anna")
    assert window is not None
    # The user selects the whole conversation and copies it: what the window shows.
    # A click in the middle of the window lands in the conversation (the rooms list
    # is on the left, the users on the right).
    geometry = dict(
        line.split("=", 1) for line in screen.xdotool("getwindowgeometry", "--shell", window).split()
    )
    middle_x, middle_y = int(geometry["WIDTH"]) // 2, int(geometry["HEIGHT"]) // 3
    screen.xdotool("mousemove", "--window", window, str(middle_x), str(middle_y), "click", "1")
    screen.xdotool("key", "ctrl+a", "ctrl+c")
    qtbot.waitUntil(lambda: "after anna's line" in screen.clipboard(), timeout=WAIT_MS)
    shown = screen.clipboard()
    assert shown.count(TEXT) == 1, shown
    assert f"anna: {TEXT}" in shown
    second.proc.terminate()
    qtbot.waitUntil(lambda: second.proc.poll() is not None, timeout=WAIT_MS)
