"""shared.qt.connection.Connection over real loopback sockets (pytest-qt).

Tests wait for the event loop (``waitSignal``/``waitUntil``) instead of sleeping.
pytest-qt turns an exception raised inside a Qt slot into a test failure, so every
test here also checks that no slot of Connection raised.
"""

from __future__ import annotations

import itertools
import socket
import struct
import weakref
from collections.abc import Callable
from functools import partial

import pytest
from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QTcpServer, QTcpSocket
from pytestqt.qtbot import QtBot

from shared.codec import EncodeError, encode, encode_many, frame
from shared.errors import ErrorCode, ProtocolError
from shared.limits import DEFAULT_MAX_FRAME, HEADER_SIZE
from shared.qt import connection as connection_module
from shared.qt import outgoing as outgoing_module
from shared.qt import read_reactor as read_reactor_module
from shared.qt.connection import Connection
from shared.qt.read_reactor import HAS_EPOLL, read_reactor
from tests.shared.conftest import LOCALHOST, Pair, RawPair, accept

Message = dict[str, object]
WAIT_MS = 3000  # loopback takes milliseconds; a generous bound that keeps failures quick


pytestmark = pytest.mark.usefixtures("read_path")  # every test on both read paths (tests/conftest.py)


M1: Message = {"type": "say", "text": "one"}
M2: Message = {"type": "message", "id": 2, "from": "Zoë", "text": "two 😀", "extra": [1, 2.5, None, True]}
M3: Message = {"type": "ping", "token": "t"}


class Recorder:
    """Every signal of one Connection, in the order they were emitted."""

    def __init__(self, conn: Connection) -> None:
        self.events: list[tuple[str, object]] = []
        conn.connected.connect(lambda: self.events.append(("connected", None)))
        conn.messages_received.connect(lambda batch: self.events.append(("batch", list(batch))))
        conn.message_received.connect(lambda message: self.events.append(("message", message)))
        conn.protocol_error.connect(lambda exc: self.events.append(("protocol_error", exc)))
        conn.error_occurred.connect(lambda text: self.events.append(("error", text)))
        conn.disconnected.connect(lambda: self.events.append(("disconnected", None)))

    def of(self, kind: str) -> list[object]:
        return [value for name, value in self.events if name == kind]

    @property
    def messages(self) -> list[object]:
        return self.of("message")

    @property
    def batches(self) -> list[list[object]]:
        return [batch for batch in self.of("batch") if isinstance(batch, list)]

    def count(self, kind: str) -> int:
        return len(self.of(kind))

    def kinds(self) -> list[str]:
        return [name for name, _ in self.events]


class RawRecorder:
    """What a bare socket received, and whether its peer closed."""

    def __init__(self, raw: QTcpSocket) -> None:
        self.data = b""
        self.closed = False
        self._raw = raw
        raw.readyRead.connect(self._on_ready_read)
        raw.disconnected.connect(self._on_disconnected)

    def _on_ready_read(self) -> None:
        self.data += self._raw.readAll().data()

    def _on_disconnected(self) -> None:
        self.data += self._raw.readAll().data()
        self.closed = True


def write(raw: QTcpSocket, data: bytes) -> None:
    assert raw.write(data) == len(data)


def wait_for(qtbot: QtBot, condition: Callable[[], bool]) -> None:
    def check() -> None:
        assert condition()

    qtbot.waitUntil(check, timeout=WAIT_MS)


def wait_for_bytes(qtbot: QtBot, conn: Connection, total: int) -> None:
    """Wait until ``conn`` has read ``total`` bytes in all."""
    wait_for(qtbot, lambda: conn.bytes_received == total)


# --- a framed conversation ---------------------------------------------------------------


def test_both_ends_are_open_and_know_their_peer(pair: Pair, listener: QTcpServer) -> None:
    assert pair.client.is_open
    assert pair.server.is_open
    assert pair.client.peer == f"{LOCALHOST}:{listener.serverPort()}"
    assert pair.server.peer == f"{LOCALHOST}:{pair.client.socket.localPort()}"
    assert pair.client.decoder.max_frame == DEFAULT_MAX_FRAME


def test_frames_go_both_ways(qtbot: QtBot, pair: Pair) -> None:
    with qtbot.waitSignal(pair.server.message_received, timeout=WAIT_MS) as blocker:
        pair.client.send(M1)
    assert blocker.args == [M1]
    with qtbot.waitSignal(pair.client.message_received, timeout=WAIT_MS) as blocker:
        pair.server.send(M2)
    assert blocker.args == [M2]
    assert pair.client.bytes_sent == len(encode(M1)) == pair.server.bytes_received
    assert pair.server.bytes_sent == len(encode(M2)) == pair.client.bytes_received


