"""The records a history keeps and the interface every store implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

__all__ = ["StoreError", "StoredMessage", "HistoryStore"]


class StoreError(Exception):
    """The history could not be opened, read or written."""


class StoredMessage(NamedTuple):
    """One accepted message as it is kept.

    ``sender_key``/``to_key`` are the casefolded names, so that private messages are
    replayed to their two parties whatever case they reconnect with.

    A named tuple: as immutable as a frozen dataclass, made in a third of the time
    (the server makes one per message), and SQLite binds it as a row as it stands:
    the fields are in the order of the table's columns (``schema.COLUMNS``).
    """

    id: int
    ts: str
    sender: str
    sender_key: str
    text: str
    cid: str | None = None
    to: str | None = None
    to_key: str | None = None
    epoch: float = 0.0


class HistoryStore(Protocol):
    def append(self, messages: Sequence[StoredMessage]) -> None:
        """Persist a batch in one transaction; durable once this returns."""

    def since(self, after_id: int, viewer_key: str) -> list[StoredMessage]:
        """Every message after ``after_id`` that ``viewer_key`` may see, in id order."""

    def last(self, count: int, viewer_key: str) -> list[StoredMessage]:
        """The newest ``count`` messages ``viewer_key`` may see, in id order."""

    def message(self, message_id: int) -> StoredMessage | None:
        """The message stored under ``message_id``, if any."""

    def last_id(self) -> int:
        """The id of the newest message stored, 0 if none."""

    def recent_cids(self, after_epoch: float) -> list[StoredMessage]:
        """Messages with a ``cid`` accepted after ``after_epoch``, for de-duplication.

        Newest first back to the first message (with a cid or not) accepted at or
        before ``after_epoch``, then in id order: ids follow acceptance, so a clock set
        back and forth again does not make messages from before the step count as
        recent, and the walk never goes further back than the window.
        """

    def close(self) -> None:
        """Release the store."""


def recent_with_cids(newest_first: Iterable[StoredMessage], after_epoch: float) -> list[StoredMessage]:
    """:meth:`HistoryStore.recent_cids` from the messages, newest first: back to the
    first one accepted at or before ``after_epoch``, those with a cid, in id order."""
    recent = []
    for message in newest_first:
        if message.epoch <= after_epoch:
            break
        if message.cid is not None:
            recent.append(message)
    recent.reverse()
    return recent
