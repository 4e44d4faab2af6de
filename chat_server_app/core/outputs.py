"""What a call into the rules leaves for the driver: writes, closes and events.

The driver takes them in order (:meth:`ServerCore.take_outputs`): a fatal error's
frame comes before its connection's close, a welcome before the dashboard hears
of the join.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from chat_server_app.core.session import Link, Session
from chat_server_app.store import StoredMessage
from shared.messages import LeftReason

__all__ = [
    "Send",
    "Close",
    "UserJoined",
    "UserLeft",
    "UserKicked",
    "MessagesPosted",
    "NoticeSent",
    "ErrorSent",
    "ReadOnlyChanged",
    "RoomsChanged",
    "StoreFailed",
    "Output",
]


@dataclass(frozen=True, slots=True)
class Send:
    """Write these whole frames to the session's connection now."""

    session: Session[Link]
    data: bytes


@dataclass(frozen=True, slots=True)
class Close:
    """Close the connection: after what is queued, or at once (``abort``)."""

    session: Session[Link]
    abort: bool = False


@dataclass(frozen=True, slots=True)
class UserJoined:
    session: Session[Link]


@dataclass(frozen=True, slots=True)
class UserLeft:
    session: Session[Link]
    reason: LeftReason


@dataclass(frozen=True, slots=True)
class UserKicked:
    session: Session[Link]
    reason: str


@dataclass(frozen=True, slots=True)
class MessagesPosted:
    """One pass's messages, once stored; the rules' own list, not to be changed."""

    messages: list[StoredMessage]


@dataclass(frozen=True, slots=True)
class NoticeSent:
    text: str


@dataclass(frozen=True, slots=True)
class ErrorSent:
    session: Session[Link]
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ReadOnlyChanged:
    on: bool


@dataclass(frozen=True, slots=True)
class RoomsChanged:
    """A room was made, closed or changed, or someone entered or left one: at most one
    per :meth:`~chat_server_app.core.server.ServerCore.take_outputs`."""


@dataclass(frozen=True, slots=True)
class StoreFailed:
    reason: str


Output: TypeAlias = (
    Send | Close | UserJoined | UserLeft | UserKicked | MessagesPosted | NoticeSent | ErrorSent
    | ReadOnlyChanged | RoomsChanged | StoreFailed
)  # fmt: skip
