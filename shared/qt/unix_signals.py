"""SIGINT/SIGTERM while an event loop sits in C++: the pure-Python half.

Python runs its signal handlers only between bytecodes, and Qt's loop can sit in
``poll()`` for as long as nothing happens: a Ctrl+C would wait for the next
event. ``signal.set_wakeup_fd`` writes a byte to a pipe on every signal; an app
watches the pipe with a ``QSocketNotifier`` and calls :meth:`SignalWakeup.drain`
to learn which signals came. Where there is no such pipe (Windows), ``fileno``
is ``None`` and the app polls :meth:`drain` on a timer instead.
"""

from __future__ import annotations

import contextlib
import os
import signal

__all__ = ["SignalWakeup", "STOP_SIGNALS"]

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class SignalWakeup:
    """Records SIGINT and SIGTERM and makes them visible to an event loop."""

    def __init__(self, signals: tuple[signal.Signals, ...] = STOP_SIGNALS) -> None:
        self._received: list[int] = []
        self._reader: int | None = None
        self._writer: int | None = None
        self._previous_fd = -1
        if os.name == "posix":
            self._reader, self._writer = os.pipe()
            os.set_blocking(self._reader, False)
            os.set_blocking(self._writer, False)
            self._previous_fd = signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in signals}

    def _on_signal(self, signum: int, frame: object) -> None:
        del frame
        if self._reader is None:
            self._received.append(signum)
        # With a pipe, the wakeup byte carries the number; drain() reads it.

    @property
    def fileno(self) -> int | None:
        """The descriptor to watch for reading, or ``None`` to poll instead."""
        return self._reader

    def drain(self) -> list[int]:
        """The signal numbers that arrived since the last call."""
        received, self._received = self._received, []
        if self._reader is not None:
            with contextlib.suppress(BlockingIOError, InterruptedError):
                while data := os.read(self._reader, 64):
                    received.extend(data)
        return received

    def close(self) -> None:
        if self._writer is not None:
            signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        for fd in (self._reader, self._writer):
            if fd is not None:
                os.close(fd)
        self._reader = self._writer = None
