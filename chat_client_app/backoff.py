"""Exponential backoff with jitter for reconnects, pure Python (no Qt, no clock)."""

from __future__ import annotations

import math
import random

__all__ = ["Backoff", "DEFAULT_BASE", "DEFAULT_CAP", "DEFAULT_JITTER"]

DEFAULT_BASE = 1.0
"""Seconds before the first retry: a server restarting under systemd is back in about that."""

DEFAULT_CAP = 30.0
"""Longest wait between two attempts: a lab of 30 clients then costs the server one
connection a second while it is down, and a user never waits more than half a minute."""

DEFAULT_JITTER = 0.2
"""Each delay is spread by +-20 %, so that clients dropped together do not all come back
in the same millisecond (the thundering herd after a server restart)."""


class Backoff:
    """Delays of ``base * 2**n`` seconds, capped at ``cap``, each spread by ``jitter``."""

    def __init__(
        self,
        base: float = DEFAULT_BASE,
        cap: float = DEFAULT_CAP,
        jitter: float = DEFAULT_JITTER,
        rng: random.Random | None = None,
    ) -> None:
        if base <= 0 or cap < base:
            raise ValueError(f"need 0 < base <= cap, not base={base} cap={cap}")
        if not 0 <= jitter < 1:
            raise ValueError(f"jitter must be in [0, 1), not {jitter}")
        self._base = base
        self._cap = cap
        self._jitter = jitter
        # Not for secrets: the spread only has to differ between clients.
        self._rng = rng if rng is not None else random.Random()  # noqa: S311
        self._attempts = 0

    @property
    def cap(self) -> float:
        """The longest wait between two attempts."""
        return self._cap

    @property
    def attempts(self) -> int:
        """Delays handed out since the last :meth:`reset`."""
        return self._attempts

    def next_delay(self) -> float:
        """The wait before the next attempt, in seconds."""
        # The exponent is bounded so that a client retrying for days cannot overflow.
        nominal = min(self._cap, math.ldexp(self._base, min(self._attempts, 32)))
        self._attempts += 1
        spread = 1 + self._rng.uniform(-self._jitter, self._jitter)
        return min(self._cap, nominal * spread)

    def reset(self) -> None:
        """Start again from ``base`` (after a session was established)."""
        self._attempts = 0
