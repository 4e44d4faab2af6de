"""One event-loop pass's frames, and what each registered session gets of them.

Delivery is batched per pass: every client gets one write holding all of the pass's
frames for it. Most frames are the same for everyone (``public``); a few sessions
get their own bytes for some (the sender's copy with its ``cid``, a private
message, a newcomer who must not see presence older than itself).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chat_server_app.core.session import Link, Session

if TYPE_CHECKING:
    from chat_server_app.core.rooms import Room

__all__ = [
    "Entry",
    "Move",
    "Moves",
    "Delivery",
    "common_bytes",
    "stream_of",
    "spliced",
    "pass_room",
    "member_at",
]


@dataclass(slots=True)
class Entry:
    """One frame of the pass's outbox.

    ``public`` goes to every registered session not named in ``special`` (to the
    members of ``room`` only, when it is set); a session in ``special`` gets its own
    bytes instead (``b""``: nothing). A ``presence`` entry only goes to sessions
    registered before it was made.
    """

    public: bytes | None
    seq: int
    special: dict[Session[Link], bytes] = field(default_factory=dict)
    presence: bool = False
    message_id: int | None = None
    room: Room | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """A session entered or left ``room`` during the pass, at ``seq``."""

    room: Room
    seq: int
    entered: bool


Moves = dict[Session[Link], list[Move]]


def member_at(session: Session[Link], room: Room, seq: int, moves: Moves) -> bool:
    """Whether ``session`` was in ``room`` when the entry ``seq`` was made: as now,
    unless it entered or left the room later in the pass (the first such move says)."""
    member = room.has(session)
    for move in reversed(moves.get(session, ())):
        if move.room is room and move.seq > seq:
            member = not move.entered
    return member


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


def stream_of(session: Session[Link], entries: list[Entry], moves: Moves | None = None) -> bytes:
    """What one session gets of the pass, entry by entry (a room's frames if it was
    a member when they were made)."""
    parts = []
    moved = moves is not None and session in moves
    for entry in entries:
        part = entry.special.get(session)
        if part is None:
            room = entry.room
            if room is None:
                part = entry.public
            elif moved and moves is not None:
                if member_at(session, room, entry.seq, moves):
                    part = entry.public
            elif room.has(session):
                part = entry.public
        if part and not (entry.presence and entry.seq <= session.registered_seq):
            parts.append(part)
    return b"".join(parts)


def pass_room(entries: list[Entry]) -> tuple[bool, Room | None]:
    """Whether the pass's public frames all go to one audience, and which: everyone
    registered (``None``) or one room's members. A pass that mixes audiences is
    written to each session entry by entry (:func:`stream_of`)."""
    room: Room | None = None
    seen = False
    for entry in entries:
        if entry.public is None:
            continue
        if not seen:
            room, seen = entry.room, True
        elif entry.room is not room:
            return False, None
    return True, room


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
