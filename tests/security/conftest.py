"""Fixtures of the security suite: a real server on 127.0.0.1, attackers, and bystanders.

Every hostile-input test runs in an :class:`Arena`: a :class:`ChatServer` listening on
127.0.0.1 port 0 (no LAN announce), with three *bystanders* that chat a numbered
sequence before, during and after the attack (one line every ``CHATTER_MS`` from a
timer, and explicit rounds around the attack). :meth:`Arena.finish` then checks that
each bystander has the whole sequence, once, in id order, and nothing else went wrong
for them. The attacker is a :class:`~tests.server.helpers.ChatClient` (the project's
own ``Connection``, for frames and raw bytes) or a :class:`RawPeer` (a plain socket,
for byte-level tricks: one byte at a time, a reset).

The subprocess server (:class:`ServerProcess`) is ``python -m chat_server_app
--headless --no-announce`` on 127.0.0.1; its port is read from its first stdout line
without blocking the Qt event loop, so clients in the test process keep running.

Waiting is always a pytest-qt wait; a plain socket is polled with ``select`` and a
zero timeout inside those waits.
"""

from __future__ import annotations

import itertools
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer, Session
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, SqliteStore
from shared.codec import FrameDecoder, encode
from shared.limits import CLIENT_MAX_FRAME
from shared.qt.connection import Connection
from tests.server.helpers import BASE_SETTINGS, ChatClient, Frame, error_frame

ROOT = Path(__file__).resolve().parents[2]

WAIT_MS = 5000
"""Longest a test waits for something that happens at once on loopback."""

BYSTANDERS = ("Ada", "Straße", "José")
"""Names of the bystanders: one plain, one that casefolds to more letters, one accented
(NFC), so that the name-collision attacks have something to collide with."""

CHATTER_MS = 70
"""One bystander line per tick, in turn: each bystander posts 4.8 lines a second, under the
default rate (5/s), so the chatter can go on for as long as a test needs."""

ATTACKER = "mallory"

FAST_CONTROLLER: dict[str, Any] = {
    "backoff_base": 0.05,
    "backoff_cap": 0.3,
    "idle_ping": 5.0,
    "ping_timeout": 5.0,
    "connect_timeout": 5.0,
}
"""ClientController timings: a lost connection is retried within a fraction of a second."""

HOSTILE_TEXTS = {
    "html": '<script>alert(1)</script><b>bold</b><img src=x onerror="alert(2)">&amp;&lt;<!--',
    "terminal": "\x1b[2J\x1b[H\x1b[31mred\x1b[0m\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07",
    "controls": "a\rb\x08c\x00d\x7fe\x85f\x9b31m",
    "bidi": "\u202egnp.exe\u202c and \u2066isolated\u2069",
    "invisible": "zero\u200bwidth\ufeffbom\u00adshy",
    "newlines": "line 1\nline 2\r\nline 3\u2028line 4\u2029",
    "json in text": '","from":"Ada","text":"spoofed',
}
"""Texts that mean something to a browser, a terminal or a layout engine: for the chat they
are data, relayed and shown exactly as typed."""


def is_message(frame: Frame) -> bool:
    return frame.get("type") == "message"


# --- the attacker's plain socket -------------------------------------------------------------


