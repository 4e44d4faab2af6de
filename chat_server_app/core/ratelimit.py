"""Token buckets: ``burst`` at once, refilled at ``per_sec``; per connection for
``say``, per IP address for ``hello``."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["TokenBucket", "AddressBuckets"]


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

    def is_full(self) -> bool:
        """Whether the bucket has refilled to its burst: as good as a new one."""
        return self._tokens + (self._clock() - self._stamp) * self._per_sec >= self._burst


class AddressBuckets:
    """One :class:`TokenBucket` per IP address, made on its first use and forgotten
    once full again (:meth:`prune`), so that memory follows the recent addresses."""

    __slots__ = ("_burst", "_per_sec", "_clock", "_buckets")

    def __init__(self, burst: int, per_sec: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._burst = burst
        self._per_sec = per_sec
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, address: str) -> bool:
        """Spend one of ``address``'s tokens if it has one."""
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = TokenBucket(self._burst, self._per_sec, self._clock)
        return bucket.take()

    def prune(self) -> None:
        """Forget the addresses whose buckets are full again."""
        full = [address for address, bucket in self._buckets.items() if bucket.is_full()]
        for address in full:
            del self._buckets[address]
