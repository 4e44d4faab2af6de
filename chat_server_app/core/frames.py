"""The frames the rules make of a stored message, for live delivery and for a replay."""

from __future__ import annotations

from chat_server_app.store import StoredMessage
from shared.codec import frame
from shared.limits import CID_MAX_CHARS
from shared.messages import json_string, message_payload, with_field

__all__ = ["message_frames", "history_frame", "cid_of"]


def message_frames(record: StoredMessage) -> tuple[bytes, bytes]:
    """The frame for everyone, and the sender's copy (the same object when no ``cid``)."""
    payload = message_payload(record.id, record.ts, record.sender, record.text, record.to)
    public = frame(payload)
    if record.cid is None:
        return public, public
    return public, frame(with_field(payload, "cid", json_string(record.cid)))


def history_frame(record: StoredMessage, viewer_key: str) -> bytes:
    """A replayed message; its ``cid`` only to its sender."""
    payload = message_payload(record.id, record.ts, record.sender, record.text, record.to, True)
    if record.cid is not None and record.sender_key == viewer_key:
        payload = with_field(payload, "cid", json_string(record.cid))
    return frame(payload)


def cid_of(obj: dict[str, object]) -> str | None:
    """The ``cid`` of a rejected ``say``, if it is one we can echo back."""
    cid = obj.get("cid")
    if obj.get("type") == "say" and isinstance(cid, str) and len(cid) <= CID_MAX_CHARS:
        return cid
    return None
