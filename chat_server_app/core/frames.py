"""The frames the rules make of a stored message, for live delivery and for a replay."""

from __future__ import annotations

from chat_server_app.store import StoredMessage
from shared.codec import frame
from shared.limits import CID_MAX_CHARS
from shared.messages import GENERAL, json_string, message_payload, with_field

__all__ = ["message_frames", "offline_echo", "history_frame", "cid_of"]


def message_frames(record: StoredMessage, file: str | None = None) -> tuple[bytes, bytes]:
    """The frame for everyone, and the sender's copy (the same object when no ``cid``);
    ``file`` is the JSON of a file message's ``file`` (§8.5)."""
    payload = message_payload(record.id, record.ts, record.sender, record.text, record.to, room=_room(record))
    if file is not None:
        payload = with_field(payload, "file", file)
    public = frame(payload)
    if record.cid is None:
        return public, public
    return public, frame(with_field(payload, "cid", json_string(record.cid)))


def offline_echo(record: StoredMessage, file: str | None = None) -> bytes:
    """The sender's copy of a private message held for its offline owner (§8.1)."""
    payload = message_payload(record.id, record.ts, record.sender, record.text, record.to, room=_room(record))
    if file is not None:
        payload = with_field(payload, "file", file)
    payload = with_field(payload, "offline", "true")
    if record.cid is not None:
        payload = with_field(payload, "cid", json_string(record.cid))
    return frame(payload)


def history_frame(record: StoredMessage, viewer_owner: str | None, file: str | None = None) -> bytes:
    """A replayed message; its ``cid`` only to the owner of the name that sent it.

    By owner, not by name: someone who takes a free name later must not see its
    earlier holder's messages marked as their own."""
    payload = message_payload(
        record.id, record.ts, record.sender, record.text, record.to, history=True, room=_room(record)
    )
    if file is not None:
        payload = with_field(payload, "file", file)
    if record.cid is not None and viewer_owner is not None and record.sender_owner == viewer_owner:
        payload = with_field(payload, "cid", json_string(record.cid))
    return frame(payload)


def _room(record: StoredMessage) -> str:
    return GENERAL if record.room is None else record.room


def cid_of(obj: dict[str, object]) -> str | None:
    """The ``cid`` of a rejected ``say``, if it is one we can echo back."""
    cid = obj.get("cid")
    if obj.get("type") == "say" and isinstance(cid, str) and len(cid) <= CID_MAX_CHARS:
        return cid
    return None
