"""The values the client's session works with: its states, a say on its way, a request.

Pure data (no Qt): the session, the controller and the windows all read these.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from shared.limits import DEFAULT_PORT
from shared.messages import ChatMessage
from shared.validation import GENERAL, name_key

__all__ = [
    "ClientState",
    "SendState",
    "DisconnectReason",
    "FailureKind",
    "FATAL_FOR_RETRY",
    "ConnectRequest",
    "Outgoing",
    "same_place",
    "ChatKind",
    "Chat",
    "GENERAL_CHAT",
    "chat_of",
]


class ClientState(enum.StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    REGISTERING = "registering"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


class SendState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class DisconnectReason(enum.StrEnum):
    """Why a session that was up ended (``disconnected`` signal)."""

    QUIT = "quit"  # the user left
    KICKED = "kicked"
    SHUTDOWN = "shutdown"
    LOST = "lost"  # dropped, or no answer to our ping
    ERROR = "error"  # the server closed us with a fatal error


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
    TLS_EXPECTED = "tls_expected"  # plain to a server that answers only TLS
    TLS_UNEXPECTED = "tls_unexpected"  # TLS to a server that answers only plain frames


FATAL_FOR_RETRY = frozenset(
    {
        "auth_failed",
        "name_invalid",
        "version_unsupported",
        "name_reserved",
        "banned",
        FailureKind.TLS_UNTRUSTED.value,
        FailureKind.TLS_CHANGED.value,
        FailureKind.TLS_EXPECTED.value,
        FailureKind.TLS_UNEXPECTED.value,
    }
)
"""Registration errors that trying again cannot fix: only the user can (another password,
another name, another program, the other kind of connection, or the end of a ban).
``name_taken`` is one too, except on a reconnect (see
:meth:`~chat_client_app.session.ClientSession.connection_lost`)."""


@dataclass(frozen=True, slots=True)
class ConnectRequest:
    """Where to connect and as whom: what the connect dialog and the command line produce."""

    name: str
    host: str
    port: int = DEFAULT_PORT
    password: str | None = None
    tls: bool = False

    @property
    def address(self) -> str:
        """``host:port`` as a user writes it (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"

    @property
    def place(self) -> tuple[str, int]:
        """The server, as compared: ``(host in lower case, port)``."""
        return self.host.lower(), self.port


def same_place(a: ConnectRequest, b: ConnectRequest) -> bool:
    """Whether two requests continue one conversation: the same server, the same name."""
    return (a.host.lower(), a.port, name_key(a.name)) == (b.host.lower(), b.port, name_key(b.name))


@dataclass(slots=True)
class Outgoing:
    """One say the user typed, from the moment it was typed until it is sent or failed."""

    cid: str
    text: str
    to: str | None
    queued_at: float
    state: SendState = SendState.PENDING
    reason: str = ""
    sent_on: int = field(default=0)  # the connection generation it was last written to
    room: str = GENERAL  # where it goes when ``to`` is None

    @property
    def chat(self) -> Chat:
        return Chat.private(self.to) if self.to is not None else Chat.room(self.room)


class ChatKind(enum.StrEnum):
    ROOM = "room"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class Chat:
    """Where a conversation happens: a room, or the private conversation with one person.

    Two chats are one when their names' keys are (§8.1, §8.3): ``name`` is the spelling
    shown, and takes no part in comparisons.
    """

    kind: ChatKind
    key: str
    name: str = field(compare=False)

    @classmethod
    def room(cls, name: str) -> Chat:
        return cls(ChatKind.ROOM, name_key(name), name)

    @classmethod
    def private(cls, person: str) -> Chat:
        return cls(ChatKind.PRIVATE, name_key(person), person)

    @property
    def is_room(self) -> bool:
        return self.kind is ChatKind.ROOM

    @property
    def is_general(self) -> bool:
        return self.kind is ChatKind.ROOM and self.key == GENERAL_CHAT.key


GENERAL_CHAT = Chat.room(GENERAL)
"""The room of every user from the welcome on, and of every frame that names none."""


def chat_of(message: ChatMessage, own_key: str) -> Chat:
    """Where ``message`` belongs for the user whose name key is ``own_key``: its room, or
    the private conversation with the other person."""
    if message.to is None:
        return Chat.room(message.room)
    other = message.to if name_key(message.sender) == own_key else message.sender
    return Chat.private(other)
