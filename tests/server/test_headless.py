"""``python -m chat_server_app --headless`` as a real process (PROTOCOL.md §5, §6):
the ``listening on`` line, chatting with plain blocking sockets, graceful stop on
SIGTERM and SIGINT, and the history across a restart and across a SIGKILL."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.wire import WireClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
"""Seconds for the process to import Qt and print its first line (a loaded CI box)."""
IO_TIMEOUT = 5.0
LISTENING_RE = re.compile(r"^listening on 127\.0\.0\.1:(\d+)$")

Frame = dict[str, Any]


class ServerProcess:
    """One headless server; ``port`` is read from its first stdout line."""

    def __init__(
        self, data_dir: Path, log: Path, *extra: str, env: dict[str, str] | None = None, umask: int = -1
    ) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1", **(env or {}))
        self._log: IO[bytes] = log.open("ab")
        self.proc = subprocess.Popen(
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
                str(data_dir),
                "--no-announce",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=ROOT,
            env=env,
            umask=umask,
        )
        self._stdout = b""
        self.first_line = self.read_line(START_TIMEOUT)
        match = LISTENING_RE.match(self.first_line)
        assert match, f"first stdout line was {self.first_line!r}; log: {self.log_text()}"
        self.port = int(match.group(1))

    def read_line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._stdout:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line on stdout; log: {self.log_text()}"
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 4096)
                assert chunk, f"stdout closed (exit {self.proc.poll()}); log: {self.log_text()}"
                self._stdout += chunk
        line, _, self._stdout = self._stdout.partition(b"\n")
        return line.decode("utf-8")

    def log_text(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 10.0) -> int:
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """``start_server(data_dir=None, *extra_args)``: a running headless server."""
    started: list[ServerProcess] = []

    def factory(data_dir: Path | None = None, *extra: str) -> ServerProcess:
        server = ServerProcess(data_dir or tmp_path / "data", tmp_path / "server.log", *extra)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.cleanup()


@pytest.fixture
def connect() -> Iterator[Callable[[int], WireClient]]:
    clients: list[WireClient] = []

    def factory(port: int) -> WireClient:
        client = WireClient.to(port, timeout=IO_TIMEOUT)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


Start = Callable[..., ServerProcess]
Connect = Callable[[int], WireClient]


def test_first_stdout_line_is_listening_on_the_real_port(start_server: Start, connect: Connect) -> None:
    server = start_server()
    assert server.port != 0
    assert server.first_line == f"listening on 127.0.0.1:{server.port}"
    welcome = connect(server.port).hello("alice")
    assert welcome["users"] == ["alice"]
    assert welcome["last_id"] == 0


def test_options_reach_the_engine(start_server: Start, connect: Connect, tmp_path: Path) -> None:
    server = start_server(None, "--name", "Aula 3", "--motd", "Ciao", "--password", "pw")
    client = connect(server.port)
    welcome = client.hello("alice", password="pw")
    assert (welcome["server"], welcome["motd"]) == ("Aula 3", "Ciao")
    refused = connect(server.port)
    refused.send({"type": "hello", "version": 1, "name": "bob", "password": "no"})
    frames = refused.read_until_closed()
    assert [(f["type"], f.get("code"), f.get("fatal")) for f in frames] == [("error", "auth_failed", True)]


def test_clients_can_chat(start_server: Start, connect: Connect) -> None:
    server = start_server()
    alice = connect(server.port)
    alice.hello("alice")
    bob = connect(server.port)
    bob.hello("bob")
    alice.expect("joined", name="bob")
    alice.send({"type": "say", "text": "ciao bob", "cid": "c1"})
    echo = alice.expect("message", text="ciao bob")
    got = bob.expect("message", text="ciao bob")
    assert echo["cid"] == "c1"
    assert "cid" not in got
    assert {k: v for k, v in echo.items() if k != "cid"} == got
    assert got["from"] == "alice"
    bob.send({"type": "ping", "token": "t"})
    assert bob.expect("pong") == {"type": "pong", "token": "t"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_sends_shutdown_and_exits_0(start_server: Start, connect: Connect, signum: int) -> None:
    server = start_server()
    # connected, never registered; accepted before alice is (the listener takes its
    # backlog in order), so it is a session of the server by the time alice is welcomed
    pending = connect(server.port)
    alice = connect(server.port)
    alice.hello("alice")
    bob = connect(server.port)
    bob.hello("bob")
    alice.expect("joined", name="bob")
    server.signal(signum)
    for client in (alice, bob, pending):
        frames = client.read_until_closed()
        assert frames[-1]["type"] == "shutdown"
        assert isinstance(frames[-1]["reason"], str)
    assert [f["type"] for f in alice.received].count("left") == 0
    assert server.wait() == 0


def full_pipe() -> tuple[int, int]:
    """A pipe whose buffer is already full: the first write to it blocks."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        while True:
            os.write(write_end, b"." * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)  # the child shares this file description
    return read_end, write_end


