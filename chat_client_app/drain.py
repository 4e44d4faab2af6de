"""Frames from the server, handled in slices so that a burst never holds the window."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from shared.errors import ProtocolError
from shared.messages import ServerMessage, parse_server_message

__all__ = ["FrameDrain", "DRAIN_BUDGET", "DRAIN_PAUSE_MS"]

DRAIN_BUDGET = 0.012
"""Seconds of frame handling per event-loop pass (parsing, and the views' work on each
signal): a burst of any size never holds the window for much longer."""

DRAIN_PAUSE_MS = 25
"""Pause between two slices of a burst. The views lay out and paint in it, and what
arrives meanwhile joins the next slice: a big burst becomes a few big inserts instead of
many small ones (a QListView lays out every row again after each insert)."""


class FrameDrain(QObject):
    """The frames read but not handled yet, strictly in order.

    ``handle(message)`` takes each one while ``is_open()``; ``sliced(more)`` follows
    every slice (``more``: frames are left for a later pass).
    """

    def __init__(
        self,
        handle: Callable[[ServerMessage], None],
        sliced: Callable[[bool], None],
        is_open: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._handle = handle
        self._sliced = sliced
        self._is_open = is_open
        self._backlog: deque[dict[str, object]] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.drain)

    def extend(self, objects: list[dict[str, object]]) -> None:
        self._backlog.extend(objects)
        if not self._timer.isActive():
            self.drain()

    def drain(self, budget: float = DRAIN_BUDGET) -> None:
        """Handle frames for up to ``budget`` seconds; the rest wait for a later pass.

        A read can hold a whole history replay: handling it in slices keeps the event
        loop turning, so the window paints and takes input while a burst is shown.
        """
        backlog = self._backlog
        deadline = time.monotonic() + budget
        handled = 0
        while backlog and self._is_open():
            handled += 1
            if handled % 64 == 0 and time.monotonic() > deadline:
                break
            try:
                message = parse_server_message(backlog.popleft())
            except ProtocolError:
                # Unknown types are for newer clients (§1); a malformed frame from a
                # buggy server is skipped rather than ending the session.
                continue
            self._handle(message)
        if not self._is_open():
            backlog.clear()
        elif backlog:
            self._timer.start(DRAIN_PAUSE_MS)
        self._sliced(bool(backlog))

    def finish(self) -> None:
        """The connection ended: what arrived before the end is handled now."""
        self._timer.stop()
        while self._backlog and self._is_open():
            self.drain(budget=math.inf)

    def clear(self) -> None:
        self._timer.stop()
        self._backlog.clear()
