"""Helpers of the server tests: a recording client, a raw socket, frame matchers."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtNetwork import QAbstractSocket
from pytestqt.qtbot import QtBot

from shared.codec import encode
from shared.limits import CLIENT_MAX_FRAME
from shared.qt.connection import Connection

Frame = dict[str, Any]

WAIT_MS = 3000
"""Longest a test waits for something that should happen at once on loopback."""

BASE_SETTINGS: dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 0,
    "no_announce": True,
    "name": "Test Server",
    "hello_timeout": 5.0,
    "ping_after": 30.0,
    "ping_timeout": 60.0,
    "join_burst": 100_000,
    "join_per_sec": 100_000.0,
}
"""Long liveness timeouts by default, so that no server ping lands in a test that
counts frames; the tests of the timeouts themselves pass fractions of a second.
Every test client comes from 127.0.0.1, one address: its hellos are not limited
unless a test of the join limit sets its own."""

_TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class _Timestamp:
    """Equal to any wire timestamp (RFC 3339 UTC with milliseconds) of the last minute."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str) or not _TS_RE.match(other):
            return False
        moment = datetime.fromisoformat(other.replace("Z", "+00:00"))
        return abs(datetime.now(UTC) - moment) < timedelta(minutes=1)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<a wire timestamp of the last minute>"


class _NonEmptyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other.strip())

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<non-empty text>"


TS: Any = _Timestamp()
TEXT: Any = _NonEmptyText()


def error_frame(code: str, *, fatal: bool) -> Frame:
    """What an ``error`` frame must look like (the human ``message`` is any text)."""
    return {"type": "error", "code": code, "message": TEXT, "fatal": fatal}


def strip_extensions(frame: Frame, *keys: str) -> Frame:
    """``frame`` without ``keys``: for fields the contract leaves open (an error's ``cid``)."""
    return {k: v for k, v in frame.items() if k not in keys}


def matches(frame: Frame, type_: str | None = None, **fields: Any) -> bool:
    if type_ is not None and frame.get("type") != type_:
        return False
    return all(k in frame and frame[k] == v for k, v in fields.items())


