"""The PyInstaller builds in dist/, as a user runs them (``make package`` makes them).

Skipped, with the reason, when dist/ holds no build. The programs are only ever seen
from outside: the test speaks the wire protocol to the built server (a blocking
socket and the project's codec), and plays the server itself to see what the built
client reads. Every wait is a deadline on a socket or a process, never a sleep.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from shared.limits import DEFAULT_MAX_FRAME
from shared.messages import now_ts
from tests.wire import WireClient

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
SERVER = DIST / "chat-server" / "chat-server"
CLIENT = DIST / "chat-client" / "chat-client"

START_TIMEOUT = 30.0
"""Seconds for a built program to start (the first run after a build also fills caches)."""
IO_TIMEOUT = 10.0
"""Seconds for an answer on loopback; the client's first reconnect comes within about 2."""


def _stale_build() -> str | None:
    """Why the build in dist/ does not test the code of this checkout, if it does not."""
    if not (SERVER.is_file() and CLIENT.is_file()):
        return "no PyInstaller build in dist/ (`make package` builds dist/chat-server and dist/chat-client)"
    built = min(SERVER.stat().st_mtime, CLIENT.stat().st_mtime)
    packages = ("shared", "shared_gui", "chat_server_app", "chat_client_app")
    sources = [
        *(path for package in packages for path in (ROOT / package).rglob("*.py")),
        *(ROOT / "resources").rglob("*.*"),
        *(ROOT / "packaging").glob("*.spec"),
    ]
    newer = [path for path in sources if path.stat().st_mtime > built]
    if newer:
        return f"the build in dist/ is older than {newer[0].relative_to(ROOT)}: `make package` rebuilds it"
    return None


STALE = _stale_build()

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(STALE is not None, reason=STALE or ""),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

Frame = dict[str, Any]


class Program:
    """A built program, its stdout read line by line with deadlines, its stderr in a file."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str]) -> None:
        self._log: IO[bytes] = log.open("ab")
        self.log_path = log
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, env=env)
        self._buffer = b""

    def read_line(self, timeout: float = START_TIMEOUT) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line on stdout; log: {self.log()}"
            ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                assert chunk, f"stdout closed (exit {self.proc.poll()}); log: {self.log()}"
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = IO_TIMEOUT) -> int:
        """SIGTERM, then the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=IO_TIMEOUT)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Callable[..., Program]]:
    """``run(executable, *args)``: a built program, headless (offscreen), killed at teardown."""
    started: list[Program] = []
    # The user's own recent servers and settings stay out of it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def factory(executable: Path, *args: str) -> Program:
        program = Program([str(executable), *args], tmp_path / f"{executable.name}.log", env)
        started.append(program)
        return program

    yield factory
    for program in started:
        program.cleanup()


@pytest.fixture
def connect() -> Iterator[Callable[[int], WireClient]]:
    made: list[WireClient] = []

    def factory(port: int) -> WireClient:
        wire = WireClient.to(port, timeout=IO_TIMEOUT)
        made.append(wire)
        return wire

    yield factory
    for wire in made:
        wire.sock.close()


def start_server(run: Callable[..., Program], data_dir: Path) -> tuple[Program, int]:
    server = run(
        SERVER,
        "--headless",
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--no-announce",
        "--data-dir",
        str(data_dir),
    )
    line = server.read_line()
    assert line.startswith("listening on 127.0.0.1:"), f"{line!r}; log: {server.log()}"
    return server, int(line.rsplit(":", 1)[1])


def test_the_built_server_welcomes_a_client_and_stops_on_sigterm(
    run: Callable[..., Program], connect: Callable[[int], WireClient], tmp_path: Path
) -> None:
    server, port = start_server(run, tmp_path / "data")
    tester = connect(port)
    tester.send({"type": "hello", "version": 1, "name": "tester"})
    welcome = tester.expect("welcome")
    assert welcome["users"] == ["tester"]
    tester.send({"type": "say", "text": "ciao", "cid": "c1"})
    assert tester.expect("message", cid="c1")["text"] == "ciao"
    assert server.stop() == 0, server.log()
    assert tester.read_until_closed()[-1]["type"] == "shutdown"


def test_the_built_client_joins_the_built_server_and_leaves_on_sigterm(
    run: Callable[..., Program], connect: Callable[[int], WireClient], tmp_path: Path
) -> None:
    server, port = start_server(run, tmp_path / "data")
    tester = connect(port)
    tester.send({"type": "hello", "version": 1, "name": "tester"})
    tester.expect("welcome")

    client = run(CLIENT, "--name", "anna", "--host", "127.0.0.1", "--port", str(port), "--connect")
    tester.expect("joined", name="anna")
    # A private message is refused unless anna is a registered user of the server.
    tester.send({"type": "say", "text": "ciao anna", "to": "anna", "cid": "p1"})
    echo = tester.wait_for(lambda f: f.get("cid") == "p1")
    assert (echo["type"], echo.get("to")) == ("message", "anna"), echo

    assert client.stop() == 0, client.log()
    left = tester.expect("left", name="anna")
    assert left["reason"] == "quit"  # it said bye: a clean exit, not a dropped socket
    assert server.stop() == 0, server.log()


def test_the_built_client_reads_what_the_server_sends(run: Callable[..., Program], tmp_path: Path) -> None:
    """The test plays the server: after a drop, the client asks for the messages after the
    last one it read, so the ``since`` of its second hello proves that it got it."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(START_TIMEOUT)
        port = listener.getsockname()[1]
        client = run(CLIENT, "--name", "anna", "--host", "127.0.0.1", "--port", str(port), "--connect")

        first = WireClient(listener.accept()[0], timeout=IO_TIMEOUT, max_frame=DEFAULT_MAX_FRAME)
        hello = first.expect("hello")
        assert (hello["name"], hello.get("since")) == ("anna", None)
        first.send(
            {
                "type": "welcome",
                "name": "anna",
                "users": ["anna", "bruno"],
                "server": "Test",
                "motd": "",
                "last_id": 41,
            }
        )
        first.send({"type": "message", "id": 42, "ts": now_ts(), "from": "bruno", "text": "ciao anna"})
        first.send({"type": "ping", "token": "after the message"})
        # Frames are handled in order: the pong comes after the message was read.
        assert first.expect("pong")["token"] == "after the message"
        first.sock.close()  # a dropped connection: the client reconnects by itself

        listener.settimeout(IO_TIMEOUT)
        second = WireClient(listener.accept()[0], timeout=IO_TIMEOUT, max_frame=DEFAULT_MAX_FRAME)
        again = second.expect("hello")
        assert (again["name"], again.get("since")) == ("anna", 42)
        second.send(
            {
                "type": "welcome",
                "name": "anna",
                "users": ["anna"],
                "server": "Test",
                "motd": "",
                "last_id": 42,
            }
        )
        assert client.stop() == 0, client.log()
        assert second.wait_for(lambda f: f.get("type") == "bye")
        second.sock.close()
