"""The frames of a page of history around a message (docs/PROTOCOL.md §8.8).

``history`` goes from a client to the server: the messages of one chat (a room,
``general``, or the user's private conversation with someone) around a message id, as
when a search's result is opened. ``page`` answers it: those messages in id order,
``history: true``, with ``sid`` echoed as a search's ``results`` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from shared.errors import ErrorCode, ProtocolError
from shared.fields import flag, opt_str, violation
from shared.room_messages import opt_room, room_field
from shared.search_messages import messages_of, opt_message_id, sid_of
from shared.validation import GENERAL

if TYPE_CHECKING:
    from shared.messages import ChatMessage

__all__ = ["HistoryAround", "HistoryPage", "AROUND_COUNT"]

Json: TypeAlias = dict[str, object]

AROUND_COUNT = 25
"""The most messages a page holds on each side: 25 older than the id asked for, and 25
from it on."""


@dataclass(frozen=True, slots=True)
class HistoryAround:
    """Ask for the messages around ``around`` in ``room`` or, with ``peer`` (the wire's
    ``with``), in the private conversation with that user (client to server)."""

    sid: str
    around: int
    room: str = GENERAL
    peer: str | None = None
    TYPE: ClassVar[str] = "history"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "sid": self.sid, "around": self.around}
        if self.peer is not None:
            out["with"] = self.peer
            return out
        return room_field(out, self.room)

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> HistoryAround:
        sid = sid_of(obj)
        around = opt_message_id(obj, "around")
        if around is None:
            raise violation("'history' needs 'around', a message id")
        peer = opt_str(obj, "with")
        if peer is not None and obj.get("room") is not None:
            raise ProtocolError(ErrorCode.ROOM_INVALID, "history is of a room or of a user, not both")
        return cls(sid, around, opt_room(obj), peer)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """The messages around the id a ``history`` asked for (server to client), in id order.
    ``older``/``newer``: more of that chat may come before the first / after the last."""

    sid: str
    messages: tuple[ChatMessage, ...]
    older: bool = False
    newer: bool = False
    TYPE: ClassVar[str] = "page"

    def to_dict(self) -> Json:
        return {
            "type": self.TYPE,
            "sid": self.sid,
            "messages": [m.to_dict() for m in self.messages],
            "older": self.older,
            "newer": self.newer,
        }

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> HistoryPage:
        return cls(sid_of(obj), messages_of(obj), flag(obj, "older"), flag(obj, "newer"))
