"""Which ``joined`` and ``left`` the others are shown: a name that flaps is shown once.

One connection looping ``hello`` and ``bye`` made 1 418 joins and leaves a second,
each a frame to every listener. Here a name's comings and goings within
:data:`~shared.limits.PRESENCE_WINDOW` are damped:

- A name that leaves is shown leaving at once, unless it came back less than a
  window after leaving before and is leaving again within a window of that:
  then its ``left`` is *held* for a window.
- A name that comes back while its ``left`` is held is shown nothing: for the
  others it never left.
- A held ``left`` whose window ends is shown then.

So a flapping name costs the others one ``joined``, at most one ``left`` and
``joined`` pair (the first time it comes back), and one ``left`` at the end.
While a ``left`` is held the name stays in the roster, so that a ``welcome``
lists whom the newcomer will later be shown leaving. The order of PROTOCOL.md
§6 holds: a held name has no connection, so no message of theirs can come
while the others are shown them present but they are not; a message after their
return finds them shown present.

A kick is never held: the operator's order is shown at once. A name that comes
back spelled differently (same key, other case) has its held ``left`` shown
first: the others must not go on showing the old spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.messages import LeftReason

__all__ = ["HeldLeft", "Presence"]


@dataclass(frozen=True, slots=True)
class HeldLeft:
    """A ``left`` not shown yet: ``name`` went, for ``reason``, until ``due``."""

    name: str
    reason: LeftReason
    due: float


class Presence:
    """Per name key: when it joined and last left, and its held ``left`` if any."""

    def __init__(self, window: float) -> None:
        self._window = window
        # Both in time order: an entry is re-inserted at the end when it changes, and
        # every entry lives one window, so the oldest are first.
        self._left_at: dict[str, float] = {}  # a key's last leave, for one window
        self._held: dict[str, HeldLeft] = {}
        # Registered keys: since when, and whether that was a return within a window.
        self._since: dict[str, tuple[float, bool]] = {}

    def __len__(self) -> int:
        """Keys remembered: held ``left``s, recent leaves and registered names."""
        return len(self._left_at) + len(self._held) + len(self._since)

    def take_held(self, key: str) -> HeldLeft | None:
        """A name with this key registers: its held ``left``, no longer held."""
        return self._held.pop(key, None)

    def joined(self, key: str, now: float, *, returned: bool) -> None:
        """A name with this key registered; ``returned``: its held ``left`` was taken
        back (the others are shown no ``joined``)."""
        left_at = self._left_at.get(key)
        back_soon = returned or (left_at is not None and now - left_at < self._window)
        self._since[key] = (now, back_soon)

    def left(self, key: str, name: str, reason: LeftReason | None, now: float) -> bool:
        """A registered name left (``reason`` ``None``: the server stops); whether its
        ``left`` is held rather than shown now."""
        since, back_soon = self._since.pop(key, (now, False))
        self._left_at.pop(key, None)
        self._left_at[key] = now
        if reason is None or reason is LeftReason.KICKED or not back_soon or now - since >= self._window:
            return False
        self._held[key] = HeldLeft(name, reason, now + self._window)
        return True

    def due(self, now: float) -> list[HeldLeft]:
        """The held ``left``s whose window ended, oldest first; they are no longer held."""
        while self._left_at:
            key = next(iter(self._left_at))
            if now - self._left_at[key] < self._window:
                break
            del self._left_at[key]
        ended: list[HeldLeft] = []
        while self._held:
            key = next(iter(self._held))
            if self._held[key].due > now:
                break
            ended.append(self._held.pop(key))
        return ended

    def clear(self) -> list[HeldLeft]:
        """The server stops: forget everything; the held ``left``s (never to be shown)."""
        held = list(self._held.values())
        self._held.clear()
        self._left_at.clear()
        self._since.clear()
        return held
