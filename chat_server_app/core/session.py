"""One client connection as the chat rules see it."""

from __future__ import annotations

import enum
from collections.abc import Hashable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from chat_server_app.core.ratelimit import TokenBucket
from shared.messages import PresenceState

if TYPE_CHECKING:
    from chat_server_app.core.rooms import Room

__all__ = ["Link", "Session", "SessionState"]


class Link(Protocol):
    """What the rules ask of a session's connection: how far behind its reader is."""

    @property
    def bytes_to_write(self) -> int: ...


L = TypeVar("L", bound=Link, covariant=True)


class SessionState(enum.Enum):
    GREETING = "greeting"  # connected, no valid hello yet
    REGISTERED = "registered"
    CLOSED = "closed"


class Session(Generic[L]):
    """One client connection and what the server knows about it.

    ``conn`` is the driver's connection, asked only for its backlog; ``sink`` is the
    driver's key for it in a broadcast (any hashable), never used by the rules.
    """

    # Slots: a broadcast reads each registered session once per pass, and the cache
    # misses of a dict-based object show in the fan-out.
    __slots__ = (
        "conn", "sink", "address", "state", "name", "key", "connected_at", "opened", "last_heard",
        "ping_token", "ping_sent_at", "rtt", "bucket", "drops_in_row",
        "rate_hits", "messages_sent", "registered_seq", "owner", "gated", "rooms", "presence",
        "status_text", "typing_passed", "search_bucket", "reading", "__weakref__",
    )  # fmt: skip

    def __init__(
        self, conn: L, sink: Hashable, address: str, bucket: TokenBucket, *, wall: float, now: float
    ) -> None:
        self.conn = conn
        self.sink = sink
        self.address = address
        self.state = SessionState.GREETING
        self.name = ""
        self.key = ""
        self.connected_at = wall
        self.opened = now
        self.last_heard = now
        self.ping_token: str | None = None
        self.ping_sent_at = 0.0
        self.rtt: float | None = None
        self.bucket = bucket
        self.drops_in_row = 0
        self.rate_hits = 0
        self.messages_sent = 0
        self.registered_seq = 0
        self.owner: str | None = None  # the hash of the token that owns the name, if any
        self.gated = False  # counted among the connections waiting for their hello
        self.rooms: dict[str, Room] = {}  # by key: the rooms besides general it is in
        self.presence = PresenceState.AVAILABLE  # §8.4's status
        self.status_text = ""
        self.typing_passed: dict[str, float] = {}  # target -> when one was last passed on
        self.search_bucket: TokenBucket | None = None  # made at its first search (searching.py)
        self.reading = False  # a search or page of its own is being read (searching.py)

    @property
    def queued_bytes(self) -> int:
        return self.conn.bytes_to_write if self.state is not SessionState.CLOSED else 0

    def __repr__(self) -> str:
        return f"<Session {self.name or '?'} {self.address} {self.state.value}>"