class ChatClient:
    """A protocol client over loopback that records every frame it receives."""

    __test__ = False

    def __init__(self, qtbot: QtBot, port: int, host: str = "127.0.0.1") -> None:
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
        self.conn.connect_to_host(host, port)
        qtbot.waitUntil(lambda: self.conn.is_open or bool(self.socket_errors), timeout=WAIT_MS)
        assert self.conn.is_open, f"could not connect to {host}:{port}: {self.socket_errors}"

    def _on_disconnected(self) -> None:
        self.disconnected_emitted = True

    @property
    def closed(self) -> bool:
        """The connection is over: ``Connection.disconnected`` came, or the socket says so.

        The socket's state is read too so that a missed signal shows up as the one test
        about it (``test_client_connection_reports_the_servers_close``), not as timeouts
        all over the suite.
        """
        return (
            self.disconnected_emitted
            or self.conn.socket.state() == QAbstractSocket.SocketState.UnconnectedState
        )

    # --- sending -------------------------------------------------------------------

    def send(self, message: Frame) -> None:
        self.conn.send(message)

    def send_raw(self, data: bytes) -> None:
        self.conn.send_frames(data)

    def send_hello(self, name: str, **fields: Any) -> None:
        self.send({"type": "hello", "version": 1, "name": name, **fields})

    def hello(self, name: str, **fields: Any) -> Frame:
        """Send ``hello``; return the answer (``welcome`` or ``error``)."""
        self.send_hello(name, **fields)
        answer = self.wait_for(lambda f: f.get("type") in ("welcome", "error"))
        if answer["type"] == "welcome":
            self.name = answer["name"]
        return answer

    def say(self, text: str, **fields: Any) -> None:
        self.send({"type": "say", "text": text, **fields})

    def bye(self, **fields: Any) -> None:
        self.send({"type": "bye", **fields})

    # --- waiting -------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: int = WAIT_MS) -> Frame:
        """Wait until a received frame satisfies ``predicate``; return the first that does."""
        found: list[Frame] = []

        def check() -> bool:
            for frame in self.received:
                if predicate(frame):
                    found.append(frame)
                    return True
            return False

        try:
            self.qtbot.waitUntil(check, timeout=timeout)
        except Exception as exc:
            raise AssertionError(f"no matching frame; received {self.received!r}") from exc
        return found[0]

    def expect(self, type_: str, timeout: int = WAIT_MS, **fields: Any) -> Frame:
        """Wait for a frame of ``type_`` whose fields include ``fields``."""
        return self.wait_for(lambda f: matches(f, type_, **fields), timeout=timeout)

    def wait_count(
        self, predicate: Callable[[Frame], bool], count: int, timeout: int = WAIT_MS
    ) -> list[Frame]:
        """Wait until ``count`` received frames satisfy ``predicate``; return them all."""

        def check() -> bool:
            return sum(1 for f in self.received if predicate(f)) >= count

        try:
            self.qtbot.waitUntil(check, timeout=timeout)
        except Exception as exc:
            got = [f for f in self.received if predicate(f)]
            raise AssertionError(f"wanted {count} frames, got {len(got)}: {got[-5:]!r}") from exc
        return [f for f in self.received if predicate(f)]

    def wait_closed(self, timeout: int = WAIT_MS) -> None:
        try:
            self.qtbot.waitUntil(lambda: self.closed, timeout=timeout)
        except Exception as exc:
            raise AssertionError(f"the server did not close the connection; got {self.received!r}") from exc

    def of_type(self, type_: str) -> list[Frame]:
        return [f for f in self.received if f.get("type") == type_]

    def messages(self, *, live_only: bool = False) -> list[Frame]:
        out = self.of_type("message")
        return [m for m in out if not m.get("history")] if live_only else out

    def texts(self) -> list[str]:
        return [m["text"] for m in self.of_type("message")]

    def sync(self, marker: str) -> Frame:
        """A public message from this client, waited for: every frame the server queued
        for this client before it is in ``received`` afterwards."""
        self.say(marker)
        return self.wait_for(lambda f: matches(f, "message", text=marker) and f.get("from") == self.name)

    def close(self) -> None:
        self.conn.abort()


class RawSocket:
    """A plain blocking socket that sends what it is told and reads nothing unless asked."""

    def __init__(self, port: int, *, rcvbuf: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(5.0)
        self.sock.connect(("127.0.0.1", port))

    def send(self, message: Frame) -> None:
        self.sock.sendall(encode(message))

    def close(self) -> None:
        self.sock.close()


class Storm:
    """A client looping hello and bye: it connects, sends both at once, and when the
    server closes the connection (after ``bye`` or a fatal error), again."""

    def __init__(self, port: int, name: str, rounds: int) -> None:
        self._port = port
        self._name = name
        self._left = rounds
        self.frames: list[Frame] = []
        self._conn: Connection | None = None
        self._next()

    def _next(self) -> None:
        if self._conn is not None:
            self._conn.deleteLater()
            self._conn = None
        if self._left == 0:
            return
        self._left -= 1
        conn = self._conn = Connection(max_frame=CLIENT_MAX_FRAME)
        conn.message_received.connect(self.frames.append)
        conn.connected.connect(lambda: self._greet(conn))
        conn.disconnected.connect(lambda: self._closed(conn))
        conn.connect_to_host("127.0.0.1", self._port)

    def _greet(self, conn: Connection) -> None:
        conn.send({"type": "hello", "version": 1, "name": self._name})
        conn.send({"type": "bye"})

    def _closed(self, conn: Connection) -> None:
        if conn is self._conn:
            self._next()

    def done(self) -> bool:
        conn = self._conn
        # An unbuffered socket can end without ``disconnected``: read its state too.
        if conn is not None and conn.socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            self._next()
        return self._conn is None

    def of_type(self, type_: str) -> list[Frame]:
        return [f for f in self.frames if f.get("type") == type_]
