"""A token bucket: ``burst`` messages at once, refilled at ``per_sec``."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    __slots__ = ("_burst", "_per_sec", "_tokens", "_stamp", "_clock")

    def __init__(self, burst: int, per_sec: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._burst = float(burst)
        self._per_sec = per_sec
        self._tokens = float(burst)
        self._clock = clock
        self._stamp = clock()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = self._clock()
        tokens = min(self._burst, self._tokens + (now - self._stamp) * self._per_sec)
        self._stamp = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return True
        self._tokens = tokens
        return False
