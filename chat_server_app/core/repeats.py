"""Warnings about one peer, counted once they repeat: a flood cannot flood the log.

Every bad frame is answered with an ``error``, and each used to be a log line: one
client sending unknown types made 146 MB/s of log. Now the first few warnings of a
kind (an error code, a failed connection) from one address within a window are
shown; the rest are counted, and one summary says how many when the window ends
or the address's last connection closes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RepeatFilter", "Repeats", "REPEAT_WINDOW", "REPEAT_SHOWN"]

REPEAT_WINDOW = 10.0
"""Seconds a kind of warning from one address is counted for: long enough that a
flood gives one summary line per kind every 10 s, short enough that an operator
reading the log sees a new problem's first lines soon."""

REPEAT_SHOWN = 5
"""Warnings of one kind from one address shown per window before counting starts:
a person who mistypes the password a few times still sees every attempt."""


@dataclass(frozen=True, slots=True)
class Repeats:
    """``count`` more warnings of ``kind`` from ``address`` than were shown."""

    address: str
    kind: str
    count: int


class _Window:
    __slots__ = ("ends", "shown", "hidden")

    def __init__(self, ends: float) -> None:
        self.ends = ends
        self.shown = 0
        self.hidden = 0


class RepeatFilter:
    """Decides which warnings reach the log; counts the others per address and kind."""

    def __init__(self, window: float = REPEAT_WINDOW, shown: int = REPEAT_SHOWN) -> None:
        self._window = window
        self._shown = shown
        # Opened in time order with one length, so the first ones end first.
        self._windows: dict[tuple[str, str], _Window] = {}
        self._kinds: dict[str, set[str]] = {}  # the kinds with a window, by address
        self._ended: list[Repeats] = []  # summaries of windows that ended early
        self._connections: dict[str, int] = {}

    def __len__(self) -> int:
        """Windows open: one per address and kind warned about lately."""
        return len(self._windows)

    def allow(self, address: str, kind: str, now: float) -> bool:
        """Whether this warning is shown; if not, it is counted for a summary."""
        key = (address, kind)
        window = self._windows.get(key)
        if window is not None and window.ends <= now:
            # Ended, and :meth:`due` has not looked yet: a new window starts at the
            # end of the order, and the old one's summary waits for :meth:`due`.
            self._close(key)
            window = None
        if window is None:
            window = self._windows[key] = _Window(now + self._window)
            self._kinds.setdefault(address, set()).add(kind)
        if window.shown < self._shown:
            window.shown += 1
            return True
        window.hidden += 1
        return False

    def _close(self, key: tuple[str, str]) -> None:
        window = self._windows.pop(key)
        kinds = self._kinds[key[0]]
        kinds.discard(key[1])
        if not kinds:
            del self._kinds[key[0]]
        if window.hidden:
            self._ended.append(Repeats(key[0], key[1], window.hidden))

    def due(self, now: float) -> list[Repeats]:
        """Summaries of the windows that ended (each window is forgotten then)."""
        windows = self._windows
        while windows:
            key = next(iter(windows))
            if windows[key].ends > now:
                break
            self._close(key)
        ended, self._ended = self._ended, []
        return ended

    def opened(self, address: str) -> None:
        """A connection from ``address`` opened."""
        self._connections[address] = self._connections.get(address, 0) + 1

    def closed(self, address: str) -> list[Repeats]:
        """A connection from ``address`` closed: if it was its last, its summaries now."""
        left = self._connections.get(address, 0) - 1
        if left > 0:
            self._connections[address] = left
            return []
        self._connections.pop(address, None)
        for kind in sorted(self._kinds.get(address, ())):
            self._close((address, kind))
        ended, self._ended = self._ended, []
        return ended

    def flush(self) -> list[Repeats]:
        """Every summary still counting (the server is stopping)."""
        for key in list(self._windows):
            self._close(key)
        ended, self._ended = self._ended, []
        return ended
