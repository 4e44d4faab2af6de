"""History kept in memory only."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from chat_server_app.store.base import StoredMessage, recent_with_cids

__all__ = ["MemoryStore"]


def _id_of(message: StoredMessage) -> int:
    return message.id


def _visible(message: StoredMessage, viewer_key: str) -> bool:
    return message.to_key is None or viewer_key in (message.sender_key, message.to_key)


class MemoryStore:
    """History kept in memory only: for tests and throwaway servers."""

    def __init__(self) -> None:
        self._messages: list[StoredMessage] = []

    def append(self, messages: Sequence[StoredMessage]) -> None:
        self._messages.extend(messages)

    def since(self, after_id: int, viewer_key: str) -> list[StoredMessage]:
        return [m for m in self._messages if m.id > after_id and _visible(m, viewer_key)]

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        if count <= 0:
            return []
        return [m for m in self._messages if _visible(m, viewer_key)][-count:]

    def message(self, message_id: int) -> StoredMessage | None:
        at = bisect.bisect_left(self._messages, message_id, key=_id_of)
        if at < len(self._messages) and self._messages[at].id == message_id:
            return self._messages[at]
        return None

    def last_id(self) -> int:
        return self._messages[-1].id if self._messages else 0

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        return recent_with_cids(reversed(self._messages), after_epoch)

    def close(self) -> None:
        pass
