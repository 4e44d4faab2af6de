"""Error codes of the wire protocol and the exception that carries them."""

from __future__ import annotations

import enum
from collections.abc import Sequence

__all__ = ["ErrorCode", "ProtocolError", "FATAL_CODES"]


class ErrorCode(enum.StrEnum):
    """The ``code`` of an ``error`` frame (PROTOCOL.md §1, §5); the value is the wire string."""

    PROTOCOL_ERROR = "protocol_error"
    FRAME_TOO_LARGE = "frame_too_large"
    UNKNOWN_TYPE = "unknown_type"
    NAME_INVALID = "name_invalid"
    NAME_TAKEN = "name_taken"
    AUTH_FAILED = "auth_failed"
    VERSION_UNSUPPORTED = "version_unsupported"
    TEXT_INVALID = "text_invalid"
    RATE_LIMITED = "rate_limited"
    NO_SUCH_USER = "no_such_user"
    READ_ONLY = "read_only"
    SERVER_ERROR = "server_error"
    """The server could not store a ``say`` (not fatal), or read the history for a
    replay (fatal: never a welcome with a silent gap, §8.2)."""
    NAME_RESERVED = "name_reserved"
    """The name belongs to another token (§8.1)."""
    BANNED = "banned"
    """The operator banned this name, token or address for a while (§8.1)."""
    NOT_IN_ROOM = "not_in_room"
    """A ``say`` (or ``typing``, ``part``) to a room the sender has not joined (§8.3)."""
    ROOM_INVALID = "room_invalid"
    """A room name that breaks the rules of names, or a ``say`` to a room and a user."""
    TOO_MANY_ROOMS = "too_many_rooms"
    """A ``join`` past the rooms a user may be in, or a new room past the server's."""
    FILE_TOO_LARGE = "file_too_large"
    """A ``file_offer`` larger than ``--max-file-size`` or the whole ``--files-quota`` (§8.5)."""
    FILE_REFUSED = "file_refused"
    """A ``file_offer`` the server does not take: files off, an empty file, a refused
    extension, too many uploads at once, the same file uploaded by someone else now."""
    NO_SUCH_FILE = "no_such_file"
    """A ``file_get`` or ``file_chunk`` for an id that does not exist, is gone, or that
    the asker may not see: one answer for all three, so that ids leak nothing."""
    FILE_INVALID = "file_invalid"
    """A file frame with a wrong field (offset, size, base64, sha256): the transfer
    stays as it was, the rest of the session is fine."""


FATAL_CODES = frozenset(
    {
        ErrorCode.PROTOCOL_ERROR,
        ErrorCode.FRAME_TOO_LARGE,
        ErrorCode.NAME_INVALID,
        ErrorCode.NAME_TAKEN,
        ErrorCode.AUTH_FAILED,
        ErrorCode.VERSION_UNSUPPORTED,
        ErrorCode.NAME_RESERVED,
        ErrorCode.BANNED,
    }
)
"""Codes after which the server always closes the connection.

``rate_limited`` is fatal only for sustained abuse, so the sender decides it.
"""


class ProtocolError(Exception):
    """The peer broke the protocol: the one exception type that peer input can raise.

    ``messages`` holds the whole messages decoded from the same input before the
    violation, in order, so that nothing valid that arrived before it is lost.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        messages: Sequence[dict[str, object]] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.messages: list[dict[str, object]] = list(messages)

    @property
    def fatal(self) -> bool:
        """Whether the connection must be closed after reporting this error."""
        return self.code in FATAL_CODES

    def __repr__(self) -> str:
        return f"ProtocolError({self.code.value!r}, {self.message!r})"
