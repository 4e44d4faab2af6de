"""Sending and fetching files over the wire in the server tests (docs/PROTOCOL.md §8.5)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from shared.limits import FILE_CHUNK_MAX
from tests.server.helpers import ChatClient, Frame, matches

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
"""Bytes that start as a PNG does: the server calls them image/png."""


def offer(client: ChatClient, data: bytes, name: str = "notes.txt", fid: str = "f1", **target: Any) -> Frame:
    """Offer ``data``; the server's answer (``file_ready`` or ``error``)."""
    sha = hashlib.sha256(data).hexdigest()
    client.send({"type": "file_offer", "fid": fid, "name": name, "size": len(data), "sha256": sha, **target})
    return client.wait_for(
        lambda f: (
            (f.get("type") == "file_ready" and f.get("fid") == fid)
            or (f.get("type") == "error" and f.get("cid") == fid)
        )
    )


def send_chunks(
    client: ChatClient, file_id: str, data: bytes, start: int = 0, end: int | None = None
) -> None:
    stop = len(data) if end is None else end
    for offset in range(start, stop, FILE_CHUNK_MAX):
        piece = data[offset : min(offset + FILE_CHUNK_MAX, stop)]
        chunk = base64.b64encode(piece).decode()
        client.send({"type": "file_chunk", "file_id": file_id, "offset": offset, "data": chunk})


def upload(
    client: ChatClient,
    data: bytes,
    name: str = "notes.txt",
    fid: str = "f1",
    timeout: int = 5000,
    **target: Any,
) -> Frame:
    """Send a whole file; the sender's copy of its ``message``."""
    ready = offer(client, data, name, fid, **target)
    assert ready["type"] == "file_ready", ready
    send_chunks(client, ready["file_id"], data, ready["offset"])
    return client.wait_for(lambda f: matches(f, "message", cid=fid) and "file" in f, timeout=timeout)


def download(client: ChatClient, file_id: str, offset: int = 0, timeout: int = 5000) -> bytes:
    """Fetch a file; its bytes from ``offset``."""
    start = len(client.received)
    client.send({"type": "file_get", "file_id": file_id, "offset": offset})
    client.qtbot.waitUntil(
        lambda: any(matches(f, "file_end", file_id=file_id) for f in client.received[start:]), timeout=timeout
    )
    parts = [f for f in client.received[start:] if matches(f, "file_chunk", file_id=file_id)]
    assert [p["offset"] for p in parts] == sorted(p["offset"] for p in parts)
    return b"".join(base64.b64decode(p["data"]) for p in parts)


def file_error(client: ChatClient, **fields: Any) -> Frame:
    return client.wait_for(lambda f: matches(f, "error", **fields))
