"""Searches and pages of the past read on a thread of their own, answered on the event loop.

The rules hand a read to :attr:`ServerCore.lookups <chat_server_app.core.state.CoreState.lookups>`
(core/lookups.py); this one runs it on one worker thread, on the history's second
connection (:meth:`HistoryStore.reader`), and gives the answer back to the rules on
the event loop's thread, through a queued signal. Python's sqlite3 lets go of the
interpreter while SQLite reads, so a search of a quarter of a second and a room
chatting at full speed go on side by side (tests/server/test_engine_lookups.py).

One thread, reads in the order asked: a search is rare, and a second thread would
only share the same disk. At most :data:`MAX_WAITING` reads wait; past that, the
asker is told the server is busy, as past its own budget of searches.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from chat_server_app.core.lookups import Answer, Read
from chat_server_app.store import HistoryReads, StoreError

__all__ = ["LookupThread", "MAX_WAITING"]

MAX_WAITING = 64
"""Reads waiting or running at once, every session's together (each session has one
at most, searching.py): a classroom searching at once waits, a flood of connections
each asking one is told the server is busy. At the ~0.25 s of a slow prefix search in
a million messages, the last of 64 waits about 16 s."""

_log = logging.getLogger(__name__)


class LookupThread(QObject):
    """:class:`~chat_server_app.core.lookups.Lookups` on a worker thread."""

    answered = Signal(object, object)
    """(answer, result): emitted on the worker, delivered on the event loop's thread."""

    def __init__(
        self, reader: HistoryReads, after: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._after = after
        self._waiting = 0
        self._closing = False
        self._reader = reader
        self._jobs: queue.SimpleQueue[tuple[Read, Answer, Callable[[], bool]] | None] = queue.SimpleQueue()
        self.answered.connect(self._on_answered, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, args=(reader,), name="parla-lookups", daemon=True)
        self._thread.start()

    @property
    def waiting(self) -> int:
        """Reads asked for and not answered yet."""
        return self._waiting

    def submit(self, read: Read, answer: Answer, wanted: Callable[[], bool]) -> bool:
        if self._closing or self._waiting >= MAX_WAITING or not self._thread.is_alive():
            return False
        self._waiting += 1
        self._jobs.put((read, answer, wanted))
        return True

    def close(self) -> None:
        """Stop the read under way, run none of those waiting (a server closes after
        everyone has left: no one waits for them), close the reader."""
        self._closing = True
        self._reader.interrupt()
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _run(self, reader: HistoryReads) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                read, answer, wanted = job
                if self._closing or not wanted():
                    # Its asker has left (GIL-atomic reads of the rules' flags): not run.
                    self.answered.emit(answer, StoreError("not read: its asker has left"))
                    continue
                try:
                    result: object = read(reader)
                except StoreError as exc:
                    result = exc
                except Exception as exc:  # a bug in a read must not end every later search
                    _log.exception("a read of the history failed")
                    result = StoreError(f"the read failed: {exc!r}")
                self.answered.emit(answer, result)
        finally:
            reader.close()

    def _on_answered(self, answer: Answer, result: object) -> None:
        self._waiting -= 1
        if self._closing:
            return  # the rules have shut down: nothing of theirs runs any more
        try:
            answer(result)
        finally:
            self._after()
