"""Which (name, cid) pairs the server accepted recently, in fixed memory.

§3: a ``say`` whose ``cid`` was accepted from the same name in the last 10
minutes is answered with the original instead of being posted again. Keeping
every pair for 10 minutes grows with traffic (0.4 KB a message: 75 MB at 300
lines a second). Two Bloom filters, rotated every window, answer "certainly
new" for almost every ``say`` from 2 MiB; a "maybe" is settled by the history.
"""

from __future__ import annotations

__all__ = ["RecentCids", "FILTER_BITS", "HASHES"]

FILTER_BITS = 1 << 23
"""Bits per generation (1 MiB): under 1 % false positives up to ~800 000 cids in a
window, 1 300 messages a second for 10 minutes; past that, more history look-ups."""

HASHES = 4


class RecentCids:
    """A set of (name key, cid) that may answer "maybe" but never forgets within a window.

    An entry lives between one and two windows: it goes into the current
    generation, which becomes the previous one at the next rotation and is
    dropped at the one after.
    """

    def __init__(self, window: float, now: float) -> None:
        self._window = window
        self._rotated_at = now
        self._current = bytearray(FILTER_BITS // 8)
        self._previous = bytearray(FILTER_BITS // 8)

    @staticmethod
    def _positions(key: str, cid: str) -> range:
        """The pair's bit positions, each still to be taken modulo FILTER_BITS.

        A range, not a list: this runs for every say, and building the list was a
        third of the check.
        """
        # Python's own hash, split in two for double hashing: the filter lives only in
        # this process (rebuilt from the history at start), so a per-process hash
        # seed is fine, and it costs a tenth of a cryptographic digest on every say.
        h = hash((key, cid)) & 0xFFFF_FFFF_FFFF_FFFF
        first, step = h & 0xFFFF_FFFF, (h >> 32) | 1
        return range(first, first + HASHES * step, step)

    def _rotate(self, now: float) -> None:
        if now - self._rotated_at < self._window:
            return
        # Two windows or more of silence: both generations are stale.
        stale = now - self._rotated_at >= 2 * self._window
        self._previous = bytearray(len(self._current)) if stale else self._current
        self._current = bytearray(len(self._current))
        self._rotated_at = now

    def add(self, key: str, cid: str, now: float) -> None:
        self.check_and_add(key, cid, now)

    def check_and_add(self, key: str, cid: str, now: float) -> bool:
        """Remember the pair; whether it may have been there already (one hash for both)."""
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        current, previous = self._current, self._previous
        in_current = in_previous = True
        for position in self._positions(key, cid):
            position %= FILTER_BITS
            byte, bit = position >> 3, 1 << (position & 7)
            if not current[byte] & bit:
                in_current = False
                current[byte] |= bit
            if in_previous and not previous[byte] & bit:
                in_previous = False
        return in_current or in_previous

    def may_contain(self, key: str, cid: str, now: float) -> bool:
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        positions = [p % FILTER_BITS for p in self._positions(key, cid)]
        return any(
            all(bits[p >> 3] & (1 << (p & 7)) for p in positions) for bits in (self._current, self._previous)
        )
