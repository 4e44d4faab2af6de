"""Trying another server while the current conversation goes on.

"Connect to a server…" must not drop the chat the user is in for a server that may
refuse them. A :class:`ServerSwitch` opens a :class:`~chat_client_app.server_link.ServerLink`
of its own and registers on it (the pure :class:`~chat_client_app.session.trial.Trial`),
beside the controller's connection, which keeps delivering and sending. The welcome
hands the link, with every frame from the welcome on, to the controller (``welcomed``),
which only then leaves the old server; any failure before it (refused, TLS, a wrong
password, a taken name, no answer in time) is ``failed``, in words, and changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from chat_client_app.failures import describe_attempt
from chat_client_app.server_link import ServerLink
from chat_client_app.session import ConnectRequest, FailureKind
from chat_client_app.session.trial import Trial
from chat_client_app.transport_probe import TransportCheck
from chat_client_app.trust import TlsProblem, TrustStore
from shared.errors import ProtocolError
from shared.messages import parse_server_message

__all__ = ["ServerSwitch"]


class ServerSwitch(QObject):
    """One attempt at ``request``'s server; ``welcomed`` or ``failed``, once, then done.

    It keeps what :func:`~chat_client_app.trust_dialog.settle_certificate` reads
    (``request``, ``tls_problem``, ``trust_certificate``) after a failure, so that the
    user can accept the certificate and try again.
    """

    welcomed = Signal(object, object, object)  # ConnectRequest, ServerLink, list[dict]: from the welcome on
    failed = Signal(object, object)  # kind (error code or FailureKind), human sentence

    def __init__(
        self,
        request: ConnectRequest,
        *,
        token: str | None,
        trust: TrustStore,
        connect_timeout: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._trial = Trial(request, token)
        self._trust = trust
        self._done = False
        self._tls_problem: TlsProblem | None = None
        self._link = ServerLink(request, trust, self)
        self._link.opened.connect(self._on_link_opened)
        self._link.frames_received.connect(self._on_link_frames_received)
        self._link.failed.connect(self._on_link_failed)
        self._link.ended.connect(self._on_link_ended)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(0, int(connect_timeout * 1000)))
        self._timer.timeout.connect(self._on_timer_timeout)
        self._check = TransportCheck(self)  # TLS where plain was tried, or the reverse?
        self._check.settled.connect(self._on_check_settled)

    @property
    def request(self) -> ConnectRequest:
        return self._trial.request

    @property
    def tls_problem(self) -> TlsProblem | None:
        """Why the new server's certificate was refused, with the fingerprints to show."""
        return self._tls_problem

    @property
    def under_way(self) -> bool:
        return not self._done

    def trust_certificate(self, fingerprint: str) -> None:
        """The user accepted ``fingerprint`` for the new server: pin it."""
        self._trust.pin(self.request.host, self.request.port, fingerprint)

    def start(self) -> None:
        self._timer.start()
        self._link.open()

    def cancel(self) -> None:
        """Give up (the user cancelled, or asked for another server): nothing is told."""
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self._check.cancel()
        self._link.forsake()
        self.deleteLater()

    def _on_link_opened(self) -> None:
        self._link.send(self._trial.connection_made().to_dict())

    def _on_link_frames_received(self, objects: list[dict[str, object]]) -> None:
        for index, obj in enumerate(objects):
            try:
                message = parse_server_message(obj)
            except ProtocolError:
                continue  # skipped, as the session's drain skips it
            if self._trial.receive(message):
                self._hand_over(objects[index:])
                return

    def _hand_over(self, frames: list[dict[str, object]]) -> None:
        self._done = True
        self._timer.stop()
        link = self._link
        for signal, slot in (
            (link.opened, self._on_link_opened),
            (link.frames_received, self._on_link_frames_received),
            (link.failed, self._on_link_failed),
            (link.ended, self._on_link_ended),
        ):
            signal.disconnect(slot)
        self.welcomed.emit(self._trial.request, link, frames)
        self.deleteLater()

    def _on_link_failed(self, kind: FailureKind, detail: str) -> None:
        if self._trial.socket_failure is None:  # a timeout's abort says nothing new
            self._tls_problem = self._link.tls_problem
            self._trial.socket_failed(kind, detail)

    def _on_timer_timeout(self) -> None:
        if self._trial.timed_out():
            self._link.abort()

    def _on_link_ended(self) -> None:
        if self._done:
            return
        self._timer.stop()
        trial = self._trial
        if not self._check.start(trial.request, trial.state, trial.socket_failure, self._link.bytes_received):
            self._fail()

    def _on_check_settled(self, kind: FailureKind | None) -> None:
        if kind is not None:
            self._trial.socket_failed(kind)
        self._fail()

    def _fail(self) -> None:
        self._done = True
        failure = self._trial.failure()
        message = describe_attempt(self._trial.request, failure.kind, failure.detail, failure.until)
        self.failed.emit(failure.kind, message)
        self.deleteLater()
