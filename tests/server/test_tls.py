"""TLS: a self-signed identity made once, pinned clients, and clear failures both ways."""

from __future__ import annotations

import contextlib
import socket
import ssl
import stat
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtNetwork import QSslError
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from chat_server_app.tls import TlsIdentity, identity_for, self_signed_identity
from shared.codec import encode
from shared.limits import CLIENT_MAX_FRAME
from shared.qt.connection import Connection

WAIT_MS = 5000


@pytest.fixture
def identity(tmp_path: Path) -> TlsIdentity:
    return self_signed_identity(tmp_path, "Aula 3")


def _server(tmp_path: Path, tls: TlsIdentity | None) -> ChatServer:
    settings = Settings(host="127.0.0.1", port=0, no_announce=True, data_dir=tmp_path)
    server = ChatServer(settings, MemoryStore(), tls=tls)
    server.start()
    return server


@pytest.fixture
def tls_server(tmp_path: Path, identity: TlsIdentity) -> Iterator[ChatServer]:
    server = _server(tmp_path, identity)
    yield server
    server.close()


@pytest.fixture
def plain_server(tmp_path: Path) -> Iterator[ChatServer]:
    server = _server(tmp_path, None)
    yield server
    server.close()


class Client:
    def __init__(self, port: int, *, tls: bool, pin: str | None) -> None:
        self.conn = Connection.for_client(tls=tls, max_frame=CLIENT_MAX_FRAME)
        self.pin = pin
        self.received: list[dict[str, object]] = []
        self.errors: list[str] = []
        self.seen_fingerprint: str | None = None
        self.done = False
        self.conn.messages_received.connect(self.received.extend)
        self.conn.error_occurred.connect(self.errors.append)
        self.conn.disconnected.connect(self._on_disconnected)
        self.conn.tls_errors_occurred.connect(self._on_tls_errors)
        self.conn.connect_to_host("127.0.0.1", port)

    def _on_disconnected(self) -> None:
        self.done = True

    def _on_tls_errors(self, errors: list[QSslError]) -> None:
        self.seen_fingerprint = self.conn.peer_fingerprint
        if self.pin is not None and self.seen_fingerprint == self.pin:
            self.conn.ignore_tls_errors(errors)


def test_the_self_signed_key_is_private_and_the_identity_is_kept(
    tmp_path: Path, identity: TlsIdentity
) -> None:
    key = tmp_path / "tls" / "server-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = identity_for(True, None, None, tmp_path, "Aula 3")
    assert again is not None
    assert again.fingerprint == identity.fingerprint
    assert len(identity.fingerprint.split(":")) == 32


def test_chat_over_tls_with_a_pinned_certificate(qtbot: QtBot, tls_server: ChatServer) -> None:
    client = Client(tls_server.port, tls=True, pin=tls_server.tls_fingerprint)
    with qtbot.waitSignal(client.conn.connected, timeout=WAIT_MS):
        pass
    assert client.conn.is_tls
    client.conn.send({"type": "hello", "version": 1, "name": "anna"})
    qtbot.waitUntil(lambda: any(m["type"] == "welcome" for m in client.received), timeout=WAIT_MS)
    client.conn.send({"type": "say", "text": "segreto", "cid": "c1"})
    qtbot.waitUntil(lambda: any(m.get("text") == "segreto" for m in client.received), timeout=WAIT_MS)
    assert tls_server.announcer is not None
    client.conn.abort()


def test_a_changed_fingerprint_is_refused(qtbot: QtBot, tls_server: ChatServer) -> None:
    failures: list[tuple[str, str]] = []
    tls_server.connection_failed.connect(lambda peer, text: failures.append((peer, text)))
    client = Client(tls_server.port, tls=True, pin="00:" * 31 + "00")
    qtbot.waitUntil(lambda: client.done, timeout=WAIT_MS)
    assert client.seen_fingerprint == tls_server.tls_fingerprint
    assert client.errors, "the client must say why"
    assert not any(m["type"] == "welcome" for m in client.received)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)


