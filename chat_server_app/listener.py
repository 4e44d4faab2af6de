"""The listening socket: each accepted connection handed over at once, with TLS if
configured, and a pause instead of a busy loop near the descriptor limit."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QSslConfiguration, QSslSocket, QTcpServer, QTcpSocket

from chat_server_app.descriptors import Headroom

__all__ = ["Listener", "ACCEPT_PAUSE_MS"]

_UNBUFFERED = QAbstractSocket.OpenModeFlag.ReadWrite | QAbstractSocket.OpenModeFlag.Unbuffered

ACCEPT_PAUSE_MS = 250
"""How long accepting pauses when the system refuses a new descriptor."""


class Listener(QTcpServer):
    """Hands each accepted socket to the engine, opened at once (no pending queue).

    Qt keeps an accepted QTcpSocket buffered whatever open mode is asked for (only
    ``connectToHost`` makes one unbuffered), so :class:`Connection` writes to its
    descriptor itself and leaves Qt only what the kernel does not take.

    With a TLS configuration each socket is a :class:`QSslSocket` that starts the
    server side of the handshake at once; what the session writes before the
    handshake ends waits inside it.
    """

    socket_accepted = Signal(object)  # QTcpSocket, or QSslSocket with TLS
    accept_failed = Signal(str)  # why the system refused a connection; once per streak

    def __init__(self, parent: QObject, connections: Callable[[], int]) -> None:
        super().__init__(parent)
        self.tls: QSslConfiguration | None = None
        self._connections = connections
        self._headroom = Headroom()
        self._failing = False
        self.acceptError.connect(self._on_accept_error)

    def _on_accept_error(self, error: QAbstractSocket.SocketError) -> None:
        # Out of descriptors or memory, and Qt said so (see descriptors.py for when it
        # does not): it has paused accepting, for good. A moment later, closed
        # connections may have freed some.
        self._pause(self.errorString())

    def _pause(self, why: str) -> None:
        self.pauseAccepting()
        if not self._failing:
            self._failing = True
            self.accept_failed.emit(why)
        QTimer.singleShot(ACCEPT_PAUSE_MS, self, self._resume)

    def _resume(self) -> None:
        if self.isListening():
            self.resumeAccepting()

    def incomingConnection(self, handle: int) -> None:
        if not self._headroom.fits_one_more(self._connections()):
            # Qt accepts before asking: this one is closed at once (its client
            # retries), and no more are taken until connections have closed.
            os.close(handle)
            self._pause("too many open connections for the system's descriptor limit")
            return
        socket: QTcpSocket
        if self.tls is not None:
            tls_socket = QSslSocket()
            ok = tls_socket.setSocketDescriptor(handle)
            if ok:
                tls_socket.setSslConfiguration(self.tls)
                tls_socket.startServerEncryption()
            socket = tls_socket
        else:
            socket = QTcpSocket()
            ok = socket.setSocketDescriptor(handle, QAbstractSocket.SocketState.ConnectedState, _UNBUFFERED)
        if not ok:
            socket.deleteLater()
            return
        self._failing = False
        self.socket_accepted.emit(socket)
