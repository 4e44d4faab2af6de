"""The frame codec (PROTOCOL.md §1): properties with hypothesis, then every rule by hand.

Every reader test runs twice (the ``mode`` fixture): the input fed whole, then one
byte at a time, as h11 does. The decoder is driven through :func:`run`, which also
checks the buffering cap after every feed.
"""

from __future__ import annotations

import itertools
import json
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shared import codec
from shared.codec import EncodeError, FrameDecoder, encode, encode_many, encode_payload, frame, parse_payload
from shared.errors import ErrorCode, ProtocolError
from shared.limits import DEFAULT_MAX_FRAME, HEADER_SIZE

Message = dict[str, object]

# Fast enough that the whole module runs in a few seconds; deadline off because a
# loaded CI machine must not turn a slow example into a failure.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL_FRAME = 64  # a custom limit: exercises frame_too_large with tiny inputs

# --- strategies ----------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)  # any code point but lone surrogates: astral, controls, U+2028...
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=6,
)
messages_st = st.builds(
    lambda kind, extra: {**extra, "type": kind},
    st.text(max_size=12),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
)
message_lists = st.lists(messages_st, max_size=5)


# --- the feeding harness ---------------------------------------------------------------


@dataclass
class Outcome:
    messages: list[Message] = field(default_factory=list)
    error: ProtocolError | None = None
    bytes_fed: int = 0  # how many bytes had been fed when the error was raised (or all of them)


def feed_chunks(decoder: FrameDecoder, chunks: list[bytes]) -> Outcome:
    """Feed ``chunks`` in order, stopping at the first ProtocolError.

    Checks the cap after every successful feed and that nothing but ProtocolError
    escapes (any other exception fails the test that called this).
    """
    out = Outcome()
    for chunk in chunks:
        out.bytes_fed += len(chunk)
        try:
            got = decoder.feed(chunk)
        except ProtocolError as exc:
            out.messages.extend(exc.messages)
            out.error = exc
            assert decoder.failed
            assert decoder.buffered == 0
            return out
        assert isinstance(got, list)
        out.messages.extend(got)
        assert decoder.buffered <= HEADER_SIZE + decoder.max_frame
    assert not decoder.failed
    return out


def split_bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def run(data: bytes, mode: str, max_frame: int = DEFAULT_MAX_FRAME) -> Outcome:
    decoder = FrameDecoder(max_frame)
    chunks = [data] if mode == "whole" else split_bytewise(data)
    return feed_chunks(decoder, chunks)


@pytest.fixture(params=["whole", "bytewise"])
def mode(request: pytest.FixtureRequest) -> str:
    value = request.param
    assert isinstance(value, str)
    return value


def header(length: int) -> bytes:
    return struct.pack(">I", length)


def canonical(messages: list[Message]) -> list[bytes]:
    """Type-sensitive form for comparisons: ``True == 1`` and ``1.0 == 1`` in Python, not in JSON."""
    return [encode(m) for m in messages]


def assert_outcome_is_well_formed(out: Outcome) -> None:
    for m in out.messages:
        assert isinstance(m, dict)
        assert isinstance(m.get("type"), str)
    if out.error is not None:
        assert type(out.error) is ProtocolError
        assert out.error.code in (ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_TOO_LARGE)
        assert out.error.fatal


# --- properties ------------------------------------------------------------------------


@PROPERTY
@given(message_lists)
def test_messages_round_trip_fed_whole(msgs: list[Message]) -> None:
    data = encode_many(msgs)
    decoder = FrameDecoder()
    got = decoder.feed(data)
    assert got == msgs
    assert canonical(got) == canonical(msgs)
    assert decoder.buffered == 0


@PROPERTY
@given(message_lists)
def test_messages_round_trip_fed_one_byte_at_a_time(msgs: list[Message]) -> None:
    out = run(encode_many(msgs), "bytewise")
    assert out.error is None
    assert out.messages == msgs
    assert canonical(out.messages) == canonical(msgs)


@PROPERTY
@given(message_lists, st.data())
def test_messages_round_trip_under_any_chunking(msgs: list[Message], data: st.DataObject) -> None:
    stream = encode_many(msgs)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=20), label="cuts"))
    bounds = [0, *cuts, len(stream)]
    chunks = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    assert b"".join(chunks) == stream
    out = feed_chunks(FrameDecoder(), chunks)
    assert out.error is None
    assert out.messages == msgs
    assert canonical(out.messages) == canonical(msgs)


