"""Where the rules' searches and pages of the past are read: here, or on another thread.

A search may read for tens of milliseconds (bench/README.md, "Bounded search"): on
the event loop, everyone's chat would wait for it. So the rules hand a read to
:class:`Lookups` with what to do with its answer, and never read it themselves. The
rules stay free of threads: :class:`InlineLookups` answers at once (the core alone,
in tests, a store in memory); the server's driver gives one that reads on a thread
of its own and answers on the event loop a pass later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from chat_server_app.store import HistoryStore, StoreError
from chat_server_app.store.base import HistoryLookups

__all__ = ["Lookups", "InlineLookups", "Read", "Answer"]


Read = Callable[[HistoryLookups], object]
"""A read of the history: a search, a page around a message."""

Answer = Callable[[object], None]
"""What the rules do with a read's result, or with the :class:`StoreError` it raised."""


class Lookups(Protocol):
    def submit(self, read: Read, answer: Answer, wanted: Callable[[], bool]) -> bool:
        """Run ``read``, then ``answer`` with its result (on the rules' thread); False
        when too many reads wait already (nothing runs: the asker is told to wait).
        A read whose ``wanted()`` is False by its turn is not run (its asker left)."""


class InlineLookups:
    """Reads through the store itself, answered before :meth:`submit` returns."""

    def __init__(self, store: HistoryStore) -> None:
        self._store = store

    def submit(self, read: Read, answer: Answer, wanted: Callable[[], bool]) -> bool:
        try:
            result: object = read(self._store)
        except StoreError as exc:
            result = exc
        answer(result)
        return True
