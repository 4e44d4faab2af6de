"""Which (name, cid) pairs the server accepted recently, in fixed memory.

§3: a ``say`` whose ``cid`` was accepted from the same name in the last 10
minutes is answered with the original instead of being posted again. Keeping
every pair for 10 minutes grows with traffic (0.4 KB a message: 75 MB at 300
lines a second). Two Bloom filters, rotated every window, answer "certainly
new" for almost every ``say`` from 2 MiB; a "maybe" is settled by the history.
"""

from __future__ import annotations

from array import array

__all__ = ["RecentCids", "FILTER_BITS", "HASHES"]

FILTER_BITS = 1 << 23
"""Bits per generation (1 MiB): about 2 % false positives at ~800 000 cids in a
window, 1 300 messages a second for 10 minutes, 0.05 % at 100 000; past that, more
history look-ups."""

HASHES = 4
"""Bits per pair, all in one 64-bit word of the filter."""

_WORDS = FILTER_BITS // 64
_WORD_INDEX_BITS = _WORDS.bit_length() - 1


def _slot(key: str, cid: str) -> tuple[int, int]:
    """The pair's word in a generation, and its bits in that word.

    A "blocked" Bloom filter: every bit of a pair in one word makes a check one read
    and one compare, against four bit look-ups (a 60 % cheaper check on every say,
    for a few tenths of a percent more false positives). Python's own hash: the
    filter lives only in this process (rebuilt from the history at start), so a
    per-process hash seed is fine; its 64 bits give the word and four 6-bit positions
    (a 32-bit Python's hash would give more false positives, never a false negative).
    """
    h = hash((key, cid))
    bits = h >> _WORD_INDEX_BITS
    mask = 1 << (bits & 63) | 1 << (bits >> 6 & 63) | 1 << (bits >> 12 & 63) | 1 << (bits >> 18 & 63)
    return h & (_WORDS - 1), mask


class RecentCids:
    """A set of (name key, cid) that may answer "maybe" but never forgets within a window.

    An entry lives between one and two windows: it goes into the current
    generation, which becomes the previous one at the next rotation and is
    dropped at the one after.
    """

    def __init__(self, window: float, now: float) -> None:
        self._window = window
        self._rotated_at = now
        self._current = _generation()
        self._previous = _generation()

    def _rotate(self, now: float) -> None:
        if now - self._rotated_at < self._window:
            return
        # Two windows or more of silence: both generations are stale.
        stale = now - self._rotated_at >= 2 * self._window
        self._previous = _generation() if stale else self._current
        self._current = _generation()
        self._rotated_at = now

    def add(self, key: str, cid: str, now: float) -> None:
        self.check_and_add(key, cid, now)

    def check_and_add(self, key: str, cid: str, now: float) -> bool:
        """Remember the pair; whether it may have been there already (one hash for both)."""
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        index, mask = _slot(key, cid)
        current = self._current
        word = current[index]
        if word & mask == mask:
            return True
        current[index] = word | mask
        return self._previous[index] & mask == mask

    def may_contain(self, key: str, cid: str, now: float) -> bool:
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        index, mask = _slot(key, cid)
        return self._current[index] & mask == mask or self._previous[index] & mask == mask


def _generation() -> array[int]:
    return array("Q", bytes(FILTER_BITS // 8))