@PROPERTY
@given(messages_st)
def test_one_message_is_one_frame_with_a_big_endian_length(msg: Message) -> None:
    data = encode(msg)
    (length,) = struct.unpack(">I", data[:HEADER_SIZE])
    assert length == len(data) - HEADER_SIZE
    assert data[HEADER_SIZE:] == encode_payload(msg)
    assert json.loads(data[HEADER_SIZE:].decode("utf-8")) == msg


@PROPERTY
@given(st.binary(max_size=300), st.sampled_from([1, 5, SMALL_FRAME, DEFAULT_MAX_FRAME]), st.data())
def test_arbitrary_bytes_give_messages_or_protocol_error(
    garbage: bytes, max_frame: int, data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(garbage)), max_size=10), label="cuts"))
    bounds = [0, *cuts, len(garbage)]
    chunks = [garbage[a:b] for a, b in itertools.pairwise(bounds)]
    out = feed_chunks(FrameDecoder(max_frame), chunks)
    assert_outcome_is_well_formed(out)


@PROPERTY
@given(message_lists, st.binary(max_size=200), st.sampled_from(["whole", "bytewise"]))
def test_arbitrary_bytes_after_a_valid_prefix(msgs: list[Message], garbage: bytes, how: str) -> None:
    prefix = encode_many(msgs)
    out = run(prefix + garbage, how, max_frame=max([len(p) - HEADER_SIZE for p in canonical(msgs)] + [512]))
    assert_outcome_is_well_formed(out)
    # the valid frames are all decoded, in order, whatever follows them
    assert out.messages[: len(msgs)] == msgs
    assert canonical(out.messages[: len(msgs)]) == canonical(msgs)


@PROPERTY
@given(st.lists(st.binary(min_size=1, max_size=80), min_size=1, max_size=5), st.booleans())
def test_well_framed_arbitrary_payloads(payloads: list[bytes], bytewise: bool) -> None:
    stream = b"".join(frame(p) for p in payloads)
    out = run(stream, "bytewise" if bytewise else "whole", max_frame=80)
    assert_outcome_is_well_formed(out)
    if out.error is not None:
        # every header is within the limit: only the payloads can be wrong
        assert out.error.code == ErrorCode.PROTOCOL_ERROR


json_ish = st.one_of(
    st.text(),
    json_values.map(lambda v: json.dumps(v, ensure_ascii=False)),
    json_values.map(json.dumps),
    st.sampled_from(
        [
            '"\\ud800"',
            '"\\udfff"',
            '"\\ud83d\\ude00"',
            "1e400",
            "-1e400",
            "NaN",
            "Infinity",
            "1" * 5000,
            "[" * 2000,
            '{"a":' * 2000,
            "{}",
            "null",
            '"x"',
        ]
    ),
)


@PROPERTY
@given(st.one_of(json_ish.map(lambda t: '{"type":"t","v":' + t + "}"), json_ish.filter(bool)))
@example('{"type":"t","v":"\\ud800"}')
@example('{"type":"t","v":-1e400}')
def test_json_ish_payloads_decode_to_re_encodable_messages_or_raise(text: str) -> None:
    payload = text.encode("utf-8", "surrogatepass")
    out = run(frame(payload), "whole")
    assert_outcome_is_well_formed(out)
    for m in out.messages:
        # what the decoder hands out can be sent on again (a server relays it)
        assert FrameDecoder().feed(encode(m)) == [m]


def _outcome(loads: Callable[[str], object], text: str) -> tuple[str, object]:
    try:
        return "value", loads(text)
    except Exception as exc:  # what the decoder raises is part of its answer
        return type(exc).__name__, str(exc)


@PROPERTY
@given(
    json_ish,
    st.sampled_from(["", " ", "\n\t", "\r"]),
    st.sampled_from(["", " ", "\n", " x", "}", "1", '"']),
)
def test_the_fast_json_path_answers_as_the_decoder_does(text: str, before: str, after: str) -> None:
    """Value or error, message included: whitespace and extra data around the value too."""
    text = before + text + after
    assert _outcome(codec._loads, text) == _outcome(codec._DECODER.decode, text)


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the C scanner is CPython's")
def test_the_fast_json_path_is_the_one_in_use() -> None:
    # Otherwise the property above would compare the decoder with itself.
    assert codec._loads != codec._DECODER.decode


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the C scanner is CPython's")
def test_whitespace_after_a_payload_does_not_make_it_parsed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoSecondParse:
        def decode(self, text: str) -> object:
            raise AssertionError(f"parsed twice: {text!r}")

    monkeypatch.setattr(codec, "_DECODER", NoSecondParse())
    assert codec._loads('{"type":"say","n":[1.5]} \t\r\n') == {"type": "say", "n": [1.5]}
    assert codec._loads('{"type":"say"}') == {"type": "say"}


