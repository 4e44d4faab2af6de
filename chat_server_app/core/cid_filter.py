"""Which (name, cid) pairs the server accepted recently, and under which message ids.

§3: a ``say`` whose ``cid`` was accepted from the same name in the last 10
minutes is answered with the original instead of being posted again. Keeping
every pair as Python objects for 10 minutes grows with traffic (0.4 KB a message:
75 MB at 300 lines a second). Here two Bloom filters, rotated every window, answer
"certainly new" for almost every ``say`` from 2 MiB; beside each, the 64-bit
fingerprint and the id of every message it holds (16 bytes a message) turn a
"maybe" into the few ids to read from the history by primary key (searching only the
sender's own messages).

That is what lets the history go without an index on (name, cid): with the random
cids clients send, that index put one more page in the log for almost every
message (1.4-1.6 pages a message instead of 0.1-0.2 in batches of 10-40) and made
storing a message five times dearer.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

__all__ = ["RecentCids", "FILTER_BITS", "HASHES"]

FILTER_BITS = 1 << 23
"""Bits per generation (1 MiB): about 2 % false positives at ~800 000 cids in a
window, 1 300 messages a second for 10 minutes, 0.05 % at 100 000; past that, more
fingerprint searches (of the sender's own messages only)."""

HASHES = 4
"""Bits per pair, all in one 64-bit word of the filter."""

_WORDS = FILTER_BITS // 64
_WORD_INDEX_BITS = _WORDS.bit_length() - 1
_FINGERPRINT_BYTES = 8


def _hash(key: str, cid: str) -> int:
    """The pair's 64-bit hash (Python's own: the filter lives only in this process,
    rebuilt from the history at start, so a per-process hash seed is fine; a 32-bit
    Python's would only give more false "maybe"s, never a missed pair)."""
    return hash((key, cid))


def _slot(h: int) -> tuple[int, int]:
    """The pair's word in a generation, and its bits in that word.

    A "blocked" Bloom filter: every bit of a pair in one word makes a check one read
    and one compare, against four bit look-ups (a 60 % cheaper check on every say,
    for a few tenths of a percent more false positives); the hash's bits give the
    word and four 6-bit positions.
    """
    bits = h >> _WORD_INDEX_BITS
    mask = 1 << (bits & 63) | 1 << (bits >> 6 & 63) | 1 << (bits >> 12 & 63) | 1 << (bits >> 18 & 63)
    return h & (_WORDS - 1), mask


def _fingerprint(h: int) -> bytes:
    return (h & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(_FINGERPRINT_BYTES, "little")


class _Prints:
    """One sender's fingerprints and message ids in a generation, oldest first."""

    __slots__ = ("fingerprints", "ids")

    def __init__(self) -> None:
        # One flat byte string: bytes.rfind searches it at memory speed, where an array
        # of integers would box every element it compares.
        self.fingerprints = bytearray()
        self.ids = array("q")

    def ids_of(self, fingerprint: bytes) -> Iterator[int]:
        """The ids filed under ``fingerprint``, newest first (one sender's few: a
        fingerprint's false matches are rare)."""
        prints = self.fingerprints
        end = len(prints)
        while (at := prints.rfind(fingerprint, 0, end)) >= 0:
            if at % _FINGERPRINT_BYTES == 0:
                yield self.ids[at // _FINGERPRINT_BYTES]
            end = at + _FINGERPRINT_BYTES - 1  # a match may start one byte before this one


class _Generation:
    """One window's pairs: the Bloom filter, and each sender's fingerprints and ids.

    By sender, so that a "maybe" searches only what that name sent: a client that
    re-sends an old cid again and again (answered without spending rate tokens, as a
    re-send after a reconnect must be) costs a search of its own few messages, not of
    everyone's window (1.4 ms at 800 000).
    """

    __slots__ = ("bloom", "by_sender")

    def __init__(self) -> None:
        self.bloom = array("Q", bytes(FILTER_BITS // 8))
        self.by_sender: dict[str, _Prints] = {}


class RecentCids:
    """The (name key, cid) pairs of recent messages: never forgets one within a window.

    An entry lives between one and two windows: it goes into the current
    generation, which becomes the previous one at the next rotation and is
    dropped at the one after.

    Every say is looked up and, almost always, added right after: the pair's hash
    and slot from the look-up are kept for the add (the same ``cid`` object), and a
    miss is a few operations in one call; it is the path of every message.
    """

    __slots__ = ("_window", "_rotated_at", "_current", "_previous", "_last_cid", "_last_key", "_last_slot")

    def __init__(self, window: float, now: float) -> None:
        self._window = window
        self._rotated_at = now
        self._current = _Generation()
        self._previous = _Generation()
        self._last_cid: str | None = None
        self._last_key: str | None = None
        self._last_slot = (0, 0, 0)

    def _rotate(self, now: float) -> None:
        if now - self._rotated_at < self._window:
            return
        # Two windows or more of silence: both generations are stale.
        stale = now - self._rotated_at >= 2 * self._window
        self._previous = _Generation() if stale else self._current
        self._current = _Generation()
        self._rotated_at = now

    def _slot_of(self, key: str, cid: str) -> tuple[int, int, int]:
        """The pair's hash, word and bits (:func:`_slot`), kept for the next call."""
        if cid is self._last_cid and key is self._last_key:
            return self._last_slot
        h = _hash(key, cid)
        self._last_cid = cid
        self._last_key = key
        slot = self._last_slot = (h, *_slot(h))
        return slot

    def add(self, key: str, cid: str, message_id: int, now: float) -> None:
        """Remember that message ``message_id`` was accepted from ``key`` with ``cid``."""
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        h, index, mask = self._slot_of(key, cid)
        current = self._current
        current.bloom[index] |= mask
        prints = current.by_sender.get(key)
        if prints is None:
            prints = current.by_sender[key] = _Prints()
        prints.fingerprints += _fingerprint(h)
        prints.ids.append(message_id)

    def may_contain(self, key: str, cid: str, now: float) -> bool:
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        _, index, mask = self._slot_of(key, cid)
        return self._current.bloom[index] & mask == mask or self._previous.bloom[index] & mask == mask

    def candidates(self, key: str, cid: str, now: float) -> Sequence[int]:
        """Ids of messages that may have been accepted with this pair, newest first.

        Empty for almost every new pair (one filter read); otherwise every id whose
        fingerprint matches, for the caller to check against the message itself.
        """
        if now - self._rotated_at >= self._window:
            self._rotate(now)
        h, index, mask = self._slot_of(key, cid)
        in_current = self._current.bloom[index] & mask == mask
        if not in_current and self._previous.bloom[index] & mask != mask:
            return ()
        ids: list[int] = []
        for generation in (self._current, self._previous):
            if generation.bloom[index] & mask != mask:
                continue
            if (prints := generation.by_sender.get(key)) is not None:
                ids.extend(prints.ids_of(_fingerprint(h)))
        return ids
