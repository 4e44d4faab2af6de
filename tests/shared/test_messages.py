"""The message model (PROTOCOL.md §3-§5): round trips, parsing errors and their codes, timestamps."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import PROTOCOL_VERSION
from shared.codec import FrameDecoder, encode
from shared.errors import FATAL_CODES, ErrorCode, ProtocolError
from shared.limits import MAX_MESSAGE_ID, TEXT_MAX_CHARS
from shared.messages import (
    Bye,
    ChatMessage,
    ClientMessage,
    Error,
    Hello,
    Join,
    Joined,
    Kicked,
    Left,
    LeftReason,
    ListRooms,
    Notice,
    Part,
    Ping,
    Pong,
    PresenceState,
    RoomInfo,
    RoomList,
    Say,
    ServerMessage,
    Shutdown,
    Status,
    Typing,
    Welcome,
    format_ts,
    now_ts,
    parse_client_message,
    parse_server_message,
    parse_ts,
)

Message = dict[str, object]
TS = "2026-11-24T19:05:00.123Z"
TS_EPOCH = 1795547100.123  # the same instant
WIRE_TS = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\Z")

# --- round trips -------------------------------------------------------------------------

CLIENT_MESSAGES: list[ClientMessage] = [
    Hello("Anna"),
    Hello("Anna", password="secret", since=41),
    Hello("Zo\u00eb", password="", since=0),
    Hello("Bob", since=-1),
    Say("hello"),
    Say("psst", cid="c-1", to="Bob"),
    Say("\U0001f600" * 4000, cid="x" * 64),
    Ping(),
    Ping("tok"),
    Pong(),
    Pong("tok"),
    Bye(),
    Bye("gone fishing"),
    Say("in the lab", cid="c-2", room="Lab-3"),
    Join("giochi"),
    Part("giochi"),
    ListRooms(),
    Status(PresenceState.AWAY, "a pranzo"),
    Status(PresenceState.AVAILABLE),
    Typing(),
    Typing("giochi"),
    Typing(to="Bob"),
]

SERVER_MESSAGES: list[ServerMessage] = [
    Welcome("Anna", ("Anna", "Bob"), "Lab 3", "be nice", 42),
    Welcome("Anna", (), "srv"),
    ChatMessage(1, TS, "Anna", "hello"),
    ChatMessage(7, TS, "Anna", "psst", cid="c-1", to="Bob", history=True),
    ChatMessage(MAX_MESSAGE_ID, TS, "Bob", "<b>x</b>", history=True),
    Joined("Anna", TS),
    *[Left("Anna", TS, reason.value) for reason in LeftReason],
    Notice("server restarts at noon", TS),
    Ping("t-1"),
    Pong("t-2"),
    Error("text_invalid", "the message is empty", False, "c-9"),
    Error("protocol_error", "bad frame", True),
    Error("some_future_code", "?", False),
    Kicked("spamming"),
    Kicked(),
    Shutdown("maintenance"),
    Shutdown(),
    ChatMessage(8, TS, "Anna", "ciao", cid="c-3", room="giochi", history=True),
    Joined("Anna", TS, "giochi", ("Anna", "Bob"), "Quake, stasera"),
    Joined("Bob", TS, "giochi"),
    Left("Bob", TS, "part", "giochi"),
    RoomList((RoomInfo("general", 12), RoomInfo("giochi", 2, "Quake, stasera"))),
    Status(PresenceState.BUSY, "in riunione", "Anna"),
    Typing("giochi", name="Anna"),
    Typing(to="Bob", name="Anna"),
]


def _ids(items: list[ClientMessage] | list[ServerMessage]) -> list[str]:
    return [f"{i}-{type(m).__name__}" for i, m in enumerate(items)]


@pytest.mark.parametrize("msg", CLIENT_MESSAGES, ids=_ids(CLIENT_MESSAGES))
def test_client_message_round_trips(msg: ClientMessage) -> None:
    wire = msg.to_dict()
    assert wire["type"] == msg.TYPE
    assert type(msg).from_dict(wire) == msg
    assert parse_client_message(wire) == msg
    # and through the codec, as bytes
    (decoded,) = FrameDecoder().feed(encode(wire))
    assert decoded == wire
    assert parse_client_message(decoded) == msg


@pytest.mark.parametrize("msg", SERVER_MESSAGES, ids=_ids(SERVER_MESSAGES))
def test_server_message_round_trips(msg: ServerMessage) -> None:
    wire = msg.to_dict()
    assert wire["type"] == msg.TYPE
    assert type(msg).from_dict(wire) == msg
    assert parse_server_message(wire) == msg
    (decoded,) = FrameDecoder().feed(encode(wire))
    assert decoded == wire
    assert parse_server_message(decoded) == msg


def test_every_message_type_is_covered() -> None:
    client = {m.TYPE for m in CLIENT_MESSAGES}
    server = {m.TYPE for m in SERVER_MESSAGES}
    assert client == {"hello", "say", "ping", "pong", "bye", "join", "part", "list_rooms", "status", "typing"}
    assert server == {
        "welcome",
        "message",
        "joined",
        "left",
        "notice",
        "ping",
        "pong",
        "error",
        "kicked",
        "shutdown",
        "rooms",
        "status",
        "typing",
    }


def test_wire_shapes() -> None:
    assert Hello("Anna").to_dict() == {"type": "hello", "version": 2, "name": "Anna"}
    assert Hello("Anna", password="pw", since=3, token="t" * 22).to_dict() == {
        "type": "hello",
        "version": 2,
        "name": "Anna",
        "password": "pw",
        "since": 3,
        "token": "t" * 22,
    }
    assert Say("hi").to_dict() == {"type": "say", "text": "hi"}
    assert ChatMessage(5, TS, "Anna", "hi").to_dict() == {
        "type": "message",
        "id": 5,
        "ts": TS,
        "from": "Anna",
        "text": "hi",
    }
    assert ChatMessage(5, TS, "Anna", "hi", cid="c", to="Bob", history=True).to_dict() == {
        "type": "message",
        "id": 5,
        "ts": TS,
        "from": "Anna",
        "text": "hi",
        "cid": "c",
        "to": "Bob",
        "history": True,
    }
    assert Welcome("A", ("A", "B"), "s", server_id="x1").to_dict() == {
        "type": "welcome",
        "version": 2,
        "name": "A",
        "users": ["A", "B"],
        "server": "s",
        "motd": "",
        "last_id": 0,
        "server_id": "x1",
        "replay_truncated": False,
        "operator_reads_private": False,
    }
    assert Error("read_only", "no", False).to_dict() == {
        "type": "error",
        "code": "read_only",
        "message": "no",
        "fatal": False,
    }
    assert Left("A", TS).to_dict() == {"type": "left", "name": "A", "ts": TS, "reason": "disconnected"}
    assert Ping().to_dict() == {"type": "ping"}
    assert Bye().to_dict() == {"type": "bye"}
    assert ChatMessage(6, TS, "Anna", "hi", cid="c", to="Bob", offline=True).to_dict() == {
        "type": "message",
        "id": 6,
        "ts": TS,
        "from": "Anna",
        "text": "hi",
        "to": "Bob",
        "offline": True,
        "cid": "c",
    }
    assert Error("banned", "no", True, until=TS).to_dict() == {
        "type": "error",
        "code": "banned",
        "message": "no",
        "fatal": True,
        "until": TS,
    }
    assert PROTOCOL_VERSION == 2


def test_private_flag() -> None:
    assert ChatMessage(1, TS, "A", "x", to="B").private
    assert not ChatMessage(1, TS, "A", "x").private


def test_hello_registers_the_normalised_name() -> None:
    hello = parse_client_message({"type": "hello", "version": 1, "name": "  Zoe\u0308\t"})
    assert isinstance(hello, Hello)
    assert hello.name == "Zo\u00eb"


def test_hello_names_the_history_its_since_counts_in() -> None:
    hello = Hello("anna", since=9, server_id="abc")
    assert hello.to_dict()["server_id"] == "abc"
    assert parse_client_message(hello.to_dict()) == hello
    assert "server_id" not in Hello("anna").to_dict()


def test_say_text_is_kept_verbatim() -> None:
    text = "  <i>hi</i> \x1b[1m "
    say = parse_client_message({"type": "say", "text": text})
    assert isinstance(say, Say)
    assert say.text == text


# --- client messages: every violation gets the code the spec names -------------------------


def hello(**fields: object) -> Message:
    return {"type": "hello", "version": 1, "name": "Anna", **fields}


def say(**fields: object) -> Message:
    return {"type": "say", "text": "hi", **fields}


def _without(msg: Message, key: str) -> Message:
    return {k: v for k, v in msg.items() if k != key}


CLIENT_VIOLATIONS: dict[str, tuple[Message, ErrorCode]] = {
    "unknown type": ({"type": "dance"}, ErrorCode.UNKNOWN_TYPE),
    "empty type": ({"type": ""}, ErrorCode.UNKNOWN_TYPE),
    "server-only type from a client": ({"type": "welcome", "name": "A", "users": []}, ErrorCode.UNKNOWN_TYPE),
    "type case matters": ({"type": "Hello", "version": 1, "name": "A"}, ErrorCode.UNKNOWN_TYPE),
    "hello version 3": (hello(version=3), ErrorCode.VERSION_UNSUPPORTED),
    "hello version 0": (hello(version=0), ErrorCode.VERSION_UNSUPPORTED),
    "hello version '1'": (hello(version="1"), ErrorCode.VERSION_UNSUPPORTED),
    "hello version true": (hello(version=True), ErrorCode.VERSION_UNSUPPORTED),
    "hello version 1.0": (hello(version=1.0), ErrorCode.VERSION_UNSUPPORTED),
    "hello version null": (hello(version=None), ErrorCode.VERSION_UNSUPPORTED),
    "hello version missing": (_without(hello(), "version"), ErrorCode.VERSION_UNSUPPORTED),
    "hello version 3 with bad name too": (hello(version=3, name=""), ErrorCode.VERSION_UNSUPPORTED),
    "hello token too short": (hello(token="x" * 21), ErrorCode.PROTOCOL_ERROR),
    "hello token too long": (hello(token="x" * 129), ErrorCode.PROTOCOL_ERROR),
    "hello token not ascii": (hello(token="é" * 22), ErrorCode.PROTOCOL_ERROR),
    "hello token with a control": (hello(token="x" * 21 + "\n"), ErrorCode.PROTOCOL_ERROR),
    "hello token not a string": (hello(token=12345678901234567890123), ErrorCode.PROTOCOL_ERROR),
    "hello name empty": (hello(name=""), ErrorCode.NAME_INVALID),
    "hello name spaces": (hello(name="   "), ErrorCode.NAME_INVALID),
    "hello name 33": (hello(name="a" * 33), ErrorCode.NAME_INVALID),
    "hello name rlo": (hello(name="\u202eAnna"), ErrorCode.NAME_INVALID),
    "hello name zwsp": (hello(name="An\u200bna"), ErrorCode.NAME_INVALID),
    "hello name newline": (hello(name="An\nna"), ErrorCode.NAME_INVALID),
    "hello name number": (hello(name=5), ErrorCode.NAME_INVALID),
    "hello name null": (hello(name=None), ErrorCode.NAME_INVALID),
    "hello name missing": (_without(hello(), "name"), ErrorCode.NAME_INVALID),
    "hello password number": (hello(password=1234), ErrorCode.PROTOCOL_ERROR),
    "hello password list": (hello(password=["pw"]), ErrorCode.PROTOCOL_ERROR),
    "hello since string": (hello(since="3"), ErrorCode.PROTOCOL_ERROR),
    "hello server_id number": (hello(since=3, server_id=7), ErrorCode.PROTOCOL_ERROR),
    "hello since float": (hello(since=3.0), ErrorCode.PROTOCOL_ERROR),
    "hello since true": (hello(since=True), ErrorCode.PROTOCOL_ERROR),
    "hello since false": (hello(since=False), ErrorCode.PROTOCOL_ERROR),
    "hello since list": (hello(since=[1]), ErrorCode.PROTOCOL_ERROR),
    "say text empty": (say(text=""), ErrorCode.TEXT_INVALID),
    "say text whitespace": (say(text=" \n\u3000"), ErrorCode.TEXT_INVALID),
    "say text 4001": (say(text="a" * 4001), ErrorCode.TEXT_INVALID),
    "say text number": (say(text=42), ErrorCode.TEXT_INVALID),
    "say text null": (say(text=None), ErrorCode.TEXT_INVALID),
    "say text list": (say(text=["hi"]), ErrorCode.TEXT_INVALID),
    "say text missing": ({"type": "say"}, ErrorCode.TEXT_INVALID),
    "say cid 65": (say(cid="c" * 65), ErrorCode.PROTOCOL_ERROR),
    "say cid number": (say(cid=1), ErrorCode.PROTOCOL_ERROR),
    "say to number": (say(to=7), ErrorCode.PROTOCOL_ERROR),
    "say to list": (say(to=["Bob"]), ErrorCode.PROTOCOL_ERROR),
    "ping token number": ({"type": "ping", "token": 1}, ErrorCode.PROTOCOL_ERROR),
    "ping token of 257": ({"type": "ping", "token": "t" * 257}, ErrorCode.PROTOCOL_ERROR),
    "say to a room and a user": (
        {"type": "say", "text": "x", "to": "B", "room": "r"},
        ErrorCode.ROOM_INVALID,
    ),
    "say to a room with a space": ({"type": "say", "text": "x", "room": "a b"}, ErrorCode.ROOM_INVALID),
    "say to a room number": ({"type": "say", "text": "x", "room": 3}, ErrorCode.ROOM_INVALID),
    "join without room": ({"type": "join"}, ErrorCode.PROTOCOL_ERROR),
    "join #room": ({"type": "join", "room": "#giochi"}, ErrorCode.ROOM_INVALID),
    "join a room of fillers": ({"type": "join", "room": "\u3164\u3164"}, ErrorCode.ROOM_INVALID),
    "join a room of 33": ({"type": "join", "room": "r" * 33}, ErrorCode.ROOM_INVALID),
    "part without room": ({"type": "part"}, ErrorCode.PROTOCOL_ERROR),
    "status unknown state": ({"type": "status", "state": "asleep"}, ErrorCode.PROTOCOL_ERROR),
    "status text of 101": ({"type": "status", "state": "away", "text": "t" * 101}, ErrorCode.PROTOCOL_ERROR),
    "typing to a room and a user": ({"type": "typing", "room": "r", "to": "B"}, ErrorCode.ROOM_INVALID),
    "pong token of 60 000": ({"type": "pong", "token": "t" * 60_000}, ErrorCode.PROTOCOL_ERROR),
    "pong token object": ({"type": "pong", "token": {}}, ErrorCode.PROTOCOL_ERROR),
    "bye reason true": ({"type": "bye", "reason": True}, ErrorCode.PROTOCOL_ERROR),
}

# From PROTOCOL.md §1 and §5.
SPEC_FATAL = {
    ErrorCode.PROTOCOL_ERROR: True,
    ErrorCode.FRAME_TOO_LARGE: True,
    ErrorCode.UNKNOWN_TYPE: False,  # "the connection stays open"
    ErrorCode.NAME_INVALID: True,
    ErrorCode.NAME_TAKEN: True,
    ErrorCode.AUTH_FAILED: True,
    ErrorCode.VERSION_UNSUPPORTED: True,
    ErrorCode.TEXT_INVALID: False,
    ErrorCode.RATE_LIMITED: False,  # fatal only for sustained abuse, decided by the sender
    ErrorCode.NO_SUCH_USER: False,
    ErrorCode.READ_ONLY: False,
    ErrorCode.NAME_RESERVED: True,  # §8.1
    ErrorCode.BANNED: True,  # §8.1
}
# server_error: not fatal for a say the disk refused; the server sends a history read
# failure (§8.2) as fatal itself.
EXTENSION_FATAL = {
    ErrorCode.SERVER_ERROR: False,
    ErrorCode.NOT_IN_ROOM: False,  # §8.3 names it; not fatal, as read_only
    ErrorCode.ROOM_INVALID: False,
    ErrorCode.TOO_MANY_ROOMS: False,
    # §8.5: a transfer gone wrong never ends the chat.
    ErrorCode.FILE_TOO_LARGE: False,
    ErrorCode.FILE_REFUSED: False,
    ErrorCode.NO_SUCH_FILE: False,
    ErrorCode.FILE_INVALID: False,
}
ALL_FATAL = {**SPEC_FATAL, **EXTENSION_FATAL}


@pytest.mark.parametrize("kind", ["t" * 60_000, ["t" * 1000] * 60, {"t" * 60_000: 1}])
def test_an_unknown_type_is_quoted_short_in_the_error(kind: object) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_client_message({"type": kind})
    assert info.value.code is ErrorCode.UNKNOWN_TYPE
    assert len(info.value.message) < 150  # 64 characters of it, and how many there were


def test_a_ping_token_of_256_is_echoed_whole() -> None:
    assert parse_client_message({"type": "ping", "token": "t" * 256}) == Ping("t" * 256)


@pytest.mark.parametrize(("obj", "code"), list(CLIENT_VIOLATIONS.values()), ids=list(CLIENT_VIOLATIONS))
def test_client_violation_gets_its_code(obj: Message, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_client_message(obj)
    assert info.value.code == code
    assert info.value.fatal is ALL_FATAL[code]
    assert info.value.message


@pytest.mark.parametrize(
    "obj",
    [
        pytest.param(say(text="x"), id="text 1"),
        pytest.param(say(text="a" * 4000), id="text 4000"),
        pytest.param(say(cid="c" * 64), id="cid 64"),
        pytest.param(say(cid=""), id="cid empty"),
        pytest.param(say(cid=None, to=None), id="nulls are absent"),
        pytest.param(hello(since=-1), id="since -1"),
        pytest.param(hello(since=-(2**63)), id="since very negative"),
        pytest.param(hello(since=0), id="since 0"),
        pytest.param(hello(since=2**53), id="since large"),
        pytest.param(hello(password=None, since=None), id="hello nulls are absent"),
    ],
)
def test_client_edge_values_are_accepted(obj: Message) -> None:
    msg = parse_client_message(obj)
    assert obj["type"] == msg.TYPE
    for key in ("text", "cid", "since", "password", "to"):
        if key in obj:
            assert getattr(msg, key) == obj[key]


def test_negative_since_is_kept() -> None:
    msg = parse_client_message(hello(since=-5))
    assert isinstance(msg, Hello)
    assert msg.since == -5


@pytest.mark.parametrize("code", list(ErrorCode))
def test_fatal_matches_the_spec(code: ErrorCode) -> None:
    assert ProtocolError(code, "x").fatal is ALL_FATAL[code]
    assert (code in FATAL_CODES) is ALL_FATAL[code]
    error = Error.of(ProtocolError(code, "why"), cid="c")
    assert error == Error(code.value, "why", ALL_FATAL[code], "c")
    assert error.error_code is code


def test_error_codes_are_the_spec_wire_strings() -> None:
    assert set(ALL_FATAL) == set(ErrorCode)
    assert {c.value for c in SPEC_FATAL} == {
        "protocol_error",
        "frame_too_large",
        "unknown_type",
        "name_invalid",
        "name_taken",
        "auth_failed",
        "version_unsupported",
        "name_reserved",
        "banned",
        "text_invalid",
        "rate_limited",
        "no_such_user",
        "read_only",
    }
    assert {c.value for c in EXTENSION_FATAL} == {
        "server_error",
        "not_in_room",
        "room_invalid",
        "too_many_rooms",
        "file_too_large",
        "file_refused",
        "no_such_file",
        "file_invalid",
    }


def test_protocol_error_carries_code_message_and_messages() -> None:
    exc = ProtocolError(ErrorCode.TEXT_INVALID, "too long", [{"type": "x"}])
    assert exc.code is ErrorCode.TEXT_INVALID
    assert exc.message == "too long"
    assert str(exc) == "too long"
    assert exc.messages == [{"type": "x"}]
    assert repr(exc) == "ProtocolError('text_invalid', 'too long')"


# --- unknown fields are ignored ---------------------------------------------------------------

EXTRA: Message = {"future": {"nested": [1, 2]}, "x-color": "red", "flag": True, "n": None}


@pytest.mark.parametrize("msg", CLIENT_MESSAGES, ids=_ids(CLIENT_MESSAGES))
def test_client_parser_ignores_unknown_fields(msg: ClientMessage) -> None:
    assert parse_client_message({**EXTRA, **msg.to_dict()}) == msg


@pytest.mark.parametrize("msg", SERVER_MESSAGES, ids=_ids(SERVER_MESSAGES))
def test_server_parser_ignores_unknown_fields(msg: ServerMessage) -> None:
    assert parse_server_message({**msg.to_dict(), **EXTRA}) == msg


# --- server messages as a client reads them ------------------------------------------------------

MSG: Message = {"type": "message", "id": 1, "ts": TS, "from": "Anna", "text": "hi"}
WELCOME: Message = {
    "type": "welcome",
    "name": "Anna",
    "users": ["Anna"],
    "server": "s",
    "motd": "",
    "last_id": 0,
}

PROTOCOL_ERROR = ErrorCode.PROTOCOL_ERROR

SERVER_VIOLATIONS: dict[str, tuple[Message, ErrorCode]] = {
    "unknown type": ({"type": "teleport"}, ErrorCode.UNKNOWN_TYPE),
    "client-only type from a server": ({"type": "hello", "version": 1, "name": "A"}, ErrorCode.UNKNOWN_TYPE),
    "message id missing": (_without(MSG, "id"), ErrorCode.PROTOCOL_ERROR),
    "message id string": ({**MSG, "id": "1"}, ErrorCode.PROTOCOL_ERROR),
    "message id true": ({**MSG, "id": True}, ErrorCode.PROTOCOL_ERROR),
    "message id float": ({**MSG, "id": 1.0}, ErrorCode.PROTOCOL_ERROR),
    "message id 0": ({**MSG, "id": 0}, ErrorCode.PROTOCOL_ERROR),
    "message id negative": ({**MSG, "id": -5}, ErrorCode.PROTOCOL_ERROR),
    "message id 2**53": ({**MSG, "id": 2**53}, ErrorCode.PROTOCOL_ERROR),
    "message id 2**64": ({**MSG, "id": 2**64}, ErrorCode.PROTOCOL_ERROR),
    "message ts missing": (_without(MSG, "ts"), ErrorCode.PROTOCOL_ERROR),
    "message ts number": ({**MSG, "ts": 17}, ErrorCode.PROTOCOL_ERROR),
    "message from missing": (_without(MSG, "from"), ErrorCode.PROTOCOL_ERROR),
    "message from null": ({**MSG, "from": None}, ErrorCode.PROTOCOL_ERROR),
    "message text missing": (_without(MSG, "text"), ErrorCode.PROTOCOL_ERROR),
    "message text list": ({**MSG, "text": ["hi"]}, ErrorCode.PROTOCOL_ERROR),
    "message cid number": ({**MSG, "cid": 3}, ErrorCode.PROTOCOL_ERROR),
    "message to number": ({**MSG, "to": 3}, ErrorCode.PROTOCOL_ERROR),
    "message history string": ({**MSG, "history": "yes"}, ErrorCode.PROTOCOL_ERROR),
    "message history 1": ({**MSG, "history": 1}, ErrorCode.PROTOCOL_ERROR),
    "welcome users missing": (_without(WELCOME, "users"), ErrorCode.PROTOCOL_ERROR),
    "welcome users string": ({**WELCOME, "users": "Anna"}, ErrorCode.PROTOCOL_ERROR),
    "welcome users with a number": ({**WELCOME, "users": ["Anna", 3]}, ErrorCode.PROTOCOL_ERROR),
    "welcome name missing": (_without(WELCOME, "name"), ErrorCode.PROTOCOL_ERROR),
    "welcome server number": ({**WELCOME, "server": 1}, ErrorCode.PROTOCOL_ERROR),
    "welcome motd list": ({**WELCOME, "motd": []}, ErrorCode.PROTOCOL_ERROR),
    "welcome last_id string": ({**WELCOME, "last_id": "0"}, ErrorCode.PROTOCOL_ERROR),
    "welcome last_id true": ({**WELCOME, "last_id": True}, ErrorCode.PROTOCOL_ERROR),
    "welcome last_id negative": ({**WELCOME, "last_id": -1}, ErrorCode.PROTOCOL_ERROR),
    "welcome last_id 2**53": ({**WELCOME, "last_id": 2**53}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate number": ({**WELCOME, "rate": 5}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate burst 0": ({**WELCOME, "rate": {"burst": 0, "per_sec": 5}}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate burst float": ({**WELCOME, "rate": {"burst": 2.5, "per_sec": 5}}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate burst huge": ({**WELCOME, "rate": {"burst": 10**20, "per_sec": 5}}, PROTOCOL_ERROR),
    "welcome rate per_sec missing": ({**WELCOME, "rate": {"burst": 20}}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate per_sec 0": ({**WELCOME, "rate": {"burst": 20, "per_sec": 0}}, ErrorCode.PROTOCOL_ERROR),
    "welcome rate per_sec true": ({**WELCOME, "rate": {"burst": 20, "per_sec": True}}, PROTOCOL_ERROR),
    "welcome rate per_sec NaN": (
        {**WELCOME, "rate": {"burst": 20, "per_sec": float("nan")}},
        ErrorCode.PROTOCOL_ERROR,
    ),
    "welcome rate per_sec inf": (
        {**WELCOME, "rate": {"burst": 20, "per_sec": float("inf")}},
        ErrorCode.PROTOCOL_ERROR,
    ),
    "joined name missing": ({"type": "joined", "ts": TS}, ErrorCode.PROTOCOL_ERROR),
    "joined ts number": ({"type": "joined", "name": "A", "ts": 1}, ErrorCode.PROTOCOL_ERROR),
    "left name number": ({"type": "left", "name": 1, "ts": TS}, ErrorCode.PROTOCOL_ERROR),
    "left reason number": ({"type": "left", "name": "A", "ts": TS, "reason": 1}, ErrorCode.PROTOCOL_ERROR),
    "notice text missing": ({"type": "notice", "ts": TS}, ErrorCode.PROTOCOL_ERROR),
    "error code missing": ({"type": "error", "message": "x"}, ErrorCode.PROTOCOL_ERROR),
    "error code number": ({"type": "error", "code": 400}, ErrorCode.PROTOCOL_ERROR),
    "error message number": ({"type": "error", "code": "read_only", "message": 1}, ErrorCode.PROTOCOL_ERROR),
    "error cid number": ({"type": "error", "code": "read_only", "cid": 1}, ErrorCode.PROTOCOL_ERROR),
    "ping token number": ({"type": "ping", "token": 1}, ErrorCode.PROTOCOL_ERROR),
    "kicked reason number": ({"type": "kicked", "reason": 1}, ErrorCode.PROTOCOL_ERROR),
    "shutdown reason list": ({"type": "shutdown", "reason": ["x"]}, ErrorCode.PROTOCOL_ERROR),
}


@pytest.mark.parametrize(("obj", "code"), list(SERVER_VIOLATIONS.values()), ids=list(SERVER_VIOLATIONS))
def test_malformed_server_message_is_a_protocol_error(obj: Message, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_server_message(obj)
    assert info.value.code == code


def test_server_message_defaults_for_missing_optional_fields() -> None:
    assert parse_server_message({"type": "welcome", "name": "A", "users": []}) == Welcome(
        "A", (), "", "", 0, version=1
    )
    assert parse_server_message({"type": "left", "name": "A"}) == Left("A", "", "disconnected")
    rated = {"type": "welcome", "name": "A", "users": [], "rate": {"burst": 20, "per_sec": 5}}
    expected = Welcome("A", (), "", "", 0, version=1, rate_burst=20, rate_per_sec=5.0)
    assert parse_server_message(rated) == expected
    assert parse_server_message({"type": "joined", "name": "A"}) == Joined("A", "")
    assert parse_server_message({"type": "notice", "text": "t"}) == Notice("t", "")
    assert parse_server_message({"type": "kicked"}) == Kicked("")
    assert parse_server_message({"type": "shutdown"}) == Shutdown("")
    assert parse_server_message({"type": "ping"}) == Ping(None)
    assert parse_server_message({**MSG, "history": False}) == ChatMessage(1, TS, "Anna", "hi")


def test_left_keeps_a_reason_it_does_not_know() -> None:
    assert parse_server_message({"type": "left", "name": "A", "ts": TS, "reason": "abducted"}) == Left(
        "A", TS, "abducted"
    )


@pytest.mark.parametrize(("code", "fatal"), [(c.value, f) for c, f in SPEC_FATAL.items()])
def test_error_without_fatal_flag_takes_it_from_the_code(code: str, fatal: bool) -> None:
    error = parse_server_message({"type": "error", "code": code})
    assert isinstance(error, Error)
    assert error.fatal is fatal
    assert error.message == code
    assert error.error_code == ErrorCode(code)


def test_error_fatal_flag_on_the_wire_wins_and_unknown_codes_pass() -> None:
    error = parse_server_message({"type": "error", "code": "rate_limited", "message": "stop", "fatal": True})
    assert error == Error("rate_limited", "stop", True)
    future = parse_server_message({"type": "error", "code": "solar_flare", "message": "?"})
    assert isinstance(future, Error)
    assert future.fatal is False
    assert future.error_code is None


# --- timestamps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (0.001, "1970-01-01T00:00:00.001Z"),
        (0.9999, "1970-01-01T00:00:00.999Z"),
        (TS_EPOCH, TS),
        (1_700_000_000, "2023-11-14T22:13:20.000Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        (253_402_300_799, "9999-12-31T23:59:59.000Z"),
    ],
)
def test_format_ts(epoch: float, text: str) -> None:
    assert format_ts(epoch) == text
    assert WIRE_TS.match(text)


def test_parse_ts_reads_the_spec_example() -> None:
    moment = parse_ts(TS)
    assert moment == datetime(2026, 11, 24, 19, 5, 0, 123000, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=253_402_300_798, allow_nan=False))
def test_format_ts_round_trips_to_the_millisecond(epoch: float) -> None:
    text = format_ts(epoch)
    assert WIRE_TS.match(text), text
    moment = parse_ts(text)
    assert moment.utcoffset() == timedelta(0)
    exact = datetime.fromtimestamp(epoch, UTC)
    assert moment == exact.replace(microsecond=exact.microsecond // 1000 * 1000)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 * 1000))
def test_whole_milliseconds_format_exactly(millis: int) -> None:
    # Until 2106 a float epoch is precise to well under a microsecond, so a whole
    # millisecond must come out as itself, never one less.
    expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    text = format_ts(millis / 1000)
    assert parse_ts(text) == expected
    assert format_ts(parse_ts(text).timestamp()) == text


@pytest.mark.parametrize("bad", ["", "yesterday", "2026-13-01T00:00:00.000Z", "2026-11-24T25:00:00.000Z"])
def test_parse_ts_rejects_garbage_with_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_ts(bad)


def test_now_ts_is_now() -> None:
    before = datetime.now(UTC)
    text = now_ts()
    after = datetime.now(UTC)
    assert WIRE_TS.match(text)
    assert before - timedelta(milliseconds=1) <= parse_ts(text) <= after


_field_values = (
    st.none()
    | st.text(max_size=5)
    | st.sampled_from([" ", "\n\t", "x" * TEXT_MAX_CHARS, "x" * (TEXT_MAX_CHARS + 1), "c" * 65, "room"])
    | st.integers()
    | st.booleans()
    | st.lists(st.integers(), max_size=2)
)


@settings(max_examples=500)
@given(st.dictionaries(st.sampled_from(["text", "cid", "to", "room", "other"]), _field_values, max_size=5))
def test_the_quick_path_of_a_say_gives_what_the_checks_give(fields: dict[str, object]) -> None:
    """Say.from_dict answers the usual say in a few tests; whatever the frame, it gives
    the same say, or the same error, as the field-by-field checks."""
    frame = {"type": "say", **fields}

    def outcome(parse: Callable[[dict[str, object]], Say]) -> object:
        try:
            return parse(frame)
        except ProtocolError as exc:
            return (exc.code, exc.message)

    assert outcome(Say.from_dict) == outcome(Say.checked)