def test_a_burst_arrives_whole_and_in_order(qtbot: QtBot, pair: Pair) -> None:
    server_side, client_side = Recorder(pair.server), Recorder(pair.client)
    sent = [{"type": "say", "text": f"message {i}", "cid": str(i)} for i in range(300)]
    for message in sent[:150]:
        pair.client.send(message)
        pair.server.send(message)
    pair.client.send_frames(encode_many(sent[150:]))
    pair.server.send_frames(encode_many(sent[150:]))
    wait_for(qtbot, lambda: len(server_side.messages) == len(client_side.messages) == len(sent))
    for rec in (server_side, client_side):
        assert rec.messages == sent
        flattened = [m for batch in rec.batches for m in batch]
        assert flattened == sent
        assert rec.count("protocol_error") == 0


# --- raw bytes at a Connection: splits, bursts, garbage -------------------------------------


def test_a_frame_split_across_writes_arrives_as_one_message(qtbot: QtBot, raw_pair: RawPair) -> None:
    conn, raw = raw_pair.conn, raw_pair.raw
    rec = Recorder(conn)
    message: Message = {"type": "say", "text": "split " * 50, "cid": "c-1"}
    data = encode(message)
    cuts = [0, 1, 3, HEADER_SIZE, 10, len(data) - 1, len(data)]
    for start, end in itertools.pairwise(cuts):
        write(raw, data[start:end])
        wait_for_bytes(qtbot, conn, end)
        if end < len(data):
            assert rec.events == []
            assert conn.decoder.buffered == end
    wait_for(qtbot, lambda: len(rec.messages) == 1)
    assert rec.events == [("batch", [message]), ("message", message)]
    assert conn.decoder.buffered == 0


def test_several_frames_in_one_write_arrive_in_order(qtbot: QtBot, raw_pair: RawPair) -> None:
    conn, raw = raw_pair.conn, raw_pair.raw
    rec = Recorder(conn)
    write(raw, encode_many([M1, M2, M3]))
    wait_for(qtbot, lambda: len(rec.messages) == 3)
    # one read, one batch, emitted before the per-message signals
    assert rec.events == [("batch", [M1, M2, M3]), ("message", M1), ("message", M2), ("message", M3)]
    assert conn.bytes_received == len(encode_many([M1, M2, M3]))


def test_frames_straddling_writes(qtbot: QtBot, raw_pair: RawPair) -> None:
    conn, raw = raw_pair.conn, raw_pair.raw
    rec = Recorder(conn)
    f1, f2, f3 = encode(M1), encode(M2), encode(M3)
    write(raw, f1 + f2[:5])
    wait_for_bytes(qtbot, conn, len(f1) + 5)
    assert rec.events == [("batch", [M1]), ("message", M1)]
    write(raw, f2[5:] + f3)
    wait_for(qtbot, lambda: len(rec.messages) == 3)
    assert rec.batches == [[M1], [M2, M3]]
    assert rec.messages == [M1, M2, M3]


def test_batch_signal_alone_is_enough(qtbot: QtBot, raw_pair: RawPair) -> None:
    batches: list[list[object]] = []
    raw_pair.conn.messages_received.connect(lambda batch: batches.append(list(batch)))
    write(raw_pair.raw, encode_many([M1, M3]))
    wait_for(qtbot, lambda: batches != [])
    assert batches == [[M1, M3]]


def header(length: int) -> bytes:
    return struct.pack(">I", length)


