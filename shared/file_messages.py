"""The frames of files (PROTOCOL.md §8.5, docs/PROTOCOL.md §8.5).

Upload: ``file_offer`` (client) -> ``file_ready`` (server, with the offset to go on
from), then ``file_chunk`` frames from the client in order; once every byte is in
and its sha256 matches, the server posts a ``message`` with ``file`` (:class:`FileInfo`).
Download: ``file_get`` (client) -> ``file_chunk`` frames from the server -> ``file_end``.

A file frame with a wrong field is ``file_invalid``, not a fatal ``protocol_error``:
a transfer gone wrong must not end the chat.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from shared.errors import ErrorCode, ProtocolError
from shared.fields import flag, opt_str, req_int, req_str
from shared.limits import CID_MAX_CHARS, FILE_CHUNK_MAX
from shared.room_messages import opt_room, room_field
from shared.validation import GENERAL

__all__ = [
    "FileOffer",
    "FileReady",
    "FileChunk",
    "FileGet",
    "FileEnd",
    "FileInfo",
    "chunk_payload",
    "FILE_ID_MAX_CHARS",
    "MAX_FILE_BYTES",
]

Json: TypeAlias = dict[str, object]

FILE_ID_MAX_CHARS = CID_MAX_CHARS
"""A ``fid`` or ``file_id`` is an id, not a text: as long as a ``cid`` at most."""

MAX_FILE_BYTES = 2**53 - 1
"""The largest size or offset a JSON number holds exactly."""

_NAME_MAX_RAW = 4096
"""A claimed file name longer than this is no name (it is shortened for display,
:func:`~shared.file_names.display_name`, but not read at any length)."""

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.FILE_INVALID, message)


def _id(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not 1 <= len(value) <= FILE_ID_MAX_CHARS:
        raise _invalid(f"'{key}' must be a string of 1 to {FILE_ID_MAX_CHARS} characters")
    return value


def _count(obj: Mapping[str, object], key: str) -> int:
    value = obj.get(key)
    if type(value) is not int or not 0 <= value <= MAX_FILE_BYTES:
        raise _invalid(f"'{key}' must be a whole number of bytes, 0 or more")
    return value


def _sha256(obj: Mapping[str, object]) -> str:
    value = obj.get("sha256")
    if not isinstance(value, str) or _SHA256.fullmatch(value) is None:
        raise _invalid("'sha256' must be 64 hexadecimal digits")
    return value.lower()


@dataclass(frozen=True, slots=True)
class FileOffer:
    """A client would send a file to ``room`` or to the user ``to``; ``fid`` is its own id."""

    fid: str
    name: str
    size: int
    sha256: str
    room: str = GENERAL
    to: str | None = None
    TYPE: ClassVar[str] = "file_offer"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "fid": self.fid, "name": self.name, "size": self.size}
        out["sha256"] = self.sha256
        if self.to is not None:
            out["to"] = self.to
        return room_field(out, self.room)

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> FileOffer:
        name = obj.get("name")
        if not isinstance(name, str) or not name or len(name) > _NAME_MAX_RAW:
            raise _invalid(f"'name' must be a string of 1 to {_NAME_MAX_RAW} characters")
        to = obj.get("to")
        if to is not None and not isinstance(to, str):
            raise _invalid("'to' must be a string")
        if to is not None and obj.get("room") is not None:
            raise ProtocolError(ErrorCode.ROOM_INVALID, "a file goes to a room or to a user, not both")
        return cls(_id(obj, "fid"), name, _count(obj, "size"), _sha256(obj), opt_room(obj), to)


@dataclass(frozen=True, slots=True)
class FileReady:
    """The server takes the offer ``fid`` as ``file_id``: send from ``offset`` on
    (more than 0: that much of the same file arrived before a drop)."""

    fid: str
    file_id: str
    offset: int
    TYPE: ClassVar[str] = "file_ready"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "fid": self.fid, "file_id": self.file_id, "offset": self.offset}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> FileReady:
        return cls(_id(obj, "fid"), _id(obj, "file_id"), _count(obj, "offset"))


@dataclass(frozen=True, slots=True)
class FileChunk:
    """Bytes of ``file_id`` from ``offset`` on, either way: at most
    :data:`~shared.limits.FILE_CHUNK_MAX`, base64 on the wire."""

    file_id: str
    offset: int
    data: bytes
    TYPE: ClassVar[str] = "file_chunk"

    def to_dict(self) -> Json:
        data = base64.b64encode(self.data).decode("ascii")
        return {"type": self.TYPE, "file_id": self.file_id, "offset": self.offset, "data": data}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> FileChunk:
        file_id = _id(obj, "file_id")
        offset = _count(obj, "offset")
        text = obj.get("data")
        # 4 characters carry 3 bytes: a longer text cannot be a chunk, and is not decoded.
        if not isinstance(text, str) or len(text) > (FILE_CHUNK_MAX + 2) // 3 * 4:
            raise _invalid(f"'data' must be base64 of at most {FILE_CHUNK_MAX} bytes")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid("'data' is not valid base64") from None
        if not data or len(data) > FILE_CHUNK_MAX:
            raise _invalid(f"'data' must hold 1 to {FILE_CHUNK_MAX} bytes")
        return cls(file_id, offset, data)


def chunk_payload(file_id_json: bytes, offset: int, data: bytes) -> bytes:
    """A ``file_chunk`` payload, byte for byte what the codec makes of
    :meth:`FileChunk.to_dict`, with ``file_id`` already JSON: the server sends
    thousands of these per file, and the generic encoder would copy 44 KB twice more."""
    return (
        b'{"type":"file_chunk","file_id":' + file_id_json + b',"offset":' + str(offset).encode()
        + b',"data":"' + base64.b64encode(data) + b'"}'
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileGet:
    """A client asks for the bytes of ``file_id`` from ``offset`` on."""

    file_id: str
    offset: int = 0
    TYPE: ClassVar[str] = "file_get"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "file_id": self.file_id, "offset": self.offset}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> FileGet:
        offset = 0 if obj.get("offset") is None else _count(obj, "offset")
        return cls(_id(obj, "file_id"), offset)


@dataclass(frozen=True, slots=True)
class FileEnd:
    """Every byte of ``file_id`` asked for was sent."""

    file_id: str
    TYPE: ClassVar[str] = "file_end"

    def to_dict(self) -> Json:
        return {"type": self.TYPE, "file_id": self.file_id}

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> FileEnd:
        return cls(_id(obj, "file_id"))


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A ``message``'s ``file``: what was sent, as the server checked it. ``mime`` comes
    from the file's first bytes (:func:`~shared.file_names.sniff_mime`); ``gone``: the
    server no longer has the bytes (the quota made room for newer files)."""

    file_id: str
    name: str
    size: int
    sha256: str
    mime: str
    gone: bool = False

    def to_dict(self) -> Json:
        out: Json = {
            "file_id": self.file_id,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "mime": self.mime,
        }
        if self.gone:
            out["gone"] = True
        return out

    def to_json(self) -> str:
        """:meth:`to_dict` as the codec spells it: for splicing into a made payload."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, obj: object) -> FileInfo:
        if not isinstance(obj, Mapping):
            raise _invalid("'file' must be an object")
        return cls(
            _id(obj, "file_id"),
            req_str(obj, "name"),
            req_int(obj, "size"),
            _sha256(obj),
            opt_str(obj, "mime") or "application/octet-stream",
            flag(obj, "gone"),
        )