class RawPeer:
    """A plain TCP socket to the server: writes exactly the bytes it is given, reads only when
    polled (``pump``), and can end with a reset (``reset``) instead of a close."""

    def __init__(self, port: int, *, rcvbuf: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        # one write, one segment: a byte sent alone arrives alone
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(WAIT_MS / 1000)
        self.sock.connect(("127.0.0.1", port))
        self.decoder = FrameDecoder(CLIENT_MAX_FRAME)
        self.received: list[Frame] = []
        self.eof = False
        self.was_reset = False
        self.closed_here = False
        self.sent = 0

    @property
    def local_port(self) -> int:
        return int(self.sock.getsockname()[1])

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.sent += len(data)

    def send_message(self, message: Frame) -> None:
        self.send(encode(message))

    def pump(self) -> None:
        """Take whatever the server sent so far (never blocks)."""
        while not self.eof:
            ready, _, _ = select.select([self.sock], [], [], 0)
            if not ready:
                return
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                self.eof = self.was_reset = True
                return
            if not data:
                self.eof = True
                return
            self.received.extend(self.decoder.feed(data))

    def got(self, predicate: Callable[[Frame], bool]) -> bool:
        """Whether a frame satisfying ``predicate`` came (polls first; never blocks)."""
        self.pump()
        return any(predicate(f) for f in self.received)

    def closed_by_server(self) -> bool:
        self.pump()
        return self.eof

    def of_type(self, type_: str) -> list[Frame]:
        return [f for f in self.received if f.get("type") == type_]

    def reset(self) -> None:
        """Close with SO_LINGER 0: the kernel sends RST, not FIN, and drops unsent data."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        self.closed_here = True
        self.sock.close()


# --- the bystanders ---------------------------------------------------------------------------


class QuickClient(ChatClient):
    """A :class:`ChatClient` whose constructor does not wait for the connection: several
    are opened at once, then waited for together."""

    def __init__(self, qtbot: QtBot, port: int) -> None:
        self.qtbot = qtbot
        self.conn = Connection(max_frame=CLIENT_MAX_FRAME)
        self.received: list[Frame] = []
        self.socket_errors: list[str] = []
        self.protocol_errors: list[object] = []
        self.disconnected_emitted = False
        self.name = ""
        self.conn.message_received.connect(self.received.append)
        self.conn.error_occurred.connect(self.socket_errors.append)
        self.conn.protocol_error.connect(self.protocol_errors.append)
        self.conn.disconnected.connect(self._on_disconnected)
        self.conn.connect_to_host("127.0.0.1", port)


# --- the arena ---------------------------------------------------------------------------


class Arena:
    """A server, three bystanders chatting, and the attackers of one test."""

    def __init__(self, qtbot: QtBot, server: ChatServer) -> None:
        self.qtbot = qtbot
        self.server = server
        self.attackers: list[ChatClient] = []
        self.raw_peers: list[RawPeer] = []
        self.sent: dict[str, list[str]] = {name: [] for name in BYSTANDERS}
        self._turn = 0
        # connected and welcomed all at once: a test's setup is three round trips, not nine
        self.bystanders: list[ChatClient] = [QuickClient(qtbot, server.port) for _ in BYSTANDERS]
        qtbot.waitUntil(lambda: all(c.conn.is_open for c in self.bystanders), timeout=WAIT_MS)
        for client, name in zip(self.bystanders, BYSTANDERS, strict=True):
            client.send_hello(name)
            client.name = name
        qtbot.waitUntil(
            lambda: all(any(f["type"] == "welcome" for f in c.received) for c in self.bystanders),
            timeout=WAIT_MS,
        )
        for client in self.bystanders:
            assert client.received[0]["type"] == "welcome", client.received
        self.bystanders[0].wait_count(lambda f: f.get("type") == "joined", len(BYSTANDERS) - 1)
        self.round()  # before the attack
        self._timer = QTimer()
        self._timer.setInterval(CHATTER_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # --- chatter ---

    def _say(self, index: int) -> None:
        client = self.bystanders[index]
        name = BYSTANDERS[index]
        text = f"{name} #{len(self.sent[name]):03d}"
        self.sent[name].append(text)
        client.say(text)

    def _tick(self) -> None:
        self._say(self._turn % len(self.bystanders))
        self._turn += 1

    def round(self) -> None:
        """Each bystander says its next line now."""
        for index in range(len(self.bystanders)):
            self._say(index)

    @property
    def lines_sent(self) -> int:
        return sum(len(texts) for texts in self.sent.values())

    def chat_while(self, condition: Callable[[], bool], timeout: int = WAIT_MS) -> None:
        """Wait for ``condition`` while the bystanders go on chatting (the chatter timer)."""
        self.qtbot.waitUntil(condition, timeout=timeout)

    # --- attackers ---

    def client(self) -> ChatClient:
        """A connected protocol client that has sent nothing yet."""
        client = ChatClient(self.qtbot, self.server.port)
        self.attackers.append(client)
        return client

    def registered(self, name: str = ATTACKER) -> ChatClient:
        client = self.client()
        answer = client.hello(name)
        assert answer["type"] == "welcome", answer
        for bystander in self.bystanders:
            bystander.expect("joined", name=answer["name"])
        return client

    def raw(self, *, rcvbuf: int | None = None) -> RawPeer:
        peer = RawPeer(self.server.port, rcvbuf=rcvbuf)
        self.raw_peers.append(peer)
        return peer

    def session_of_port(self, port: int) -> Session:
        """The server's session of the connection from 127.0.0.1:``port`` (waits for the accept)."""
        found: list[Session] = []

        def accepted() -> bool:
            found[:] = [s for s in self.server.sessions if s.address == f"127.0.0.1:{port}"]
            return bool(found)

        self.qtbot.waitUntil(accepted, timeout=WAIT_MS)
        return found[0]

    def session_of(self, client: ChatClient) -> Session:
        return self.session_of_port(int(client.conn.socket.localPort()))

    # --- the offender's outcome ---

    def expect_fatal(self, offender: ChatClient, code: str, *, registered: bool = False) -> None:
        """One ``error`` ``code``, fatal, as the last frame; then the server closes the connection.
        A registered offender is announced as ``left`` (``disconnected``) to the bystanders."""
        self.chat_while(lambda: offender.closed)
        assert offender.of_type("error") == [error_frame(code, fatal=True)], offender.received
        assert offender.received[-1]["type"] == "error"
        if registered:
            for bystander in self.bystanders:
                left = bystander.expect("left", name=offender.name)
                assert left["reason"] == "disconnected"
        else:
            assert offender.of_type("welcome") == []
        self.qtbot.waitUntil(lambda: self.server.connection_count == self.expected_connections())

    def expect_not_fatal(
        self, offender: ChatClient, code: str, *, cid: str | None = None, count: int = 1
    ) -> None:
        """``count`` non-fatal ``error`` ``code`` frames (carrying ``cid`` when given); the
        connection stays open and answers a ping."""
        errors = offender.wait_count(lambda f: f.get("type") == "error", count)
        want = error_frame(code, fatal=False)
        if cid is not None:
            want = {**want, "cid": cid}
        assert errors == [want] * count, errors
        token = f"alive-{len(offender.received)}"
        offender.send({"type": "ping", "token": token})
        self.chat_while(lambda: any(f == {"type": "pong", "token": token} for f in offender.received))
        assert not offender.closed
        assert offender.of_type("error") == [want] * count

    def expected_connections(self) -> int:
        open_attackers = sum(1 for a in self.attackers if not a.closed)
        return (
            len(self.bystanders)
            + open_attackers
            + sum(1 for p in self.raw_peers if not (p.eof or p.closed_here))
        )

    # --- the verdict ---

    def finish(self, *, left: tuple[str, ...] = ()) -> list[Frame]:
        """Stop the chatter, say one more round (after the attack), and check every bystander:
        it is still connected and registered, got no error, saw no bystander leave (only the
        names in ``left``, if any), and has every bystander line exactly once, in the order
        each bystander said them, with strictly increasing ids, and in the same order as
        every other bystander. Returns the first bystander's frames."""
        self._timer.stop()
        self.round()  # after the attack
        total = self.lines_sent
        mine = set(BYSTANDERS)
        for client in self.bystanders:
            client.wait_count(lambda f: is_message(f) and f.get("from") in mine, total, timeout=10_000)
        # a last ping round trip: anything extra (a duplicate) would be in by now
        for client in self.bystanders:
            client.send({"type": "ping", "token": "end"})
        self.qtbot.waitUntil(
            lambda: all({"type": "pong", "token": "end"} in c.received for c in self.bystanders),
            timeout=WAIT_MS,
        )
        views: list[list[tuple[int, str, str]]] = []
        for client in self.bystanders:
            assert not client.closed, f"{client.name} was disconnected: {client.received[-3:]!r}"
            assert client.of_type("error") == [], client.of_type("error")
            messages = client.messages()
            ids = [m["id"] for m in messages]
            assert all(a < b for a, b in itertools.pairwise(ids)), f"ids not increasing: {ids}"
            lines = [(m["id"], m["from"], m["text"]) for m in messages if m["from"] in mine]
            texts = [text for _, _, text in lines]
            assert len(texts) == len(set(texts)), "a bystander line arrived twice"
            assert set(texts) == {t for ts in self.sent.values() for t in ts}
            for name in BYSTANDERS:
                assert [t for _, sender, t in lines if sender == name] == self.sent[name]
            gone = [f["name"] for f in client.of_type("left")]
            assert not mine & set(gone), gone
            assert sorted(set(gone)) == sorted(set(left)), gone
            views.append(lines)
        assert all(view == views[0] for view in views), "bystanders disagree on the order"
        registered = {s.name for s in self.server.users}
        assert mine <= registered
        return self.bystanders[0].received

    def close(self) -> None:
        self._timer.stop()
        for client in [*self.attackers, *self.bystanders]:
            client.close()
        for peer in self.raw_peers:
            peer.close()


@pytest.fixture
def make_arena(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., Arena]]:
    """``make_arena(store=None, **settings)``: a started server (SQLite history in a temporary
    data directory unless ``store`` is given) with its three bystanders chatting."""
    arenas: list[Arena] = []
    servers: list[ChatServer] = []

    def factory(store: HistoryStore | None = None, **overrides: Any) -> Arena:
        settings = Settings(**{**BASE_SETTINGS, "data_dir": tmp_path, **overrides})
        assert settings.host == "127.0.0.1"
        assert settings.no_announce
        history = store if store is not None else SqliteStore.in_dir(tmp_path / f"data{len(servers)}")
        server = ChatServer(settings, history)
        server.start()
        assert server.is_listening
        servers.append(server)
        arena = Arena(qtbot, server)
        arenas.append(arena)
        return arena

    yield factory
    for arena in arenas:
        arena.close()
    for server in servers:
        server.close()


