"""The messages of PROTOCOL.md §3-§4 as frozen dataclasses, parsed from and turned into JSON.

Parsing is where peer input is checked: :func:`parse_client_message` (used by the
server) and :func:`parse_server_message` (used by the client) return a typed
message or raise :class:`~shared.errors.ProtocolError` with the code the spec
names for that violation. Unknown fields are ignored; ``to_dict`` leaves out
optional fields that are not set.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias, get_args

from shared.around_messages import HistoryAround, HistoryPage
from shared.ending_messages import SHUTDOWN_REASON, Error, Kicked, Shutdown
from shared.errors import ErrorCode, ProtocolError
from shared.fields import flag, format_ts, now_ts, opt_str, parse_ts, req_id, req_str, violation
from shared.file_messages import FileChunk, FileEnd, FileGet, FileInfo, FileOffer, FileReady
from shared.handshake import Hello, Welcome
from shared.limits import CID_MAX_CHARS, ECHO_MAX_CHARS, MAX_MESSAGE_ID, PING_TOKEN_MAX_CHARS, TEXT_MAX_CHARS
from shared.quoting import quoted
from shared.room_messages import (
    Join,
    ListRooms,
    Part,
    PresenceState,
    RoomInfo,
    RoomList,
    Status,
    Typing,
    opt_room,
    room_field,
)
from shared.search_messages import Results, Search
from shared.validation import GENERAL, text_problem

__all__ = [
    "LeftReason",
    "Hello",
    "Say",
    "Ping",
    "Pong",
    "Bye",
    "Welcome",
    "ChatMessage",
    "Joined",
    "Left",
    "Notice",
    "Error",
    "Kicked",
    "Shutdown",
    "SHUTDOWN_REASON",
    "Join",
    "Part",
    "ListRooms",
    "RoomInfo",
    "RoomList",
    "Status",
    "Typing",
    "PresenceState",
    "FileOffer",
    "FileReady",
    "FileChunk",
    "FileGet",
    "FileEnd",
    "FileInfo",
    "GENERAL",
    "ClientMessage",
    "ServerMessage",
    "json_string",
    "with_field",
    "message_payload",
    "parse_client_message",
    "parse_server_message",
    "format_ts",
    "parse_ts",
    "now_ts",
]

Json: TypeAlias = dict[str, object]


class LeftReason(enum.StrEnum):
    """Why a user is gone (``left.reason``)."""

    QUIT = "quit"
    DISCONNECTED = "disconnected"
    TIMEOUT = "timeout"
    KICKED = "kicked"
    SEND_QUEUE = "send_queue"
    PART = "part"  # out of one room (§8.3), not out of the server
    CLOSED = "closed"  # out of one room: the operator closed it


# --- client -> server ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Say:
    """Post ``text`` to ``room``; ``cid`` is the client's own id for it, ``to`` makes it
    private (outside every room)."""

    text: str
    cid: str | None = None
    to: str | None = None
    room: str = GENERAL
    TYPE: ClassVar[str] = "say"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "text": self.text}
        if self.cid is not None:
            out["cid"] = self.cid
        if self.to is not None:
            out["to"] = self.to
        return room_field(out, self.room)

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Say:
        text = obj.get("text")
        cid = obj.get("cid")
        # Every message comes through here: the usual say (a text, a cid, nothing else
        # to check) is answered in a few tests; anything else is checked field by field
        # (tests/shared/test_messages.py proves both ways give the same say or error).
        if (
            type(text) is str
            and 0 < len(text) <= TEXT_MAX_CHARS
            and (cid is None or (type(cid) is str and len(cid) <= CID_MAX_CHARS))
            and obj.get("to") is None
            and obj.get("room") is None
            and not text.isspace()
        ):
            return cls(text, cid)
        return cls.checked(obj)

    @classmethod
    def checked(cls, obj: Mapping[str, object]) -> Say:
        """:meth:`from_dict` field by field."""
        cid = opt_str(obj, "cid")
        if cid is not None and len(cid) > CID_MAX_CHARS:
            raise violation(f"'cid' is longer than {CID_MAX_CHARS} characters")
        to = opt_str(obj, "to")
        text = obj.get("text")
        problem = text_problem(text)
        if problem is not None:
            raise ProtocolError(ErrorCode.TEXT_INVALID, problem)
        assert isinstance(text, str)
        if to is not None and obj.get("room") is not None:
            raise ProtocolError(ErrorCode.ROOM_INVALID, "a say goes to a room or to a user, not both")
        return cls(text=text, cid=cid, to=to, room=opt_room(obj))


def _ping_token(obj: Mapping[str, object]) -> str | None:
    token = opt_str(obj, "token")
    if token is not None and len(token) > PING_TOKEN_MAX_CHARS:
        raise violation(f"'token' is longer than {PING_TOKEN_MAX_CHARS} characters")
    return token


@dataclass(frozen=True, slots=True)
class Ping:
    """Liveness check, either way; the peer answers :class:`Pong` with the same token."""

    token: str | None = None
    TYPE: ClassVar[str] = "ping"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE}
        if self.token is not None:
            out["token"] = self.token
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Ping:
        return cls(token=_ping_token(obj))


@dataclass(frozen=True, slots=True)
class Pong:
    """Answer to a :class:`Ping`."""

    token: str | None = None
    TYPE: ClassVar[str] = "pong"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE}
        if self.token is not None:
            out["token"] = self.token
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Pong:
        return cls(token=_ping_token(obj))


@dataclass(frozen=True, slots=True)
class Bye:
    """Leave cleanly (``{quit}``, ``/quit``, closing the window)."""

    reason: str | None = None
    TYPE: ClassVar[str] = "bye"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE}
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Bye:
        return cls(reason=opt_str(obj, "reason"))


# --- server -> client ---------------------------------------------------------------


json_string = json.encoder.encode_basestring
"""A str as a JSON string, as :func:`~shared.codec.encode_payload` spells it
(``ensure_ascii=False``), without building an encoder per call."""


def with_field(payload: bytes, key: str, value_json: str) -> bytes:
    """An encoded JSON object with one more field, its value already JSON: a frame made
    once is varied per reader (the sender's ``cid``) without encoding it again."""
    return payload[:-1] + b',"' + key.encode() + b'":' + value_json.encode("utf-8") + b"}"


def message_payload(
    id: int,
    ts: str,
    sender: str,
    text: str,
    to: str | None = None,
    history: bool = False,
    room: str = GENERAL,
) -> bytes:
    """A ``message`` payload without its ``cid``, byte for byte what ``encode_payload``
    makes of :meth:`ChatMessage.to_dict`: built once per message on the server, where
    making the dict for the generic encoder would double the cost."""
    out = (
        '{"type":"message","id":' + str(id) + ',"ts":' + json_string(ts)
        + ',"from":' + json_string(sender) + ',"text":' + json_string(text)
    )  # fmt: skip
    if room != GENERAL:
        out += ',"room":' + json_string(room)
    if to is not None:
        out += ',"to":' + json_string(to)
    if history:
        out += ',"history":true'
    return (out + "}").encode("utf-8")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A chat message; ``sender`` is the wire's ``from``."""

    id: int
    ts: str
    sender: str
    text: str
    cid: str | None = None
    to: str | None = None
    history: bool = False
    offline: bool = False
    """On the sender's echo of a private message to a reserved name whose owner is
    offline: it is stored and delivered in the owner's next replay (§8.1)."""
    room: str = GENERAL
    file: FileInfo | None = None
    """A file sent (§8.5): ``text`` is then its name."""
    TYPE: ClassVar[str] = "message"

    @property
    def private(self) -> bool:
        return self.to is not None

    def to_dict(self) -> Json:
        out: Json = {
            "type": self.TYPE,
            "id": self.id,
            "ts": self.ts,
            "from": self.sender,
            "text": self.text,
        }
        room_field(out, self.room)
        if self.to is not None:
            out["to"] = self.to
        if self.history:
            out["history"] = True
        if self.offline:
            out["offline"] = True
        if self.file is not None:
            out["file"] = self.file.to_dict()
        if self.cid is not None:
            out["cid"] = self.cid  # last: the server adds it to a copy made for everyone
        return out

    def to_payload(self) -> bytes:
        """``encode_payload(self.to_dict())``, spelled out: the server's per-message path."""
        payload = message_payload(self.id, self.ts, self.sender, self.text, self.to, self.history, self.room)
        if self.offline:
            payload = with_field(payload, "offline", "true")
        if self.file is not None:
            payload = with_field(payload, "file", self.file.to_json())
        return payload if self.cid is None else with_field(payload, "cid", json_string(self.cid))

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> ChatMessage:
        return cls(
            id=req_id(obj, "id", 1, MAX_MESSAGE_ID),
            ts=req_str(obj, "ts"),
            sender=req_str(obj, "from"),
            text=req_str(obj, "text"),
            cid=opt_str(obj, "cid"),
            to=opt_str(obj, "to"),
            history=flag(obj, "history"),
            offline=flag(obj, "offline"),
            room=opt_room(obj),
            file=None if obj.get("file") is None else FileInfo.from_dict(obj.get("file")),
        )


@dataclass(frozen=True, slots=True)
class Joined:
    """A user registered (``general``) or entered ``room``. The answer to a user's own
    ``join`` names themselves and carries the room's ``users`` and ``topic``, and
    ``read_only`` (an extension: ``True`` while only the operator writes there; absent,
    ``False``), so that the joiner knows the room's state before any switch."""

    name: str
    ts: str
    room: str = GENERAL
    users: tuple[str, ...] | None = None
    topic: str | None = None
    read_only: bool = False
    TYPE: ClassVar[str] = "joined"

    def to_dict(self) -> Json:
        out = room_field({"type": self.TYPE, "name": self.name, "ts": self.ts}, self.room)
        if self.users is not None:
            out["users"] = list(self.users)
        if self.topic is not None:
            out["topic"] = self.topic
        if self.read_only:
            out["read_only"] = True
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Joined:
        users = obj.get("users")
        if users is not None and (not isinstance(users, list) or not all(isinstance(u, str) for u in users)):
            raise violation("'users' must be a list of names")
        return cls(
            name=req_str(obj, "name"),
            ts=opt_str(obj, "ts") or "",
            room=opt_room(obj),
            users=None if users is None else tuple(users),
            topic=opt_str(obj, "topic"),
            read_only=flag(obj, "read_only"),
        )


@dataclass(frozen=True, slots=True)
class Left:
    """A user is gone; ``reason`` is a :class:`LeftReason` value (kept as text for newer ones)."""

    name: str
    ts: str
    reason: str = LeftReason.DISCONNECTED.value
    room: str = GENERAL
    TYPE: ClassVar[str] = "left"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "name": self.name, "ts": self.ts, "reason": self.reason}
        return room_field(out, self.room)

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Left:
        return cls(
            name=req_str(obj, "name"),
            ts=opt_str(obj, "ts") or "",
            reason=opt_str(obj, "reason") or LeftReason.DISCONNECTED.value,
            room=opt_room(obj),
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """A message from the server operator, to everyone or to ``room``'s members.

    ``read_only`` is set on the notice that tells of the read-only switch (``room``'s;
    general's is the whole chat's), ``topic`` on the one that tells of a new topic
    (``""``: cleared): a client shows either in its own words, not ``text``'s English."""

    text: str
    ts: str
    room: str = GENERAL
    read_only: bool | None = None
    topic: str | None = None
    TYPE: ClassVar[str] = "notice"

    def to_dict(self) -> Json:
        out = room_field({"type": self.TYPE, "text": self.text, "ts": self.ts}, self.room)
        if self.read_only is not None:
            out["read_only"] = self.read_only
        if self.topic is not None:
            out["topic"] = self.topic
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Notice:
        read_only = None if obj.get("read_only") is None else flag(obj, "read_only")
        return cls(
            text=req_str(obj, "text"),
            ts=opt_str(obj, "ts") or "",
            room=opt_room(obj),
            read_only=read_only,
            topic=opt_str(obj, "topic"),
        )


ClientMessage: TypeAlias = (
    Hello | Say | Ping | Pong | Bye | Join | Part | ListRooms | Status | Typing | Search | HistoryAround
    | FileOffer | FileChunk | FileGet
)  # fmt: skip
ServerMessage: TypeAlias = (
    Welcome
    | ChatMessage
    | Joined
    | Left
    | Notice
    | Ping
    | Pong
    | Error
    | Kicked
    | Shutdown
    | RoomList
    | Status
    | Typing
    | Results
    | HistoryPage
    | FileReady
    | FileChunk
    | FileEnd
)

_CLIENT_TYPES: dict[str, type[ClientMessage]] = {c.TYPE: c for c in get_args(ClientMessage)}
_SERVER_TYPES: dict[str, type[ServerMessage]] = {c.TYPE: c for c in get_args(ServerMessage)}


def parse_client_message(obj: Mapping[str, object]) -> ClientMessage:
    """Check one decoded message from a client (raises :class:`ProtocolError`)."""
    kind = obj.get("type")
    cls = _CLIENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {quoted(kind, ECHO_MAX_CHARS)}")
    return cls.from_dict(obj)


def parse_server_message(obj: Mapping[str, object]) -> ServerMessage:
    """Check one decoded message from a server (raises :class:`ProtocolError`).

    A client ignores messages whose ``type`` it does not know (``unknown_type``).
    """
    kind = obj.get("type")
    cls = _SERVER_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {quoted(kind, ECHO_MAX_CHARS)}")
    return cls.from_dict(obj)