# --- limits ------------------------------------------------------------------------------


def test_header_announcing_zero_is_a_protocol_error_at_once(mode: str) -> None:
    out = run(header(0) + b'{"type":"x"}', mode)
    assert out.error is not None
    assert out.error.code == ErrorCode.PROTOCOL_ERROR
    assert out.messages == []
    # byte by byte, the error comes with the 4th header byte, not later
    assert out.bytes_fed == (HEADER_SIZE if mode == "bytewise" else HEADER_SIZE + 12)


@pytest.mark.parametrize(
    ("max_frame", "announced"),
    [
        (DEFAULT_MAX_FRAME, DEFAULT_MAX_FRAME + 1),
        (DEFAULT_MAX_FRAME, 2**32 - 1),
        (SMALL_FRAME, SMALL_FRAME + 1),
        (SMALL_FRAME, 2**32 - 1),
        (1, 2),
    ],
)
def test_oversized_header_is_refused_before_any_payload(mode: str, max_frame: int, announced: int) -> None:
    # only the header: the decoder must not wait for (or allocate) the payload
    out = run(header(announced), mode, max_frame=max_frame)
    assert out.error is not None
    assert out.error.code == ErrorCode.FRAME_TOO_LARGE
    assert out.error.fatal
    assert out.bytes_fed == HEADER_SIZE
    assert str(announced) in out.error.message


def test_three_header_bytes_are_just_buffered(mode: str) -> None:
    decoder = FrameDecoder(SMALL_FRAME)
    start = header(2**32 - 1)[:3]
    out = feed_chunks(decoder, [start] if mode == "whole" else split_bytewise(start))
    assert out.error is None
    assert out.messages == []
    assert decoder.buffered == 3
    with pytest.raises(ProtocolError) as info:
        decoder.feed(b"\xff")
    assert info.value.code == ErrorCode.FRAME_TOO_LARGE


def exact_payload(size: int) -> bytes:
    """A valid message payload of exactly ``size`` bytes."""
    base = b'{"type":"x","p":""}'
    assert size >= len(base)
    payload = base[:-2] + b"a" * (size - len(base)) + b'"}'
    assert len(payload) == size
    return payload


@pytest.mark.parametrize("max_frame", [SMALL_FRAME, DEFAULT_MAX_FRAME])
def test_a_frame_of_exactly_max_frame_is_accepted(mode: str, max_frame: int) -> None:
    payload = exact_payload(max_frame)
    out = run(frame(payload) + frame(payload), mode, max_frame=max_frame)
    assert out.error is None
    assert out.messages == [{"type": "x", "p": "a" * (max_frame - 19)}] * 2


@pytest.mark.parametrize("max_frame", [SMALL_FRAME, DEFAULT_MAX_FRAME])
def test_a_frame_one_byte_over_max_frame_is_refused(mode: str, max_frame: int) -> None:
    out = run(frame(exact_payload(max_frame + 1)), mode, max_frame=max_frame)
    assert out.error is not None
    assert out.error.code == ErrorCode.FRAME_TOO_LARGE
    assert out.bytes_fed == (HEADER_SIZE if mode == "bytewise" else HEADER_SIZE + max_frame + 1)


def test_buffer_holds_at_most_one_incomplete_frame(mode: str) -> None:
    decoder = FrameDecoder(SMALL_FRAME)
    whole = frame(exact_payload(SMALL_FRAME))
    out = feed_chunks(decoder, [whole[:-1]] if mode == "whole" else split_bytewise(whole[:-1]))
    assert out.messages == []
    assert decoder.buffered == HEADER_SIZE + SMALL_FRAME - 1
    assert decoder.feed(whole[-1:]) == [{"type": "x", "p": "a" * (SMALL_FRAME - 19)}]
    assert decoder.buffered == 0


@pytest.mark.parametrize("bad", [0, -1, 2**32])
def test_decoder_refuses_a_nonsense_limit(bad: int) -> None:
    with pytest.raises(ValueError, match="max_frame"):
        FrameDecoder(bad)


def test_decoder_limits_are_reported() -> None:
    assert FrameDecoder().max_frame == DEFAULT_MAX_FRAME == 65536
    assert FrameDecoder(2**32 - 1).max_frame == 2**32 - 1
    assert FrameDecoder(7).max_frame == 7


