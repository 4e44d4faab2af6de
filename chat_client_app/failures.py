"""Why a connection attempt failed, as one human sentence (translated).

The session classifies a failure into a short *kind* (an error code of the
protocol, or a :class:`FailureKind` of the socket); this module turns it into words
for the connect dialog and the status bar.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QAbstractSocket

from chat_client_app.session.state import FATAL_FOR_RETRY, ConnectRequest, FailureKind
from shared.errors import ErrorCode
from shared.fields import parse_ts

__all__ = [
    "FailureKind",
    "describe_failure",
    "describe_attempt",
    "time_left",
    "socket_failure",
    "FATAL_FOR_RETRY",
]

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


def describe_failure(
    kind: str,
    *,
    name: str,
    address: str,
    password_given: bool,
    detail: str = "",
    until: str | None = None,
    now: float | None = None,
) -> str:
    """One sentence that tells the user what went wrong and what to try.

    ``until``: when a ban ends (``banned``); ``now``: the wall clock to count from.
    """
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
    if kind == FailureKind.TLS_EXPECTED:
        return QCoreApplication.translate(
            "Failures", "This server uses a secure connection: tick Secure connection."
        )
    if kind == FailureKind.TLS_UNEXPECTED:
        return QCoreApplication.translate(
            "Failures", "This server does not use a secure connection: untick Secure connection."
        )
    if kind == ErrorCode.NAME_TAKEN:
        return QCoreApplication.translate(
            "Failures", "Someone on this server already uses the name “{name}”: choose another one."
        ).format(name=name)
    if kind == ErrorCode.NAME_RESERVED:
        return QCoreApplication.translate("Failures", "This name belongs to someone else on this server.")
    if kind == ErrorCode.BANNED:
        return _banned(detail, until, time.time() if now is None else now)
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


def _banned(detail: str, until: str | None, now: float) -> str:
    try:
        end = parse_ts(until).timestamp() if until else None
    except ValueError:
        end = None
    if end is None:
        # A ban without an end, or one the server did not date: its own words.
        return QCoreApplication.translate("Failures", "This server does not let you in: {detail}").format(
            detail=detail or ErrorCode.BANNED.value
        )
    return QCoreApplication.translate(
        "Failures", "This server does not let you in for another {time} (until {end})."
    ).format(time=time_left(end - now), end=time.strftime("%Y-%m-%d %H:%M", time.localtime(end)))


def time_left(seconds: float) -> str:
    """``seconds`` in words, rounded up to the unit that fits: minutes, hours, days."""
    # Singular and plural spelled out: pyside6-lupdate does not see a count in a
    # module-level translate(), and English and Italian both have just these two forms.
    if seconds < 60:
        return QCoreApplication.translate("Failures", "less than a minute")
    minutes = math.ceil(seconds / 60)
    if minutes == 1:
        return QCoreApplication.translate("Failures", "1 minute")
    if minutes < 60:
        return QCoreApplication.translate("Failures", "{n} minutes").format(n=minutes)
    hours = math.ceil(minutes / 60)
    if hours == 1:
        return QCoreApplication.translate("Failures", "1 hour")
    if hours < 48:
        return QCoreApplication.translate("Failures", "{n} hours").format(n=hours)
    return QCoreApplication.translate("Failures", "{n} days").format(n=math.ceil(hours / 24))


def describe_attempt(request: ConnectRequest, kind: str, detail: str = "", until: str | None = None) -> str:
    """:func:`describe_failure` for an attempt to connect as ``request`` asked."""
    return describe_failure(
        kind,
        name=request.name,
        address=request.address,
        password_given=bool(request.password),
        detail=detail,
        until=until,
    )
