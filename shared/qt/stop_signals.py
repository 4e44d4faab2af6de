"""Qt glue for :class:`shared.qt.unix_signals.SignalWakeup`: call back on SIGINT/SIGTERM.

Both apps stop through it: the headless server and its dashboard, and the client.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from shared.qt.unix_signals import SignalWakeup

__all__ = ["StopSignalWatcher", "POLL_MS"]

POLL_MS = 200
"""Where no wakeup pipe exists (Windows), how often Python gets to see a signal."""


class StopSignalWatcher(QObject):
    """Calls ``on_stop(signum)`` from the event loop when SIGINT or SIGTERM arrives."""

    def __init__(self, on_stop: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_stop = on_stop
        self._wakeup = SignalWakeup()
        fd = self._wakeup.fileno
        self._source: QSocketNotifier | QTimer
        if fd is not None:
            notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            notifier.activated.connect(self._on_source_activated)
            self._source = notifier
        else:
            timer = QTimer(self)
            timer.timeout.connect(self._on_source_activated)
            timer.start(POLL_MS)
            self._source = timer

    def _on_source_activated(self) -> None:
        received = self._wakeup.drain()
        if received:
            self._on_stop(received[0])

    def close(self) -> None:
        # Stop watching before the pipe goes: a live notifier on a closed
        # descriptor makes Qt warn "Invalid socket" on the next loop pass.
        if isinstance(self._source, QSocketNotifier):
            self._source.setEnabled(False)
        else:
            self._source.stop()
        self._source.deleteLater()
        self._wakeup.close()