GARBAGE: dict[str, tuple[bytes, ErrorCode]] = {
    "zero length": (header(0), ErrorCode.PROTOCOL_ERROR),
    "4 GiB - 1": (b"\xff\xff\xff\xff", ErrorCode.FRAME_TOO_LARGE),
    "max_frame + 1, header only": (header(DEFAULT_MAX_FRAME + 1), ErrorCode.FRAME_TOO_LARGE),
    "an HTTP request": (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", ErrorCode.FRAME_TOO_LARGE),
    "not json": (frame(b"hello there"), ErrorCode.PROTOCOL_ERROR),
    "not an object": (frame(b"[1,2]"), ErrorCode.PROTOCOL_ERROR),
    "no type": (frame(b'{"text":"hi"}'), ErrorCode.PROTOCOL_ERROR),
    "invalid utf-8": (frame(b'{"type":"\xff"}'), ErrorCode.PROTOCOL_ERROR),
    "bom": (frame(b'\xef\xbb\xbf{"type":"x"}'), ErrorCode.PROTOCOL_ERROR),
    "lone surrogate": (frame(b'{"type":"x","t":"\\udc00"}'), ErrorCode.PROTOCOL_ERROR),
}


@pytest.mark.parametrize(("garbage", "code"), list(GARBAGE.values()), ids=list(GARBAGE))
def test_garbage_is_reported_as_a_protocol_error(
    qtbot: QtBot, raw_pair: RawPair, garbage: bytes, code: ErrorCode
) -> None:
    conn = raw_pair.conn
    rec = Recorder(conn)
    with qtbot.waitSignal(conn.protocol_error, timeout=WAIT_MS) as blocker:
        write(raw_pair.raw, garbage)
    (exc,) = blocker.args
    assert isinstance(exc, ProtocolError)
    assert exc.code == code
    assert exc.fatal
    assert rec.kinds() == ["protocol_error"]
    assert conn.decoder.failed
    assert conn.is_open  # the owner decides what to tell the peer, and when to close


def test_messages_before_garbage_are_delivered_then_reading_stops(qtbot: QtBot, raw_pair: RawPair) -> None:
    conn, raw = raw_pair.conn, raw_pair.raw
    rec = Recorder(conn)
    with qtbot.waitSignal(conn.protocol_error, timeout=WAIT_MS):
        write(raw, encode(M1) + encode(M2) + frame(b"{oops") + encode(M3))
    assert rec.kinds() == ["batch", "message", "message", "protocol_error"]
    assert rec.messages == [M1, M2]
    error = rec.of("protocol_error")[0]
    assert isinstance(error, ProtocolError)
    assert error.code == ErrorCode.PROTOCOL_ERROR
    # later bytes are ignored; the connection stays usable for the owner's answer
    write(raw, encode(M3))
    replies = RawRecorder(raw)
    answer: Message = {"type": "error", "code": "protocol_error", "message": "bye", "fatal": True}
    conn.send(answer)
    conn.close()
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    wait_for(qtbot, lambda: replies.closed)
    assert replies.data == encode(answer)
    assert rec.messages == [M1, M2]
    assert rec.count("protocol_error") == 1
    assert rec.count("error") == 0


def test_custom_max_frame(qtbot: QtBot, listener: QTcpServer) -> None:
    raw = QTcpSocket()
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    conn = Connection(accept(qtbot, listener), max_frame=32)
    try:
        rec = Recorder(conn)
        fits: Message = {"type": "x", "p": "a" * 13}
        assert len(encode(fits)) == HEADER_SIZE + 32
        write(raw, encode(fits))
        wait_for(qtbot, lambda: rec.messages == [fits])
        with qtbot.waitSignal(conn.protocol_error, timeout=WAIT_MS) as blocker:
            write(raw, header(33))
        (exc,) = blocker.args
        assert isinstance(exc, ProtocolError)
        assert exc.code == ErrorCode.FRAME_TOO_LARGE
    finally:
        conn.abort()
        raw.abort()


# --- sending ---------------------------------------------------------------------------------


def test_bytes_to_write_is_an_int_that_drains(qtbot: QtBot, pair: Pair, read_path: str) -> None:
    big: Message = {"type": "say", "text": "x" * 60000}
    received: list[object] = []
    pair.client.message_received.connect(received.append)
    pair.server.send(big)
    queued = pair.server.bytes_to_write
    assert type(queued) is int
    # The kernel takes 60 KB at once on loopback: nothing waits in Qt; on the portable
    # path Qt writes everything, on the event loop's next pass.
    assert queued == (0 if read_path == "reactor" else len(encode(big)))
    assert pair.server.is_backlogged is (read_path != "reactor")
    assert pair.server.bytes_sent == len(encode(big))
    wait_for(qtbot, lambda: received == [big])
    pair.client.send(big)
    assert type(pair.client.bytes_to_write) is int
    wait_for(qtbot, lambda: pair.client.bytes_to_write == 0)
    assert pair.client.bytes_sent == len(encode(big))


def shrink_buffers(pair: Pair) -> None:
    """Small kernel buffers between the two ends: a few hundred KB fill them."""
    pair.server.socket.setSocketOption(QAbstractSocket.SocketOption.SendBufferSizeSocketOption, 65536)
    pair.client.socket.setSocketOption(QAbstractSocket.SocketOption.ReceiveBufferSizeSocketOption, 65536)


@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)  # direct writes
def test_what_the_kernel_does_not_take_waits_in_qt_and_later_sends_queue_behind_it(
    qtbot: QtBot, pair: Pair
) -> None:
    shrink_buffers(pair)
    received: list[object] = []
    pair.client.message_received.connect(received.append)
    burst: list[Message] = [{"type": "say", "text": f"{i} " + "z" * 20000} for i in range(40)]
    for message in burst[:20]:
        pair.server.send(message)
    held = pair.server.bytes_to_write
    total = sum(len(encode(m)) for m in burst[:20])
    assert 0 < held < total  # the kernel took a part at once, Qt holds the rest
    assert pair.server.is_backlogged
    assert not pair.server.outgoing.writes_straight
    for message in burst[20:]:  # no direct write may overtake what Qt holds
        pair.server.send(message)
    assert pair.server.bytes_to_write > held
    wait_for(qtbot, lambda: len(received) == len(burst))
    assert received == burst
    wait_for(qtbot, lambda: pair.server.bytes_to_write == 0)
    assert not pair.server.is_backlogged
    # Asking changed nothing; the next send finds Qt's buffer empty and goes straight
    # to the kernel again.
    assert not pair.server.outgoing.writes_straight
    pair.server.send(M1)
    assert pair.server.outgoing.writes_straight
    assert pair.server.bytes_to_write == 0
    wait_for(qtbot, lambda: received[-1] == M1)
    assert pair.server.bytes_sent == sum(len(encode(m)) for m in burst) + len(encode(M1))


