"""History search (docs/PROTOCOL.md §8.5): ``search`` answered with a page of ``results``.

The store's search runs on the event loop, like a replay's slice: its cost is bounded
by the full-text index and a page of :data:`~shared.search_messages.SEARCH_PAGE`, and
each session may search :data:`SEARCH_BURST` times at once, then
:data:`SEARCH_PER_SEC` times a second, so that no one can keep the loop busy
searching. A user finds what a replay would show them: ``general``, the rooms they
are in now and their own private messages, by owner.
"""

from __future__ import annotations

from chat_server_app.core.outputs import StoreFailed
from chat_server_app.core.ratelimit import TokenBucket
from chat_server_app.core.session import Link, Session
from chat_server_app.core.state import CoreState
from chat_server_app.store import StoredMessage, StoreError
from shared.errors import ErrorCode
from shared.messages import GENERAL, ChatMessage
from shared.search_messages import SEARCH_PAGE, Results, Search

__all__ = ["Searching", "SEARCH_BURST", "SEARCH_PER_SEC", "RESULTS_MAX_BYTES"]

SEARCH_BURST = 4
SEARCH_PER_SEC = 2.0

RESULTS_MAX_BYTES = 256 * 1024
"""About the most text one ``results`` carries: 50 messages of 4 000 characters would
be most of a send queue; a page that would pass it ends early, with ``more``."""


class Searching(CoreState):
    """``search``."""

    def _on_search(self, session: Session[Link], search: Search) -> None:
        bucket = session.search_bucket
        if bucket is None:
            bucket = session.search_bucket = TokenBucket(SEARCH_BURST, SEARCH_PER_SEC, self._monotonic)
        if not bucket.take():
            self._reject(session, ErrorCode.RATE_LIMITED, "too many searches: wait a moment")
            return
        rooms = tuple(room.name for room in session.rooms.values())
        try:
            # One more than a page: whether older matches follow.
            found = self.store.search(search.query, session.owner, rooms, SEARCH_PAGE + 1, search.before)
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot search its history right now")
            return
        more = len(found) > SEARCH_PAGE
        page: list[ChatMessage] = []
        size = 0
        for record in found[:SEARCH_PAGE]:
            size += len(record.text) * 2 + 200  # JSON escapes and the other fields, roughly
            if page and size > RESULTS_MAX_BYTES:
                more = True
                break
            page.append(_result(record))
        self._send(session, Results(search.sid, tuple(page), more).to_dict())


def _result(record: StoredMessage) -> ChatMessage:
    """A match as a replay shows it, without its ``cid`` (nothing to match it with)."""
    room = GENERAL if record.room is None else record.room
    return ChatMessage(
        record.id, record.ts, record.sender, record.text, to=record.to, history=True, room=room
    )
