"""The frames of history search (docs/PROTOCOL.md §8.7).

``search`` goes from a client to the server; ``results`` back, one page of message
frames (``history: true``, each naming its room), newest first. ``sid`` is the client's
own id for the search, echoed so that a late page of an older search is told apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from shared.errors import ErrorCode, ProtocolError
from shared.fields import flag, opt_int, req_str, violation
from shared.limits import CID_MAX_CHARS, MAX_MESSAGE_ID

if TYPE_CHECKING:
    from shared.messages import ChatMessage

__all__ = [
    "Search",
    "Results",
    "SEARCH_QUERY_MAX_CHARS",
    "SEARCH_PAGE",
    "query_problem",
    "sid_of",
    "messages_of",
    "opt_message_id",
]

Json: TypeAlias = dict[str, object]

SEARCH_QUERY_MAX_CHARS = 200
SEARCH_PAGE = 50
"""The most messages one ``results`` holds."""


def query_problem(query: object) -> str | None:
    """Why ``query`` cannot be searched for, in a human sentence, or ``None`` if it can."""
    if not isinstance(query, str):
        return "the query must be a string"
    if not query or query.isspace():
        return "the query is empty"
    if len(query) > SEARCH_QUERY_MAX_CHARS:
        return f"the query is longer than {SEARCH_QUERY_MAX_CHARS} characters"
    return None


def sid_of(obj: Mapping[str, object]) -> str:
    """A frame's ``sid``: the client's id for what it asked, 1 to 64 characters."""
    sid = req_str(obj, "sid")
    if not 1 <= len(sid) <= CID_MAX_CHARS:
        raise violation(f"'sid' must be 1 to {CID_MAX_CHARS} characters")
    return sid


def opt_message_id(obj: Mapping[str, object], key: str) -> int | None:
    """An optional field that is a message id (1..:data:`MAX_MESSAGE_ID`)."""
    value = opt_int(obj, key)
    if value is not None and not 1 <= value <= MAX_MESSAGE_ID:
        raise violation(f"'{key}' must be a message id (1..{MAX_MESSAGE_ID})")
    return value


def messages_of(obj: Mapping[str, object]) -> tuple[ChatMessage, ...]:
    """A frame's ``messages``: a list of ``message`` frames."""
    # Here, not at the top: shared.messages imports this module to parse its frames.
    from shared.messages import ChatMessage

    messages = obj.get("messages")
    if not isinstance(messages, list):
        raise violation("'messages' must be a list")
    parsed = []
    for item in messages:
        if not isinstance(item, Mapping) or item.get("type") != ChatMessage.TYPE:
            raise violation("each of 'messages' must be a message")
        parsed.append(ChatMessage.from_dict(item))
    return tuple(parsed)


@dataclass(frozen=True, slots=True)
class Search:
    """Search the history the user may see for ``query`` (client to server); with
    ``before``, the next page: the matches older than that message id."""

    query: str
    sid: str
    before: int | None = None
    TYPE: ClassVar[str] = "search"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "query": self.query, "sid": self.sid}
        if self.before is not None:
            out["before"] = self.before
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Search:
        sid = sid_of(obj)
        before = opt_message_id(obj, "before")
        query = obj.get("query")
        problem = query_problem(query)
        if problem is not None:
            raise ProtocolError(ErrorCode.TEXT_INVALID, problem)
        assert isinstance(query, str)
        return cls(query, sid, before)


@dataclass(frozen=True, slots=True)
class Results:
    """One page of a search's matches (server to client), newest first. ``more``: older
    matches may follow, asked for with ``before``: where this search stopped (the
    oldest match it examined, which may be older than the page's oldest message, or
    the page may be empty: a search examines a bounded number of matches)."""

    sid: str
    messages: tuple[ChatMessage, ...]
    more: bool = False
    before: int | None = None
    TYPE: ClassVar[str] = "results"

    def to_dict(self) -> Json:
        out: Json = {
            "type": self.TYPE,
            "sid": self.sid,
            "messages": [m.to_dict() for m in self.messages],
            "more": self.more,
        }
        if self.before is not None:
            out["before"] = self.before
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Results:
        return cls(sid_of(obj), messages_of(obj), flag(obj, "more"), opt_message_id(obj, "before"))
