"""The timers of one connection: the welcome in time, the idle ping, the pong, the replay,
the pace of pending says.

:class:`ConnectionClocks` only keeps time; the controller decides what each timeout
means (through the session).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = [
    "ConnectionClocks",
    "DEFAULT_IDLE_PING",
    "DEFAULT_PING_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "REPLAY_SETTLE_MS",
]

DEFAULT_IDLE_PING = 15.0
"""Seconds of silence from the server before the client pings it: half the server's own
``ping_after`` (§5), so a healthy idle connection is never pinged by the server."""

DEFAULT_PING_TIMEOUT = 10.0
"""Seconds to wait for any frame after our ping before calling the connection dead: a
LAN answers in milliseconds, a Wi-Fi roam takes a few seconds."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds from opening the socket to ``welcome``: the server's own ``hello_timeout``."""

REPLAY_SETTLE_MS = 500
"""After a welcome, the replay counts as finished when our first ping is answered (the
pong comes after every replayed frame) or, failing that, after this much quiet."""


class ConnectionClocks(QObject):
    """Single-shot timers; each timeout is a signal."""

    welcome_overdue = Signal()  # no welcome within the connect timeout
    idle_elapsed = Signal()  # the server has been quiet: time to ping it
    pong_overdue = Signal()  # no frame at all since our ping
    replay_quiet = Signal()  # no pong and no frame since the replay's last read
    send_due = Signal()  # pending says that waited for the pace may go

    def __init__(
        self,
        *,
        idle_ping: float,
        ping_timeout: float,
        connect_timeout: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._connect = self._timer(connect_timeout, self.welcome_overdue.emit)
        self._idle = self._timer(idle_ping, self.idle_elapsed.emit)
        self._pong = self._timer(ping_timeout, self.pong_overdue.emit)
        self._replay = self._timer(REPLAY_SETTLE_MS / 1000, self.replay_quiet.emit)
        self._send = self._timer(0, self.send_due.emit)

    def _timer(self, seconds: float, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(max(0, int(seconds * 1000)))
        timer.timeout.connect(slot)
        return timer

    def attempt_started(self) -> None:
        self._connect.start()

    def welcomed(self) -> None:
        self._connect.stop()
        self._idle.start()

    def frame_arrived(self, *, connected: bool) -> None:
        # Any frame is a sign of life (§5): the idle ping waits again.
        self._pong.stop()
        if connected:
            self._idle.start()

    def ping_sent(self) -> None:
        self._pong.start()

    def replay_read(self) -> None:
        """A read of the replay is handled: more may come in the next one."""
        self._replay.start()

    def replay_ended(self) -> None:
        self._replay.stop()

    def send_later(self, seconds: float) -> None:
        # Rounded up: a timer that fires a hair early finds the pace still holding.
        self._send.start(max(1, math.ceil(seconds * 1000)))

    def stop(self) -> None:
        for timer in (self._connect, self._idle, self._pong, self._replay, self._send):
            timer.stop()
