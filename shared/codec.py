"""The frame codec of PROTOCOL.md §1, sans-I/O: bytes in, messages out.

A frame is a uint32 big-endian payload length followed by that many bytes of one
UTF-8 JSON object with a string ``type``. :class:`FrameDecoder` takes bytes in
any chunking and yields whole messages; every malformed input raises
:class:`~shared.errors.ProtocolError` and nothing else.
"""

from __future__ import annotations

import json
import json.scanner
import math
import re
import struct
from collections.abc import Callable, Iterable, Mapping

from shared.errors import ErrorCode, ProtocolError
from shared.limits import DEFAULT_MAX_FRAME, HEADER_SIZE

__all__ = [
    "encode",
    "encode_payload",
    "frame",
    "frame_of",
    "FrameDecoder",
    "ProtocolError",
    "ErrorCode",
    "EncodeError",
]

_HEADER = struct.Struct(">I")
_MAX_UINT32 = 0xFFFFFFFF
_BOM = b"\xef\xbb\xbf"

# JSON may spell a lone UTF-16 surrogate as an escape ("\ud800"); Python decodes it
# into a str that cannot be encoded as UTF-8 again, which would make relaying the
# message fail later. Only payloads with a surrogate escape pay for the full check.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _make_dumps() -> Callable[[object], str]:
    """``_ENCODER.encode``, with its C encoder made once instead of on every call.

    ``JSONEncoder.encode`` builds a new C encoder per call: half the time of encoding a
    chat message, and the server encodes one per message. Where the C encoder is
    missing or does not answer as ``encode`` does (another Python), the plain method.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    try:
        c_encode = make(
            None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, False
        )
    except TypeError:
        return _ENCODER.encode

    def dumps(obj: object) -> str:
        # No circular-reference bookkeeping: a cycle ends in RecursionError, reported as
        # an EncodeError like every other unencodable message.
        return "".join(c_encode(obj, 0))

    sample = {"t": 'é \u2028 "x"\n', "n": [1, -2.5, 1e300, True, None], "o": {"k": []}}
    return dumps if dumps(sample) == _ENCODER.encode(sample) else _ENCODER.encode


_dumps = _make_dumps()


class EncodeError(ValueError):
    """Raised by :func:`encode` when *we* were asked to send something invalid.

    Kept apart from :class:`ProtocolError`, which is always the peer's fault.
    """


def _reject_constant(name: str) -> object:
    # NaN and Infinity are not JSON, whatever Python's json module accepts by default.
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    # "1e999" is valid JSON syntax but Python reads it as infinity, which no JSON
    # encoder will write back: a message we decode must be one we can relay.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


_JSON_WHITESPACE = " \t\n\r"


def _make_loads() -> Callable[[str], object]:
    """``_DECODER.decode``, with a fast path for the usual payload.

    ``decode`` wraps the C scanner in two whitespace regex matches and a Python call,
    60 % of parsing a chat message. A payload that is one JSON value with nothing
    around it (what every client sends) is taken from the scanner as it is;
    anything else (whitespace, extra data, any error) goes through ``decode``, so
    results and error messages stay the decoder's own.
    """
    make = getattr(json.scanner, "c_make_scanner", None)
    if make is None:
        return _DECODER.decode
    scan = make(_DECODER)

    def loads(text: str) -> object:
        try:
            obj, end = scan(text, 0)
        except (ValueError, StopIteration, RecursionError):  # decode tries again, and explains
            return _DECODER.decode(text)
        # Whitespace after the value is valid JSON: answered here, or any peer could
        # make the server parse every frame twice by ending it with a space.
        if end == len(text) or not text[end:].strip(_JSON_WHITESPACE):
            return obj
        return _DECODER.decode(text)

    return loads


_loads = _make_loads()


def encode_payload(message: Mapping[str, object]) -> bytes:
    """Return the UTF-8 JSON payload of one message (no header)."""
    if not isinstance(message.get("type"), str):
        raise EncodeError("a message needs a string 'type'")
    try:
        return _dumps(message if isinstance(message, dict) else dict(message)).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise EncodeError(f"message is not encodable as JSON: {exc}") from exc


def _header(size: int) -> bytes:
    """The length header of a payload of ``size`` bytes, if one can be framed."""
    if not size or size > _MAX_UINT32:
        raise EncodeError(f"payload of {size} bytes cannot be framed")
    return _HEADER.pack(size)


def frame(payload: bytes) -> bytes:
    """Prefix an already encoded payload with its length header."""
    return _header(len(payload)) + payload


def frame_of(parts: Iterable[bytes]) -> bytes:
    """One frame whose payload is ``parts`` joined: a large payload assembled from pieces
    (a ``welcome`` listing 10 000 users) is copied once, not once per step."""
    parts = tuple(parts)  # counted, then joined: an iterator would be spent by the count
    return b"".join((_header(sum(map(len, parts))), *parts))


def encode(message: Mapping[str, object]) -> bytes:
    """Turn one JSON object (with a string ``type``) into one frame."""
    return frame(encode_payload(message))


def encode_many(messages: Iterable[Mapping[str, object]]) -> bytes:
    """Frames of several messages, joined: one write for a burst."""
    return b"".join(encode(m) for m in messages)


def parse_payload(payload: bytes) -> dict[str, object]:
    """Decode one frame payload into a message, or raise :class:`ProtocolError`."""
    if payload.startswith(_BOM):
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "payload starts with a UTF-8 BOM")
    try:
        text = payload.decode("utf-8")
        obj = _loads(text)
    except UnicodeDecodeError as exc:
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, f"payload is not UTF-8: {exc.reason}") from None
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and int strings past Python's digit limit;
        # RecursionError a deeply nested array: both peer garbage, never our crash.
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, f"payload is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "payload is not a JSON object")
    if not isinstance(obj.get("type"), str):
        raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "message has no string 'type'")
    if _SURROGATE_ESCAPE.search(payload):
        try:
            _dumps(obj).encode("utf-8")
        except UnicodeEncodeError:
            raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "payload holds a lone UTF-16 surrogate") from None
    return obj


class FrameDecoder:
    """Reassembles frames from a byte stream.

    It never holds more than one incomplete frame (at most ``HEADER_SIZE +
    max_frame`` bytes): a header announcing ``0`` or more than ``max_frame`` bytes
    raises at once, before any of its payload arrives. After a
    :class:`ProtocolError` the stream cannot be resynchronised, so every later
    :meth:`feed` raises the same error again.
    """

    __slots__ = ("_max_frame", "_buffer", "_error")

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        if not 1 <= max_frame <= _MAX_UINT32:
            raise ValueError(f"max_frame must be 1..{_MAX_UINT32}, not {max_frame}")
        self._max_frame = max_frame
        self._buffer = bytearray()
        self._error: ProtocolError | None = None

    @property
    def max_frame(self) -> int:
        """Largest payload accepted, in bytes."""
        return self._max_frame

    @property
    def buffered(self) -> int:
        """Bytes held for a frame not yet complete."""
        return len(self._buffer)

    @property
    def failed(self) -> bool:
        """Whether the stream broke the protocol (every later feed raises)."""
        return self._error is not None

    def feed(self, data: bytes) -> list[dict[str, object]]:
        """Take bytes and return every message they complete, in order.

        Raises :class:`ProtocolError`, whose ``messages`` are the messages this
        call completed before the violation.
        """
        if self._error is not None:
            raise ProtocolError(self._error.code, self._error.message)
        buf = self._buffer
        buf += data
        out: list[dict[str, object]] = []
        pos = 0
        end_of_data = len(buf)
        max_frame = self._max_frame
        try:
            while end_of_data - pos >= HEADER_SIZE:
                (length,) = _HEADER.unpack_from(buf, pos)
                if length == 0:
                    raise ProtocolError(ErrorCode.PROTOCOL_ERROR, "frame announces 0 bytes")
                if length > max_frame:
                    raise ProtocolError(
                        ErrorCode.FRAME_TOO_LARGE,
                        f"frame announces {length} bytes, more than the {max_frame} allowed",
                    )
                end = pos + HEADER_SIZE + length
                if end > end_of_data:
                    break
                out.append(parse_payload(bytes(buf[pos + HEADER_SIZE : end])))
                pos = end
        except ProtocolError as exc:
            self._error = exc
            buf.clear()
            exc.messages = out
            raise
        del buf[:pos]
        return out
