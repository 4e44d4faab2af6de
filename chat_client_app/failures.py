"""Why a connection attempt failed, as one human sentence (translated).

The session classifies a failure into a short *kind* (an error code of the
protocol, or a :class:`FailureKind` of the socket); this module turns it into words
for the connect dialog and the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QAbstractSocket

from chat_client_app.session.state import FATAL_FOR_RETRY, ConnectRequest, FailureKind
from shared.errors import ErrorCode

__all__ = ["FailureKind", "describe_failure", "describe_attempt", "socket_failure", "FATAL_FOR_RETRY"]

_SOCKET_FAILURES = {
    QAbstractSocket.SocketError.ConnectionRefusedError: FailureKind.REFUSED,
    QAbstractSocket.SocketError.HostNotFoundError: FailureKind.NOT_FOUND,
    QAbstractSocket.SocketError.SocketTimeoutError: FailureKind.TIMEOUT,
}


def socket_failure(error: QAbstractSocket.SocketError, *, tls_pending: bool) -> FailureKind:
    """The kind of a socket's ``error``; ``tls_pending``: a TLS handshake was under way."""
    if tls_pending:
        # A plain server answers a TLS hello with bytes that are no TLS record.
        return FailureKind.TLS_FAILED
    return _SOCKET_FAILURES.get(error, FailureKind.UNREACHABLE)


def describe_failure(kind: str, *, name: str, address: str, password_given: bool, detail: str = "") -> str:
    """One sentence that tells the user what went wrong and what to try."""
    # Literal QCoreApplication.translate calls, not a helper: pyside6-lupdate finds only these.
    if kind == FailureKind.REFUSED:
        return QCoreApplication.translate(
            "Failures",
            "Nobody accepted the connection at {address}: is the server running, and is the port right?",
        ).format(address=address)
    if kind == FailureKind.NOT_FOUND:
        return QCoreApplication.translate(
            "Failures", "The host of {address} could not be found: check the spelling of the address."
        ).format(address=address)
    if kind == FailureKind.UNREACHABLE:
        return QCoreApplication.translate("Failures", "Cannot reach {address} ({detail}).").format(
            address=address, detail=detail or "?"
        )
    if kind == FailureKind.TIMEOUT:
        return QCoreApplication.translate(
            "Failures", "The server at {address} did not answer in time."
        ).format(address=address)
    if kind == FailureKind.CLOSED:
        return QCoreApplication.translate(
            "Failures", "The server at {address} closed the connection before letting you in."
        ).format(address=address)
    if kind == FailureKind.PROTOCOL:
        return QCoreApplication.translate(
            "Failures", "The program at {address} does not speak the Parla chat protocol."
        ).format(address=address)
    if kind == FailureKind.TLS_UNTRUSTED:
        return QCoreApplication.translate(
            "Failures", "No authority vouches for the certificate of {address}: compare its fingerprint."
        ).format(address=address)
    if kind == FailureKind.TLS_CHANGED:
        return QCoreApplication.translate(
            "Failures",
            "The certificate of {address} is not the one you trusted before: the connection was refused.",
        ).format(address=address)
    if kind == FailureKind.TLS_FAILED:
        return QCoreApplication.translate(
            "Failures",
            "No secure connection could be made with {address} ({detail}): does the server use TLS?",
        ).format(address=address, detail=detail or "?")
    if kind == ErrorCode.NAME_TAKEN:
        return QCoreApplication.translate(
            "Failures", "Someone on this server already uses the name “{name}”: choose another one."
        ).format(name=name)
    if kind == ErrorCode.NAME_INVALID:
        return QCoreApplication.translate(
            "Failures", "The server does not accept the name “{name}”: {detail}."
        ).format(name=name, detail=detail)
    if kind == ErrorCode.AUTH_FAILED:
        if not password_given:
            return QCoreApplication.translate(
                "Failures", "This server needs a password: type it in the password field."
            )
        return QCoreApplication.translate("Failures", "Wrong password for this server.")
    if kind == ErrorCode.VERSION_UNSUPPORTED:
        return QCoreApplication.translate(
            "Failures",
            "The server speaks another version of the chat protocol: update the client or the server.",
        )
    return QCoreApplication.translate("Failures", "The connection failed: {detail}").format(
        detail=detail or kind
    )


def describe_attempt(request: ConnectRequest, kind: str, detail: str = "") -> str:
    """:func:`describe_failure` for an attempt to connect as ``request`` asked."""
    return describe_failure(
        kind,
        name=request.name,
        address=request.address,
        password_given=bool(request.password),
        detail=detail,
    )
