"""The history's log, checkpointed on a thread of its own."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

__all__ = ["CHECKPOINT_INTERVAL", "WAL_FRAMES_LIMIT", "Checkpointer"]

CHECKPOINT_INTERVAL = 0.5
"""Seconds between two checkpoints of the history's log, while messages come in."""

WAL_FRAMES_LIMIT = 4096
"""Pages in the history's log (16 MiB) past which a commit checkpoints by itself.

SQLite starts the log over only when a write finds all of it copied, which steady
commits racing the checkpointer never let happen: without this backstop the log grew
without end (found in review: 968 MB in 10 s of back-to-back commits). At a busy
server's pace a commit then checkpoints every second or so, on the event loop, as
SQLite's default of 1 000 pages did four times as often; a light one never reaches it."""


class Checkpointer:
    """Copies the history's log into the database file, on a thread of its own.

    SQLite checkpoints inside a commit once the log passes 1 000 pages, and a
    checkpoint syncs both files: at 100 messages a second that stalled the event
    loop 5 ms every 3 s, on whichever broadcast came next (measured under F1000).
    Here the wait for the disk happens on this thread, with its own connection,
    outside the GIL; PASSIVE never waits for the writer nor makes it wait.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self.commits = 0  # bumped by the writer; read here, under the GIL
        self.checkpoints = 0
        self.failed: str | None = None
        self._thread = threading.Thread(target=self._run, name="history-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=True)
        except sqlite3.Error as exc:
            self.failed = str(exc)
            return
        seen = 0
        try:
            while not self._stop.wait(CHECKPOINT_INTERVAL):
                if self.commits != seen:
                    seen = self.commits
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
        except Exception as exc:  # whatever stops it, SQLite checkpoints again
            self.failed = str(exc) or type(exc).__name__
        finally:
            db.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