def drain_until_eof(fd: int, timeout: float) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the server did not exit"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return out
            out += chunk


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_right_after_the_listening_line_exits_0(tmp_path: Path, signum: int) -> None:
    """From its first line on, a supervisor may stop the server at any moment (§5: it
    prints the line "once it accepts connections"; SIGINT and SIGTERM stop it gracefully).

    The server's stderr is a pipe that is already full, so whatever the server writes
    there after the line holds it still: the signal lands right after the line, every
    run, instead of in a window of a few microseconds."""
    read_end, write_end = full_pipe()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
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
            str(tmp_path / "data"),
            "--no-announce",
        ],
        stdout=subprocess.PIPE,
        stderr=write_end,
        cwd=ROOT,
        env=env,
    )
    os.close(write_end)
    try:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], START_TIMEOUT)
        assert ready, "no listening line"
        line = os.read(fd, 4096).decode()
        assert LISTENING_RE.match(line.splitlines()[0]), line
        proc.send_signal(signum)
        log = drain_until_eof(read_end, timeout=START_TIMEOUT).lstrip(b".")
        status = proc.wait(timeout=10)
        name = signal.Signals(signum).name
        assert status == 0, f"{name} gave exit {status}: {log.decode(errors='replace')}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        os.close(read_end)


def test_a_stop_signal_with_no_client_exits_0(start_server: Start, connect: Connect) -> None:
    server = start_server()
    connect(server.port).hello("alice")  # the event loop is running
    server.signal(signal.SIGTERM)
    assert server.wait() == 0


def test_a_restart_on_the_same_data_dir_keeps_the_history(
    start_server: Start, connect: Connect, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = start_server(data)
    alice = connect(first.port)
    alice.hello("alice")
    alice.send({"type": "say", "text": "remember me", "cid": "r1"})
    original = alice.expect("message", text="remember me")
    first.signal(signal.SIGTERM)
    alice.read_until_closed()
    assert first.wait() == 0

    second = start_server(data)
    bob = connect(second.port)
    welcome = bob.hello("bob")
    assert welcome["last_id"] == original["id"]
    replayed = bob.expect("message", text="remember me")
    assert replayed == {
        "type": "message",
        "id": original["id"],
        "ts": original["ts"],
        "from": "alice",
        "text": "remember me",
        "history": True,
    }
    bob.send({"type": "say", "text": "new"})
    assert bob.expect("message", text="new")["id"] > original["id"]


def test_a_message_echoed_before_a_sigkill_survives_it(
    start_server: Start, connect: Connect, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = start_server(data)
    alice = connect(first.port)
    alice.hello("alice")
    alice.send({"type": "say", "text": "acknowledged", "cid": "k1"})
    original = alice.expect("message", cid="k1")
    first.signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL

    second = start_server(data)
    again = connect(second.port)
    again.hello("alice", since=0)
    replayed = again.expect("message", text="acknowledged")
    assert replayed["id"] == original["id"]
    assert replayed["history"] is True
    # the client re-sends what it is unsure of: the cid memory survived the kill too
    again.send({"type": "say", "text": "acknowledged", "cid": "k1"})
    again.send({"type": "say", "text": "next"})
    nxt = again.expect("message", text="next")
    live = [f for f in again.received if f.get("type") == "message" and not f.get("history")]
    assert [(m["id"], m["text"]) for m in live] == [(original["id"], "acknowledged"), (nxt["id"], "next")]
    assert nxt["id"] == original["id"] + 1
