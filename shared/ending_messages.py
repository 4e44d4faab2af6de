"""The frames that refuse or end: ``error``, ``kicked``, ``shutdown`` (server to client).

Kept apart from shared/messages.py, which imports and re-exports them (the message
model is one, its modules are small)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from shared.errors import FATAL_CODES, ErrorCode, ProtocolError
from shared.fields import opt_str, req_str

__all__ = ["Error", "Kicked", "Shutdown", "SHUTDOWN_REASON"]

Json: TypeAlias = dict[str, object]


@dataclass(frozen=True, slots=True)
class Error:
    """An error report; after a ``fatal`` one the server closes the connection.

    ``cid`` is an extension (unknown fields are ignored): the ``cid`` of the ``say``
    this error answers, so a client can mark exactly that message as failed.
    """

    code: str
    message: str
    fatal: bool = False
    cid: str | None = None
    until: str | None = None
    """With ``banned``: when the ban ends (RFC 3339 UTC); absent for a ban without end."""
    file_id: str | None = None
    """With an error about a ``file_chunk`` or ``file_get``: the transfer it is about."""
    TYPE: ClassVar[str] = "error"

    @classmethod
    def of(cls, exc: ProtocolError, cid: str | None = None) -> Error:
        return cls(code=exc.code.value, message=exc.message, fatal=exc.fatal, cid=cid)

    @property
    def error_code(self) -> ErrorCode | None:
        """The code as a member of :class:`ErrorCode`, or ``None`` for a code we do not know."""
        try:
            return ErrorCode(self.code)
        except ValueError:
            return None

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "code": self.code, "message": self.message, "fatal": self.fatal}
        if self.cid is not None:
            out["cid"] = self.cid
        if self.until is not None:
            out["until"] = self.until
        if self.file_id is not None:
            out["file_id"] = self.file_id
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Error:
        code = req_str(obj, "code")
        fatal = obj.get("fatal")
        if not isinstance(fatal, bool):
            fatal = code in {c.value for c in FATAL_CODES}
        return cls(
            code=code,
            message=opt_str(obj, "message") or code,
            fatal=fatal,
            cid=opt_str(obj, "cid"),
            until=opt_str(obj, "until"),
            file_id=opt_str(obj, "file_id"),
        )


@dataclass(frozen=True, slots=True)
class Kicked:
    """The operator removed this user; the connection closes next."""

    reason: str = ""
    TYPE: ClassVar[str] = "kicked"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "reason": self.reason}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Kicked:
        return cls(reason=opt_str(obj, "reason") or "")


SHUTDOWN_REASON = "The server is shutting down."
"""The ``shutdown`` reason when the operator gives none: a client that knows it says
so in its own words, instead of repeating this English."""


@dataclass(frozen=True, slots=True)
class Shutdown:
    """The server is stopping; every connection closes next."""

    reason: str = ""
    TYPE: ClassVar[str] = "shutdown"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "reason": self.reason}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Shutdown:
        return cls(reason=opt_str(obj, "reason") or "")
