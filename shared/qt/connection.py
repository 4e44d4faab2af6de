"""The one class that owns a socket: frames out, messages in, all as Qt signals.

Both apps use :class:`Connection`; the server wraps the sockets it accepts, the
client opens its own with :meth:`Connection.connect_to_host`. This module,
:mod:`shared.qt.outgoing` (its sending side) and :mod:`shared.qt.read_reactor` are the
ones of :mod:`shared` that touch sockets; like all of :mod:`shared.qt`, they import
only QtCore and QtNetwork.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from typing import Protocol

from PySide6.QtCore import QMetaMethod, QObject, QSocketNotifier, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslError, QSslSocket, QTcpSocket

from shared.codec import FrameDecoder, encode
from shared.errors import ProtocolError
from shared.fingerprints import sha256_fingerprint
from shared.limits import DEFAULT_MAX_FRAME
from shared.qt.outgoing import Outgoing, send_straight, write_some
from shared.qt.read_reactor import DIRECT_READ_BYTES, ReadReactor, qt_read_notifier, read_reactor

__all__ = ["Connection", "ConnectionListener", "Outgoing", "CLOSE_GRACE_MS", "MAX_READ_PER_PASS"]

MAX_READ_PER_PASS = 256 * 1024
"""Bytes taken from one socket per readyRead, unless a connection is given its own
``max_read``. On loopback ``readAll`` would drain everything a peer queued (a 1.5 MB
replay) in one slot and stall the loop; the rest is read on the next pass."""

CLOSE_GRACE_MS = 5000
"""How long a graceful close waits for queued bytes to drain before aborting: a
peer that stopped reading must not keep a dead socket alive."""

_FIRST_BYTES = 8

_UNBUFFERED = QAbstractSocket.OpenModeFlag.ReadWrite | QAbstractSocket.OpenModeFlag.Unbuffered


class ConnectionListener(Protocol):
    """Who hears a connection's events by direct calls instead of its signals.

    A server with thousands of connections gives each one the same listener: one
    receiver slot for many senders would have to ask ``QObject.sender()``, which Qt
    answers by walking every connection to the receiver (bench/README.md), and a
    closure per connection costs a PySide receiver object each.
    """

    def connection_messages_received(self, conn: Connection, messages: list[dict[str, object]]) -> None: ...

    def connection_protocol_error(self, conn: Connection, exc: ProtocolError) -> None: ...

    def connection_error_occurred(self, conn: Connection, text: str) -> None: ...

    def connection_disconnected(self, conn: Connection) -> None: ...


class Connection(QObject):
    """One framed protocol connection over a :class:`QTcpSocket`.

    Signals:
        connected: the socket is connected (client side; a wrapped accepted
            socket is connected from the start); over TLS, once encrypted.
        tls_errors_occurred(list[QSslError]): the server's certificate is not
            trusted as it stands; the handshake fails unless a slot calls
            :meth:`ignore_tls_errors` with exactly these errors.
        message_received(dict): one decoded message, in order.
        messages_received(list): every message of one read, for consumers
            that handle a burst at once; emitted before the per-message signal.
        protocol_error(ProtocolError): the peer broke the framing; reading
            stops, and the owner decides what to tell the peer.
        error_occurred(str): a socket error, in words (refused, unreachable...).
        disconnected: the connection is over; emitted once.

    With a :class:`ConnectionListener` the events of ``messages_received``,
    ``protocol_error``, ``error_occurred`` and ``disconnected`` go to it instead,
    and those signals stay silent.
    """

    connected = Signal()
    message_received = Signal(object)
    # ``object``, not ``list``: a list signal converts its items through Qt's
    # types, which mangles a leading U+FEFF and fails on integers past 64 bits.
    messages_received = Signal(object)
    protocol_error = Signal(object)
    error_occurred = Signal(str)
    disconnected = Signal()
    tls_errors_occurred = Signal(object)

    def __init__(
        self,
        socket: QTcpSocket | None = None,
        *,
        max_frame: int = DEFAULT_MAX_FRAME,
        max_read: int = MAX_READ_PER_PASS,
        parent: QObject | None = None,
        listener: ConnectionListener | None = None,
    ) -> None:
        super().__init__(parent)
        # Weak: the listener owns its connections. A strong reference made a cycle that
        # only the garbage collector broke, and it cleared the Python halves of a server
        # and its connections while their Qt halves lived on and kept receiving socket
        # signals ("Slot 'Connection::' not found").
        self._listener_ref = weakref.ref(listener) if listener is not None else None
        self._socket = socket if socket is not None else QTcpSocket()
        self._socket.setParent(self)
        self._decoder = FrameDecoder(max_frame)
        self._max_read = max(1, max_read)
        self._closed = False
        self._finished = False
        self.bytes_received = 0
        self._first_bytes = b""
        self._read_scheduled = False
        # Reading the descriptor directly, when the reactor tells (-1: through Qt), and
        # Qt's own read notifier for it, kept off meanwhile.
        self._read_fd = -1
        self._reactor: ReadReactor | None = None
        self._qt_read_notifier: QSocketNotifier | None = None
        self._out = Outgoing(self)
        self._handshake_done = not isinstance(self._socket, QSslSocket)
        socket = self._socket
        socket.readyRead.connect(self._on_socket_ready_read)
        if isinstance(socket, QSslSocket):
            socket.encrypted.connect(self._on_socket_connected)
            socket.sslErrors.connect(self.tls_errors_occurred.emit)
        elif socket.state() == QAbstractSocket.SocketState.ConnectedState:
            # An accepted socket: connected from the start. A server holds thousands,
            # and each connection of a signal costs memory, even to a Qt slot.
            self._tune_socket()
            self._read_directly()
        else:
            socket.connected.connect(self._on_socket_connected)
        socket.disconnected.connect(self._on_socket_disconnected)
        socket.errorOccurred.connect(self._on_socket_error_occurred)

    # --- opening and closing ---------------------------------------------------

    @classmethod
    def for_client(
        cls, *, tls: bool, max_frame: int, max_read: int = MAX_READ_PER_PASS, parent: QObject | None = None
    ) -> Connection:
        """A connection to be opened with :meth:`connect_to_host`, over TLS or not."""
        socket = QSslSocket() if tls else QTcpSocket()
        return cls(socket, max_frame=max_frame, max_read=max_read, parent=parent)

    def connect_to_host(self, host: str, port: int) -> None:
        """Open the connection (client side); ``connected`` or ``error_occurred`` follows."""
        if isinstance(self._socket, QSslSocket):
            # TLS sockets read through their own buffer: unbuffered mode is not theirs.
            self._socket.connectToHostEncrypted(host, port)
        else:
            self._socket.connectToHost(host, port, _UNBUFFERED)

    @property
    def is_tls(self) -> bool:
        return isinstance(self._socket, QSslSocket)

    @property
    def handshake_done(self) -> bool:
        """Over TLS, whether the socket got encrypted; always true for plain TCP."""
        return self._handshake_done

    @property
    def peer_fingerprint(self) -> str | None:
        """SHA-256 fingerprint of the peer's TLS certificate, once it has shown one."""
        if not isinstance(self._socket, QSslSocket):
            return None
        certificate = self._socket.peerCertificate()
        if certificate.isNull():
            return None
        return sha256_fingerprint(bytes(certificate.toDer().data()))

    def ignore_tls_errors(self, errors: list[QSslError]) -> None:
        """Accept these certificate errors for this handshake (a pinned certificate)."""
        if isinstance(self._socket, QSslSocket):
            self._socket.ignoreSslErrors(errors)

    def close(self) -> None:
        """Close after the queued bytes are written (aborting after :data:`CLOSE_GRACE_MS`)."""
        if self._closed:
            return
        self._closed = True
        self._out.forget_descriptor()
        self._stop_direct_reads()
        if self._socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            self._finish()
            return
        QTimer.singleShot(CLOSE_GRACE_MS, self, self.abort)
        self._socket.disconnectFromHost()

    def abort(self) -> None:
        """Drop the connection now, discarding anything queued."""
        self._closed = True
        self._out.forget_descriptor()
        self._stop_direct_reads()
        self._socket.abort()
        self._finish()

    def _listener(self) -> ConnectionListener | None:
        return self._listener_ref() if self._listener_ref is not None else None

    # --- sending ---------------------------------------------------------------

    def send(self, message: Mapping[str, object]) -> None:
        """Queue one message as one frame."""
        self.send_frames(encode(message))

    def send_frames(self, data: bytes) -> None:
        """Queue bytes that already hold whole frames (one write for a burst).

        Over plain TCP they go straight to the kernel (:mod:`shared.qt.outgoing` says
        why); Qt takes only what the kernel does not, and until Qt's buffer is empty
        again later bytes queue behind it, so the order holds.
        """
        if self._closed or not data:
            return
        out = self._out
        if out.fd < 0 and out.descriptor >= 0 and not self._queued_in_qt():
            out.fd = out.descriptor  # Qt's bytes are gone: straight to the kernel again
        if out.fd >= 0:
            out.leave_rest_to_qt(self._socket, data, write_some(out, data))
        elif self._socket.write(data) >= 0:
            out.sent += len(data)
        else:
            out.forget_descriptor()  # Qt closed it, and may not say so

    # Tells whose bytes go straight to the kernel and writes to those: see
    # shared.qt.outgoing (a function there, not a method, for its tight loop).
    send_straight = staticmethod(send_straight)

    # --- state -----------------------------------------------------------------

    @property
    def socket(self) -> QTcpSocket:
        return self._socket

    @property
    def outgoing(self) -> Outgoing:
        """The sending side, for :meth:`send_straight`."""
        return self._out

    @property
    def bytes_sent(self) -> int:
        """Bytes handed to the kernel or to Qt for the peer, in all."""
        return self._out.sent

    @property
    def bytes_to_write(self) -> int:
        """Bytes queued for the peer and not yet taken by the kernel."""
        if self._out.fd >= 0:
            return 0  # every byte so far went straight to the kernel
        return self._queued_in_qt()

    @property
    def is_backlogged(self) -> bool:
        """Whether bytes for the peer wait in Qt, not yet taken by the kernel (a slow
        reader, a burst bigger than the kernel's buffer, or the event loop's next pass
        where Qt does all the writing). Cheap while every byte goes straight."""
        return self._out.fd < 0 and self._queued_in_qt() > 0

    def _queued_in_qt(self) -> int:
        socket = self._socket
        queued = int(socket.bytesToWrite())
        if isinstance(socket, QSslSocket):
            # What waits already encrypted, the bulk of a slow TLS reader's backlog:
            # bytesToWrite() counts only what is not encrypted yet.
            queued += int(socket.encryptedBytesToWrite())
        return queued

    @property
    def socket_error(self) -> QAbstractSocket.SocketError:
        """The kind of the last socket error (refused, host not found, timeout...), for
        callers that classify what ``error_occurred`` said in words;
        ``UnknownSocketError`` before any."""
        return self._socket.error()

    @property
    def is_open(self) -> bool:
        """Connected and not closing."""
        return not self._closed and self._socket.state() == QAbstractSocket.SocketState.ConnectedState

    @property
    def peer(self) -> str:
        """``host:port`` of the peer, for logs and the dashboard."""
        host = self._socket.peerAddress().toString()
        if host.startswith("::ffff:"):
            host = host[len("::ffff:") :]  # an IPv4 peer on a dual-stack listener
        elif ":" in host:
            host = f"[{host}]"
        return f"{host}:{self._socket.peerPort()}"

    @property
    def first_bytes(self) -> bytes:
        """The first bytes the peer sent: enough to tell a TLS handshake from a frame."""
        return self._first_bytes

    @property
    def decoder(self) -> FrameDecoder:
        return self._decoder

    # --- socket slots ----------------------------------------------------------

    def _tune_socket(self) -> None:
        # Chat frames are small and latency matters more than packing them.
        self._socket.setSocketOption(QAbstractSocket.SocketOption.LowDelayOption, 1)
        self._socket.setSocketOption(QAbstractSocket.SocketOption.KeepAliveOption, 1)
        if not self._closed and not isinstance(self._socket, QSslSocket):
            self._out.write_directly(int(self._socket.socketDescriptor()))

    # --- reading straight from the descriptor (server side, Linux) ---------------

    def _read_directly(self) -> None:
        """Read this socket's descriptor when the reactor says so, not through Qt.

        Qt's read notifier for it is switched off: Qt would otherwise poll it on every
        pass, with every other socket of the server (see :mod:`shared.qt.read_reactor`).
        Nothing here calls the socket's ``read``, the one call after which Qt switches
        it on again; should Qt read by itself all the same, :meth:`_on_socket_ready_read`
        takes those bytes first and switches it off again.
        """
        fd = self._out.descriptor
        reactor = read_reactor()
        if fd < 0 or reactor is None:
            return
        notifier = qt_read_notifier(self._socket, fd)
        if notifier is None or not reactor.register(fd, self):
            return
        notifier.setEnabled(False)
        self._qt_read_notifier = notifier
        self._reactor = reactor
        self._read_fd = fd

    def _stop_direct_reads(self) -> None:
        if self._read_fd >= 0:
            if self._reactor is not None:
                self._reactor.unregister(self._read_fd, self)
            self._read_fd = -1

    def read_ready(self) -> None:
        """The reactor says the descriptor has bytes, or an end: take one read's worth."""
        if self._closed or self._read_fd < 0:
            self._stop_direct_reads()
            return
        if self._socket.bytesAvailable():
            # Qt read some itself: those came first.
            self._on_socket_ready_read()
            return
        try:
            data = os.read(self._read_fd, min(self._max_read, DIRECT_READ_BYTES))
        except BlockingIOError:
            return
        except OSError:
            data = b""  # reset by the peer: an end, as a close is
        if data:
            if not self._decoder.failed:
                self._receive(data)
            return
        # The peer is done, and everything it sent is read. What is queued for it still
        # goes (a peer that only shut its sending side reads on), within the grace
        # period of any close; ``disconnected`` follows.
        self.close()

    # The socket's signals reach these as Qt slots (@Slot): a connection to an
    # undecorated method costs PySide a receiver object of its own, three per client
    # (bench/README.md, *Memory per connection*).

    @Slot()
    def _on_socket_connected(self) -> None:
        self._handshake_done = True
        self._tune_socket()
        self.connected.emit()

    @Slot()
    def _on_socket_ready_read(self) -> None:
        self._read_scheduled = False
        socket = self._socket
        available, data = 0, b""
        # Closed since the rest of a read was scheduled (abort, or Qt after an error):
        # nothing is left to read, and reading would only make Qt warn.
        if socket.isOpen():
            # Ask for what is there, not for the cap: QIODevice.read(n) allocates n
            # bytes up front, and a 256 KiB buffer per read churns the heap.
            available = int(socket.bytesAvailable())
            data = bytes(socket.read(min(max(available, 1), self._max_read)).data())
        # An unbuffered socket learns of the peer's close only while reading: it
        # turns unconnected without emitting ``disconnected``, so look after each read,
        # before anything is sent: its descriptor is closed, and the number may be reused.
        gone = socket.state() == QAbstractSocket.SocketState.UnconnectedState
        if gone:
            self._out.forget_descriptor()
            self._stop_direct_reads()
        elif self._read_fd >= 0 and self._qt_read_notifier is not None:
            self._qt_read_notifier.setEnabled(False)  # reading switched Qt's on again
        if data and not self._closed and not self._decoder.failed:
            self._receive(data)
            if available > self._max_read and not self._closed and not self._read_scheduled:
                # The rest waits for the next pass, so one peer cannot hold the loop;
                # an unbuffered socket would not signal again for data already there.
                self._read_scheduled = True
                QTimer.singleShot(0, self, self._on_socket_ready_read)
        if gone:
            self._finish()

    def _receive(self, data: bytes) -> None:
        if self.bytes_received < _FIRST_BYTES:
            self._first_bytes = (self._first_bytes + data)[:_FIRST_BYTES]
        self.bytes_received += len(data)
        try:
            messages = self._decoder.feed(data)
        except ProtocolError as exc:
            self._deliver(exc.messages)
            if not self._closed:
                if (listener := self._listener()) is not None:
                    listener.connection_protocol_error(self, exc)
                else:
                    self.protocol_error.emit(exc)
            return
        if messages:
            self._deliver(messages)

    def _deliver(self, messages: list[dict[str, object]]) -> None:
        if not messages:
            return
        if (listener := self._listener()) is not None:
            listener.connection_messages_received(self, messages)
            return
        self.messages_received.emit(messages)
        if self.isSignalConnected(_PER_MESSAGE):
            for message in messages:
                if self._closed:
                    break
                self.message_received.emit(message)

    @Slot(QAbstractSocket.SocketError)
    def _on_socket_error_occurred(self, error: QAbstractSocket.SocketError) -> None:
        # Qt closes the descriptor before it says so (and before ``disconnected``):
        # from here on the number may belong to another connection.
        self._out.forget_descriptor()
        if self._socket.socketDescriptor() == -1:
            self._stop_direct_reads()  # an error that left it open (a timeout) reads on
        if error == QAbstractSocket.SocketError.RemoteHostClosedError:
            if isinstance(self._socket, QSslSocket):
                # Over TLS this may be the peer's close_notify alone, the connection left
                # open for ours; Qt only reports it, so neither side would ever close.
                QTimer.singleShot(0, self, self._close_after_peer_tls_close)
            return  # an ordinary end: ``disconnected`` tells it
        if (listener := self._listener()) is not None:
            listener.connection_error_occurred(self, self._socket.errorString())
        else:
            self.error_occurred.emit(self._socket.errorString())
        if self._socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            self._finish()

    @Slot()
    def _close_after_peer_tls_close(self) -> None:
        if self._socket.state() == QAbstractSocket.SocketState.ConnectedState:
            self._socket.disconnectFromHost()  # ``disconnected`` follows, after the rest is read

    @Slot()
    def _on_socket_disconnected(self) -> None:
        if not self._closed:
            self._read_rest()
        self._finish()

    def _read_rest(self) -> None:
        """Deliver what a buffered socket still holds once the peer has closed.

        A read takes at most ``max_read`` a pass and leaves the rest for the next one;
        when the peer closes in between, the rest is its last word (says, then ``bye``),
        and Qt keeps it readable until this slot returns.
        """
        socket = self._socket
        while not self._closed and not self._decoder.failed and socket.isOpen() and socket.bytesAvailable():
            data = bytes(socket.read(self._max_read).data())
            if not data:
                break
            self._receive(data)

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._closed = True
        self._out.forget_descriptor()
        self._stop_direct_reads()
        if (listener := self._listener()) is not None:
            listener.connection_disconnected(self)
        else:
            self.disconnected.emit()


# From the class, not an instance: QMetaMethod.fromSignal(self.message_received)
# kept a reference to its connection, and a server leaked 10 KB per connection.
_META = Connection.staticMetaObject  # type: ignore[attr-defined]  # PySide's stubs omit it
_PER_MESSAGE: QMetaMethod = _META.method(_META.indexOfSignal("message_received(PyObject)"))
