"""Why a connection attempt failed, as one human sentence (translated).

The controller classifies a failure into a short *kind* (an error code of the
protocol, or one of the socket kinds below); this module turns it into words for
the connect dialog and the status bar.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication

from shared.errors import ErrorCode

__all__ = ["FailureKind", "describe_failure", "FATAL_FOR_RETRY"]


class FailureKind(enum.StrEnum):
    """Kinds of failure besides the protocol's own error codes."""

    REFUSED = "refused"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    CLOSED = "closed"
    PROTOCOL = "protocol"
    TLS_UNTRUSTED = "tls_untrusted"  # a certificate no CA vouches for, not pinned yet
    TLS_CHANGED = "tls_changed"  # not the certificate pinned for this server
    TLS_FAILED = "tls_failed"  # no TLS handshake at all (a plain server?)


FATAL_FOR_RETRY = frozenset(
    {
        ErrorCode.AUTH_FAILED,
        ErrorCode.NAME_INVALID,
        ErrorCode.VERSION_UNSUPPORTED,
        FailureKind.TLS_UNTRUSTED,
        FailureKind.TLS_CHANGED,
    }
)
"""Registration errors that trying again cannot fix: only the user can (another password,
another name, another program). ``name_taken`` is one too, except on a reconnect (see the
controller)."""


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