@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)  # direct writes
def test_send_straight_writes_where_nothing_is_held_and_returns_the_rest(
    qtbot: QtBot, pair: Pair, listener: QTcpServer
) -> None:
    shrink_buffers(pair)
    closed = Connection(accept_raw_peer(qtbot, listener))
    closed.close()
    skipped = Connection(accept_raw_peer(qtbot, listener))
    received: list[object] = []
    pair.client.message_received.connect(received.append)
    burst: list[Message] = [{"type": "say", "text": f"{i} " + "v" * 20000} for i in range(40)]
    outs = [closed.outgoing, pair.server.outgoing, skipped.outgoing]
    held_per_pass = []
    for message in burst:  # one broadcast per message, as the server's passes do
        data = encode(message)
        held = Connection.send_straight(outs, data, skip={skipped.outgoing})
        held_per_pass.append(held)
        for out in held:  # what a server does once it has checked their send queue
            conn = out.connection
            assert conn is not None
            conn.send_frames(data)
    # The first went to the kernel at once; once Qt held a tail, the rest queued behind it.
    assert held_per_pass[0] == [closed.outgoing]
    assert held_per_pass[-1] == [closed.outgoing, pair.server.outgoing]
    assert closed.bytes_sent == skipped.bytes_sent == 0
    wait_for(qtbot, lambda: len(received) == len(burst))
    assert received == burst
    assert pair.server.bytes_sent == sum(len(encode(m)) for m in burst)
    wait_for(qtbot, lambda: pair.server.bytes_to_write == 0)
    # Drained, which the first send after it finds out: straight again from then on.
    assert Connection.send_straight(outs, encode(M1)) == [closed.outgoing, pair.server.outgoing]
    pair.server.send_frames(encode(M1))
    assert Connection.send_straight(outs, encode(M1)) == [closed.outgoing]
    wait_for(qtbot, lambda: len(received) == len(burst) + 2)


@pytest.mark.parametrize("read_path", ["portable"], indirect=True)
def test_on_the_portable_path_send_straight_leaves_every_write_to_qt(qtbot: QtBot, pair: Pair) -> None:
    received: list[object] = []
    pair.client.message_received.connect(received.append)
    out = pair.server.outgoing
    assert not out.writes_straight
    assert Connection.send_straight([out], encode(M1)) == [out]
    assert pair.server.bytes_sent == 0
    pair.server.send_frames(encode(M1))
    assert pair.server.is_backlogged
    assert pair.server.bytes_to_write == pair.server.bytes_sent == len(encode(M1))
    wait_for(qtbot, lambda: received == [M1])
    wait_for(qtbot, lambda: not pair.server.is_backlogged)
    assert not out.writes_straight


def test_send_straight_goes_on_past_a_peer_that_is_gone(
    qtbot: QtBot, pair: Pair, listener: QTcpServer
) -> None:
    """A write that fails in the middle of a broadcast (the peer reset) ends that
    connection the usual way; everyone after it in the list still gets every frame."""
    peer = QTcpSocket(listener)
    with qtbot.waitSignal(peer.connected, timeout=WAIT_MS):
        peer.connectToHost(LOCALHOST, listener.serverPort())
    gone = Connection(accept(qtbot, listener))
    rec = Recorder(gone)
    received: list[object] = []
    pair.client.message_received.connect(received.append)
    peer.abort()
    sent: list[Message] = []
    for i in range(100):  # the first write may still be taken; one after it fails
        message: Message = {"type": "say", "text": f"after {i}"}
        data = encode(message)
        for out in Connection.send_straight([gone.outgoing, pair.server.outgoing], data):
            conn = out.connection
            assert conn is not None
            conn.send_frames(data)
        sent.append(message)
        if gone.outgoing.fd < 0:
            break
    assert gone.outgoing.fd < 0  # the failed write let go of the descriptor at once
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    wait_for(qtbot, lambda: len(received) == len(sent))
    assert received == sent
    assert pair.server.bytes_sent == sum(len(encode(m)) for m in sent)


def accept_raw_peer(qtbot: QtBot, listener: QTcpServer) -> QTcpSocket:
    """An accepted socket whose peer is a bare QTcpSocket (kept alive by its parent)."""
    raw = QTcpSocket(listener)
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    return accept(qtbot, listener)


