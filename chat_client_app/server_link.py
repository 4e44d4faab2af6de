"""One connection of the client to a server: its socket, its certificate, its failures.

:class:`ServerLink` owns a client :class:`~shared.qt.connection.Connection` opened for
one :class:`~chat_client_app.session.ConnectRequest`. It settles the server's
certificate against the user's pins (:class:`~chat_client_app.trust.TrustStore`) and
names what goes wrong below the protocol as a
:class:`~chat_client_app.session.FailureKind`; what the frames mean is its owner's
business. The :class:`~chat_client_app.controller.ClientController` has one for its
session; a :class:`~chat_client_app.server_switch.ServerSwitch` has one of its own until
the new server's welcome, and then hands it to the controller.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QSslError

from chat_client_app.failures import socket_failure
from chat_client_app.session import ConnectRequest, FailureKind
from chat_client_app.trust import TlsProblem, TrustStore
from shared.errors import ProtocolError
from shared.limits import CLIENT_MAX_FRAME
from shared.qt.connection import Connection

__all__ = ["ServerLink", "CLIENT_READ_PER_PASS"]

CLIENT_READ_PER_PASS = 32 * 1024
"""Bytes the client takes from its socket per pass. A read is decoded in the slot that
reads it, before the drain's budget applies: a small read keeps that slot short during
a burst (bench/README.md), and the burst is shown as fast, since the drain, not the
reading, sets its pace."""


class ServerLink(QObject):
    """The connection to ``request``'s server, from :meth:`open` to ``ended``.

    ``failed`` is emitted at most once, before ``ended``: the first thing that went
    wrong is the one the user can act on (a refused certificate, then the closed socket
    it causes, is a certificate problem). The link deletes itself once ended.
    """

    opened = Signal()  # connected (over TLS: encrypted)
    frames_received = Signal(object)  # list[dict[str, object]]: every frame of one read
    failed = Signal(object, str)  # FailureKind, detail: under the protocol; the end follows
    ended = Signal()  # the connection is over

    def __init__(self, request: ConnectRequest, trust: TrustStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._request = request
        self._trust = trust
        self._tls_problem: TlsProblem | None = None
        self._failure: FailureKind | None = None
        self._conn = Connection.for_client(
            tls=request.tls, max_frame=CLIENT_MAX_FRAME, max_read=CLIENT_READ_PER_PASS, parent=self
        )
        conn = self._conn
        conn.tls_errors_occurred.connect(self._on_conn_tls_errors_occurred)
        conn.connected.connect(self.opened)
        conn.messages_received.connect(self.frames_received)
        conn.protocol_error.connect(self._on_conn_protocol_error)
        conn.error_occurred.connect(self._on_conn_error_occurred)
        conn.disconnected.connect(self._on_conn_disconnected)

    @property
    def request(self) -> ConnectRequest:
        return self._request

    @property
    def tls_problem(self) -> TlsProblem | None:
        """Why the TLS handshake was refused, with the fingerprints to show."""
        return self._tls_problem

    @property
    def is_open(self) -> bool:
        return self._conn.is_open

    @property
    def bytes_received(self) -> int:
        return self._conn.bytes_received

    def open(self) -> None:
        self._conn.connect_to_host(self._request.host, self._request.port)

    def send(self, message: Mapping[str, object]) -> None:
        self._conn.send(message)

    def close(self) -> None:
        """Close once what was sent is written (a ``bye`` arrives before the FIN)."""
        self._conn.close()

    def abort(self) -> None:
        self._conn.abort()

    def forsake(self) -> None:
        """Its owner has moved on: end it without another word to the owner."""
        self.blockSignals(True)
        if self._conn.is_open:
            self._conn.close()
        else:
            self._conn.abort()

    def _fail(self, kind: FailureKind, detail: str) -> None:
        if self._failure is None:
            self._failure = kind
            self.failed.emit(kind, detail)

    def _on_conn_tls_errors_occurred(self, errors: list[QSslError]) -> None:
        # Only a certificate the user pinned gets past Qt's verdict; anything else
        # ends this handshake, and the user decides (TrustDialog) before any retry.
        problem = self._trust.problem(self._request.host, self._request.port, self._conn.peer_fingerprint)
        if problem is None:
            self._conn.ignore_tls_errors(errors)
            return
        self._tls_problem = problem
        self._fail(problem.kind, "; ".join(e.errorString() for e in errors))

    def _on_conn_error_occurred(self, text: str) -> None:
        tls_pending = self._conn.is_tls and not self._conn.handshake_done
        self._fail(socket_failure(self._conn.socket_error, tls_pending=tls_pending), text)

    def _on_conn_protocol_error(self, exc: ProtocolError) -> None:
        # The server's bytes are not frames we can read: nothing after this can be trusted.
        self._fail(FailureKind.PROTOCOL, exc.message)
        self._conn.abort()

    def _on_conn_disconnected(self) -> None:
        self.ended.emit()
        self.deleteLater()
