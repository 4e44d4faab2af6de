"""The names of the registered users, sorted, with their JSON kept ready for ``welcome``.

Every ``welcome`` lists everyone (PROTOCOL.md §3). Sorting and encoding the whole
list per registration made a room of 10 000 spend most of its time there (the
10 000th joiner alone cost 10 000 names sorted and encoded). Here each name is
encoded once and kept in order by bisection, in blocks of a few hundred that each
keep their part of the JSON joined: a registration joins one block again and then
the blocks' parts, not every name (joining all 10 000 encoded names for each of
10 000 joiners took 1 s of a 7 s C10K registration).
"""

from __future__ import annotations

import bisect
import json

__all__ = ["Roster", "BLOCK_SIZE"]

BLOCK_SIZE = 256
"""Names a block holds before it splits in two: joining one block and then the
blocks' parts both stay small at 10 000 names."""


class Roster:
    """Sorted names (by code point, as ``sorted()`` orders them) and their JSON array."""

    def __init__(self, *, block_size: int = BLOCK_SIZE) -> None:
        self._block_size = max(2, block_size)
        # Parallel lists, one item per block, blocks in order and never empty.
        self._firsts: list[str] = []  # each block's first name, to find a name's block
        self._names: list[list[str]] = []
        self._encoded: list[list[bytes]] = []
        self._parts: list[bytes] = []  # a block's encoded names joined by commas; b"" until joined
        self._count = 0
        self._json: bytes | None = b"[]"

    def __len__(self) -> int:
        return self._count

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not self._names:
            return False
        names = self._names[self._block_of(name)]
        i = bisect.bisect_left(names, name)
        return i < len(names) and names[i] == name

    @property
    def names(self) -> list[str]:
        """The names, sorted (a copy)."""
        return [name for block in self._names for name in block]

    def _block_of(self, name: str) -> int:
        """The block that holds ``name``, or would: the last one starting at or before it."""
        return max(0, bisect.bisect_right(self._firsts, name) - 1)

    def add(self, name: str) -> None:
        encoded = json.dumps(name, ensure_ascii=False).encode("utf-8")
        if not self._names:
            self._firsts.append(name)
            self._names.append([name])
            self._encoded.append([encoded])
            self._parts.append(b"")
        else:
            b = self._block_of(name)
            names = self._names[b]
            i = bisect.bisect_left(names, name)
            if i < len(names) and names[i] == name:
                return
            names.insert(i, name)
            self._encoded[b].insert(i, encoded)
            self._parts[b] = b""
            if i == 0:
                self._firsts[b] = name
            if len(names) > self._block_size:
                self._split(b)
        self._count += 1
        self._json = None

    def _split(self, b: int) -> None:
        half = len(self._names[b]) // 2
        names, encoded = self._names[b], self._encoded[b]
        self._names[b : b + 1] = [names[:half], names[half:]]
        self._encoded[b : b + 1] = [encoded[:half], encoded[half:]]
        self._parts[b : b + 1] = [b"", b""]
        self._firsts.insert(b + 1, names[half])

    def remove(self, name: str) -> None:
        if not self._names:
            return
        b = self._block_of(name)
        names = self._names[b]
        i = bisect.bisect_left(names, name)
        if i == len(names) or names[i] != name:
            return
        del names[i]
        del self._encoded[b][i]
        if not names:
            del self._firsts[b], self._names[b], self._encoded[b], self._parts[b]
        else:
            self._parts[b] = b""
            if i == 0:
                self._firsts[b] = names[0]
        self._count -= 1
        self._json = None

    def json(self) -> bytes:
        """The names as a JSON array, UTF-8, as ``json.dumps(names, ensure_ascii=False)``
        would write it without spaces."""
        if self._json is None:
            parts = self._parts
            for b, part in enumerate(parts):
                if not part:  # a name is never empty JSON: this block changed
                    parts[b] = b",".join(self._encoded[b])
            self._json = b"[" + b",".join(parts) + b"]"
        return self._json
