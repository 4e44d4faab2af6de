"""The wait before a reconnect, with the whole seconds left for the window to show."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["ReconnectClock"]


class ReconnectClock(QObject):
    """One single-shot timer for the attempt, one ticking every second for the countdown."""

    due = Signal()  # time to attempt
    countdown = Signal(int)  # whole seconds left, every second

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._due_at = 0.0
        self._attempt_timer = QTimer(self)
        self._attempt_timer.setSingleShot(True)
        self._attempt_timer.timeout.connect(self._on_attempt_timer_timeout)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self._on_tick_timer_timeout)

    @property
    def remaining(self) -> float:
        """Seconds until ``due`` (0 when nothing is scheduled)."""
        if not self._attempt_timer.isActive():
            return 0.0
        return max(0.0, self._due_at - time.monotonic())

    def start(self, delay: float) -> None:
        self._due_at = time.monotonic() + delay
        self._attempt_timer.start(max(1, int(delay * 1000)))
        self._tick_timer.start()

    def stop(self) -> None:
        self._attempt_timer.stop()
        self._tick_timer.stop()

    def _on_tick_timer_timeout(self) -> None:
        remaining = self.remaining
        if remaining > 0:
            self.countdown.emit(math.ceil(remaining))

    def _on_attempt_timer_timeout(self) -> None:
        self._tick_timer.stop()
        self.due.emit()