def test_a_plain_client_to_a_tls_server_fails_quickly_on_both_sides(
    qtbot: QtBot, tls_server: ChatServer
) -> None:
    failures: list[tuple[str, str]] = []
    tls_server.connection_failed.connect(lambda peer, text: failures.append((peer, text)))
    client = Client(tls_server.port, tls=False, pin=None)
    with qtbot.waitSignal(client.conn.connected, timeout=WAIT_MS):
        pass
    client.conn.send_frames(encode({"type": "hello", "version": 1, "name": "anna"}))
    qtbot.waitUntil(lambda: client.done, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert not client.received
    assert tls_server.users == []


def test_a_tls_client_to_a_plain_server_fails_quickly_on_both_sides(
    qtbot: QtBot, plain_server: ChatServer
) -> None:
    failures: list[tuple[str, str]] = []
    plain_server.connection_failed.connect(lambda peer, text: failures.append((peer, text)))
    client = Client(plain_server.port, tls=True, pin=None)
    qtbot.waitUntil(lambda: client.done, timeout=WAIT_MS)
    assert client.errors
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert "TLS" in failures[0][1]


def test_the_dashboard_shows_the_fingerprint(qtbot: QtBot, tls_server: ChatServer) -> None:
    from PySide6.QtWidgets import QLabel

    from chat_server_app.dashboard.main_window import MainWindow

    window = MainWindow(tls_server.settings, tls_server)
    qtbot.addWidget(window)
    label = window.findChild(QLabel, "fingerprint_label")
    assert label is not None
    assert tls_server.tls_fingerprint is not None
    assert tls_server.tls_fingerprint in label.text()


def _encrypted(client: Client) -> bool:
    return client.conn.is_open and client.conn.handshake_done


def _welcomed(client: Client) -> bool:
    return any(m["type"] == "welcome" for m in client.received)


def _has_messages(client: Client, count: int) -> bool:
    return sum(m["type"] == "message" for m in client.received) >= count


def test_a_tls_client_that_does_not_read_is_dropped_for_its_send_queue(
    qtbot: QtBot, tmp_path: Path, identity: TlsIdentity
) -> None:
    # Over TLS the backlog waits in Qt already encrypted, where bytesToWrite() alone
    # does not count it: the limit must hold there too.
    settings = Settings(
        host="127.0.0.1",
        port=0,
        no_announce=True,
        data_dir=tmp_path,
        send_queue=65536,
        rate_burst=100_000,
        rate_per_sec=100_000,
    )
    server = ChatServer(settings, MemoryStore(), tls=identity)
    server.start()
    clients: list[Client] = []
    try:
        for name in ("flooder", "watcher"):
            client = Client(server.port, tls=True, pin=identity.fingerprint)
            clients.append(client)
            qtbot.waitUntil(partial(_encrypted, client), timeout=WAIT_MS)
            client.conn.send({"type": "hello", "version": 1, "name": name})
            qtbot.waitUntil(partial(_welcomed, client), timeout=WAIT_MS)
        flooder, watcher = clients
        raw = socket.socket()
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", server.port))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # a test peer: it only has to never read
        sleeper = context.wrap_socket(raw, do_handshake_on_connect=False)
        sleeper.setblocking(False)

        def handshake_done() -> bool:
            try:
                sleeper.do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return False
            return True

        qtbot.waitUntil(handshake_done, timeout=WAIT_MS)
        sleeper.write(encode({"type": "hello", "version": 1, "name": "sleeper"}))

        def left(reason: str) -> bool:
            return any(m["type"] == "left" and m.get("reason") == reason for m in watcher.received)

        qtbot.waitUntil(lambda: any(m["type"] == "joined" for m in watcher.received), timeout=WAIT_MS)
        text = "x" * 3990
        sent = 0
        while not left("send_queue") and sent < 2000:
            for _ in range(10):
                flooder.conn.send({"type": "say", "text": f"{sent:05d} {text}"})
                sent += 1
            qtbot.waitUntil(partial(_has_messages, watcher, sent), timeout=WAIT_MS)
        assert left("send_queue"), f"the sleeper was still there after {sent} messages of 4 KB"
        # and the reader missed nothing
        texts = [m["text"] for m in watcher.received if m["type"] == "message"]
        assert len(texts) == sent
        sleeper.close()
    finally:
        for client in clients:
            client.conn.abort()
        server.close()


def _step(call: Callable[[], object]) -> bool:
    """One step of a non-blocking TLS call: whether it is done."""
    try:
        call()
    except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
        return False
    return True


def _send_close_notify(peer: ssl.SSLSocket) -> None:
    """Send close_notify and keep the TCP connection open, waiting for the other's (as
    ``unwrap`` does); a peer that never answers it leaves the wait unfinished. The wait
    fails at once on unread data from the other side: close_notify has gone by then."""
    with contextlib.suppress(ssl.SSLError):  # want read/write, or the other side's data after it
        peer.unwrap()


def test_a_tls_client_ends_when_the_server_sends_close_notify_and_waits(
    qtbot: QtBot, tmp_path: Path, identity: TlsIdentity
) -> None:
    # Qt reports the peer's close_notify as an error and otherwise waits: without an
    # answer the client stayed connected forever, and never reconnected.
    listening = socket.create_server(("127.0.0.1", 0))
    listening.setblocking(False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "tls" / "server-cert.pem", tmp_path / "tls" / "server-key.pem")
    client = Client(listening.getsockname()[1], tls=True, pin=identity.fingerprint)
    accepted: list[socket.socket] = []
    qtbot.waitUntil(lambda: _step(lambda: accepted.append(listening.accept()[0])), timeout=WAIT_MS)
    peer = context.wrap_socket(accepted[0], server_side=True, do_handshake_on_connect=False)
    peer.setblocking(False)
    try:
        qtbot.waitUntil(lambda: _step(peer.do_handshake), timeout=WAIT_MS)
        notice = encode({"type": "notice", "text": "n" * 500, "ts": "2026-12-04T10:00:00.000Z"})
        frames = memoryview(notice * 200)
        for start in range(0, len(frames), 16384):
            chunk = frames[start : start + 16384]
            qtbot.waitUntil(partial(_step, partial(peer.send, chunk)), timeout=WAIT_MS)
        _send_close_notify(peer)
        qtbot.waitUntil(lambda: client.done, timeout=WAIT_MS)
        assert [m["type"] for m in client.received] == ["notice"] * 200
        assert client.errors == []
    finally:
        peer.close()
        listening.close()
        client.conn.abort()


def test_the_server_drops_a_tls_client_that_sends_close_notify_and_waits(
    qtbot: QtBot, tls_server: ChatServer
) -> None:
    watcher = Client(tls_server.port, tls=True, pin=tls_server.tls_fingerprint)
    qtbot.waitUntil(partial(_encrypted, watcher), timeout=WAIT_MS)
    watcher.conn.send({"type": "hello", "version": 1, "name": "watcher"})
    qtbot.waitUntil(partial(_welcomed, watcher), timeout=WAIT_MS)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # a test peer
    peer = context.wrap_socket(
        socket.create_connection(("127.0.0.1", tls_server.port)), do_handshake_on_connect=False
    )
    peer.setblocking(False)
    try:
        qtbot.waitUntil(lambda: _step(peer.do_handshake), timeout=WAIT_MS)
        peer.write(encode({"type": "hello", "version": 1, "name": "quiet"}))
        qtbot.waitUntil(lambda: any(m["type"] == "joined" for m in watcher.received), timeout=WAIT_MS)
        _send_close_notify(peer)
        # Long before the ping deadline (30 s + 60 s): at once.
        qtbot.waitUntil(
            lambda: any(m["type"] == "left" and m["name"] == "quiet" for m in watcher.received),
            timeout=WAIT_MS,
        )
        assert [m["reason"] for m in watcher.received if m["type"] == "left"] == ["disconnected"]
    finally:
        peer.close()
        watcher.conn.abort()
