"""The names of the registered users, sorted, with their JSON kept ready for ``welcome``.

Every ``welcome`` lists everyone (PROTOCOL.md §3). Sorting and encoding the whole
list per registration made a room of 10 000 spend most of its time there (the
10 000th joiner alone cost 10 000 names sorted and encoded); here each name is
encoded once, kept in order by bisection, and the list is joined at most once per
change.
"""

from __future__ import annotations

import bisect
import json

__all__ = ["Roster"]


class Roster:
    """Sorted names (by code point, as ``sorted()`` orders them) and their JSON array."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._encoded: list[bytes] = []
        self._json: bytes | None = b"[]"

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        i = bisect.bisect_left(self._names, name)
        return i < len(self._names) and self._names[i] == name

    @property
    def names(self) -> list[str]:
        """The names, sorted (a copy)."""
        return list(self._names)

    def add(self, name: str) -> None:
        i = bisect.bisect_left(self._names, name)
        if i < len(self._names) and self._names[i] == name:
            return
        self._names.insert(i, name)
        self._encoded.insert(i, json.dumps(name, ensure_ascii=False).encode("utf-8"))
        self._json = None

    def remove(self, name: str) -> None:
        i = bisect.bisect_left(self._names, name)
        if i < len(self._names) and self._names[i] == name:
            del self._names[i]
            del self._encoded[i]
            self._json = None

    def json(self) -> bytes:
        """The names as a JSON array, UTF-8, as ``json.dumps(names, ensure_ascii=False)``
        would write it without spaces."""
        if self._json is None:
            self._json = b"[" + b",".join(self._encoded) + b"]"
        return self._json