# --- payload rules -----------------------------------------------------------------------

BAD_PAYLOADS = {
    "invalid utf-8": b'{"type":"x","t":"\xff"}',
    "truncated utf-8": b'{"type":"x","t":"\xc3"}',
    "utf-8 encoded surrogate": b'{"type":"x","t":"\xed\xa0\x80"}',
    "overlong utf-8": b'{"type":"x","t":"\xc0\xaf"}',
    "bom prefix": b'\xef\xbb\xbf{"type":"x"}',
    "utf-16": '{"type":"x"}'.encode("utf-16"),
    "not json": b"hello",
    "truncated json": b'{"type":"x"',
    "trailing garbage": b'{"type":"x"}x',
    "two objects": b'{"type":"x"}{"type":"y"}',
    "array": b'[{"type":"x"}]',
    "number": b"42",
    "string": b'"hello"',
    "null": b"null",
    "true": b"true",
    "missing type": b'{"text":"hi"}',
    "type null": b'{"type":null}',
    "type number": b'{"type":1}',
    "type list": b'{"type":["say"]}',
    "type object": b'{"type":{}}',
    "NaN": b'{"type":"x","v":NaN}',
    "Infinity": b'{"type":"x","v":Infinity}',
    "-Infinity": b'{"type":"x","v":-Infinity}',
    "60000 [": b"[" * 60000,
    "deep arrays in an object": b'{"type":"x","v":' + b"[" * 30000 + b"]" * 30000 + b"}",
    "deep objects": b'{"type":"x","v":' + b'{"a":' * 10000 + b"1" + b"}" * 10000 + b"}",
    "giant integer": b'{"type":"x","v":' + b"9" * 60000 + b"}",
    "lone high surrogate": b'{"type":"x","t":"\\ud800"}',
    "lone low surrogate": b'{"type":"x","t":"\\udc00"}',
    "lone surrogate upper case": b'{"type":"x","t":"\\uDBFF"}',
    "reversed surrogate pair": b'{"type":"x","t":"\\ude00\\ud83d"}',
    "lone surrogate in type": b'{"type":"\\ud800"}',
    "lone surrogate in a key": b'{"type":"x","\\udfff":1}',
    "lone surrogate deep inside": b'{"type":"x","v":[{"w":["ok","\\ud900"]}]}',
    "raw control character in string": b'{"type":"x","t":"a\x01b"}',
    "single quotes": b"{'type':'x'}",
}


@pytest.mark.parametrize("payload", list(BAD_PAYLOADS.values()), ids=list(BAD_PAYLOADS))
def test_malformed_payload_is_a_protocol_error(mode: str, payload: bytes) -> None:
    assert len(payload) <= DEFAULT_MAX_FRAME
    out = run(frame(payload), mode)
    assert out.error is not None, f"accepted: {out.messages!r}"
    assert out.error.code == ErrorCode.PROTOCOL_ERROR
    assert out.error.fatal
    assert out.messages == []
    assert out.bytes_fed == HEADER_SIZE + len(payload)  # raised when the frame completed


@pytest.mark.parametrize("literal", [b"1e400", b"-1e400", b"1E999", b"123456789e999999"])
def test_float_literal_overflowing_to_infinity_is_a_protocol_error(mode: str, literal: bytes) -> None:
    # Valid JSON grammar, but Python reads it as inf: the same non-JSON value that the
    # literal Infinity is refused for, and a message that encode() could not send on.
    out = run(frame(b'{"type":"x","v":' + literal + b"}"), mode)
    assert out.error is not None, f"accepted: {out.messages!r}"
    assert out.error.code == ErrorCode.PROTOCOL_ERROR


def test_nesting_around_the_recursion_limit_never_escapes_as_another_exception() -> None:
    # The decoder and the lone-surrogate re-encoding check both recurse; whatever the
    # depth, the outcome is a message or a ProtocolError, never a RecursionError.
    limit = sys.getrecursionlimit()
    outcomes: set[str] = set()
    for depth in range(max(1, limit - 400), limit + 40):
        for leaf in (b'"\\ud800"', b'"\\ud83d\\ude00"', b"1"):
            payload = b'{"type":"x","v":' + b"[" * depth + leaf + b"]" * depth + b"}"
            out = run(frame(payload), "whole", max_frame=len(payload))
            assert_outcome_is_well_formed(out)
            if leaf == b'"\\ud800"':
                assert out.error is not None
            outcomes.add("error" if out.error else "ok")
    assert outcomes == {"ok", "error"}  # the range really crosses the limit