def test_the_descriptor_is_forgotten_before_anyone_hears_of_an_error(
    qtbot: QtBot, listener: QTcpServer
) -> None:
    # Qt closes the descriptor before it emits errorOccurred: a slot that sent then
    # must not reach whatever file or socket got the same number meanwhile.
    raw = QTcpSocket()
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    conn = Connection(accept(qtbot, listener))
    seen: list[int] = []
    # Qt hears of the reset first when it reads; the reactor's read takes it as the
    # end, and the connection says so with ``disconnected``.
    conn.socket.errorOccurred.connect(lambda _error: seen.append(conn.outgoing.fd))
    conn.disconnected.connect(lambda: seen.append(conn.outgoing.fd))
    raw.abort()
    wait_for(qtbot, lambda: seen != [])
    assert seen[0] == -1


@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)  # direct writes
def test_when_qt_cannot_take_the_rest_the_descriptor_is_forgotten(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On an unbuffered socket a failed write makes Qt close the descriptor, at times
    # without a signal: nothing may be written to that number again.
    shrink_buffers(pair)
    monkeypatch.setattr(QTcpSocket, "write", lambda _self, _data: -1)
    big = encode({"type": "say", "text": "u" * 60000}) * 20  # more than the kernel takes
    pair.server.send_frames(big)
    assert pair.server.outgoing.fd == -1
    assert 0 < pair.server.bytes_sent < len(big)  # what the kernel took, and no more
    before = pair.server.bytes_sent
    pair.server.send_frames(big)
    assert pair.server.bytes_sent == before


def test_where_descriptors_take_no_os_write_qt_writes_everything(
    qtbot: QtBot, listener: QTcpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows: a socket's descriptor is a SOCKET handle, never given to os.write.
    monkeypatch.setattr(outgoing_module, "DIRECT_WRITES", False)
    client = Connection()
    with qtbot.waitSignal(client.connected, timeout=WAIT_MS):
        client.connect_to_host(LOCALHOST, listener.serverPort())
    server = Connection(accept(qtbot, listener))
    received: list[object] = []
    client.message_received.connect(received.append)
    burst: list[Message] = [{"type": "say", "text": f"{i} " + "w" * 5000} for i in range(20)]
    for message in burst:
        server.send(message)
    # an accepted socket is buffered in Qt: all of it waits there for the event loop
    assert server.bytes_to_write == sum(len(encode(m)) for m in burst)
    wait_for(qtbot, lambda: len(received) == len(burst))
    assert received == burst
    wait_for(qtbot, lambda: server.bytes_to_write == 0)
    client.send(M1)
    server.message_received.connect(received.append)
    wait_for(qtbot, lambda: received[-1] == M1)
    client.abort()
    server.abort()


def test_sending_to_a_peer_that_reset_ends_in_disconnected(qtbot: QtBot, raw_pair: RawPair) -> None:
    conn = raw_pair.conn
    rec = Recorder(conn)
    raw_pair.raw.abort()  # RST: the next writes fail with ECONNRESET or EPIPE
    for _ in range(1000):
        if rec.count("disconnected"):
            break
        conn.send(M1)
        qtbot.wait(1)
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    assert not conn.is_open
    before = conn.bytes_sent
    conn.send(M1)  # after the end: nothing is written, to any descriptor
    assert conn.bytes_sent == before


def test_sending_an_invalid_message_raises_and_sends_nothing(pair: Pair) -> None:
    with pytest.raises(EncodeError):
        pair.client.send({"text": "no type"})
    with pytest.raises(EncodeError):
        pair.client.send({"type": "x", "v": float("nan")})
    assert pair.client.bytes_sent == 0
    assert pair.client.bytes_to_write == 0


def test_send_frames_of_nothing_is_a_no_op(pair: Pair) -> None:
    pair.server.send_frames(b"")
    assert pair.server.bytes_sent == 0
    assert pair.server.bytes_to_write == 0


# --- closing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("closer", ["client", "server"])
def test_close_disconnects_both_sides_once(qtbot: QtBot, pair: Pair, closer: str) -> None:
    recs = {"client": Recorder(pair.client), "server": Recorder(pair.server)}
    closing = pair.client if closer == "client" else pair.server
    other = pair.server if closer == "client" else pair.client
    closing.close()
    assert not closing.is_open
    wait_for(qtbot, lambda: all(r.count("disconnected") == 1 for r in recs.values()))
    # closing again, from either side, in any way, emits nothing more
    closing.close()
    other.close()
    closing.abort()
    other.abort()
    qtbot.wait(50)
    for rec in recs.values():
        assert rec.kinds() == ["disconnected"]
    assert not other.is_open
    # and sending after the end is a silent no-op
    before = closing.bytes_sent
    closing.send(M1)
    assert closing.bytes_sent == before


def test_close_delivers_what_was_queued_first(qtbot: QtBot, pair: Pair) -> None:
    shrink_buffers(pair)
    rec = Recorder(pair.client)
    burst = [{"type": "say", "text": f"{i} " + "y" * 20000} for i in range(40)]
    for message in burst:
        pair.server.send(message)
    assert pair.server.bytes_to_write > 0
    pair.server.close()
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    assert rec.messages == burst
    assert rec.kinds()[-1] == "disconnected"
    assert rec.count("error") == 0


def test_abort_disconnects_at_once(qtbot: QtBot, pair: Pair) -> None:
    local, remote = Recorder(pair.client), Recorder(pair.server)
    pair.client.abort()
    assert local.kinds() == ["disconnected"]  # synchronously
    assert not pair.client.is_open
    wait_for(qtbot, lambda: remote.count("disconnected") == 1)
    assert remote.count("error") == 0


def test_peer_closing_gives_disconnected_without_an_error(qtbot: QtBot, raw_pair: RawPair) -> None:
    rec = Recorder(raw_pair.conn)
    raw_pair.raw.disconnectFromHost()
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    qtbot.wait(20)
    assert rec.kinds() == ["disconnected"]
    assert not raw_pair.conn.is_open


def test_close_before_connecting_finishes_at_once() -> None:
    conn = Connection()
    rec = Recorder(conn)
    conn.close()
    assert rec.kinds() == ["disconnected"]
    conn.close()
    assert rec.kinds() == ["disconnected"]


def test_connecting_to_a_closed_port_fails_cleanly(qtbot: QtBot) -> None:
    probe = QTcpServer()
    assert probe.listen(QHostAddress(LOCALHOST), 0)
    port = probe.serverPort()
    probe.close()  # nothing listens there now
    conn = Connection()
    rec = Recorder(conn)
    assert conn.socket_error == QAbstractSocket.SocketError.UnknownSocketError
    kinds: list[QAbstractSocket.SocketError] = []
    conn.error_occurred.connect(lambda _text: kinds.append(conn.socket_error))
    with qtbot.waitSignals([conn.error_occurred, conn.disconnected], order="strict", timeout=WAIT_MS):
        conn.connect_to_host(LOCALHOST, port)
    qtbot.wait(20)
    assert rec.kinds() == ["error", "disconnected"]
    text = rec.of("error")[0]
    assert isinstance(text, str)
    assert text
    # the kind, for callers that tell a refusal from a timeout without the socket
    assert kinds == [QAbstractSocket.SocketError.ConnectionRefusedError]
    assert not conn.is_open
    conn.close()
    assert rec.count("disconnected") == 1


class ListenerRecorder:
    """A :class:`~shared.qt.connection.ConnectionListener` that writes down every call."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Connection, object]] = []

    def connection_messages_received(self, conn: Connection, messages: list[dict[str, object]]) -> None:
        self.events.append(("batch", conn, list(messages)))

    def connection_protocol_error(self, conn: Connection, exc: ProtocolError) -> None:
        self.events.append(("protocol_error", conn, exc.code))

    def connection_error_occurred(self, conn: Connection, text: str) -> None:
        self.events.append(("error", conn, text))

    def connection_disconnected(self, conn: Connection) -> None:
        self.events.append(("disconnected", conn, None))


def accepted_with_listener(
    qtbot: QtBot, listener: QTcpServer, heard_by: ListenerRecorder
) -> tuple[Connection, QTcpSocket]:
    raw = QTcpSocket()
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    return Connection(accept(qtbot, listener), listener=heard_by), raw


def test_a_listener_hears_every_event_with_the_connection_and_the_signals_stay_silent(
    qtbot: QtBot, listener: QTcpServer
) -> None:
    heard = ListenerRecorder()
    conn, raw = accepted_with_listener(qtbot, listener, heard)
    rec = Recorder(conn)
    write(raw, encode(M1) + encode(M2) + frame(b"{oops"))
    wait_for(qtbot, lambda: len(heard.events) == 2)
    assert heard.events == [("batch", conn, [M1, M2]), ("protocol_error", conn, ErrorCode.PROTOCOL_ERROR)]
    raw.abort()
    wait_for(qtbot, lambda: len(heard.events) == 3)
    assert heard.events[2] == ("disconnected", conn, None)
    assert rec.events == []


def test_a_connection_does_not_keep_its_listener_alive(qtbot: QtBot, listener: QTcpServer) -> None:
    # The owner of many connections is their listener: a strong reference back made a
    # cycle, and the collector then cleared live connections' Python halves.
    heard = ListenerRecorder()
    conn, raw = accepted_with_listener(qtbot, listener, heard)
    gone = weakref.ref(heard)
    del heard
    assert gone() is None
    rec = Recorder(conn)
    write(raw, encode(M1))
    wait_for(qtbot, lambda: rec.messages == [M1])  # with no listener left, the signals speak
    raw.abort()
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)


def small_reads_client(qtbot: QtBot, listener: QTcpServer) -> tuple[Connection, QTcpSocket]:
    """A client connection that reads 1 KB a pass, and the bare socket it reached."""
    conn = Connection.for_client(tls=False, max_frame=DEFAULT_MAX_FRAME, max_read=1024)
    with qtbot.waitSignal(conn.connected, timeout=5000):
        conn.connect_to_host(LOCALHOST, listener.serverPort())
    return conn, accept(qtbot, listener)


def test_a_connection_takes_at_most_max_read_bytes_a_pass_and_then_the_rest(
    qtbot: QtBot, listener: QTcpServer
) -> None:
    conn, raw = small_reads_client(qtbot, listener)
    rec = Recorder(conn)
    burst = [{"type": "message", "id": i, "text": f"line {i}"} for i in range(2000)]
    data = encode_many(burst)
    write(raw, data)
    wait_for(qtbot, lambda: len(rec.messages) == len(burst))
    assert rec.messages == burst
    # Each pass decodes what one read of 1024 bytes completes: the frames of a batch
    # add up to at most that plus the part of one frame an earlier read began.
    sizes = {m["id"]: len(encode(m)) for m in burst}
    longest = max(sizes.values())
    for batch in rec.batches:
        assert sum(sizes[m["id"]] for m in batch if isinstance(m, dict)) <= 1024 + longest
    assert len(rec.batches) >= len(data) // (1024 + longest)
    conn.abort()
    raw.abort()


def test_a_read_left_for_the_next_pass_is_dropped_when_the_connection_is_aborted_first(
    qtbot: QtBot, listener: QTcpServer
) -> None:
    conn, raw = small_reads_client(qtbot, listener)
    rec = Recorder(conn)

    def abort_soon(_batch: object) -> None:
        # A zero timer started here fires before the one the read is about to start
        # for the rest: the connection is gone when that one comes.
        if len(rec.batches) == 1:
            QTimer.singleShot(0, conn.abort)

    conn.messages_received.connect(abort_soon)
    write(raw, encode_many([{"type": "message", "id": i, "text": f"line {i}"} for i in range(2000)]))
    with qtbot.waitSignal(conn.disconnected, timeout=5000):
        pass
    marker = QTimer()
    marker.setSingleShot(True)
    with qtbot.waitSignal(marker.timeout, timeout=5000):
        marker.start(0)  # after the read scheduled before the abort
    assert len(rec.batches) == 1  # nothing read after the abort, and no Qt warning either
    assert rec.count("disconnected") == 1
    raw.abort()


@pytest.mark.parametrize(
    "slot",
    [
        "_on_socket_connected()",
        "_on_socket_ready_read()",
        "_on_socket_disconnected()",
        "_on_socket_error_occurred(QAbstractSocket::SocketError)",
    ],
)
def test_the_socket_signals_reach_qt_slots(slot: str) -> None:
    # A connection to a plain Python method costs PySide a receiver object of its own
    # (900 bytes); a server holds three per client.
    meta = Connection.staticMetaObject  # type: ignore[attr-defined]
    assert meta.indexOfSlot(slot) >= 0


@pytest.mark.parametrize("side", ["accepted", "connecting"])
def test_what_the_peer_sent_before_closing_is_all_delivered(
    qtbot: QtBot, listener: QTcpServer, side: str
) -> None:
    """A read takes 1 KB a pass here; the peer's 50 KB and its close come at once. An
    accepted socket is buffered: what Qt holds when the close is seen is the peer's last
    word (says, then bye), and must not go with the connection."""
    if side == "accepted":
        raw = QTcpSocket()
        with qtbot.waitSignal(raw.connected, timeout=5000):
            raw.connectToHost(LOCALHOST, listener.serverPort())
        conn = Connection(accept(qtbot, listener), max_read=1024)
    else:
        conn, raw = small_reads_client(qtbot, listener)
    rec = Recorder(conn)
    burst = [{"type": "say", "text": f"line {i}"} for i in range(2000)] + [{"type": "bye"}]
    write(raw, encode_many(burst))
    raw.disconnectFromHost()
    wait_for(qtbot, lambda: rec.count("disconnected") == 1)
    assert rec.messages == burst
    assert rec.events[-1] == ("disconnected", None)


# --- reading through the reactor (Linux) -----------------------------------------------

needs_reactor = pytest.mark.skipif(not HAS_EPOLL, reason="no epoll on this platform")


def qt_read_notifier(conn: Connection) -> QSocketNotifier:
    fd = conn.socket.socketDescriptor()
    found = [n for n in conn.socket.findChildren(QSocketNotifier) if n.type() == QSocketNotifier.Type.Read]
    assert [n.socket() for n in found] == [fd]
    return found[0]


@needs_reactor
def test_an_accepted_socket_is_read_through_the_reactor_and_no_more_polled_by_qt(
    qtbot: QtBot, raw_pair: RawPair, read_path: str
) -> None:
    reactor = read_reactor()
    assert reactor is not None
    recorder = Recorder(raw_pair.conn)
    for i in range(50):
        write(raw_pair.raw, encode({"type": "say", "text": f"n{i}"}))
        wait_for(qtbot, partial(lambda count: len(recorder.messages) == count, i + 1))
    assert [m["text"] for m in recorder.messages] == [f"n{i}" for i in range(50)]  # type: ignore[index]
    direct = raw_pair.side == "accepted" and read_path == "reactor"
    # The client's own socket, and every socket without the reactor, read through Qt.
    assert qt_read_notifier(raw_pair.conn).isEnabled() is not direct
    watched = reactor.watched
    raw_pair.conn.close()
    assert reactor.watched == watched - direct


@needs_reactor
@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)
def test_bytes_qt_read_by_itself_come_before_the_reactors(qtbot: QtBot, listener: QTcpServer) -> None:
    raw = QTcpSocket()
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    conn = Connection(accept(qtbot, listener), max_read=64)
    recorder = Recorder(conn)
    notifier = qt_read_notifier(conn)
    assert not notifier.isEnabled()
    notifier.setEnabled(True)  # as if some path of Qt's had switched it on again
    frames = [encode({"type": "say", "text": f"{i:03d}" + "x" * 40}) for i in range(40)]
    write(raw, b"".join(frames))
    wait_for(qtbot, lambda: len(recorder.messages) == 40)
    assert [m["text"][:3] for m in recorder.messages] == [f"{i:03d}" for i in range(40)]  # type: ignore[index]
    assert not notifier.isEnabled()
    raw.abort()


@needs_reactor
@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)
def test_a_peer_that_closes_after_a_burst_is_read_to_the_end_then_disconnected(
    qtbot: QtBot, listener: QTcpServer
) -> None:
    raw = QTcpSocket()
    with qtbot.waitSignal(raw.connected, timeout=WAIT_MS):
        raw.connectToHost(LOCALHOST, listener.serverPort())
    conn = Connection(accept(qtbot, listener), max_read=512)
    recorder = Recorder(conn)
    write(raw, b"".join(encode({"type": "say", "text": f"{i}"}) for i in range(2000)))
    raw.disconnectFromHost()
    wait_for(qtbot, lambda: recorder.of("disconnected") != [])
    assert [m["text"] for m in recorder.messages] == [str(i) for i in range(2000)]  # type: ignore[index]
    assert recorder.kinds()[-1] == "disconnected"
    assert recorder.of("error") == []


def test_a_peer_that_only_shuts_its_side_gets_what_is_queued_or_is_let_go_after_the_grace(
    qtbot: QtBot, listener: QTcpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It sent everything and reads on (shutdown(SHUT_WR)) - or never reads again: the
    # queued bytes go while it reads, and the close waits no longer than the grace.
    monkeypatch.setattr(connection_module, "CLOSE_GRACE_MS", 300)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((LOCALHOST, listener.serverPort()))
    conn = Connection(accept(qtbot, listener))
    recorder = Recorder(conn)
    chunk = encode({"type": "notice", "text": "y" * 60000})
    while conn.bytes_to_write == 0:
        conn.send_frames(chunk)
    raw.sendall(encode(M1))
    raw.shutdown(socket.SHUT_WR)
    wait_for(qtbot, lambda: recorder.of("disconnected") != [])
    assert recorder.messages == [M1]
    assert recorder.of("error") == []
    raw.close()


@needs_reactor
@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)
def test_a_reader_dropped_without_closing_is_not_kept_alive_nor_reported_again(qtbot: QtBot) -> None:
    reactor = read_reactor()
    assert reactor is not None

    calls: list[int] = []

    class Reader:
        def read_ready(self) -> None:
            calls.append(1)

    ours, theirs = socket.socketpair()
    try:
        reader = Reader()
        before = reactor.watched
        assert reactor.register(ours.fileno(), reader)
        theirs.sendall(b"x")  # readable until read: level-triggered
        wait_for(qtbot, lambda: len(calls) >= 2)
        gone = weakref.ref(reader)
        del reader
        assert gone() is None
        assert reactor.watched == before
        # The next pass drops the descriptor from the set instead of reporting it.
        wait_for(qtbot, lambda: reactor._epoll.poll(0) == [])
    finally:
        ours.close()
        theirs.close()


@needs_reactor
@pytest.mark.parametrize("read_path", ["reactor"], indirect=True)
def test_a_new_application_gets_a_new_reactor(monkeypatch: pytest.MonkeyPatch) -> None:
    first = read_reactor()
    assert first is not None
    assert read_reactor() is first
    monkeypatch.setattr(read_reactor_module, "_reactor", first)  # put back afterwards
    other = QObject()  # as if the application had been made again

    class Application:
        @staticmethod
        def instance() -> QObject:
            return other

    monkeypatch.setattr(read_reactor_module, "QCoreApplication", Application)
    second = read_reactor()
    assert second is not None
    assert second is not first
    assert second.app() is other
