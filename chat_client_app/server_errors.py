"""The server's ``error`` frames in the user's language, by their ``code``.

The ``message`` of an error frame is the server's own English (or whatever a server
sends): a user reading Italian should not meet "Non inviato: no user named…". Each
code this client knows becomes a translated sentence; the server's text shows only
for a code it does not know, as the detail of a translated sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from shared.errors import ErrorCode
from shared.limits import TEXT_MAX_CHARS

__all__ = ["refusal", "server_error", "DETAIL_MAX_CHARS"]

DETAIL_MAX_CHARS = 200
"""Characters of a server's own words shown as a detail: a sentence, not a page."""


def _code(code: str) -> ErrorCode | None:
    try:
        return ErrorCode(code)
    except ValueError:
        return None


def _detail(detail: str, code: str) -> str:
    words = " ".join(detail.split())[:DETAIL_MAX_CHARS]
    return words or code or "?"


def refusal(code: str, detail: str = "") -> str:
    """Why the server did not take one message: a phrase for "Not sent: {reason}."."""
    # Literal QCoreApplication.translate calls: pyside6-lupdate finds only these.
    known = _code(code)
    if known is ErrorCode.TEXT_INVALID:
        return QCoreApplication.translate(
            "ServerErrors", "the server takes a message of 1 to {max} characters, not only spaces"
        ).format(max=TEXT_MAX_CHARS)
    if known is ErrorCode.RATE_LIMITED:
        return QCoreApplication.translate("ServerErrors", "too many messages at once: wait a moment")
    if known is ErrorCode.READ_ONLY:
        return QCoreApplication.translate("ServerErrors", "the teacher has paused the chat")
    if known is ErrorCode.NO_SUCH_USER:
        return QCoreApplication.translate("ServerErrors", "nobody by that name is on this server now")
    if known is ErrorCode.NOT_IN_ROOM:
        return QCoreApplication.translate("ServerErrors", "you are not in that room")
    if known is ErrorCode.ROOM_INVALID:
        return QCoreApplication.translate("ServerErrors", "that room cannot take messages")
    if known is ErrorCode.SERVER_ERROR:
        return QCoreApplication.translate("ServerErrors", "the server could not keep it: try again")
    if known is ErrorCode.FRAME_TOO_LARGE:
        return QCoreApplication.translate("ServerErrors", "it is too large for the server")
    return QCoreApplication.translate("ServerErrors", "the server refused it ({detail})").format(
        detail=_detail(detail, code)
    )


def server_error(code: str, detail: str = "") -> str:
    """One sentence for an ``error`` that answers no message of the user's."""
    known = _code(code)
    if known is ErrorCode.PROTOCOL_ERROR:
        return QCoreApplication.translate(
            "ServerErrors", "The server did not understand this client: update the client or the server."
        )
    if known is ErrorCode.FRAME_TOO_LARGE:
        return QCoreApplication.translate(
            "ServerErrors", "Something this client sent was too large for the server."
        )
    if known is ErrorCode.UNKNOWN_TYPE:
        return QCoreApplication.translate(
            "ServerErrors",
            "The server does not know one of this client's requests: it may be an older server.",
        )
    if known is ErrorCode.RATE_LIMITED:
        return QCoreApplication.translate(
            "ServerErrors", "Too many messages at once: the server dropped some."
        )
    if known is ErrorCode.READ_ONLY:
        return QCoreApplication.translate(
            "ServerErrors", "The teacher has paused the chat: only they can write now."
        )
    if known is ErrorCode.SERVER_ERROR:
        return QCoreApplication.translate("ServerErrors", "The server had a problem with its history.")
    if known is ErrorCode.TEXT_INVALID:
        return QCoreApplication.translate(
            "ServerErrors", "The server takes a message of 1 to {max} characters, not only spaces."
        ).format(max=TEXT_MAX_CHARS)
    if known is ErrorCode.NO_SUCH_USER:
        return QCoreApplication.translate("ServerErrors", "Nobody by that name is on this server now.")
    if known is ErrorCode.NOT_IN_ROOM:
        return QCoreApplication.translate("ServerErrors", "You are not in that room.")
    if known is ErrorCode.ROOM_INVALID:
        return QCoreApplication.translate(
            "ServerErrors",
            "That is not a room you can use: a room's name has no spaces, commas, colons or #.",
        )
    if known is ErrorCode.TOO_MANY_ROOMS:
        return QCoreApplication.translate(
            "ServerErrors",
            "No more rooms: you are in as many as this server allows, or it has no room for more.",
        )
    if known in (ErrorCode.NAME_INVALID, ErrorCode.NAME_TAKEN, ErrorCode.NAME_RESERVED):
        return QCoreApplication.translate("ServerErrors", "The server does not accept this name.")
    if known is ErrorCode.AUTH_FAILED:
        return QCoreApplication.translate("ServerErrors", "The server did not accept the password.")
    if known is ErrorCode.VERSION_UNSUPPORTED:
        return QCoreApplication.translate(
            "ServerErrors",
            "The server speaks another version of the chat protocol: update the client or the server.",
        )
    if known is ErrorCode.BANNED:
        return QCoreApplication.translate("ServerErrors", "This server does not let you in.")
    return QCoreApplication.translate("ServerErrors", "The server reported a problem: {detail}").format(
        detail=_detail(detail, code)
    )