GOOD_PAYLOADS: dict[str, tuple[bytes, Message]] = {
    "minimal": (b'{"type":"x"}', {"type": "x"}),
    "empty type": (b'{"type":""}', {"type": ""}),
    "surrogate pair escape": (b'{"type":"x","t":"\\ud83d\\ude00"}', {"type": "x", "t": "\U0001f600"}),
    "upper case pair escape": (b'{"type":"x","t":"\\uD83D\\uDE00"}', {"type": "x", "t": "\U0001f600"}),
    "raw astral utf-8": ('{"type":"x","t":"\U0001f600"}'.encode(), {"type": "x", "t": "\U0001f600"}),
    "escaped backslash before u": (b'{"type":"x","t":"\\\\ud800"}', {"type": "x", "t": "\\ud800"}),
    "non-surrogate escapes": (
        b'{"type":"x","t":"\\u00e9\\ud7ff\\ue000"}',
        {"type": "x", "t": "\u00e9\ud7ff\ue000"},
    ),
    "bom inside a string": ('{"type":"x","t":"\ufeff"}'.encode(), {"type": "x", "t": "\ufeff"}),
    "whitespace around": (b' \n{"type" : "x"}\t ', {"type": "x"}),
    "nested": (
        b'{"type":"x","v":[1,-2.5,true,false,null,{"k":[[]]}]}',
        {"type": "x", "v": [1, -2.5, True, False, None, {"k": [[]]}]},
    ),
    "big but legal integer": (b'{"type":"x","v":' + b"9" * 4000 + b"}", {"type": "x", "v": int("9" * 4000)}),
    "duplicate key, last wins": (b'{"type":1,"type":"x"}', {"type": "x"}),
    "unicode type": ('{"type":"grüße"}'.encode(), {"type": "grüße"}),
}


@pytest.mark.parametrize(("payload", "expected"), list(GOOD_PAYLOADS.values()), ids=list(GOOD_PAYLOADS))
def test_valid_payload_decodes(mode: str, payload: bytes, expected: Message) -> None:
    out = run(frame(payload), mode)
    assert out.error is None
    assert out.messages == [expected]
    assert canonical(out.messages) == canonical([expected])


def test_parse_payload_agrees_with_the_decoder() -> None:
    assert parse_payload(b'{"type":"ping","token":"t"}') == {"type": "ping", "token": "t"}
    with pytest.raises(ProtocolError) as info:
        parse_payload(b"\xef\xbb\xbf{}")
    assert info.value.code == ErrorCode.PROTOCOL_ERROR
    assert "BOM" in info.value.message


# --- errors carry what came before, and stick ----------------------------------------------

M1: Message = {"type": "say", "text": "one"}
M2: Message = {"type": "say", "text": "two", "n": [1, 2.5, None]}


def test_messages_before_an_error_in_the_same_feed_are_kept() -> None:
    decoder = FrameDecoder()
    with pytest.raises(ProtocolError) as info:
        decoder.feed(encode(M1) + encode(M2) + frame(b"[]") + encode({"type": "after"}))
    assert info.value.code == ErrorCode.PROTOCOL_ERROR
    assert info.value.messages == [M1, M2]


def test_messages_completed_by_the_failing_feed_are_kept_after_a_split() -> None:
    decoder = FrameDecoder(SMALL_FRAME)
    stream = encode(M1) + encode(M2)
    assert decoder.feed(stream[:10]) == []
    with pytest.raises(ProtocolError) as info:
        decoder.feed(stream[10:] + header(SMALL_FRAME + 1))
    assert info.value.code == ErrorCode.FRAME_TOO_LARGE
    assert info.value.messages == [M1, M2]


def test_messages_before_an_error_fed_byte_by_byte() -> None:
    out = run(encode(M1) + encode(M2) + header(0), "bytewise")
    assert out.messages == [M1, M2]
    assert out.error is not None
    assert out.error.messages == []  # they were returned by earlier feeds already
    assert out.error.code == ErrorCode.PROTOCOL_ERROR


def test_error_with_no_message_before_it_has_an_empty_list() -> None:
    with pytest.raises(ProtocolError) as info:
        FrameDecoder().feed(frame(b"null"))
    assert info.value.messages == []


