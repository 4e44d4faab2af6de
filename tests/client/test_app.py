"""``chat-client`` as a program: the command line, and SIGTERM/SIGINT against a real server."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app import app as client_app
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ConnectRequest
from tests.client.conftest import WAIT_MS

ROOT = Path(__file__).resolve().parents[2]
PROCESS_WAIT_MS = 30_000
"""A fresh interpreter importing PySide6 on a busy CI machine takes seconds."""


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--port", "0"], "--port must be 1-65535"),
        (["--port", "http"], "invalid int value"),
        (["--connect", "--host", "127.0.0.1"], "--connect needs --name and --host"),
        (["--name", "bad\u200bname"], "U+200B"),
        (["--lang", "fr"], "invalid choice"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_command_lines_exit_2_with_one_line(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert client_app.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("chat-client: error: ")
    assert words in err


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """``main`` takes what exists out of the garbage collector's sight, as the app should
    once its window is built; inside a test run that is the whole session's heap."""
    yield
    gc.unfreeze()


def test_cancelled_dialog_exits_0(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    asked: list[dict[str, Any]] = []
    frozen: list[int] = []

    def fake_ask(parent: object = None, **options: Any) -> None:
        asked.append(options)
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(ConnectDialog, "ask", staticmethod(fake_ask))
    assert client_app.main(["--name", "anna", "--port", "5002"]) == 0
    assert asked[0]["name"] == "anna"
    assert asked[0]["port"] == 5002
    assert "host" not in asked[0]
    assert isinstance(asked[0]["controller"], ClientController)
    assert frozen[0] > 0  # the startup objects were frozen before the dialog opened


@pytest.fixture
def headless_server(tmp_path: Path) -> Iterator[int]:
    """A real ``chat-server --headless`` process; yields its port."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chat_server_app",
            "--headless",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "server"),
            "--no-announce",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("listening on 127.0.0.1:"), first
    yield int(first.rsplit(":", 1)[1])
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_signal_makes_the_client_say_bye_and_exit_0(
    qtbot: QtBot,
    headless_server: int,
    make_controller: Callable[..., ClientController],
    tmp_path: Path,
    stop: signal.Signals,
) -> None:
    observer = make_controller()
    with qtbot.waitSignal(observer.connected, timeout=WAIT_MS):
        observer.connect_to(ConnectRequest("observer", "127.0.0.1", headless_server))
    events: list[tuple[str, ...]] = []
    observer.user_joined.connect(lambda name: events.append(("joined", name)))
    observer.user_left.connect(lambda name, reason: events.append(("left", name, reason)))

    client = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chat_client_app",
            "--name",
            "x",
            "--host",
            "127.0.0.1",
            "--port",
            str(headless_server),
            "--connect",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    try:
        qtbot.waitUntil(lambda: ("joined", "x") in events, timeout=PROCESS_WAIT_MS)
        client.send_signal(stop)
        qtbot.waitUntil(lambda: ("left", "x", "quit") in events, timeout=WAIT_MS)
        _, err = client.communicate(timeout=10)
    finally:
        if client.poll() is None:
            client.kill()
            client.communicate()
    assert client.returncode == 0, err
    assert "Traceback" not in err