@pytest.fixture
def arena(make_arena: Callable[..., Arena]) -> Arena:
    return make_arena()


# --- the server as a process ------------------------------------------------------------------

LISTENING_RE = re.compile(r"^listening on 127\.0\.0\.1:(\d+)$")
START_TIMEOUT_MS = 30_000
"""For the process to import Qt and print its first line (a loaded 2-core box)."""


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc/PID/status (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


class ServerProcess:
    """``python -m chat_server_app --headless`` on 127.0.0.1 with ``--no-announce``.

    :meth:`start` returns at once; :meth:`started` polls stdout for the ``listening on``
    line without blocking, for use inside ``qtbot.waitUntil``.
    """

    def __init__(self, data_dir: Path, log: Path, port: int = 0, extra: tuple[str, ...] = ()) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        self.log_path = log
        self._log: IO[bytes] = log.open("ab")
        args = [
            sys.executable, "-m", "chat_server_app", "--headless",
            "--host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(data_dir), "--no-announce",
            # Every client comes from 127.0.0.1; a test of the join limit passes its own.
            "--join-burst", "100000", "--join-per-sec", "100000", *extra,
        ]  # fmt: skip
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, cwd=ROOT, env=env)
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._stdout = b""
        self.port = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def started(self) -> bool:
        """Whether the first line came (then ``port`` is set); never blocks."""
        if self.port:
            return True
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], 0)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"the server exited ({self.proc.poll()}): {self.log_text()}"
            self._stdout += chunk
        if b"\n" not in self._stdout:
            return False
        line = self._stdout.split(b"\n", 1)[0].decode()
        match = LISTENING_RE.match(line)
        assert match, f"first line {line!r}; log: {self.log_text()}"
        self.port = int(match.group(1))
        return True

    def wait_started(self, qtbot: QtBot) -> int:
        qtbot.waitUntil(self.started, timeout=START_TIMEOUT_MS)
        return self.port

    def rss_kib(self) -> int:
        return rss_kib(self.pid)

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, qtbot: QtBot) -> int:
        """SIGTERM, then wait for the exit while the Qt loop (our clients) keeps running."""
        self.proc.send_signal(signal.SIGTERM)
        qtbot.waitUntil(lambda: self.proc.poll() is not None, timeout=15_000)
        return int(self.proc.returncode)

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """``server_process(data_dir, *extra, port=0)``: a starting headless server (call
    ``wait_started``); killed at teardown if still running."""
    made: list[ServerProcess] = []

    def factory(data_dir: Path, *extra: str, port: int = 0) -> ServerProcess:
        proc = ServerProcess(data_dir, tmp_path / "server.log", port, extra)
        made.append(proc)
        return proc

    yield factory
    for proc in made:
        proc.cleanup()


@pytest.fixture
def qsettings_in_tmp(tmp_path: Path) -> None:
    """QSettings of client code go to a temporary folder, never the user's."""
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "qsettings"))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path / "qsettings"))
