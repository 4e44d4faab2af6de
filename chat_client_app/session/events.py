"""What the session tells its driver: small frozen records, one per thing that happened.

The driver turns each into a signal; they carry enum members, never their strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from chat_client_app.session.state import Chat, ClientState, DisconnectReason, Outgoing, SendState
from shared.around_messages import HistoryAround
from shared.messages import (
    Bye,
    ChatMessage,
    Hello,
    Join,
    ListRooms,
    Part,
    Ping,
    Pong,
    PresenceState,
    RoomInfo,
    Say,
    Status,
    Typing,
    Welcome,
)
from shared.search_messages import Search

__all__ = [
    "Event",
    "Output",
    "Outbound",
    "OUTBOUND_TYPES",
    "SearchResults",
    "HistoryPageReceived",
    "StateChanged",
    "Connected",
    "HistoryReset",
    "UsersReset",
    "MessagesReceived",
    "MessageQueued",
    "SendStateChanged",
    "SendPaused",
    "UserJoined",
    "UserLeft",
    "NoticeReceived",
    "ServerError",
    "KickReceived",
    "ShutdownReceived",
    "RttMeasured",
    "ReplayStarted",
    "ReplayFinished",
    "Disconnected",
    "AttemptFailed",
    "ReconnectScheduled",
    "RoomsChanged",
    "MembersChanged",
    "MemberJoined",
    "MemberLeft",
    "RoomListReceived",
    "RoomReadOnly",
    "TopicChanged",
    "PresenceChanged",
    "TypingChanged",
]


@dataclass(frozen=True, slots=True)
class StateChanged:
    state: ClientState


@dataclass(frozen=True, slots=True)
class Connected:
    welcome: Welcome


@dataclass(frozen=True, slots=True)
class HistoryReset:
    """The welcome brought another ``server_id`` than last time: the history started over."""

    server_id: str


@dataclass(frozen=True, slots=True)
class UsersReset:
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MessagesReceived:
    """A run of consecutive chat messages, each new to this client, in id order."""

    messages: tuple[ChatMessage, ...]


@dataclass(frozen=True, slots=True)
class MessageQueued:
    out: Outgoing


@dataclass(frozen=True, slots=True)
class SendStateChanged:
    cid: str
    state: SendState
    reason: str = ""  # failed only: the server's words, or the client's own
    code: str = ""  # failed by the server: its error code, which the window puts in words


@dataclass(frozen=True, slots=True)
class SendPaused:
    """Pending says wait for the pace (or the server's limit): call ``pump`` after ``delay``."""

    delay: float  # seconds


@dataclass(frozen=True, slots=True)
class UserJoined:
    name: str


@dataclass(frozen=True, slots=True)
class UserLeft:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class NoticeReceived:
    text: str
    room: str = "general"  # a room's own notice (its topic, its read-only switch)
    read_only: bool | None = None  # set when it tells of the read-only switch


@dataclass(frozen=True, slots=True)
class ServerError:
    """An error that answers no say of ours."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class KickReceived:
    reason: str


@dataclass(frozen=True, slots=True)
class ShutdownReceived:
    reason: str


@dataclass(frozen=True, slots=True)
class RttMeasured:
    seconds: float


@dataclass(frozen=True, slots=True)
class ReplayStarted:
    pass


@dataclass(frozen=True, slots=True)
class ReplayFinished:
    count: int  # messages from others replayed
    first_id: int  # id of the first replayed message (0: none)


@dataclass(frozen=True, slots=True)
class Disconnected:
    """A session that was up ended."""

    reason: DisconnectReason


@dataclass(frozen=True, slots=True)
class AttemptFailed:
    """A connection ended before its welcome."""

    kind: str  # an error code of the protocol or a FailureKind value
    detail: str
    until: str | None = None  # ``banned``: when the ban ends (RFC 3339), if it does


@dataclass(frozen=True, slots=True)
class ReconnectScheduled:
    delay: float  # seconds


@dataclass(frozen=True, slots=True)
class RoomsChanged:
    """The rooms the user is in changed: ``general`` first, then by name."""

    rooms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MembersChanged:
    """Who is in ``room``, or its topic, changed (read them from the session)."""

    room: str


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Someone else entered ``room`` (``general``: came to the server)."""

    room: str
    name: str


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Someone else left ``room`` (``general``: the server, and with it every room)."""

    room: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class RoomReadOnly:
    """Whether only the operator writes in ``room`` (not ``general``: the welcome and
    :class:`NoticeReceived` tell the whole chat's switch). ``switched``: the operator
    just switched it (a notice); else the join's answer told it."""

    room: str
    on: bool
    switched: bool


@dataclass(frozen=True, slots=True)
class TopicChanged:
    """The operator set ``room``'s topic (``""``: cleared it)."""

    room: str
    topic: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of the server's answer to a search (docs/PROTOCOL.md §8.7), newest first."""

    sid: str
    messages: tuple[ChatMessage, ...]
    more: bool
    before: int | None = None
    """Where the next page starts (the oldest match the server examined)."""


@dataclass(frozen=True, slots=True)
class HistoryPageReceived:
    """The messages of ``chat`` around message ``around`` that the user asked for
    (docs/PROTOCOL.md §8.8), in id order, each once and none of another chat."""

    sid: str
    chat: Chat
    around: int
    messages: tuple[ChatMessage, ...]


@dataclass(frozen=True, slots=True)
class RoomListReceived:
    """The server's answer to ``list_rooms``."""

    rooms: tuple[RoomInfo, ...]


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    name: str
    state: PresenceState
    text: str


@dataclass(frozen=True, slots=True)
class TypingChanged:
    """Who is typing in ``chat`` now, in the order they began."""

    chat: Chat
    names: tuple[str, ...]


Event: TypeAlias = (
    StateChanged
    | Connected
    | HistoryReset
    | UsersReset
    | MessagesReceived
    | MessageQueued
    | SendStateChanged
    | SendPaused
    | UserJoined
    | UserLeft
    | NoticeReceived
    | ServerError
    | KickReceived
    | ShutdownReceived
    | RttMeasured
    | ReplayStarted
    | ReplayFinished
    | Disconnected
    | AttemptFailed
    | ReconnectScheduled
    | RoomsChanged
    | MembersChanged
    | MemberJoined
    | MemberLeft
    | RoomListReceived
    | RoomReadOnly
    | TopicChanged
    | SearchResults
    | HistoryPageReceived
    | PresenceChanged
    | TypingChanged
)

Outbound: TypeAlias = (
    Hello | Say | Ping | Pong | Bye | Join | Part | ListRooms | Status | Typing | Search | HistoryAround
)
"""What the session asks the driver to write, as the message objects of the protocol."""

Output: TypeAlias = Outbound | Event
"""The session's answers come as one list in the order they must be acted on."""

OUTBOUND_TYPES = (Hello, Say, Ping, Pong, Bye, Join, Part, ListRooms, Status, Typing, Search, HistoryAround)
"""The classes of :data:`Outbound`, for ``isinstance``."""
