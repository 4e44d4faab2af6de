"""One event-loop pass's frames, and what each registered session gets of them.

Delivery is batched per pass: every client gets one write holding all of the pass's
frames for it. Most frames are the same for everyone (``public``); a few sessions
get their own bytes for some (the sender's copy with its ``cid``, a private
message, a newcomer who must not see presence older than itself).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from chat_server_app.core.session import Link, Session

__all__ = ["Entry", "Delivery", "common_bytes", "stream_of", "spliced"]


@dataclass(slots=True)
class Entry:
    """One frame of the pass's outbox.

    ``public`` goes to every registered session not named in ``special``; a
    session in ``special`` gets its own bytes instead (``b""``: nothing).
    A ``presence`` entry only goes to sessions registered before it was made.
    """

    public: bytes | None
    seq: int
    special: dict[Session[Link], bytes] = field(default_factory=dict)
    presence: bool = False
    message_id: int | None = None


@dataclass(slots=True)
class Delivery:
    """What one pass writes: ``own`` bytes to a few sessions, ``common`` to every
    session in ``sinks`` but those in ``skip``."""

    own: list[tuple[Session[Link], bytes]]
    common: bytes
    sinks: list[Hashable]
    skip: set[Hashable]


def common_bytes(entries: list[Entry]) -> tuple[bytes, list[int], dict[Session[Link], list[int]]]:
    """The bytes for everyone; where each entry starts in them; which entries each
    session has its own bytes for, by index, in order."""
    parts: list[bytes] = []
    offsets: list[int] = []
    own: dict[Session[Link], list[int]] = {}
    position = 0
    for index, entry in enumerate(entries):
        offsets.append(position)
        if entry.public is not None:
            parts.append(entry.public)
            position += len(entry.public)
        for session in entry.special:
            own.setdefault(session, []).append(index)
    return b"".join(parts), offsets, own


def stream_of(session: Session[Link], entries: list[Entry]) -> bytes:
    """What one session gets of the pass, entry by entry."""
    parts = []
    for entry in entries:
        part = entry.special.get(session, entry.public)
        if part and not (entry.presence and entry.seq <= session.registered_seq):
            parts.append(part)
    return b"".join(parts)


def spliced(
    common: bytes, entries: list[Entry], offsets: list[int], indexes: list[int], session: Session[Link]
) -> bytes:
    """:func:`stream_of` for a session registered before the pass's entries: the
    common bytes with its own bytes of the entries at ``indexes`` in their place
    (walking every entry for each sender would make a busy pass quadratic)."""
    parts = []
    cursor = 0
    for index in indexes:
        entry = entries[index]
        start = offsets[index]
        parts.append(common[cursor:start])
        parts.append(entry.special[session])
        cursor = start + (len(entry.public) if entry.public is not None else 0)
    parts.append(common[cursor:])
    return b"".join(parts)
