"""The pace at which pending says are written: under the server's rate limit, always.

The server's token bucket (PROTOCOL.md §5, default burst 20, 5 per second, per
connection) drops what comes faster, with ``rate_limited``. A long queue typed while
offline would lose its tail that way; this bucket on the client's side sends half the
server's burst at once, then 80 % of its refill, so the server's bucket never runs dry
and a user typing live meanwhile still has room. A server that does not say its bucket
(``welcome.rate``, a v1 server) gets :data:`SEND_BURST` and :data:`SEND_PER_SEC`.
"""

from __future__ import annotations

__all__ = ["Pacer", "SEND_BURST", "SEND_PER_SEC", "HOLD_MAX"]

BURST_SHARE = 0.5
"""Of the server's burst, what is written at once: the user's live lines keep a margin."""

REFILL_SHARE = 0.8
"""Of the server's refill, the pace after the burst: its bucket fills up again while a
queue drains (25 lines take about 4 s at the default 5 per second)."""

SEND_BURST = 10
"""Says written at once to a server that does not say its limit: half the default burst."""

SEND_PER_SEC = 4.0
"""Then this many per second: 80 % of the default refill."""

HOLD_MAX = 8.0
"""Longest pause after ``rate_limited`` answers in a row (seconds): they double from 1 s,
for a server whose limit is lower than ours; far from the 100 drops in a row that make
the server end the connection."""


class Pacer:
    """A token bucket: ``take(now)`` spends one if there is one; ``wait(now)`` says when."""

    __slots__ = ("_burst", "_per_sec", "_tokens", "_stamp", "_hold_until", "_strikes")

    def __init__(self, burst: int = SEND_BURST, per_sec: float = SEND_PER_SEC) -> None:
        self._burst = burst
        self._per_sec = per_sec
        self.reset()

    def fit(self, server_burst: int, server_per_sec: float) -> None:
        """Pace under the bucket the server said it keeps (``welcome.rate``); 0 is unsaid."""
        if server_burst > 0 and server_per_sec > 0:
            self._burst = max(1, int(server_burst * BURST_SHARE))
            self._per_sec = server_per_sec * REFILL_SHARE
        else:
            self._burst, self._per_sec = SEND_BURST, SEND_PER_SEC

    def reset(self) -> None:
        """A new connection: the server's bucket is full again, and so is ours."""
        self._tokens = float(self._burst)
        self._stamp: float | None = None
        self._hold_until = 0.0
        self._strikes = 0

    def _refill(self, now: float) -> None:
        if self._stamp is not None:
            self._tokens = min(float(self._burst), self._tokens + (now - self._stamp) * self._per_sec)
        self._stamp = now

    def take(self, now: float) -> bool:
        self._refill(now)
        if now < self._hold_until or self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

    def wait(self, now: float) -> float:
        """Seconds until :meth:`take` can succeed."""
        self._refill(now)
        refill = max(0.0, (1.0 - self._tokens) / self._per_sec)
        return max(refill, self._hold_until - now)

    def slow_down(self, now: float) -> None:
        """The server said ``rate_limited``: its limit is lower than we thought. Pause."""
        self._refill(now)
        self._tokens = 0.0
        self._strikes += 1
        self._hold_until = now + min(HOLD_MAX, 2.0 ** (self._strikes - 1))

    def accepted(self) -> None:
        """A say went through: the pauses start from 1 s again."""
        self._strikes = 0
