"""Hostile bytes against the framing and the payload (PROTOCOL.md §1).

Each test: what the offender gets (the exact ``error`` code, fatal or not, closed or
not), and that the three bystanders of the :class:`~tests.security.conftest.Arena` go
on receiving every line, once, in order (``arena.finish()``).
"""

from __future__ import annotations

import struct

import pytest

from chat_server_app.engine import SessionState
from shared.codec import encode, encode_many
from shared.limits import DEFAULT_MAX_FRAME
from tests.security.conftest import ATTACKER, Arena
from tests.server.helpers import ChatClient


def header(length: int) -> bytes:
    return struct.pack(">I", length)


def framed(payload: bytes) -> bytes:
    return header(len(payload)) + payload


def offender_at(arena: Arena, stage: str) -> ChatClient:
    """A client that has sent nothing (``greeting``) or that got its welcome (``registered``)."""
    return arena.registered() if stage == "registered" else arena.client()


STAGES = ["greeting", "registered"]


# --- frame headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_a_header_announcing_4_gib_is_frame_too_large_at_once(arena: Arena, stage: str) -> None:
    offender = offender_at(arena, stage)
    session = arena.session_of(offender)
    # 0xFFFFFFFF: the largest length a header can announce (4 GiB - 1). Nothing follows it:
    # the server must answer from the header alone, without waiting or allocating.
    offender.send_raw(header(0xFFFF_FFFF))
    arena.round()
    arena.expect_fatal(offender, "frame_too_large", registered=stage == "registered")
    assert session.state is SessionState.CLOSED
    assert session.conn.decoder.buffered == 0
    arena.finish(left=(ATTACKER,) if stage == "registered" else ())


def test_a_header_one_past_max_frame_is_frame_too_large(arena: Arena) -> None:
    offender = arena.registered()
    offender.send_raw(header(DEFAULT_MAX_FRAME + 1) + b"{" * 16)
    arena.round()
    arena.expect_fatal(offender, "frame_too_large", registered=True)
    arena.finish(left=(ATTACKER,))


def test_a_frame_of_exactly_max_frame_bytes_is_accepted(arena: Arena) -> None:
    offender = arena.registered()
    head = b'{"type":"say","text":"exactly max_frame","pad":"'
    payload = head + b"p" * (DEFAULT_MAX_FRAME - len(head) - 2) + b'"}'
    assert len(payload) == DEFAULT_MAX_FRAME
    offender.send_raw(framed(payload))
    arena.round()
    for bystander in arena.bystanders:
        got = bystander.expect("message", text="exactly max_frame")
        assert got["from"] == ATTACKER
        assert "pad" not in got
    assert offender.of_type("error") == []
    assert not offender.closed
    arena.finish()


@pytest.mark.parametrize("stage", STAGES)
def test_a_zero_length_frame_is_a_protocol_error(arena: Arena, stage: str) -> None:
    offender = offender_at(arena, stage)
    offender.send_raw(header(0) + encode({"type": "ping", "token": "never read"}))
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=stage == "registered")
    assert offender.of_type("pong") == []
    arena.finish(left=(ATTACKER,) if stage == "registered" else ())


def test_whole_frames_before_a_violation_in_the_same_write_are_kept(arena: Arena) -> None:
    offender = arena.registered()
    before = encode_many([{"type": "say", "text": "first"}, {"type": "say", "text": "second"}])
    after = encode({"type": "say", "text": "never"})
    offender.send_raw(before + header(0) + after)
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=True)
    frames = arena.finish(left=(ATTACKER,))
    theirs = [f["text"] for f in frames if f.get("type") == "message" and f["from"] == ATTACKER]
    assert theirs == ["first", "second"]
    # their messages came before their departure
    kinds = [f["type"] for f in frames if f.get("from") == ATTACKER or f.get("name") == ATTACKER]
    assert kinds == ["joined", "message", "message", "left"]


# --- payloads --------------------------------------------------------------------------------------

MALFORMED: dict[str, bytes] = {
    "invalid UTF-8": b'{"type":"say","text":"\xff\xfe"}',
    "overlong UTF-8": b'{"type":"say","text":"\xc0\xaf"}',
    "UTF-8 encoded surrogate": b'{"type":"say","text":"\xed\xa0\x80"}',
    "truncated UTF-8": b'{"type":"say","text":"\xe2\x82"}',
    "JSON array": b'["say", {"text": "hi"}]',
    "JSON number": b"42",
    "JSON string": b'"say"',
    "JSON null": b"null",
    "not JSON": b'{"type":"say","text":',
    "two JSON values": b'{"type":"ping"}{"type":"ping"}',
    "UTF-8 BOM": b'\xef\xbb\xbf{"type":"ping"}',
    "NaN": b'{"type":"say","text":"x","n":NaN}',
    "number out of float range": b'{"type":"say","text":"x","n":1e999}',
    "lone surrogate escape": b'{"type":"say","text":"\\ud800"}',
    "integer past the digit limit": b'{"type":"say","text":"x","n":' + b"9" * 5000 + b"}",
    "nesting 30000 deep": b'{"type":"say","text":"x","n":' + b"[" * 30000 + b"]" * 30000 + b"}",
    "missing type": b'{"text":"hi"}',
    "type is a number": b'{"type":1,"text":"hi"}',
    "type is null": b'{"type":null}',
    "type is an array": b'{"type":["say"],"text":"hi"}',
    "type is an object": b'{"type":{"say":true}}',
    "type is true": b'{"type":true}',
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_payload_from_a_registered_user_is_a_protocol_error(arena: Arena, payload: bytes) -> None:
    assert len(payload) <= DEFAULT_MAX_FRAME
    offender = arena.registered()
    offender.send_raw(framed(payload) + encode({"type": "say", "text": "never"}))
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=True)
    frames = arena.finish(left=(ATTACKER,))
    assert [f for f in frames if f.get("type") == "message" and f["from"] == ATTACKER] == []


GREETING_MALFORMED = [
    "invalid UTF-8",
    "JSON array",
    "JSON number",
    "JSON string",
    "missing type",
    "type is a number",
    "UTF-8 BOM",
]


@pytest.mark.parametrize("name", GREETING_MALFORMED)
def test_a_malformed_payload_before_hello_is_a_protocol_error(arena: Arena, name: str) -> None:
    offender = arena.client()
    offender.send_raw(framed(MALFORMED[name]) + encode({"type": "hello", "version": 1, "name": "late"}))
    arena.round()
    arena.expect_fatal(offender, "protocol_error")
    arena.finish()


def test_frames_glued_in_one_write_with_the_last_cut_in_half(arena: Arena) -> None:
    """Many frames glued in one write, the last one cut in half: whole ones are handled at
    once, the half waits, and completing it later delivers it."""
    offender = arena.registered()
    frames = encode_many([{"type": "say", "text": f"glued {i}"} for i in range(5)])
    offender.send_raw(frames[: len(frames) - 7])
    arena.round()
    for bystander in arena.bystanders:
        bystander.expect("message", text="glued 3")
    session = arena.session_of(offender)
    assert session.conn.decoder.buffered == len(encode({"type": "say", "text": "glued 4"})) - 7
    assert [m["text"] for m in arena.bystanders[0].messages() if m["from"] == ATTACKER] == [
        f"glued {i}" for i in range(4)
    ]
    offender.send_raw(frames[-7:])
    for bystander in arena.bystanders:
        bystander.expect("message", text="glued 4")
    assert session.conn.decoder.buffered == 0
    arena.finish()
