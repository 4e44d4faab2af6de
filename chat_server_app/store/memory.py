"""History kept in memory only."""

from __future__ import annotations

import bisect
import secrets
from collections.abc import Collection, Sequence
from itertools import islice

from chat_server_app.store.base import (
    AROUND_SCAN,
    PREFIX_MIN_CHARS,
    SEARCH_SCAN,
    Around,
    Ban,
    BanKind,
    Reservation,
    RoomRecord,
    SearchPage,
    StoredMessage,
    ban_order,
    in_chat,
    recent_with_cids,
    search_words,
    visible,
)

__all__ = ["MemoryStore"]


def _id_of(message: StoredMessage) -> int:
    return message.id


class MemoryStore:
    """History kept in memory only: for tests and throwaway servers.

    Each instance is a history of its own, with a ``server_id`` of its own. The
    replay queries find ``after_id`` by bisection and walk only what they return
    (and the messages the viewer may not see in between), as SQLite's do.
    """

    def __init__(self) -> None:
        self._messages: list[StoredMessage] = []
        self._server_id = secrets.token_urlsafe(12)
        self._names: dict[str, Reservation] = {}
        self._bans: dict[tuple[BanKind, str], Ban] = {}
        self._rooms: dict[str, RoomRecord] = {}

    def append(self, messages: Sequence[StoredMessage]) -> None:
        self._messages.extend(messages)

    def _after(self, after_id: int) -> int:
        """The index of the first message after ``after_id``."""
        return bisect.bisect_right(self._messages, after_id, key=_id_of)

    def since(
        self,
        after_id: int,
        viewer_owner: str | None,
        limit: int | None = None,
        rooms: Collection[str] = (),
    ) -> list[StoredMessage]:
        if limit is not None and limit <= 0:
            return []
        found: list[StoredMessage] = []
        for at in range(self._after(after_id), len(self._messages)):
            message = self._messages[at]
            if visible(message, viewer_owner, rooms):
                found.append(message)
                if len(found) == limit:
                    break
        return found

    def last(self, count: int, viewer_owner: str | None, rooms: Collection[str] = ()) -> list[StoredMessage]:
        if count <= 0:
            return []
        newest = list(
            islice(
                (m for m in reversed(self._messages) if visible(m, viewer_owner, rooms)),
                min(count, len(self._messages)),
            )
        )
        newest.reverse()
        return newest

    def replay_start(
        self, after_id: int, viewer_owner: str | None, max_count: int, rooms: Collection[str] = ()
    ) -> tuple[int, bool]:
        following = len(self._messages) - self._after(after_id)
        skip = max(max_count, 0)
        for message in islice(reversed(self._messages), following):
            if visible(message, viewer_owner, rooms):
                if skip == 0:
                    return message.id, True
                skip -= 1
        return after_id, False

    def message(self, message_id: int) -> StoredMessage | None:
        at = bisect.bisect_left(self._messages, message_id, key=_id_of)
        if at < len(self._messages) and self._messages[at].id == message_id:
            return self._messages[at]
        return None

    def search(
        self,
        query: str,
        viewer_owner: str | None,
        rooms: Collection[str] = (),
        limit: int = 50,
        before_id: int | None = None,
        scan: int = SEARCH_SCAN,
    ) -> SearchPage:
        words = search_words(query)
        if not words or limit <= 0:
            return SearchPage([], None)
        *whole, last = words
        prefix = len(last) >= PREFIX_MIN_CHARS
        end = (
            len(self._messages)
            if before_id is None
            else bisect.bisect_left(self._messages, before_id, key=_id_of)
        )
        found: list[StoredMessage] = []
        examined = 0
        # Newest first, as SQLite's index gives them: every match counts against
        # ``scan``, seen or not, so that both stores page alike.
        for at in range(end - 1, -1, -1):
            message = self._messages[at]
            text_words = search_words(message.text)
            if not (
                all(w in text_words for w in whole)
                and (last in text_words or (prefix and any(t.startswith(last) for t in text_words)))
            ):
                continue
            examined += 1
            if visible(message, viewer_owner, rooms):
                found.append(message)
                if len(found) == limit:
                    return SearchPage(found, message.id)
            if examined == scan:
                return SearchPage(found, message.id)
        return SearchPage(found, None)

    def around(
        self,
        message_id: int,
        viewer_owner: str | None,
        *,
        room: str | None = None,
        with_key: str | None = None,
        count: int = 25,
        scan: int = AROUND_SCAN,
    ) -> Around:
        if count <= 0 or (with_key is not None and viewer_owner is None):
            return Around([], False, False)
        # A room's messages are found however far apart, as SQLite's room index finds them.
        reach = len(self._messages) if room is not None else max(scan, 0)
        start = bisect.bisect_left(self._messages, message_id, key=_id_of)
        older: list[StoredMessage] = []
        for at in range(start - 1, max(start - reach, 0) - 1, -1):
            if in_chat(self._messages[at], viewer_owner, room, with_key):
                older.append(self._messages[at])
                if len(older) > count:
                    break
        newer: list[StoredMessage] = []
        for at in range(start, min(start + reach, len(self._messages))):
            if in_chat(self._messages[at], viewer_owner, room, with_key):
                newer.append(self._messages[at])
                if len(newer) > count:
                    break
        more_older = len(older) > count or start - reach > 0
        more_newer = len(newer) > count or start + reach < len(self._messages)
        older = older[:count]
        older.reverse()
        return Around(older + newer[:count], more_older, more_newer)

    def index_pending(self) -> None:
        pass  # searched as it stands

    def reader(self) -> None:
        return None  # a list in this process: read where it is written

    def last_id(self) -> int:
        return self._messages[-1].id if self._messages else 0

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        return recent_with_cids(reversed(self._messages), after_epoch)

    def server_id(self) -> str:
        return self._server_id

    def reservations(self) -> list[Reservation]:
        return sorted(self._names.values())

    def reserve(self, reservation: Reservation) -> None:
        self._names[reservation.key] = reservation

    def release(self, key: str) -> bool:
        return self._names.pop(key, None) is not None

    def bans(self, now: float | None = None) -> list[Ban]:
        if now is not None:
            for ban in [b for b in self._bans.values() if not b.active(now)]:
                del self._bans[ban.kind, ban.value]
        return sorted(self._bans.values(), key=ban_order)

    def add_ban(self, ban: Ban) -> None:
        self._bans[ban.kind, ban.value] = ban

    def remove_ban(self, kind: BanKind, value: str) -> bool:
        return self._bans.pop((kind, value), None) is not None

    def room_tail(self, room: str, count: int) -> list[StoredMessage]:
        if count <= 0:
            return []
        tail = list(
            islice((m for m in reversed(self._messages) if m.room == room and m.to_key is None), count)
        )
        tail.reverse()
        return tail

    def rooms(self) -> list[RoomRecord]:
        return sorted(self._rooms.values())

    def save_room(self, room: RoomRecord) -> None:
        self._rooms[room.key] = room

    def drop_room(self, key: str) -> None:
        self._rooms.pop(key, None)

    def close(self) -> None:
        pass
