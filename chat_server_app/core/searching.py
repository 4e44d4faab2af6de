"""History search (docs/PROTOCOL.md §8.7): ``search`` answered with a page of
``results``; and a page of one chat's history around a message (§8.8): ``history``
answered with a ``page``, as when a search's result is opened.

Both are read where :attr:`~chat_server_app.core.state.CoreState.lookups` says: on a
thread of their own in the server (lookups.py), so that a slow one delays no chat;
the answer goes out when the read is done, if its asker is still there. Both are
bounded all the same: a search
examines at most :data:`~chat_server_app.store.base.SEARCH_SCAN` matches of the
full-text index and sends a page of :data:`~shared.search_messages.SEARCH_PAGE`; a page
around a message reads a room's index, or at most
:data:`~chat_server_app.store.base.AROUND_SCAN` messages on each side. Together they
share one budget per session, :data:`SEARCH_BURST` at once, then
:data:`SEARCH_PER_SEC` a second, so that no one can keep the reader busy. A user finds
what a replay would show them: ``general``, the rooms they are in now and their own
private messages, by owner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chat_server_app.core.lookups import Read
from chat_server_app.core.outputs import StoreFailed
from chat_server_app.core.ratelimit import TokenBucket
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.core.state import CoreState
from chat_server_app.store import StoredMessage, StoreError
from chat_server_app.store.base import Around, HistoryLookups, SearchPage
from shared.around_messages import AROUND_COUNT, HistoryAround, HistoryPage
from shared.errors import ErrorCode
from shared.messages import GENERAL, ChatMessage
from shared.quoting import quoted
from shared.search_messages import SEARCH_PAGE, Results, Search
from shared.validation import name_key, name_problem, normalize_name

__all__ = ["Searching", "SEARCH_BURST", "SEARCH_PER_SEC", "RESULTS_MAX_BYTES"]

SEARCH_BURST = 4
SEARCH_PER_SEC = 2.0

RESULTS_MAX_BYTES = 256 * 1024
"""About the most text one ``results`` or ``page`` carries: 50 messages of 4 000
characters would be most of a send queue; a page that would pass it is cut short."""

_GENERAL_KEY = name_key(GENERAL)


def _size(record: StoredMessage) -> int:
    return len(record.text) * 2 + 200  # JSON escapes and the other fields, roughly


class Searching(CoreState):
    """``search`` and ``history``."""

    def _may_look_up(self, session: Session[Link]) -> bool:
        if session.reading:  # before the budget: a refused search spends none of it
            self._reject(session, ErrorCode.RATE_LIMITED, "one search at a time: wait for its results")
            return False
        bucket = session.search_bucket
        if bucket is None:
            bucket = session.search_bucket = TokenBucket(SEARCH_BURST, SEARCH_PER_SEC, self._monotonic)
        if bucket.take():
            return True
        self._reject(session, ErrorCode.RATE_LIMITED, "too many searches: wait a moment")
        return False

    def _store_failed(self, session: Session[Link], exc: StoreError) -> None:
        self._outputs.append(StoreFailed(str(exc)))
        self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot search its history right now")

    def _look_up(self, session: Session[Link], read: Read, answer: Callable[[Any], None]) -> None:
        """Hand ``read`` to :attr:`lookups`; ``answer`` its result if ``session`` is
        still there by then (a read on another thread answers a pass or more later).

        One read of a session's at a time: no one fills the reader's queue for the
        others, and a read asked for by a session that has left by its turn is not run."""

        def answered(result: object) -> None:
            session.reading = False
            if session.state is SessionState.CLOSED:
                return
            if isinstance(result, StoreError):
                self._store_failed(session, result)
            else:
                answer(result)

        session.reading = True
        if not self.lookups.submit(read, answered, lambda: session.state is not SessionState.CLOSED):
            session.reading = False
            busy = "the server is busy searching: try again in a moment"
            self._reject(session, ErrorCode.RATE_LIMITED, busy)

    def _on_search(self, session: Session[Link], search: Search) -> None:
        if not self._may_look_up(session):
            return
        rooms = tuple(room.name for room in session.rooms.values())
        owner = session.owner
        try:
            # Here, on the writer's connection, so that a reader finds every message.
            self.store.index_pending()
        except StoreError as exc:
            self._store_failed(session, exc)
            return

        def read(store: HistoryLookups) -> SearchPage:
            # One more than a page: whether older matches follow.
            return store.search(search.query, owner, rooms, SEARCH_PAGE + 1, search.before)

        self._look_up(session, read, lambda found: self._answer_search(session, search, found))

    def _answer_search(self, session: Session[Link], search: Search, found: SearchPage) -> None:
        # Read a while ago, with the rooms the session was in then: what it has left
        # since (and what was said there after it left) is not its to see.
        rooms = {room.name for room in session.rooms.values()}
        if any(r.room is not None and r.room not in rooms for r in found.messages):
            found = SearchPage([r for r in found.messages if r.room is None or r.room in rooms], found.resume)
        page: list[ChatMessage] = []
        size = 0
        for record in found.messages[:SEARCH_PAGE]:
            size += _size(record)
            if page and size > RESULTS_MAX_BYTES:
                break
            page.append(_result(record))
        if len(page) < len(found.messages):
            resume: int | None = page[-1].id  # a full (or cut) page goes on from its oldest
        else:
            resume = found.resume  # the examined matches ran out first, or all of them
        results = Results(search.sid, tuple(page), resume is not None, resume)
        self._send(session, results.to_dict())

    def _on_history(self, session: Session[Link], ask: HistoryAround) -> None:
        if not self._may_look_up(session):
            return
        room: str | None = None
        with_key: str | None = None
        if ask.peer is not None:
            if name_problem(ask.peer) is not None:
                self._reject(session, ErrorCode.NO_SUCH_USER, f"no user named {quoted(ask.peer)}")
                return
            with_key = name_key(normalize_name(ask.peer))
        elif name_key(ask.room) != _GENERAL_KEY:
            joined = session.rooms.get(name_key(ask.room))
            if joined is None:
                self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{ask.room}")
                return
            room = joined.name
        owner = session.owner

        def read(store: HistoryLookups) -> Around:
            return store.around(ask.around, owner, room=room, with_key=with_key, count=AROUND_COUNT)

        self._look_up(session, read, lambda found: self._answer_history(session, ask, found))

    def _answer_history(self, session: Session[Link], ask: HistoryAround, found: Around) -> None:
        if (
            name_key(ask.room) != _GENERAL_KEY
            and ask.peer is None
            and name_key(ask.room) not in session.rooms
        ):
            # Left while the page was read: no longer the session's to see.
            self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{ask.room}")
            return
        first, end, older, newer = _within_size(found.messages, ask.around, found.older, found.newer)
        page = tuple(_result(record) for record in found.messages[first:end])
        self._send(session, HistoryPage(ask.sid, page, older, newer).to_dict())


def _within_size(
    records: Sequence[StoredMessage], around: int, older: bool, newer: bool
) -> tuple[int, int, bool, bool]:
    """The slice of ``records`` a page sends, and its ``older``/``newer``: past
    :data:`RESULTS_MAX_BYTES`, the messages furthest from ``around`` go first."""
    first, end = 0, len(records)
    size = sum(_size(r) for r in records)
    middle = sum(1 for r in records if r.id < around)  # where ``around`` is, or would be
    while size > RESULTS_MAX_BYTES and end - first > 1:
        if middle - first > end - middle - 1:
            size -= _size(records[first])
            first += 1
            older = True
        else:
            end -= 1
            size -= _size(records[end])
            newer = True
    return first, end, older, newer


def _result(record: StoredMessage) -> ChatMessage:
    """A stored message as a replay shows it, without its ``cid`` (nothing to match it with)."""
    room = GENERAL if record.room is None else record.room
    return ChatMessage(
        record.id, record.ts, record.sender, record.text, to=record.to, history=True, room=room
    )