@pytest.mark.parametrize(
    ("poison", "code"),
    [
        (header(0), ErrorCode.PROTOCOL_ERROR),
        (header(2**31), ErrorCode.FRAME_TOO_LARGE),
        (frame(b"!"), ErrorCode.PROTOCOL_ERROR),
    ],
)
def test_after_an_error_every_later_feed_raises_again(poison: bytes, code: ErrorCode) -> None:
    decoder = FrameDecoder()
    with pytest.raises(ProtocolError):
        decoder.feed(poison)
    assert decoder.failed
    for later in (b"", encode(M1), b"\x00", encode(M1) + encode(M2)):
        with pytest.raises(ProtocolError) as info:
            decoder.feed(later)
        assert info.value.code == code
        assert info.value.messages == []
        assert decoder.buffered == 0


def test_a_fresh_decoder_has_not_failed() -> None:
    decoder = FrameDecoder()
    assert not decoder.failed
    assert decoder.buffered == 0
    assert decoder.feed(b"") == []


# --- encoding: our own mistakes are EncodeError, never ProtocolError ----------------------


def test_encode_writes_a_big_endian_length_and_compact_utf8_json() -> None:
    assert encode({"type": "ping"}) == b"\x00\x00\x00\x0f" + b'{"type":"ping"}'
    payload = '{"type":"say","text":"é😀"}'.encode()
    assert len(payload) == 30  # é is 2 bytes, 😀 is 4: the length counts bytes, not characters
    assert encode({"type": "say", "text": "é😀"}) == header(30) + payload
    big = {"type": "x", "p": "a" * 70000}
    assert encode(big)[:HEADER_SIZE] == header(70000 + 19)


@PROPERTY
@given(messages_st)
def test_encode_payload_is_the_standard_librarys_compact_json(message: Message) -> None:
    """The encoder made once (for speed) writes exactly what ``json.dumps`` writes."""
    expected = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert encode_payload(message) == expected.encode("utf-8")


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the C encoder is CPython's")
def test_the_encoder_made_once_is_the_one_in_use() -> None:
    # Otherwise the property above would only test the fallback.
    assert codec._dumps != codec._ENCODER.encode


def test_encode_many_joins_frames() -> None:
    assert encode_many([M1, M2]) == encode(M1) + encode(M2)
    assert encode_many([]) == b""


def test_encode_accepts_any_mapping() -> None:
    assert encode(MappingProxyType({"type": "x", "a": 1})) == encode({"type": "x", "a": 1})


class _NotJson:
    pass


ENCODE_ERRORS: dict[str, Message] = {
    "no type": {"text": "hi"},
    "type none": {"type": None},
    "type int": {"type": 3},
    "type bytes": {"type": b"say"},
    "nan": {"type": "x", "v": float("nan")},
    "inf": {"type": "x", "v": float("inf")},
    "-inf nested": {"type": "x", "v": [{"w": float("-inf")}]},
    "lone surrogate": {"type": "x", "t": "\ud800"},
    "set": {"type": "x", "v": {1, 2}},
    "object": {"type": "x", "v": _NotJson()},
    "bytes value": {"type": "x", "v": b"raw"},
    "tuple key": {"type": "x", "v": {(1, 2): 3}},
}


@pytest.mark.parametrize("message", list(ENCODE_ERRORS.values()), ids=list(ENCODE_ERRORS))
def test_encode_refuses_what_is_not_a_message(message: Message) -> None:
    with pytest.raises(EncodeError) as info:
        encode(message)
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, ProtocolError)


def test_encode_refuses_self_referencing_structures() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(EncodeError):
        encode({"type": "x", "v": loop})


def test_encode_error_is_a_value_error_not_a_protocol_error() -> None:
    assert issubclass(EncodeError, ValueError)
    assert not issubclass(EncodeError, ProtocolError)
    assert not issubclass(ProtocolError, ValueError)


def test_frame_refuses_an_empty_payload() -> None:
    with pytest.raises(EncodeError):
        frame(b"")
    assert frame(b"x") == b"\x00\x00\x00\x01x"


@given(st.lists(st.binary(max_size=40), max_size=6).filter(lambda parts: any(parts)))
def test_frame_of_parts_is_the_frame_of_their_join(parts: list[bytes]) -> None:
    assert codec.frame_of(parts) == frame(b"".join(parts))
    assert codec.frame_of(iter(parts)) == frame(b"".join(parts))


def test_frame_of_refuses_parts_that_add_up_to_nothing() -> None:
    with pytest.raises(EncodeError):
        codec.frame_of([b"", b""])
    with pytest.raises(EncodeError):
        codec.frame_of([])
