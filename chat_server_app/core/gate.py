"""What a connection that is not a user yet may cost: how many wait for their hello
(in all and per address, TLS handshakes included), and how fast one address may try
passwords.

An unfinished TLS handshake holds ~91 KB and a descriptor; without a cap, one host
opening connections and saying nothing fills the server until the hello deadline
frees them. A wrong password is answered after a delay that doubles with each
failure from the address (from :data:`PENALTY_FIRST` up to :data:`PENALTY_MAX`), so
that guessing goes at a few tries a second instead of thousands; the count fades
after :data:`PENALTY_MEMORY` seconds without a failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S", bound=Hashable)

__all__ = ["Gate", "PENALTY_FIRST", "PENALTY_MAX", "PENALTY_MEMORY"]

PENALTY_FIRST = 0.25
"""Seconds before the first wrong password of an address is answered."""

PENALTY_MAX = 8.0
"""The longest wait: with the per-address cap, at most cap / 8 guesses a second."""

PENALTY_MEMORY = 600.0
"""Seconds without a wrong password after which an address starts from the first
delay again."""


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


class Gate(Generic[S]):
    """Counts of connections waiting for their hello, wrong passwords per address, and
    the connections whose wrong password is not answered yet."""

    __slots__ = ("_max_total", "_max_per_address", "_waiting", "_total", "_failures", "_sweep_at", "_held")

    def __init__(self, max_total: int, max_per_address: int) -> None:
        self._max_total = max_total
        self._max_per_address = max_per_address
        self._waiting: Counter[str] = Counter()
        self._total = 0
        self._failures: dict[str, _Failures] = {}
        self._sweep_at = 1024
        self._held: dict[S, float] = {}

    @property
    def waiting(self) -> int:
        """Connections that have not said a valid hello yet."""
        return self._total

    def enter(self, address: str) -> str | None:
        """A new connection from ``address``: why it may not wait for its hello, or
        ``None`` (then it counts until :meth:`leave`)."""
        if self._total >= self._max_total:
            return "the server has too many connections waiting to say hello; try again shortly"
        if self._waiting[address] >= self._max_per_address:
            return "too many connections from your address waiting to say hello"
        self._waiting[address] += 1
        self._total += 1
        return None

    def leave(self, address: str) -> None:
        """A connection counted by :meth:`enter` said hello, or closed."""
        left = self._waiting[address] - 1
        if left > 0:
            self._waiting[address] = left
        else:
            del self._waiting[address]
        self._total -= 1

    def wrong_password(self, address: str, now: float) -> tuple[int, float]:
        """One more wrong password from ``address``: how many in a row, and how long
        to wait before saying so."""
        failures = self._failures.get(address)
        if failures is None or now - failures.last > PENALTY_MEMORY:
            failures = self._failures[address] = _Failures(0, now)
        failures.count += 1
        failures.last = now
        self._forget_old(now)
        return failures.count, min(PENALTY_MAX, PENALTY_FIRST * 2.0 ** (failures.count - 1))

    def right_password(self, address: str) -> None:
        self._failures.pop(address, None)

    def hold(self, session: S, until: float) -> None:
        """``session`` gets its ``auth_failed`` at ``until``; what it sends meanwhile
        is not read."""
        self._held[session] = until

    def is_held(self, session: S) -> bool:
        return session in self._held

    def forget(self, session: S) -> None:
        self._held.pop(session, None)

    def due(self, now: float) -> list[S]:
        """Held sessions whose answer is due, taken out."""
        if not self._held:
            return []
        due = [s for s, until in self._held.items() if until <= now]
        for session in due:
            del self._held[session]
        return due

    def next_due(self) -> float | None:
        """When the next held session is due (monotonic seconds), if any."""
        return min(self._held.values(), default=None)

    def _forget_old(self, now: float) -> None:
        # Bounded by the addresses that failed in the last PENALTY_MEMORY seconds; swept
        # each time it has doubled, so that a failure costs O(1) on average.
        if len(self._failures) > self._sweep_at:
            for address in [a for a, f in self._failures.items() if now - f.last > PENALTY_MEMORY]:
                del self._failures[address]
            self._sweep_at = max(1024, 2 * len(self._failures))
