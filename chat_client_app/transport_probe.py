"""Whether a server that refused a connection speaks the other kind: TLS or plain frames.

A plain client's ``hello`` makes a TLS server close without a word, and a TLS
client's handshake meets a plain server's error frame; either way the socket only
says something vague (closed, or an OpenSSL "wrong version number"). One short
connection of the other kind tells for sure, and the user reads which box to tick:

- *is it TLS?* A handshake that gets as far as the server's certificate (encrypted,
  or stopped by certificate errors) is a TLS server. Nothing is sent in the clear.
- *is it plain?* The first bytes of a TLS handshake record, sent in the clear, are
  what the failed attempt sent too; a plain Parla server answers them with an
  ``error`` frame, which no TLS server does.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslError, QSslSocket, QTcpSocket

from chat_client_app.session.state import ClientState, ConnectRequest, FailureKind
from shared.codec import FrameDecoder
from shared.errors import ProtocolError

__all__ = ["Transport", "TransportProbe", "TransportCheck", "probe_kind", "PROBE_TIMEOUT_MS"]

PROBE_TIMEOUT_MS = 3000
"""Longest a probe waits for its answer: on a LAN both answers come in milliseconds."""

_TLS_RECORD_START = b"\x16\x03\x01\x00\x05"
"""A TLS handshake record's header (content type 22, version 3.1, five bytes)."""

_PROBE_MAX_FRAME = 64 * 1024
"""An error frame is small; anything bigger is not the answer looked for."""


class Transport(enum.Enum):
    TLS = "tls"
    PLAIN = "plain"
    UNKNOWN = "unknown"


class TransportProbe(QObject):
    """One probe connection to ``host:port``; ``finished(Transport)`` once, then done.

    ``tls``: ask whether the server speaks TLS (else: whether it speaks plain frames).
    """

    finished = Signal(object)  # Transport

    def __init__(self, host: str, port: int, *, tls: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tls = tls
        self._done = False
        self._decoder = FrameDecoder(_PROBE_MAX_FRAME)
        self._socket: QTcpSocket = QSslSocket(self) if tls else QTcpSocket(self)
        self._socket.errorOccurred.connect(self._on_socket_error_occurred)
        self._socket.disconnected.connect(self._on_socket_disconnected)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(PROBE_TIMEOUT_MS)
        if isinstance(self._socket, QSslSocket):
            self._socket.encrypted.connect(self._on_socket_encrypted)
            self._socket.sslErrors.connect(self._on_socket_ssl_errors)
            self._socket.connectToHostEncrypted(host, port)
        else:
            self._socket.connected.connect(self._on_socket_connected)
            self._socket.readyRead.connect(self._on_socket_ready_read)
            self._socket.connectToHost(host, port)

    def cancel(self) -> None:
        """Stop without a verdict (nobody waits for it any more)."""
        self._done = True
        self._timer.stop()
        self._socket.abort()
        self.deleteLater()

    def _finish(self, verdict: Transport) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self._socket.abort()
        self.finished.emit(verdict)
        self.deleteLater()

    # --- is it TLS? -------------------------------------------------------------------

    @Slot()
    def _on_socket_encrypted(self) -> None:
        self._finish(Transport.TLS)

    def _on_socket_ssl_errors(self, errors: list[QSslError]) -> None:
        # The server showed a certificate: it speaks TLS. Nothing is trusted, or sent.
        self._finish(Transport.TLS)

    # --- is it plain? -----------------------------------------------------------------

    @Slot()
    def _on_socket_connected(self) -> None:
        self._socket.write(_TLS_RECORD_START)

    @Slot()
    def _on_socket_ready_read(self) -> None:
        data = bytes(self._socket.readAll().data())
        try:
            messages = self._decoder.feed(data)
        except ProtocolError:
            self._finish(Transport.UNKNOWN)
            return
        if messages:
            self._finish(Transport.PLAIN)

    # --- no answer --------------------------------------------------------------------

    @Slot(QAbstractSocket.SocketError)
    def _on_socket_error_occurred(self, error: QAbstractSocket.SocketError) -> None:
        if not self._tls and error == QAbstractSocket.SocketError.RemoteHostClosedError:
            return  # the error frame may still be unread: ``disconnected`` decides
        self._finish(Transport.UNKNOWN)

    @Slot()
    def _on_socket_disconnected(self) -> None:
        if not self._done and not self._tls and self._socket.bytesAvailable():
            self._on_socket_ready_read()
        self._finish(Transport.UNKNOWN)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._finish(Transport.UNKNOWN)


class TransportCheck(QObject):
    """Decides whether a failed attempt needs a probe, runs it, and says what it found.

    ``settled(FailureKind | None)``: the failure's kind as the probe tells it (``None``:
    the probe learnt nothing, the attempt's own kind stands).
    """

    settled = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe: TransportProbe | None = None

    def start(
        self, request: ConnectRequest, state: ClientState, failure: FailureKind | None, bytes_received: int
    ) -> bool:
        """Probe if the end of an attempt as ``request`` asked, in ``state``, which failed
        as ``failure`` says and got ``bytes_received`` bytes, fits the other kind of
        server; whether it does."""
        asks_tls = probe_kind(request, state, failure, bytes_received)
        if asks_tls is None:
            return False
        self.cancel()
        self._probe = TransportProbe(request.host, request.port, tls=asks_tls, parent=self)
        self._probe.finished.connect(self._on_probe_finished)
        return True

    @property
    def running(self) -> bool:
        return self._probe is not None

    def cancel(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            self._probe = None

    def _on_probe_finished(self, verdict: Transport) -> None:
        self._probe = None
        self.settled.emit(_VERDICT_KINDS.get(verdict))


_VERDICT_KINDS = {Transport.TLS: FailureKind.TLS_EXPECTED, Transport.PLAIN: FailureKind.TLS_UNEXPECTED}


def probe_kind(
    request: ConnectRequest, state: ClientState, failure: FailureKind | None, bytes_received: int
) -> bool | None:
    """Which probe tells why an attempt failed: ``True`` asks "TLS?", ``False`` asks
    "plain?", ``None``: the failure is not one of a mismatch.

    A TLS attempt whose handshake failed may have met a plain server. A plain attempt
    whose ``hello`` went out and got no byte back before the end (a close, or a reset)
    may have met a TLS server: a Parla server answers every ``hello``.
    """
    if request.tls:
        return False if failure is FailureKind.TLS_FAILED else None
    quiet_end = failure is None or failure is FailureKind.UNREACHABLE
    if state is ClientState.REGISTERING and bytes_received == 0 and quiet_end:
        return True
    return None
